package id.lumbung.crash;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL around a window close: right after the admin close request leaves, a few ms later, and
 * after its answer. After a restart (and one more close for anything still open) every accepted
 * payment is SETTLED in exactly one listed batch, the batches add up, the files on disk match the
 * listing, {@code reconcile} agrees, and a fresh engine replaying a copy of the journal writes the
 * same files and ledger postings byte for byte.
 */
class SettlementCrashTest {
    static final String[] COOPS = {"KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG"};
    /** Active terminals over all three cooperatives and every fee plan. */
    static final String[] TERMINALS = {"T0000001", "T0000003", "T0000005", "T0000006", "T0000009", "T0000010",
        "T0000011", "T0000014", "T0000016", "T0000020"};

    enum KillPoint { RIGHT_AFTER_REQUEST, FEW_MS_AFTER_REQUEST, AFTER_ANSWER }

    @TempDir
    Path tmp;

    record Paid(String terminalId, String txnId, long amount, String paymentId) {
    }

    static Stream<Arguments> scenarios() {
        List<Arguments> out = new ArrayList<>();
        long base = Long.getLong("lumbung.crash.seed", 20261129L);
        int seeds = Integer.getInteger("lumbung.crash.settlementSeeds", 2);
        for (int s = 0; s < seeds; s++) {
            for (KillPoint k : KillPoint.values()) {
                out.add(Arguments.of(k, base + s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("scenarios")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyPaymentSettlesExactlyOnceWhenKilledAroundAClose(KillPoint killPoint, long seed) throws Exception {
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        List<Paid> paid = new ArrayList<>();
        List<Paid> voided = new ArrayList<>();
        Paid settledEarly;
        JsonObject answeredBeforeKill = null;
        EngineProcess engine = EngineProcess.start(data, "sync");
        try {
            Client client = new Client(engine);
            // a first, clean window, so that the crash hits a cooperative's second batch (opening balance > 0)
            pay(client, random, 10 + random.nextInt(20), "A" + seed, paid);
            assertThat(client.close().statusCode()).isEqualTo(200);
            settledEarly = paid.get(random.nextInt(paid.size()));
            putObligations(client);
            pay(client, random, 20 + random.nextInt(30), "B" + seed, paid);
            // two voids acknowledged before the crash: never settled, VOIDED after it
            for (int i = 0; i < 2; i++) {
                Paid v = paid.remove(paid.size() - 1 - random.nextInt(10));
                HttpResponse<String> r = client.voidPayment(v.terminalId(), v.paymentId());
                assertThat(r.statusCode()).as("void %s: %s", v.paymentId(), r.body()).isEqualTo(200);
                voided.add(v);
            }

            // payments keep arriving while the window closes and the engine dies
            List<Paid> racing = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String[]> racingUnanswered = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean stopRacing = new java.util.concurrent.atomic.AtomicBoolean();
            Client racingClient = client;
            long racingSeed = random.nextLong();
            Thread poster = new Thread(() -> {
                Random r = new Random(racingSeed);
                for (int i = 0; i < 2_000 && !stopRacing.get(); i++) {
                    String terminal = TERMINALS[r.nextInt(TERMINALS.length)];
                    long amount = 1 + r.nextInt(900_000);
                    String txnId = "C" + seed + "-" + i;
                    String body = Client.paymentBody(terminal, txnId, amount);
                    try {
                        HttpResponse<String> resp = racingClient.post(terminal, body);
                        if (resp.statusCode() == 201) {
                            racing.add(new Paid(terminal, txnId, amount, Client.field(resp.body(), "paymentId")));
                            continue;
                        }
                    } catch (Exception e) {
                        // no answer: retried after the restart
                    }
                    racingUnanswered.add(new String[] {terminal, txnId, Long.toString(amount), body});
                }
            }, "racing-poster");
            poster.start();
            Thread.sleep(20);
            CompletableFuture<HttpResponse<String>> closing = client.closeAsync();
            switch (killPoint) {
                case RIGHT_AFTER_REQUEST -> { }
                case FEW_MS_AFTER_REQUEST -> Thread.sleep(1 + random.nextInt(15));
                case AFTER_ANSWER -> {
                    HttpResponse<String> r = closing.get(30, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).isEqualTo(200);
                    answeredBeforeKill = new JsonObject(r.body());
                }
            }
            engine.kill();
            stopRacing.set(true);
            poster.join(30_000);
            assertThat(poster.isAlive()).isFalse();
            paid.addAll(racing);
            int filesAtKill = digests(data.resolve("files")).size();

            engine = EngineProcess.start(data, "sync");
            client = new Client(engine);
            for (String[] u : racingUnanswered) {
                HttpResponse<String> r = client.post(u[0], u[3]);
                assertThat(r.statusCode()).as("retry of unanswered %s: %s", u[1], r.body()).isIn(200, 201);
                paid.add(new Paid(u[0], u[1], Long.parseLong(u[2]), Client.field(r.body(), "paymentId")));
            }
            Paid last = paid.get(paid.size() - 1 - racing.size() - racingUnanswered.size());
            String afterRestart = new JsonObject(client.status(last.terminalId(), last.paymentId()).body()).getString("status");
            System.out.println("SettlementCrashTest " + killPoint + " seed " + seed + ": payments " + paid.size() + " (+" + voided.size() + " voided, " + racing.size() + " acked and " + racingUnanswered.size() + " unanswered while closing)"
                    + ", batch files at the kill " + filesAtKill + ", killed close " + ("SETTLED".equals(afterRestart) ? "was journaled" : "was lost (never answered)"));
            if (killPoint == KillPoint.AFTER_ANSWER) {
                assertThat(afterRestart).as("a close answered before the kill is durable").isEqualTo("SETTLED");
            }
            HttpResponse<String> finalClose = client.close(); // settles whatever the killed close did not
            assertThat(finalClose.statusCode()).isEqualTo(200);

            Map<String, JsonObject> batches = listedBatches(client, data);
            if (answeredBeforeKill != null) {
                for (Object o : answeredBeforeKill.getJsonArray("batches")) {
                    JsonObject b = (JsonObject) o;
                    assertThat(batches).as("batch answered before the kill").containsKey(b.getString("batchId"));
                    assertThat(batches.get(b.getString("batchId")).getJsonArray("files")).isEqualTo(b.getJsonArray("files"));
                }
            }
            for (Paid v : voided) {
                JsonObject s = new JsonObject(client.status(v.terminalId(), v.paymentId()).body());
                assertThat(s.getString("status")).as("voided %s after the crash", v.paymentId()).isEqualTo("VOIDED");
            }
            HttpResponse<String> lateVoid = client.voidPayment(settledEarly.terminalId(), settledEarly.paymentId());
            assertThat(lateVoid.statusCode()).as("void of settled %s: %s", settledEarly.paymentId(), lateVoid.body()).isEqualTo(409);
            // every payment SETTLED, in exactly one listed batch, per batch and per trader as its CSV says
            SettledOnce.assertEveryPaymentSettledOnce(client, data, batches, paid.stream()
                    .map(p -> new SettledOnce.Paid(p.terminalId(), p.amount(), p.paymentId())).toList());
            assertThat(engine.stop()).isZero();
        } finally {
            engine.close();
        }

        EngineProcess.Run reconcile = EngineProcess.reconcile(data);
        assertThat(reconcile.exit()).as("reconcile:\n%s", reconcile.output()).isZero();

        // a clean run of the same journal writes the same bytes
        Path fresh = tmp.resolve("fresh");
        copyTree(data.resolve("journal"), fresh.resolve("journal"));
        try (EngineProcess replayed = EngineProcess.start(fresh, "sync")) {
            assertThat(replayed.stop()).isIn(0, 143);
        }
        for (String tree : List.of("files", "ledger")) {
            Map<String, String> want = digests(data.resolve(tree));
            Map<String, String> got = digests(fresh.resolve(tree));
            assertThat(want).as("%s of the crashed run", tree).isNotEmpty();
            assertThat(got).as("%s of a clean replay of the same journal", tree).isEqualTo(want);
        }
        assertPayoutsDeduct(data);
    }

    /**
     * Obligations put and ended over the cooperative API after the first close, besides the demo
     * data's (journaled at the first start): their entries lie between the closes that the kill
     * hits, so the payouts files after the restart depend on their journal order.
     */
    private static void putObligations(Client client) throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Jakarta"));
        String[][] puts = {
            {"TNA-RTB", "TNA-004", "RETRIBUSI", "3000", null},
            {"TNA-ANG", "TNA-002", "ANGSURAN", "20000", "60000"},
            {"TNA-SW", "TNA-004", "SIMPANAN_WAJIB", "1500", null},
        };
        for (String[] p : puts) {
            String body = "{\"traderId\":\"" + p[1] + "\",\"kind\":\"" + p[2] + "\",\"dailyAmount\":" + p[3]
                    + ",\"startDate\":\"" + today.minusDays(1) + "\"" + (p[4] == null ? "" : ",\"total\":" + p[4]) + "}";
            HttpResponse<String> r = client.coop("PUT", "KSP-TANAHABANG", "/obligations/" + p[0], body);
            assertThat(r.statusCode()).as("PUT %s: %s", p[0], r.body()).isEqualTo(201);
        }
        HttpResponse<String> ended = client.coop("POST", "KSP-TANAHABANG", "/obligations/TNA-SW/end",
                "{\"endDate\":\"" + today + "\"}");
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
    }

    /** Every batch has its payouts file, each line adding up, and some member had something deducted. */
    static void assertPayoutsDeduct(Path data) throws Exception {
        Map<String, String> files = digests(data.resolve("files"));
        long csvs = files.keySet().stream().filter(f -> f.endsWith(".csv") && !f.endsWith(".payouts.csv")).count();
        List<String> payouts = files.keySet().stream().filter(f -> f.endsWith(".payouts.csv")).toList();
        assertThat(payouts).hasSize((int) csvs);
        long deducted = 0;
        for (String f : payouts) {
            List<String> lines = Files.readAllLines(data.resolve("files").resolve(f));
            assertThat(lines.get(0)).isEqualTo("trader_id,net,retribusi,angsuran,simpanan_wajib,payout");
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",");
                long net = Long.parseLong(c[1]);
                long parts = Long.parseLong(c[2]) + Long.parseLong(c[3]) + Long.parseLong(c[4]);
                assertThat(parts + Long.parseLong(c[5])).as("%s: %s", f, line).isEqualTo(net);
                if (!c[0].equals("TOTAL")) {
                    deducted += parts;
                }
            }
        }
        assertThat(deducted).as("obligations deducted over every batch").isPositive();
    }

    private static void pay(Client client, Random random, int count, String prefix, List<Paid> paid) throws Exception {
        for (int i = 0; i < count; i++) {
            String terminal = TERMINALS[random.nextInt(TERMINALS.length)];
            long amount = random.nextInt(4) == 0 ? 500_000 + random.nextInt(2_000_000) : 1 + random.nextInt(500_000);
            String txnId = prefix + "-" + i;
            HttpResponse<String> r = client.post(terminal, Client.paymentBody(terminal, txnId, amount));
            assertThat(r.statusCode()).as("POST %s: %s", txnId, r.body()).isEqualTo(201);
            paid.add(new Paid(terminal, txnId, amount, Client.field(r.body(), "paymentId")));
        }
    }

    /** Every cooperative's listing: each batch once, its files on disk with the listed size and sha256. */
    static Map<String, JsonObject> listedBatches(Client client, Path data) throws Exception {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (String coop : COOPS) {
            HttpResponse<String> r = client.settlements(coop);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray list = new JsonObject(r.body()).getJsonArray("batches");
            for (Object o : list) {
                JsonObject b = (JsonObject) o;
                assertThat(out.put(b.getString("batchId"), b)).as("batch %s listed twice", b.getString("batchId")).isNull();
                assertThat(b.getString("coopId")).isEqualTo(coop);
                for (Object f : b.getJsonArray("files")) {
                    JsonObject file = (JsonObject) f;
                    byte[] bytes = Files.readAllBytes(data.resolve("files").resolve(coop).resolve(file.getString("name")));
                    assertThat((long) bytes.length).isEqualTo(file.getLong("size"));
                    assertThat(sha256(bytes)).as("sha256 of %s", file.getString("name")).isEqualTo(file.getString("sha256"));
                }
            }
        }
        return out;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Relative path -> sha256 of every non-hidden file (a hidden one is a temp file's debris). */
    static Map<String, String> digests(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        for (Path p : files) {
            out.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
        }
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
