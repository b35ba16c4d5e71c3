package id.lumbung.crash;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.journal.Journal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close with nothing to settle is an ordinary close, through the real HTTP and ops ports of an
 * engine in its own JVM: on a fresh data folder before any payment, for one cooperative, back to
 * back, right after a restart with and without the snapshot; the engine stays up and starts again.
 * A journal holding such a close, written by the engine version that crashed on it (the fixture
 * {@code close-before-any-payment-journal.zip}, made as docs/RELIABILITY.md describes), replays.
 */
class CloseBeforeAnyPaymentTest {
    private static final String EMPTY = "{\"batches\":[]}";
    private static final String FIXTURE = "close-before-any-payment-journal.zip";

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aCloseBeforeAnyPaymentAnswersNoBatchesAndTheEngineStaysUpAndRestarts(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        Map<String, String> listed;
        Map<String, String> files;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            assertEmptyClose(engine, client.close());
            assertEmptyClose(engine, close(client, "{\"coopId\":\"KSP-KLEWER\"}"));
            // back to back: three at once, then two in a row
            List<CompletableFuture<HttpResponse<String>>> together = List.of(client.closeAsync(), client.closeAsync(),
                    client.closeAsync());
            for (CompletableFuture<HttpResponse<String>> f : together) {
                assertEmptyClose(engine, f.get(60, TimeUnit.SECONDS));
            }
            assertEmptyClose(engine, client.close());
            assertEmptyClose(engine, close(client, "{\"coopId\":\"KSP-BERINGHARJO\"}"));

            // T0000001 is BRH-001 of KSP-BERINGHARJO (UMI: 15,000 pays no fee)
            HttpResponse<String> paid = client.post("T0000001", Client.paymentBody("T0000001", "after-empty-1", 15_000));
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(201);
            String paymentId = Client.field(paid.body(), "paymentId");
            HttpResponse<String> settled = client.close();
            assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
            JsonArray batches = new JsonObject(settled.body()).getJsonArray("batches");
            assertThat(batches).hasSize(1);
            JsonObject batch = batches.getJsonObject(0);
            // the demo reference (sequences 1-38), 7 empty closes (39-45), the payment at 46, its close at 47
            int r = id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES;
            assertThat(paymentId).isEqualTo("P" + (r + 8));
            assertThat(batch.getString("batchId")).isEqualTo("KSP-BERINGHARJO-" + (r + 9));
            assertThat(batch.getLong("firstSequence")).isEqualTo(r + 8);
            assertThat(batch.getLong("lastSequence")).isEqualTo(r + 9);
            assertThat(batch.getLong("payments")).isEqualTo(1);
            assertThat(batch.getLong("net")).isEqualTo(15_000);
            listed = listings(client);
            files = SettlementCrashTest.digests(data.resolve("files"));
            assertThat(files).hasSize(3); // CSV, camt.053, payouts CSV
            assertEmptyClose(engine, client.close());
            assertThat(engine.stop()).isZero();
            assertThat(engine.output()).contains("event=snapshot_written").doesNotContain("journal_writer_failed");
        }

        // with the snapshot: a close right after the start, then SIGKILL
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).contains("event=snapshot_loaded");
            Client client = new Client(engine);
            assertEmptyClose(engine, client.close());
            assertThat(listings(client)).isEqualTo(listed);
            engine.kill();
        }
        assertThat(SettlementCrashTest.digests(data.resolve("files"))).isEqualTo(files);

        // without the snapshot: the whole journal, nine empty closes among it, replays
        deleteTree(data.resolve("snapshot"));
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).doesNotContain("event=snapshot_");
            Client client = new Client(engine);
            assertThat(listings(client)).isEqualTo(listed);
            assertEmptyClose(engine, client.close());
            assertEmptyClose(engine, close(client, "{\"coopId\":\"KSP-TANAHABANG\"}"));
            assertThat(listings(client)).isEqualTo(listed);
            assertThat(engine.stop()).isZero();
        }
        assertThat(SettlementCrashTest.digests(data.resolve("files"))).isEqualTo(files);
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        assertThat(reconcile.output()).contains("differences=0");
    }

    /**
     * The fixture is the data folder the version that crashed left: its journal holds one admin
     * close at sequence 1 and nothing else (that version exited 70 writing it, and 1 replaying it).
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aJournalWhoseCloseKilledTheOlderVersionReplays(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        unzipFixture(data);
        assertThat(entries(data.resolve("journal"))).containsExactly("1 close trigger=admin coop=all");

        Map<String, String> listed;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).doesNotContain("event=snapshot_").doesNotContain("journal_writer_failed");
            Client client = new Client(engine);
            for (String coop : SettlementCrashTest.COOPS) {
                assertThat(client.settlements(coop).body()).isEqualTo(EMPTY);
            }
            HttpResponse<String> paid = client.post("T0000001", Client.paymentBody("T0000001", "after-fixture-1", 15_000));
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(201);
            // the first start of this version journals the reference as the baseline (2-39) after the close
            int r = id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES;
            assertThat(Client.field(paid.body(), "paymentId")).isEqualTo("P" + (r + 2));
            HttpResponse<String> settled = client.close();
            assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
            JsonObject batch = new JsonObject(settled.body()).getJsonArray("batches").getJsonObject(0);
            assertThat(batch.getString("batchId")).isEqualTo("KSP-BERINGHARJO-" + (r + 3));
            assertThat(batch.getLong("firstSequence")).isEqualTo(2);
            assertThat(batch.getLong("lastSequence")).isEqualTo(r + 3);
            listed = listings(client);
            assertThat(engine.stop()).isZero();
        }
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            assertThat(engine.output()).contains("event=snapshot_loaded");
            assertThat(listings(new Client(engine))).isEqualTo(listed);
            assertThat(engine.stop()).isZero();
        }
        List<String> expected = new ArrayList<>(List.of("1 close trigger=admin coop=all"));
        int obligations = id.lumbung.TestEngine.DEMO_OBLIGATION_ENTRIES;
        for (int s = 2; s < id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES - obligations + 2; s++) {
            expected.add(s + " reference baseline");
        }
        // the demo's obligations.csv, journaled after the reference
        for (int s = id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES - obligations + 2; s < id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES + 2; s++) {
            expected.add(s + " obligation");
        }
        expected.add((id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES + 2) + " payment");
        expected.add((id.lumbung.TestEngine.DEMO_REFERENCE_ENTRIES + 3) + " close trigger=admin coop=all");
        assertThat(entries(data.resolve("journal"))).containsExactlyElementsOf(expected);
        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        assertThat(reconcile.output()).contains("differences=0");
    }

    private static void assertEmptyClose(EngineProcess engine, HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("batches", new JsonArray()));
        assertThat(r.body()).isEqualTo(EMPTY);
        assertThat(engine.process.isAlive()).as("engine alive after the close:\n%s", engine.output()).isTrue();
        HttpResponse<String> ready = new Client(engine).http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + engine.opsPort + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    /** The admin close with a body. */
    private static HttpResponse<String> close(Client client, String body) throws Exception {
        return client.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.opsPort
                + "/admin/v1/settlements/close")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + EngineProcess.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every cooperative's settlement listing, as its API answers it. */
    private static Map<String, String> listings(Client client) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String coop : SettlementCrashTest.COOPS) {
            HttpResponse<String> r = client.settlements(coop);
            assertThat(r.statusCode()).isEqualTo(200);
            out.put(coop, r.body());
        }
        return out;
    }

    /** The journal's entries in order: sequence, type, and for a close its trigger and cooperative. */
    static List<String> entries(Path journalDir) {
        List<String> out = new ArrayList<>();
        try (Journal journal = new Journal(journalDir, Durability.SYNC)) {
            journal.replay(e -> {
                switch (e.type) {
                    case JournalEntry.TYPE_CLOSE -> out.add(e.sequence + " close trigger="
                            + (e.trigger == JournalEntry.TRIGGER_ADMIN ? "admin" : "schedule")
                            + " coop=" + (e.coopId == null ? "all" : e.coopId));
                    case JournalEntry.TYPE_PAYMENT -> out.add(e.sequence + " payment");
                    case JournalEntry.TYPE_REFERENCE -> out.add(e.sequence + " reference" + (e.refBaseline ? " baseline" : ""));
                    case JournalEntry.TYPE_OBLIGATION -> out.add(e.sequence + " obligation");
                    default -> out.add(e.sequence + " type " + e.type);
                }
            }, n -> { });
        }
        return out;
    }

    /** Unpacks the fixture's {@code journal/} into {@code data}. */
    static void unzipFixture(Path data) throws IOException {
        try (InputStream in = CloseBeforeAnyPaymentTest.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as("test resource " + FIXTURE).isNotNull();
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    Path to = data.resolve(e.getName()).normalize();
                    assertThat(to.startsWith(data)).as("entry %s stays inside the data folder", e.getName()).isTrue();
                    if (e.isDirectory()) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(zip, to);
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
