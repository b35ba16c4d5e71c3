package id.lumbung.crash;

import id.lumbung.reference.ReferenceDataGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL while a close is writing its files, proven to land there: with generated reference data
 * of {@value #COOPS} cooperatives the file phase writes {@value #COOPS} folders' files, and the test
 * kills the engine once a seeded number of them (10-90%) exist: with an fsync per file, when some
 * batches' files are in place and others are not; with a file system sync per close, while the
 * temp files are being written or renamed. (SettlementCrashTest kills at
 * moments around a close; whether one of those lands inside the file phase is left to timing.)
 * After the restart, which settles the journaled close again from the journal: every cooperative
 * lists exactly one batch holding its payment, every payment is SETTLED in it, no temp file is left,
 * and {@code reconcile} finds the files and ledger byte-identical to a recomputation from the
 * journal. Attempts until a kill lands mid-phase (at most {@value #ATTEMPTS}); seed
 * {@code -Dlumbung.crash.seed}.
 */
class SettlementFileCrashTest {
    static final int COOPS = 400;
    static final int ATTEMPTS = 5;

    @TempDir
    Path tmp;

    /**
     * @param filesSync {@code auto}: the close writes every temp file, syncs the file system,
     *     renames them all and syncs again, so a kill lands among temp files or among the renames;
     *     {@code per-file}: each file is fsynced and renamed in turn, so a kill lands among files
     *     in place and files not yet begun
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "per-file"})
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killedWhileACloseWritesItsFilesEveryBatchExistsOnceAndReconciles(String filesSync) throws Exception {
        long seed = Long.getLong("lumbung.crash.seed", 20261130L);
        Path reference = tmp.resolve("reference");
        // one trader and one terminal per cooperative: terminal i belongs to cooperative i
        ReferenceDataGenerator.write(reference, COOPS, COOPS, COOPS, seed);
        String config = "reference.dir=" + reference + "\nsettlement.files.sync=" + filesSync + "\n";
        boolean landed = false;
        for (int attempt = 0; attempt < ATTEMPTS && !landed; attempt++) {
            Path data = tmp.resolve("data-" + attempt);
            Map<String, String[]> paid = new HashMap<>(); // coopId -> terminal, paymentId
            int foldersAtKill;
            try (EngineProcess engine = EngineProcess.start(data, "sync", config)) {
                // the mode asked for is the mode used (CI runs on Linux 6 with ext4, where auto syncs)
                assertThat(engine.output()).contains(filesSync.equals("auto")
                        ? "event=settlement_files_durability how=\"syncfs of " : "how=\"fsync per file");
                Client client = new Client(engine);
                Random random = new Random(seed + attempt);
                for (int i = 0; i < COOPS; i++) {
                    String terminal = ReferenceDataGenerator.terminalId(i);
                    HttpResponse<String> r = client.post(terminal,
                            Client.paymentBody(terminal, "F" + attempt + "-" + i, 1_000 + random.nextInt(900_000)));
                    if (r.statusCode() == 201) { // a terminal the generator made BLOCKED is refused: its cooperative gets no batch
                        paid.put(ReferenceDataGenerator.coopId(i), new String[] {terminal, Client.field(r.body(), "paymentId")});
                    }
                }
                assertThat(paid).as("payments accepted").hasSizeGreaterThan(COOPS / 2);
                CompletableFuture<HttpResponse<String>> closing = client.closeAsync();
                // kill once this many cooperatives' folders hold a file: a batch's files appear as
                // the close writes them, so some batches are written by then and others not yet begun
                int killAtFolders = paid.size() / 10 + random.nextInt(paid.size() * 8 / 10);
                foldersAtKill = killOnceFoldersExist(engine, data.resolve("files"), killAtFolders, closing, paid.size());
            }
            int filesAtKill = batchFiles(data.resolve("files"));
            int tempsAtKill = tempFiles(data.resolve("files"));
            landed = tempsAtKill > 0 || filesAtKill > 0 && filesAtKill < 2 * paid.size();
            System.out.printf("%s attempt %d: killed with %d of %d folders, %d of %d batch files and %d temp files%n",
                    filesSync, attempt, foldersAtKill, paid.size(), filesAtKill, 2 * paid.size(), tempsAtKill);

            try (EngineProcess engine = EngineProcess.start(data, "sync", config)) {
                Client client = new Client(engine);
                for (Map.Entry<String, String[]> e : paid.entrySet()) {
                    JsonArray batches = new JsonObject(client.settlements(e.getKey()).body()).getJsonArray("batches");
                    assertThat(batches).as("batches of %s (attempt %d, %d folders at the kill)", e.getKey(), attempt,
                            foldersAtKill).hasSize(1);
                    assertThat(batches.getJsonObject(0).getLong("payments")).isEqualTo(1L);
                    JsonObject status = new JsonObject(client.status(e.getValue()[0], e.getValue()[1]).body());
                    assertThat(status.getString("status")).isEqualTo("SETTLED");
                    assertThat(status.getString("batchId")).isEqualTo(batches.getJsonObject(0).getString("batchId"));
                }
                assertThat(engine.stop()).isZero();
            }
            try (Stream<Path> files = Files.walk(data.resolve("files"))) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList())
                        .as("temp files left after the redo").isEmpty();
            }
            EngineProcess.Run reconcile = EngineProcess.reconcileWith(tmp, "--data", data.toString(),
                    "--reference", reference.toString());
            assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        }
        assertThat(landed).as("a kill landed inside the file phase within " + ATTEMPTS + " attempts").isTrue();
    }

    /**
     * Polls {@code files/} and kills the engine as soon as {@code folders} cooperatives' folders
     * hold a file; if the close answers first, kills it then.
     *
     * @return the number of cooperative folders at the kill
     */
    private static int killOnceFoldersExist(EngineProcess engine, Path files, int folders, CompletableFuture<?> closing,
            int batches)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !closing.isDone()) {
            if (folders(files) >= folders) {
                engine.kill();
                return folders(files);
            }
            Thread.onSpinWait();
        }
        engine.kill();
        return closing.isDone() ? batches : folders(files);
    }

    /** The batch files in place under {@code files/} (temp files not counted). */
    private static int batchFiles(Path files) throws IOException {
        if (!Files.isDirectory(files)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(files)) {
            return (int) s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && (n.endsWith(".csv") || n.endsWith(".camt053.xml"))).count();
        }
    }

    /** The temp files under {@code files/}: files being written, not yet renamed into place. */
    private static int tempFiles(Path files) throws IOException {
        if (!Files.isDirectory(files)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(files)) {
            return (int) s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && n.endsWith(".tmp")).count();
        }
    }

    /**
     * The cooperatives' folders holding at least one file, in place or temp: a batch's files start
     * there as the close writes them (the folders themselves are made at start, by settlement's
     * warm-up).
     */
    private static int folders(Path files) throws IOException {
        if (!Files.isDirectory(files)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(files)) {
            List<Path> dirs = new ArrayList<>();
            s.filter(Files::isDirectory).forEach(dirs::add);
            int started = 0;
            for (Path d : dirs) {
                try (Stream<Path> inside = Files.list(d)) {
                    started += inside.findAny().isPresent() ? 1 : 0;
                } catch (java.nio.file.NoSuchFileException gone) {
                    // not a cooperative's folder being written
                }
            }
            return started;
        }
    }
}
