package id.lumbung.crash;

import id.lumbung.delivery.DeliveryFixture;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reference data that decides money is journaled history: an edit to the files between runs (a
 * fee plan, a settlement account, a new trader, a removed terminal) applies from its journal
 * position on, every batch before it is reproduced byte for byte with or without the snapshot,
 * and {@code reconcile} agrees; a change that cannot apply stops the start, naming file, line
 * and field, and journals nothing. Engines in their own JVMs on a copy of the demo data.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReferenceHistoryTest {
    private static final String COOP = "KSP-BERINGHARJO";

    @TempDir
    Path tmp;
    /** The engines' data folder. */
    Path data;
    /** The engines' reference folder: a copy of the demo data that the test edits. */
    Path ref;

    @BeforeEach
    void demoReference() throws Exception {
        data = tmp.resolve("data");
        ref = DeliveryFixture.demoReference(tmp.resolve("ref"));
    }

    /**
     * The reproduction: three Rp600,000 payments of a UMI trader settle with a fee of
     * 5,400 (0.3%); the engine is killed, the trader moves to REG, and the engine starts (it used
     * to exit 70 on the first batch's postings file). The next batch is priced at 0.7%; after a
     * clean stop without the snapshot both batches are the same bytes, and reconcile agrees.
     */
    @Test
    void feePlanChangeBetweenTwoClosesKeepsBothBatches() throws Exception {
        String batch1;
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            for (int i = 0; i < 3; i++) {
                assertThat(pay(client, "T0000001", "F1-" + i, 600_000).statusCode()).isEqualTo(201);
            }
            JsonObject b = onlyBatch(client.close());
            assertThat(b.getLong("fee")).isEqualTo(5_400L);
            batch1 = b.getString("batchId");
            engine.kill();
        }
        replace(ref.resolve("traders.csv"), "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,UMI",
                "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,REG");
        String batch2;
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(pay(client, "T0000001", "F2-0", 600_000).statusCode()).isEqualTo(201);
            JsonObject b = onlyBatch(client.close());
            assertThat(b.getLong("fee")).isEqualTo(4_200L); // 0.7% of 600,000
            batch2 = b.getString("batchId");
            JsonArray history = history(engine).getJsonArray("changes");
            JsonObject last = history.getJsonObject(history.size() - 1);
            assertThat(last.getString("what")).isEqualTo("trader BRH-001");
            assertThat(last.getString("from")).isEqualTo("coop_id=KSP-BERINGHARJO fee_plan=UMI");
            assertThat(last.getString("to")).isEqualTo("coop_id=KSP-BERINGHARJO fee_plan=REG");
            assertThat(java.time.Instant.parse(last.getString("at"))).isBetween(java.time.Instant.now().minusSeconds(120),
                    java.time.Instant.now());
            assertThat(last.getLong("sequence")).isGreaterThan(Long.parseLong(batch1.substring(batch1.lastIndexOf('-') + 1)))
                    .isLessThan(Long.parseLong(batch2.substring(batch2.lastIndexOf('-') + 1)));
            assertThat(engine.stop()).isZero();
        }
        assertThat(Files.readString(batchFile(data, batch1, ".csv"))).contains("BRH-001,3,1800000,5400,1794600\n");
        assertThat(Files.readString(batchFile(data, batch2, ".csv"))).contains("BRH-001,1,600000,4200,595800\n");
        byte[][] before = filesOf(data, batch1, batch2);
        startsWithoutTheSnapshot();
        assertThat(filesOf(data, batch1, batch2)).isDeepEqualTo(before);
        assertThat(reconciles().output()).contains("differences=0");
    }

    /**
     * A new settlement account applies to the batches closed after it: each camt.053 names the
     * account in effect at its close, also when a start from the snapshot restores a missing one,
     * and both survive a start without the snapshot.
     */
    @Test
    void settlementAccountChangeNamesTheAccountInEffectAtEachClose() throws Exception {
        String batch1;
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(pay(client, "T0000003", "A1", 250_000).statusCode()).isEqualTo(201);
            batch1 = onlyBatch(client.close()).getString("batchId");
            assertThat(engine.stop()).isZero();
        }
        replace(ref.resolve("coops.csv"), ",1370012345678,", ",1370099999999,");
        String batch2;
        try (EngineProcess engine = start()) {
            // the snapshot carries the journaled reference: a changed file does not reject it
            assertThat(engine.output()).contains("event=snapshot_loaded").doesNotContain("snapshot_rejected");
            Client client = new Client(engine);
            assertThat(pay(client, "T0000003", "A2", 250_000).statusCode()).isEqualTo(201);
            batch2 = onlyBatch(client.close()).getString("batchId");
            assertThat(engine.stop()).isZero();
        }
        assertThat(Files.readString(batchFile(data, batch1, ".camt053.xml")))
                .contains("<Id>1370012345678</Id>").doesNotContain("1370099999999");
        assertThat(Files.readString(batchFile(data, batch2, ".camt053.xml")))
                .contains("<Id>1370099999999</Id>").doesNotContain("1370012345678");
        byte[][] before = filesOf(data, batch1, batch2);
        // a start from the snapshot restores a missing statement with the account of its own close
        Files.delete(batchFile(data, batch1, ".camt053.xml"));
        try (EngineProcess engine = start()) {
            assertThat(engine.output()).contains("event=snapshot_loaded");
            assertThat(engine.stop()).isZero();
        }
        assertThat(filesOf(data, batch1, batch2)).isDeepEqualTo(before);
        startsWithoutTheSnapshot();
        assertThat(filesOf(data, batch1, batch2)).isDeepEqualTo(before);
        reconciles();
    }

    /**
     * A reload adds a trader with a terminal and removes terminal T0000002: the new terminal posts,
     * the removed one is refused as unknown (401), and its payment accepted before the removal
     * settles in the next batch. A start without the snapshot reproduces the batch.
     */
    @Test
    void reloadAddsATraderAndRemovesATerminal() throws Exception {
        String batch;
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(pay(client, "T0000002", "R1", 100_000).statusCode()).isEqualTo(201);
            Files.writeString(ref.resolve("traders.csv"), "BRH-900,KSP-BERINGHARJO,Toko Baru,REG\n",
                    java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(ref.resolve("terminals.csv"), "T0000900,BRH-900,"
                    + DemoCredentials.toLowerHex(DemoCredentials.terminalKey("T0000900")) + ",ACTIVE,\n",
                    java.nio.file.StandardOpenOption.APPEND);
            removeLineStartingWith(ref.resolve("terminals.csv"), "T0000002,");
            HttpResponse<String> reload = admin(engine, "POST", "/admin/v1/reference/reload");
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            JsonArray changes = new JsonObject(reload.body()).getJsonArray("changes");
            assertThat(changes.stream().map(c -> ((JsonObject) c).getString("what") + " -> " + ((JsonObject) c).getString("to")))
                    .containsExactly("trader BRH-900 -> coop_id=KSP-BERINGHARJO fee_plan=REG",
                            "terminal T0000900 -> trader_id=BRH-900 status=ACTIVE",
                            "terminal T0000002 -> (removed)");
            assertThat(pay(client, "T0000002", "R2", 100_000).statusCode()).isEqualTo(401);
            assertThat(pay(client, "T0000900", "N1", 1_000_000).statusCode()).isEqualTo(201);
            JsonObject b = onlyBatch(client.close());
            batch = b.getString("batchId");
            assertThat(admin(engine, "POST", "/admin/v1/reference/reload").body()).isEqualTo("{\"changes\":[]}");
            assertThat(engine.stop()).isZero();
        }
        // BRH-001 (UMI) 100,000 pays 0; BRH-900 (REG) 1,000,000 pays 7,000
        assertThat(Files.readString(batchFile(data, batch, ".csv"))).isEqualTo("trader_id,payments,gross,fee,net\n"
                + "BRH-001,1,100000,0,100000\nBRH-900,1,1000000,7000,993000\nTOTAL,2,1100000,7000,1093000\n");
        byte[][] before = filesOf(data, batch);
        deleteTree(data.resolve("snapshot"));
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(pay(client, "T0000002", "R3", 100_000).statusCode()).isEqualTo(401);
            assertThat(engine.stop()).isZero();
        }
        assertThat(filesOf(data, batch)).isDeepEqualTo(before);
        reconciles();
    }

    /**
     * A trader moved to another cooperative while it has an unsettled payment: the start stops
     * (non-zero) naming file, line and field, and journals nothing; with the files put back it
     * starts, a reload of the same move answers 409 with the same message, and once the window
     * is closed the move applies.
     */
    @Test
    void refusesToMoveATraderWithUnsettledPayments() throws Exception {
        long historyTotal;
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(pay(client, "T0000001", "M1", 50_000).statusCode()).isEqualTo(201);
            historyTotal = history(engine).getLong("total");
            assertThat(engine.stop()).isZero();
        }
        String original = Files.readString(ref.resolve("traders.csv"));
        replace(ref.resolve("traders.csv"), "BRH-001,KSP-BERINGHARJO,", "BRH-001,KSP-KLEWER,");
        String expected = ref.resolve("traders.csv") + " line 2 field coop_id: trader BRH-001 moves from cooperative"
                + " KSP-BERINGHARJO to KSP-KLEWER while it has unsettled payments";
        Path log = tmp.resolve("refused.log");
        Process refused = EngineProcess.launch(data, log, "sync", config());
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains(expected);

        String moved = Files.readString(ref.resolve("traders.csv"));
        Files.writeString(ref.resolve("traders.csv"), original);
        try (EngineProcess engine = start()) {
            Client client = new Client(engine);
            assertThat(history(engine).getLong("total")).isEqualTo(historyTotal); // the refused start journaled nothing
            Files.writeString(ref.resolve("traders.csv"), moved);
            HttpResponse<String> reload = admin(engine, "POST", "/admin/v1/reference/reload");
            assertThat(reload.statusCode()).isEqualTo(409);
            assertThat(reload.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new JsonObject(reload.body()).getString("detail")).contains(expected);
            assertThat(history(engine).getLong("total")).isEqualTo(historyTotal);
            onlyBatch(client.close());
            HttpResponse<String> after = admin(engine, "POST", "/admin/v1/reference/reload");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(new JsonObject(after.body()).getJsonArray("changes").getJsonObject(0).getString("to"))
                    .isEqualTo("coop_id=KSP-KLEWER fee_plan=UMI");
            assertThat(pay(client, "T0000001", "M2", 70_000).body()).contains("\"coopId\":\"KSP-KLEWER\"");
            assertThat(engine.stop()).isZero();
        }
        startsWithoutTheSnapshot();
        reconciles();
    }

    // ---------------------------------------------------------------- helpers

    private String config() {
        return "reference.dir=" + ref + "\n";
    }

    /** An engine on {@link #data} with {@code sync} durability and the reference folder {@link #ref}. */
    private EngineProcess start() throws Exception {
        return EngineProcess.start(data, "sync", config());
    }

    /** Deletes the snapshot, then starts an engine and stops it cleanly. */
    private void startsWithoutTheSnapshot() throws Exception {
        deleteTree(data.resolve("snapshot"));
        try (EngineProcess engine = start()) {
            assertThat(engine.stop()).isZero();
        }
    }

    /** {@code reconcile} of {@link #data} against {@link #ref}, which must exit 0. */
    private EngineProcess.Run reconciles() throws Exception {
        EngineProcess.Run reconcile = EngineProcess.reconcileWith(tmp, "--data", data.toString(), "--reference", ref.toString());
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        return reconcile;
    }

    /** A payment of {@code terminalId}, signed with its demo key. */
    private static HttpResponse<String> pay(Client client, String terminalId, String txnId, long amount) throws Exception {
        return client.post(terminalId, Client.paymentBody(terminalId, txnId, amount));
    }

    private static void replace(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static void removeLineStartingWith(Path file, String prefix) throws Exception {
        String text = Files.readString(file);
        StringBuilder kept = new StringBuilder();
        text.lines().filter(l -> !l.startsWith(prefix)).forEach(l -> kept.append(l).append('\n'));
        assertThat(kept.length()).isLessThan(text.length());
        Files.writeString(file, kept.toString());
    }

    private static JsonObject onlyBatch(HttpResponse<String> close) {
        assertThat(close.statusCode()).as(close.body()).isEqualTo(200);
        JsonArray batches = new JsonObject(close.body()).getJsonArray("batches");
        assertThat(batches.size()).as(close.body()).isEqualTo(1);
        return batches.getJsonObject(0);
    }

    private static Path batchFile(Path data, String batchId, String suffix) {
        return data.resolve("files/" + COOP + "/" + batchId + suffix);
    }

    /** Each batch's CSV and camt.053, and the postings of its close. */
    private static byte[][] filesOf(Path data, String... batchIds) throws Exception {
        byte[][] out = new byte[batchIds.length * 3][];
        for (int i = 0; i < batchIds.length; i++) {
            String id = batchIds[i];
            out[3 * i] = Files.readAllBytes(batchFile(data, id, ".csv"));
            out[3 * i + 1] = Files.readAllBytes(batchFile(data, id, ".camt053.xml"));
            out[3 * i + 2] = Files.readAllBytes(data.resolve("ledger/close-" + id.substring(id.lastIndexOf('-') + 1)
                    + ".postings.csv"));
        }
        return out;
    }

    private static JsonObject history(EngineProcess engine) throws Exception {
        HttpResponse<String> r = admin(engine, "GET", "/admin/v1/reference/history");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static HttpResponse<String> admin(EngineProcess engine, String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.opsPort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + EngineProcess.ADMIN_TOKEN);
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return new Client(engine).http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
