package id.lumbung.crash;

import id.lumbung.crash.PaymentLoad.Sent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL under load with {@code sync} durability: every acknowledged payment must survive with its
 * paymentId, and a request that got no answer must be retryable (201 or 200, never 422). Two of the
 * eight clients post batches of ten; each batch item is checked as a payment of its own (a retry
 * re-posts it alone and must get the paymentId the batch answered).
 *
 * <p>{@code -Dlumbung.crash.cycles=N} (default 2) sets the kill cycles, {@code -Dlumbung.crash.seed}
 * the seed (amounts, terminals, time of the kill), {@code -Dlumbung.crash.loadMs} the load per cycle.
 */
class KillRestartTest {
    private static final int THREADS = 8;
    /** Every fourth client posts batches of {@link #BATCH_ITEMS} instead of single payments. */
    private static final int BATCH_THREAD_EVERY = 4;
    private static final int BATCH_ITEMS = 10;
    private static final int REQUESTS_PER_CYCLE_MAX = 50_000;
    private static final int OLDER_SAMPLE = 2_000;
    private static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014",
        "T0000015", "T0000018"};

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the CI default (2 cycles) takes ~30 s; the timeout covers -Dlumbung.crash.cycles=20
    void acknowledgedPaymentsSurviveSigkillUnderLoad() throws Exception {
        int cycles = Integer.getInteger("lumbung.crash.cycles", 2);
        long seed = Long.getLong("lumbung.crash.seed", System.nanoTime());
        long loadMs = Long.getLong("lumbung.crash.loadMs", 3_000);
        System.out.println("KillRestartTest seed=" + seed + " cycles=" + cycles + " (-Dlumbung.crash.seed=" + seed + " to repeat)");
        Random random = new Random(seed);
        Path data = tmp.resolve("data");
        Map<String, Sent> sent = new ConcurrentHashMap<>();          // txnId -> request
        Map<String, String> acked = new ConcurrentHashMap<>();       // txnId -> paymentId
        Map<String, String> unanswered = new ConcurrentHashMap<>();  // txnId -> why
        List<String> report = new ArrayList<>();

        EngineProcess engine = EngineProcess.start(data, "sync");
        try {
            for (int cycle = 1; cycle <= cycles; cycle++) {
                Client client = new Client(engine);
                int before = acked.size();
                long killAfterMs = loadMs / 2 + random.nextInt((int) Math.max(1, loadMs));
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger budget = new AtomicInteger(REQUESTS_PER_CYCLE_MAX);
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    String terminal = TERMINALS[t];
                    long threadSeed = random.nextLong();
                    int c = cycle;
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        Random r = new Random(threadSeed);
                        if (thread % BATCH_THREAD_EVERY == BATCH_THREAD_EVERY - 1) {
                            postBatches(client, terminal, "K" + c + "-" + thread + "-", r, stop, budget, sent, acked, unanswered);
                            return null;
                        }
                        PaymentLoad.postSingles(client, terminal, "K" + c + "-" + thread + "-", r, stop, budget,
                                status -> status == 201 || status == 200, sent, acked, unanswered);
                        return null;
                    }));
                }
                // a window close lands somewhere in the load, so some kills hit a close or its files
                long closeAfterMs = random.nextInt((int) Math.max(1, killAfterMs));
                Thread.sleep(closeAfterMs);
                client.closeAsync().handle((r, e) -> null);
                Thread.sleep(killAfterMs - closeAfterMs);
                engine.kill(); // SIGKILL while the clients are sending
                stop.set(true);
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
                pool.shutdown();
                int ackedThisCycle = acked.size() - before;
                String batchPrefix = "K" + cycle + "-";
                long inBatches = acked.keySet().stream().filter(k -> k.startsWith(batchPrefix) && k.contains("-b")).count();
                report.add("cycle " + cycle + ": killed after " + killAfterMs + " ms, acked " + ackedThisCycle
                        + " (" + inBatches + " in batches), unanswered so far " + unanswered.size());
                assertThat(ackedThisCycle).as("payments acknowledged before the kill in cycle %d", cycle).isPositive();
                assertThat(inBatches).as("batched payments acknowledged before the kill in cycle %d", cycle).isPositive();

                engine = EngineProcess.start(data, "sync");
                String prefix = "K" + cycle + "-";
                Map<String, String> toCheck = new HashMap<>();
                List<String> older = new ArrayList<>();
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    if (e.getKey().startsWith(prefix) || cycle == cycles) {
                        toCheck.put(e.getKey(), e.getValue());
                    } else {
                        older.add(e.getKey());
                    }
                }
                // acks of earlier cycles were checked after their own kill, and all are checked after the last:
                // between, a sample of them keeps a long run linear
                java.util.Collections.shuffle(older, random);
                older.stream().limit(OLDER_SAMPLE).forEach(k -> toCheck.put(k, acked.get(k)));
                verifyAndRetry(new Client(engine), sent, toCheck, unanswered);
                acked.putAll(toCheck);
                report.set(report.size() - 1, report.get(report.size() - 1) + ", replays checked " + toCheck.size());
                System.out.println(report.get(report.size() - 1));
            }
            // no paymentId twice
            Map<String, String> byPaymentId = new HashMap<>();
            for (Map.Entry<String, String> e : acked.entrySet()) {
                String previous = byPaymentId.put(e.getValue(), e.getKey());
                assertThat(previous).as("paymentId %s given to %s and %s", e.getValue(), previous, e.getKey()).isNull();
            }
            assertThat(acked).hasSize(sent.size());
            assertSettledExactlyOnce(new Client(engine), data, sent, acked);
            System.out.println("KillRestartTest seed=" + seed + " cycles=" + cycles + " payments=" + acked.size() + " " + report);
            // SIGTERM: the JVM exits 143 once its shutdown hook drained (ops/lumbung.service: SuccessExitStatus=143)
            assertThat(engine.stop()).isZero();
        } finally {
            engine.close();
        }
    }

    /**
     * A client that posts batches until stopped: each item is remembered as the single payment it
     * is (a retry re-posts it alone, and must get the batch's paymentId back), acknowledged when its
     * result is 201 or 200, unanswered when the batch got no answer or the item another status.
     */
    private static void postBatches(Client client, String terminal, String txnPrefix, Random r, AtomicBoolean stop,
            AtomicInteger budget, Map<String, Sent> sent, Map<String, String> acked, Map<String, String> unanswered) {
        for (int b = 0; !stop.get() && budget.decrementAndGet() >= 0; b++) {
            List<String> txnIds = new ArrayList<>();
            StringBuilder body = new StringBuilder("{\"payments\":[");
            for (int k = 0; k < BATCH_ITEMS; k++) {
                String txnId = txnPrefix + "b" + b + "-" + k;
                String item = Client.paymentBody(terminal, txnId, 1 + r.nextInt(2_000_000));
                sent.put(txnId, new Sent(terminal, item));
                txnIds.add(txnId);
                body.append(k == 0 ? "" : ",").append(item);
            }
            try {
                HttpResponse<String> resp = client.postBatch(terminal, body.append("]}").toString());
                if (resp.statusCode() != 200) {
                    txnIds.forEach(t -> unanswered.put(t, resp.statusCode() + " " + resp.body()));
                    continue;
                }
                io.vertx.core.json.JsonArray results = new io.vertx.core.json.JsonObject(resp.body()).getJsonArray("results");
                for (int k = 0; k < BATCH_ITEMS; k++) {
                    io.vertx.core.json.JsonObject item = results.getJsonObject(k);
                    int status = item.getInteger("status");
                    if (status == 201 || status == 200) {
                        acked.put(txnIds.get(k), item.getString("paymentId"));
                    } else {
                        unanswered.put(txnIds.get(k), status + " " + item.getString("code"));
                    }
                }
            } catch (Exception e) {
                txnIds.forEach(t -> unanswered.put(t, e.toString()));
            }
        }
    }

    /**
     * A last close, then the cooperatives' listings (every batch once, its files as listed) and every
     * acknowledged paymentId's status: each is SETTLED in exactly one listed batch, and each batch
     * holds exactly the acknowledged payments that name it, per trader as its CSV says.
     */
    private static void assertSettledExactlyOnce(Client client, Path data, Map<String, Sent> sent, Map<String, String> acked)
            throws Exception {
        assertThat(client.close().statusCode()).isEqualTo(200);
        List<SettledOnce.Paid> paid = new ArrayList<>();
        long gross = 0;
        for (Map.Entry<String, String> a : acked.entrySet()) {
            Sent s = sent.get(a.getKey());
            long amount = new io.vertx.core.json.JsonObject(s.body()).getLong("amount");
            paid.add(new SettledOnce.Paid(s.terminalId(), amount, a.getValue()));
            gross += amount;
        }
        Map<String, io.vertx.core.json.JsonObject> listed = SettlementCrashTest.listedBatches(client, data);
        SettledOnce.assertEveryPaymentSettledOnce(client, data, listed, paid);
        System.out.println("KillRestartTest settled " + paid.size() + " payments, Rp" + gross + ", in " + listed.size()
                + " batches, each payment checked by its status");
    }

    /**
     * Every acknowledged payment re-POSTed: 200, Idempotent-Replayed, the same paymentId. Every
     * unanswered one retried: 201 or 200 (it may or may not have been journaled), never 422.
     */
    private static void verifyAndRetry(Client client, Map<String, Sent> sent, Map<String, String> acked,
            Map<String, String> unanswered) throws Exception {
        List<Callable<String>> checks = new ArrayList<>();
        for (Map.Entry<String, String> a : acked.entrySet()) {
            Sent s = sent.get(a.getKey());
            checks.add(() -> {
                HttpResponse<String> r = s.resend(client);
                if (!PaymentLoad.isReplayOf(r, a.getValue())) {
                    return "acknowledged " + a.getKey() + " as " + a.getValue() + " but the replay answered "
                            + r.statusCode() + " " + r.headers().firstValue("Idempotent-Replayed").orElse("-") + " " + r.body();
                }
                return null;
            });
        }
        Map<String, String> retried = new ConcurrentHashMap<>();
        for (String txnId : List.copyOf(unanswered.keySet())) {
            Sent s = sent.get(txnId);
            checks.add(() -> {
                HttpResponse<String> r = s.resend(client);
                if (r.statusCode() != 201 && r.statusCode() != 200) {
                    return "unanswered " + txnId + " retried: " + r.statusCode() + " " + r.body();
                }
                retried.put(txnId, Client.field(r.body(), "paymentId"));
                return null;
            });
        }
        assertThat(PaymentLoad.failures(checks, THREADS, 60)).as("answers after restart").isEmpty();
        acked.putAll(retried);
        unanswered.keySet().removeAll(retried.keySet());
    }
}
