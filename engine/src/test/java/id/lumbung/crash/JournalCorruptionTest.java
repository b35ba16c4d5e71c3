package id.lumbung.crash;

import id.lumbung.TestBytes;
import io.vertx.core.json.JsonObject;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A torn tail is discarded (and marked); a corrupt entry in the middle stops the engine and reconcile. */
class JournalCorruptionTest {
    @TempDir
    Path tmp;

    private static final String TERMINAL = "T0000004";

    private static List<String> postFive(Client client, String prefix) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = client.post(TERMINAL, body(prefix, i));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(Client.field(r.body(), "paymentId"));
        }
        return ids;
    }

    private static final java.util.Map<String, String> BODIES = new java.util.concurrent.ConcurrentHashMap<>();

    /** The same body for the same txnId (occurredAt fixed at first use), so that a re-POST is a replay. */
    private static String body(String prefix, int i) {
        return BODIES.computeIfAbsent(prefix + i, k -> Client.paymentBody(TERMINAL, prefix + "TXN" + i, 10_000 + i));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void tornTailIsDiscardedMarkedAndSurvivesTwoRestarts() throws Exception {
        Path data = tmp.resolve("data");
        List<String> ids;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            ids = postFive(new Client(engine), "TORN");
            assertThat(engine.stop()).isZero();
        }
        // a crash mid-write: a last document of a few random bytes
        byte[] garbage = new byte[7];
        new Random(42).nextBytes(garbage);
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(data.resolve("journal"))
                .rollCycle(RollCycles.FAST_DAILY).build();
                ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(garbage);
            }
        }
        String newId;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).contains("event=journal_torn_tail");
            Client client = new Client(engine);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = client.post(TERMINAL, body("TORN", i));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Client.field(r.body(), "paymentId")).isEqualTo(ids.get(i));
            }
            HttpResponse<String> fresh = client.post(TERMINAL, body("AFTER", 0));
            assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(201);
            newId = Client.field(fresh.body(), "paymentId");
            assertThat(newId).isNotIn(ids);
            assertThat(engine.stop()).isZero();
        }
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            assertThat(engine.output()).doesNotContain("event=journal_torn_tail");
            HttpResponse<String> again = client.post(TERMINAL, body("AFTER", 0));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(Client.field(again.body(), "paymentId")).isEqualTo(newId);
            for (String id : ids) {
                assertThat(new JsonObject(client.status(TERMINAL, id).body()).getString("status")).isEqualTo("ACCEPTED");
            }
            assertThat(client.close().statusCode()).isEqualTo(200);
            assertThat(engine.stop()).isZero();
        }
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        assertThat(reconcile.leftInTemp()).as("reconcile's scratch folder").isEmpty();
    }

    /**
     * The torn write as Chronicle itself leaves it after a SIGKILL mid-append (incomplete header, the
     * append lock held by a dead process): the earlier payments replay, the next payment is accepted
     * promptly, and both a second restart and reconcile are clean.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void appendKilledMidDocumentIsRecovered() throws Exception {
        Path data = tmp.resolve("data");
        List<String> ids;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            ids = postFive(new Client(engine), "HALT");
            assertThat(engine.stop()).isZero();
        }
        ProcessBuilder pb = new ProcessBuilder(EngineProcess.javaCommand("--version"));
        List<String> cmd = new java.util.ArrayList<>(pb.command());
        cmd.set(cmd.indexOf("id.lumbung.cli.Main"), TornWriter.class.getName());
        cmd.set(cmd.size() - 1, data.resolve("journal").toString());
        Process writer = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("torn.log").toFile()).start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("torn.log"))).contains("halting mid-write");

        String newId;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = client.post(TERMINAL, body("HALT", i));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Client.field(r.body(), "paymentId")).isEqualTo(ids.get(i));
            }
            long t0 = System.nanoTime();
            HttpResponse<String> fresh = client.post(TERMINAL, body("AFTERHALT", 0));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("first append after a halted writer: " + fresh.statusCode() + " in " + ms + " ms");
            assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(201);
            assertThat(ms).as("first append after a halted writer, ms").isLessThan(5_000);
            newId = Client.field(fresh.body(), "paymentId");
            assertThat(engine.stop()).isZero();
        }
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            HttpResponse<String> again = client.post(TERMINAL, body("AFTERHALT", 0));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(Client.field(again.body(), "paymentId")).isEqualTo(newId);
            assertThat(client.close().statusCode()).isEqualTo(200);
            assertThat(engine.stop()).isZero();
        }
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void bitrotInAnEarlyEntryStopsTheEngineAndReconcile() throws Exception {
        bitrotInAnEarlyEntry(false);
    }

    /**
     * With the snapshot of the clean stop, the start does not replay the rotten entry: it becomes
     * ready from the snapshot, and the journal check that runs beside it finds the entry and stops
     * the engine with the same message.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void bitrotBeforeASnapshotIsFoundByTheJournalCheckAndStopsTheEngine() throws Exception {
        bitrotInAnEarlyEntry(true);
    }

    private void bitrotInAnEarlyEntry(boolean keepSnapshot) throws Exception {
        Path data = tmp.resolve("data");
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            postFive(new Client(engine), "ROT");
            assertThat(engine.stop()).isZero();
        }
        // flip one character of the second payment's txnId inside the .cq4 file
        byte[] needle = "ROTTXN1".getBytes(StandardCharsets.US_ASCII);
        Path cq4;
        try (Stream<Path> s = Files.list(data.resolve("journal"))) {
            cq4 = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] file = Files.readAllBytes(cq4);
        int at = TestBytes.indexOf(file, needle);
        assertThat(at).as("txnId bytes in %s", cq4).isNotNegative();
        assertThat(TestBytes.indexOf(java.util.Arrays.copyOfRange(file, at + 1, file.length), needle)).isNegative();
        try (RandomAccessFile raf = new RandomAccessFile(cq4.toFile(), "rw")) {
            raf.seek(at + needle.length - 1);
            raf.write('9'); // ROTTXN1 -> ROTTXN9
        }

        Path snapshots = data.resolve("snapshot");
        assertThat(snapshots).isDirectory();
        if (!keepSnapshot) {
            try (Stream<Path> s = Files.list(snapshots)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
        }
        Path log = tmp.resolve("bitrot.log");
        Process p = EngineProcess.launch(data, log, "sync");
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the engine stops on a corrupt journal").isTrue();
            String out = Files.readString(log);
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(out).contains("corrupt").contains("index 0x").contains("sequence");
            if (keepSnapshot) {
                assertThat(out).contains("event=snapshot_loaded").contains("event=journal_corrupt");
            } else {
                assertThat(out).doesNotContain("Lumbung is ready");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isEqualTo(3);
        assertThat(reconcile.leftInTemp()).as("reconcile's scratch folder after a corrupt journal").isEmpty();
        assertThat(reconcile.output()).contains("JOURNAL CORRUPT").contains("index 0x");
    }
}
