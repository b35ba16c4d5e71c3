package id.lumbung.crash;

import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start regenerates every settlement file its listing advertises that is missing, byte for
 * byte, before it is ready: from the snapshot (which holds the batches but writes no file) and
 * without it (the whole replay). Each one is logged and counted. A file whose size differs from
 * the listing stops the start, naming the file.
 */
class SettlementFilesRestoredTest {
    private static final String METRIC = "lumbung_settlement_files_regenerated_total";

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aStartWritesMissingFilesAgainBeforeItIsReady(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        Path files = data.resolve("files");
        String brhBatch;
        String klwBatch;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            // T0000001: BRH-001 of KSP-BERINGHARJO; T0000006: KLW-001 of KSP-KLEWER
            assertThat(client.post("T0000001", Client.paymentBody("T0000001", "r-1", 600_000)).statusCode()).isEqualTo(201);
            assertThat(client.post("T0000006", Client.paymentBody("T0000006", "r-2", 15_000)).statusCode()).isEqualTo(201);
            assertThat(client.close().statusCode()).isEqualTo(200);
            assertThat(client.post("T0000001", Client.paymentBody("T0000001", "r-3", 20_000)).statusCode()).isEqualTo(201);
            HttpResponse<String> second = client.close();
            assertThat(second.statusCode()).isEqualTo(200);
            // after the journal's reference entries: payments, the first close at 3, a payment, the second at 5
            int r = id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES;
            brhBatch = "KSP-BERINGHARJO-" + (r + 3);
            klwBatch = "KSP-KLEWER-" + (r + 3);
            assertThat(new JsonObject(second.body()).getJsonArray("batches").getJsonObject(0).getString("batchId"))
                    .isEqualTo("KSP-BERINGHARJO-" + (r + 5));
            assertThat(engine.stop()).isZero();
            assertThat(engine.output()).contains("event=snapshot_written");
        }
        Map<String, String> written = SettlementCrashTest.digests(files);
        assertThat(written).hasSize(9); // three batches: CSV, camt.053, payouts CSV each
        byte[] csv = Files.readAllBytes(files.resolve("KSP-BERINGHARJO/" + brhBatch + ".csv"));

        // from the snapshot: one file of a batch, and every file of another
        List<Path> gone = List.of(files.resolve("KSP-BERINGHARJO/" + brhBatch + ".csv"),
                files.resolve("KSP-KLEWER/" + klwBatch + ".csv"), files.resolve("KSP-KLEWER/" + klwBatch + ".camt053.xml"),
                files.resolve("KSP-KLEWER/" + klwBatch + ".payouts.csv"));
        for (Path p : gone) {
            Files.delete(p);
        }
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            // start() returned once /health/ready answered 200: the files were back by then
            assertThat(SettlementCrashTest.digests(files)).isEqualTo(written);
            String log = engine.output();
            assertThat(log).contains("event=snapshot_loaded");
            assertThat(log.lines().filter(l -> l.contains("event=settlement_file_regenerated")))
                    .hasSize(4)
                    .anySatisfy(l -> assertThat(l).endsWith("file=" + gone.get(0)))
                    .anySatisfy(l -> assertThat(l).endsWith("file=" + gone.get(1)))
                    .anySatisfy(l -> assertThat(l).endsWith("file=" + gone.get(2)))
                    .anySatisfy(l -> assertThat(l).endsWith("file=" + gone.get(3)));
            assertThat(regeneratedBeforeReady(log)).isTrue();
            Client client = new Client(engine);
            assertThat(client.metrics()).contains(METRIC + " 4.0");
            HttpResponse<byte[]> served = file(client, "KSP-BERINGHARJO", brhBatch, brhBatch + ".csv");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(csv);
            SettlementCrashTest.listedBatches(client, data);
            assertThat(engine.stop()).isZero();
        }

        // without the snapshot: the whole replay writes it again
        deleteTree(data.resolve("snapshot"));
        Files.delete(gone.get(0));
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(SettlementCrashTest.digests(files)).isEqualTo(written);
            String log = engine.output();
            assertThat(log).doesNotContain("event=snapshot_");
            assertThat(log.lines().filter(l -> l.contains("event=settlement_file_regenerated")))
                    .singleElement().satisfies(l -> assertThat(l).endsWith("file=" + gone.get(0)));
            assertThat(regeneratedBeforeReady(log)).isTrue();
            Client client = new Client(engine);
            assertThat(client.metrics()).contains(METRIC + " 1.0");
            assertThat(file(client, "KSP-BERINGHARJO", brhBatch, brhBatch + ".csv").body()).isEqualTo(csv);
            assertThat(engine.stop()).isZero();
        }
        // nothing missing: nothing written, the metric stays at zero
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).contains("event=snapshot_loaded").doesNotContain("event=settlement_file_regenerated");
            assertThat(new Client(engine).metrics()).contains(METRIC + " 0.0");
            assertThat(engine.stop()).isZero();
        }
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();

        // a file cut short is not served, nor written over: the start stops and names it
        Path cut = files.resolve("KSP-KLEWER/" + klwBatch + ".camt053.xml");
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        Path log = root.resolve("engine-refused.log");
        Process p = EngineProcess.launch(data, log, "sync");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        String out = Files.readString(log);
        assertThat(out).contains(cut + " is " + (whole.length - 10) + " bytes, but batch " + klwBatch + " lists it at "
                + whole.length + " bytes").doesNotContain("Lumbung is ready");
        assertThat(Files.size(cut)).isEqualTo(whole.length - 10);
    }

    /** Every regenerated-file line comes before the line saying the engine is ready. */
    private static boolean regeneratedBeforeReady(String log) {
        int ready = log.indexOf("event=ready ");
        int last = log.lastIndexOf("event=settlement_file_regenerated");
        return ready > 0 && last >= 0 && last < ready;
    }

    private static HttpResponse<byte[]> file(Client client, String coop, String batchId, String name) throws Exception {
        return client.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.httpPort + "/v1/coops/" + coop
                + "/settlements/" + batchId + "/" + name)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + DemoCredentials.coopToken(coop)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void deleteTree(Path root) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
