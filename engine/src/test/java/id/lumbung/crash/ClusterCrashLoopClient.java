package id.lumbung.crash;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The terminals and the final check of {@code ops/cluster-crash-loop}: a process of its own beside
 * the three nodes and three brokers the script starts and kills. It is not a JUnit test: the script
 * owns every process and the kills, and this one only posts and checks, so that a long run is one
 * loop over real processes and not a test's fixture.
 *
 * <p>Load: six terminals post new signed payments to random nodes until the file {@code load.stop}
 * appears in the run folder; each payment is retried with its key (identical bytes) on a random node
 * after a 5xx, a 429 or a connection error, for at most {@link #ACK_DEADLINE_MS}. Every second a
 * line of cumulative counts goes to {@code load.timeline} (the script reads each cycle's figures
 * from it).
 *
 * <p>Check, once the load stopped: payments never acknowledged are retried once more; then an admin
 * close on every node; then every acknowledged payment, by its {@code paymentId}, on every node:
 * found, its amount, SETTLED, the same batch on every node; a retry of its key on a random node
 * answers 200 with the same id; and the cooperatives' batch listings (the same from every node) hold
 * exactly the acknowledged payments that name each batch, count and gross. Prints one
 * {@code cluster-crash-check} line of counts, and a {@code cluster-crash-problem} line per problem
 * (at most {@link #PROBLEMS_SHOWN_MAX} of each kind); exits 1 if anything was lost, doubled or wrong.
 *
 * <p>Usage: {@code java -cp engine/target/test-classes:engine/target/lumbung.jar
 * id.lumbung.crash.ClusterCrashLoopClient RUN_DIR HTTP:OPS,HTTP:OPS,HTTP:OPS SEED}, with the
 * nodes' admin token in {@code LUMBUNG_ADMIN_TOKEN}.
 */
final class ClusterCrashLoopClient {
    private static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014"};
    private static final String[] COOPS = {"KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG"};
    /** Bounds the load if the script never asks it to stop: longer than any run (20 cycles take about 12 minutes). */
    private static final long LOAD_MS_MAX = TimeUnit.HOURS.toMillis(2);
    private static final int PAYMENTS_MAX = 5_000_000;
    /** A payment unanswered for this long counts as never acknowledged: 3 times DESIGN's 20 s to serve again after a kill. */
    private static final long ACK_DEADLINE_MS = 60_000;
    private static final long RETRY_PAUSE_MS = 100;
    private static final long TIMELINE_INTERVAL_MS = 1_000;
    private static final int CHECK_THREADS = 8;
    /** A check's request retried on 503, 429 or a connection error for this long (a close or a rebalance under way). */
    private static final long CALL_RETRY_MS = 30_000;
    private static final long CALL_RETRY_PAUSE_MS = 200;
    private static final long CHECK_WAIT_SECONDS_MAX = 1_800;
    private static final int PROBLEMS_SHOWN_MAX = 10;

    /** One acknowledged payment: what the terminal sent, the id it was given and what it cost. */
    private record Ack(String txnId, String terminal, String body, String paymentId, long amount) {
    }

    /**
     * The batch listings as checked: batches, payments and gross listed; payments listed beyond the
     * acknowledged ones that name their batch (doubles); batches that differ from their payments.
     */
    private record Listed(long batches, long payments, long gross, long extraPayments, long batchesMismatched) {
    }

    private final Path dir;
    private final Client[] nodes;
    private final long seed;
    private final Map<String, Ack> acks = new ConcurrentHashMap<>();
    /** txnId to body of a payment not acknowledged within its deadline; retried by the check. */
    private final Map<String, PaymentLoad.Sent> unanswered = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong status5xx = new AtomicLong();
    private final AtomicLong status503 = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    /** The slowest acknowledgement (first send to 201/200) since the last timeline line. */
    private final AtomicLong slowestAckMs = new AtomicLong();
    private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> problemCounts = new ConcurrentHashMap<>();
    private final AtomicLong retriedSameId = new AtomicLong();
    private long loadMs;

    private ClusterCrashLoopClient(Path dir, Client[] nodes, long seed) {
        this.dir = dir;
        this.nodes = nodes;
        this.seed = seed;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ClusterCrashLoopClient RUN_DIR HTTP:OPS,HTTP:OPS,... SEED");
            System.exit(2);
        }
        String token = System.getenv("LUMBUNG_ADMIN_TOKEN");
        if (token == null || token.isEmpty()) {
            System.err.println("ClusterCrashLoopClient: LUMBUNG_ADMIN_TOKEN is not set");
            System.exit(2);
        }
        String[] ports = args[1].split(",");
        Client[] nodes = new Client[ports.length];
        for (int i = 0; i < ports.length; i++) {
            String[] p = ports[i].split(":");
            nodes[i] = new Client(Integer.parseInt(p[0]), Integer.parseInt(p[1]), token);
        }
        ClusterCrashLoopClient client = new ClusterCrashLoopClient(Path.of(args[0]), nodes, Long.parseLong(args[2]));
        long startNs = System.nanoTime();
        client.load();
        client.loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        boolean passed = client.check();
        System.exit(passed ? 0 : 1);
    }

    // ---------------------------------------------------------------- load

    private void load() throws Exception {
        Path stopFile = dir.resolve("load.stop");
        Path timeline = dir.resolve("load.timeline");
        AtomicInteger budget = new AtomicInteger(PAYMENTS_MAX);
        ExecutorService pool = Executors.newFixedThreadPool(TERMINALS.length);
        List<Future<?>> terminals = new ArrayList<>();
        for (int t = 0; t < TERMINALS.length; t++) {
            String terminal = TERMINALS[t];
            Random r = new Random(seed * 31 + t);
            terminals.add(pool.submit(() -> {
                postUntilStopped(terminal, r, budget);
                return null;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MS_MAX);
        while (!Files.exists(stopFile) && System.nanoTime() < deadline && budget.get() > 0) {
            Thread.sleep(TIMELINE_INTERVAL_MS);
            Files.writeString(timeline, timelineLine(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        stop.set(true);
        for (Future<?> f : terminals) {
            f.get(ACK_DEADLINE_MS * 2, TimeUnit.MILLISECONDS);
        }
        pool.shutdown();
        Files.writeString(timeline, timelineLine(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("cluster-crash-load-ended acks=" + acks.size()); // the script reads the timeline's last line now
    }

    private String timelineLine() {
        return "t=" + System.currentTimeMillis() + " acks=" + acks.size() + " status_5xx=" + status5xx.get() + " status_503="
                + status503.get() + " connection_errors=" + connectionErrors.get() + " rate_limited=" + rateLimited.get()
                + " unanswered=" + unanswered.size() + " slowest_ack_ms=" + slowestAckMs.getAndSet(0) + "\n";
    }

    /** New payments of one terminal, txnIds {@code <terminal>-1, -2, ...}, until stopped or the budget is spent. */
    private void postUntilStopped(String terminal, Random r, AtomicInteger budget) throws InterruptedException {
        for (int n = 1; !stop.get() && budget.decrementAndGet() >= 0; n++) {
            String txnId = terminal + "-" + n;
            long amount = 1_000 + r.nextInt(100_000);
            String body = Client.paymentBody(terminal, txnId, amount);
            long startNs = System.nanoTime();
            String paymentId = postUntilAcknowledged(terminal, txnId, body, r);
            if (paymentId != null) {
                acks.put(txnId, new Ack(txnId, terminal, body, paymentId, amount));
                slowestAckMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), Math::max);
            } else {
                unanswered.put(txnId, new PaymentLoad.Sent(terminal, body));
            }
        }
    }

    /**
     * Posts {@code body} to random nodes until one answers 201 or 200 (its paymentId is returned), for
     * at most {@link #ACK_DEADLINE_MS}; 5xx, 429 and connection errors are retried, anything else is
     * a problem (null, not retried).
     */
    private String postUntilAcknowledged(String terminal, String txnId, String body, Random r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_DEADLINE_MS);
        while (System.nanoTime() < deadline) {
            Client node = nodes[r.nextInt(nodes.length)];
            try {
                HttpResponse<String> res = node.post(terminal, body);
                int status = res.statusCode();
                if (status == 201 || status == 200) {
                    return Client.field(res.body(), "paymentId");
                }
                if (status >= 500) {
                    status5xx.incrementAndGet();
                    if (status == 503) {
                        status503.incrementAndGet();
                    }
                } else if (status == 429) {
                    rateLimited.incrementAndGet();
                } else {
                    problem("unexpected_answer", txnId + " answered " + status + " " + res.body());
                    return null;
                }
            } catch (IOException e) {
                connectionErrors.incrementAndGet(); // a killed node, or one not listening yet: another node takes the retry
            }
            Thread.sleep(RETRY_PAUSE_MS);
        }
        return null;
    }

    // ---------------------------------------------------------------- check

    private boolean check() throws Exception {
        long startNs = System.nanoTime();
        Random r = new Random(seed);
        int ackedAtEnd = 0;
        for (Map.Entry<String, PaymentLoad.Sent> u : Map.copyOf(unanswered).entrySet()) {
            PaymentLoad.Sent s = u.getValue();
            String paymentId = postUntilAcknowledged(s.terminalId(), u.getKey(), s.body(), r);
            if (paymentId != null) {
                long amount = new JsonObject(s.body()).getLong("amount");
                acks.put(u.getKey(), new Ack(u.getKey(), s.terminalId(), s.body(), paymentId, amount));
                ackedAtEnd++;
            } else {
                problem("never_acknowledged", u.getKey() + " got no 201 or 200 within " + ACK_DEADLINE_MS + " ms, twice");
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            Client node = nodes[i];
            HttpResponse<String> closed = retrying(node::close);
            if (closed == null || closed.statusCode() != 200) {
                problem("close_failed", "node " + (i + 1) + ": " + describe(closed));
            }
        }
        Map<String, String> batchOf = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CHECK_THREADS);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (Ack a : acks.values()) {
                long s = r.nextLong();
                checks.add(pool.submit(() -> {
                    checkPayment(a, new Random(s), batchOf);
                    return null;
                }));
            }
            for (Future<?> f : checks) {
                f.get(CHECK_WAIT_SECONDS_MAX, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Ack> byPaymentId = new HashMap<>();
        Set<Integer> trafficPartitions = new TreeSet<>();
        long gross = 0;
        for (Ack a : acks.values()) {
            Ack other = byPaymentId.put(a.paymentId(), a);
            if (other != null) {
                problem("double_payment_id", a.paymentId() + " acknowledged for " + other.txnId() + " and " + a.txnId());
            }
            trafficPartitions.add(Integer.parseInt(a.paymentId().substring(1, a.paymentId().indexOf('-'))));
            gross += a.amount();
        }
        Listed listed = checkBatches(batchOf);
        long lost = count("missing_on_a_node");
        long doubles = count("retry_answered_another_id") + count("double_payment_id") + listed.extraPayments();
        System.out.println("cluster-crash-check acknowledged=" + acks.size() + " acked_at_end=" + ackedAtEnd
                + " never_acknowledged=" + count("never_acknowledged") + " unexpected_answers=" + count("unexpected_answer")
                + " found_on_every_node=" + (acks.size() - lost) + " lost=" + lost + " not_settled_once="
                + count("not_settled_once") + " doubles=" + doubles + " retry_same_id=" + retriedSameId.get()
                + " retry_other_id=" + count("retry_answered_another_id") + " retry_errors=" + count("retry_error")
                + " payment_ids_twice=" + count("double_payment_id") + " extra_in_batches=" + listed.extraPayments()
                + " batches=" + listed.batches() + " batches_mismatched=" + listed.batchesMismatched()
                + " batch_payments=" + listed.payments() + " gross=" + gross + " batch_gross=" + listed.gross()
                + " listings_differ=" + count("listing_differs") + " close_failed=" + count("close_failed")
                + " traffic_partitions=" + trafficPartitions.toString().replace(" ", "")
                + " status_5xx=" + status5xx.get() + " status_503=" + status503.get()
                + " connection_errors=" + connectionErrors.get() + " rate_limited=" + rateLimited.get()
                + " load_ms=" + loadMs + " check_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        problems.forEach((kind, examples) -> examples.forEach(e -> System.out.println("cluster-crash-problem " + kind + " " + e)));
        return problemCounts.values().stream().allMatch(c -> c.get() == 0);
    }

    /**
     * One acknowledged payment on every node (found, same id and amount, SETTLED, one batch for all),
     * then its key retried on a random node (200, the same id).
     */
    private void checkPayment(Ack a, Random r, Map<String, String> batchOf) throws Exception {
        String batchId = null;
        for (int i = 0; i < nodes.length; i++) {
            Client node = nodes[i];
            HttpResponse<String> s = retrying(() -> node.status(a.terminal(), a.paymentId()));
            String where = a.paymentId() + " (" + a.txnId() + ") on node " + (i + 1);
            if (s != null && s.statusCode() == 404) {
                problem("missing_on_a_node", where + ": 404");
                return;
            }
            if (s == null || s.statusCode() != 200) {
                problem("not_settled_once", where + ": " + describe(s));
                return;
            }
            JsonObject body = new JsonObject(s.body());
            if (!a.paymentId().equals(body.getString("paymentId")) || body.getLong("amount") != a.amount()) {
                problem("missing_on_a_node", where + " answered another payment: " + s.body());
                return;
            }
            String batch = body.getString("batchId");
            if (!"SETTLED".equals(body.getString("status")) || batch == null || (batchId != null && !batchId.equals(batch))) {
                problem("not_settled_once", where + ": " + s.body() + (batchId == null ? "" : ", batch elsewhere " + batchId));
                return;
            }
            batchId = batch;
        }
        batchOf.put(a.paymentId(), batchId);
        Client any = nodes[r.nextInt(nodes.length)];
        HttpResponse<String> again = retrying(() -> any.post(a.terminal(), a.body()));
        if (again == null || (again.statusCode() != 200 && again.statusCode() != 201)) {
            problem("retry_error", a.txnId() + " retried: " + describe(again));
        } else if (again.statusCode() == 201 || !a.paymentId().equals(Client.field(again.body(), "paymentId"))) {
            problem("retry_answered_another_id", a.txnId() + " acknowledged as " + a.paymentId() + ", retried: "
                    + again.statusCode() + " " + again.body());
        } else {
            retriedSameId.incrementAndGet();
        }
    }

    /**
     * The cooperatives' listings, the same from every node; each batch listed once, holding exactly
     * the acknowledged payments whose status names it (count and gross).
     */
    private Listed checkBatches(Map<String, String> batchOf) throws Exception {
        Map<String, long[]> named = new HashMap<>(); // batchId -> {payments, gross} from the payments' statuses
        for (Ack a : acks.values()) {
            String batchId = batchOf.get(a.paymentId());
            if (batchId != null) {
                long[] b = named.computeIfAbsent(batchId, k -> new long[2]);
                b[0]++;
                b[1] += a.amount();
            }
        }
        long batchCount = 0;
        long paymentCount = 0;
        long grossListed = 0;
        long extraPayments = 0;
        long mismatched = 0;
        Set<String> seen = new TreeSet<>();
        for (String coop : COOPS) {
            String first = null;
            for (int i = 0; i < nodes.length; i++) {
                Client node = nodes[i];
                HttpResponse<String> res = retrying(() -> node.settlements(coop));
                if (res == null || res.statusCode() != 200) {
                    problem("listing_differs", coop + " on node " + (i + 1) + ": " + describe(res));
                    continue;
                }
                if (first == null) {
                    first = res.body();
                } else if (!first.equals(res.body())) {
                    problem("listing_differs", coop + " on node " + (i + 1) + " differs from the first node's listing");
                }
            }
            if (first == null) {
                continue;
            }
            JsonArray batches = new JsonObject(first).getJsonArray("batches");
            for (Object o : batches) {
                JsonObject b = (JsonObject) o;
                String batchId = b.getString("batchId");
                batchCount++;
                if (!seen.add(batchId)) {
                    problem("batch_mismatch", batchId + " listed twice");
                    mismatched++;
                    continue;
                }
                long payments = b.getLong("payments");
                long gross = b.getLong("gross");
                long[] expected = named.getOrDefault(batchId, new long[2]);
                if (payments > expected[0]) {
                    extraPayments += payments - expected[0];
                    problem("extra_in_batch", batchId + " holds " + payments + " payments, " + expected[0] + " acknowledged name it");
                } else if (payments < expected[0]) {
                    problem("missing_from_batch", batchId + " holds " + payments + " payments, " + expected[0] + " acknowledged name it");
                } else if (gross != expected[1]) {
                    problem("batch_mismatch", batchId + " gross " + gross + ", its acknowledged payments " + expected[1]);
                }
                if (payments != expected[0] || gross != expected[1]) {
                    mismatched++;
                }
                paymentCount += payments;
                grossListed += gross;
            }
        }
        for (String batchId : named.keySet()) {
            if (!seen.contains(batchId)) {
                problem("missing_from_batch", batchId + " named by " + named.get(batchId)[0] + " payments is not listed");
            }
        }
        return new Listed(batchCount, paymentCount, grossListed, extraPayments, mismatched);
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> call() throws Exception;
    }

    /** A request repeated on 503, 429 or a connection error for at most {@link #CALL_RETRY_MS}; null if never answered. */
    private static HttpResponse<String> retrying(Call call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_RETRY_MS);
        HttpResponse<String> last = null;
        do {
            try {
                last = call.call();
                if (last.statusCode() != 503 && last.statusCode() != 429) {
                    return last;
                }
            } catch (IOException e) {
                last = null;
            } catch (ExecutionException e) { // the admin close is sent asynchronously
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                last = null;
            }
            Thread.sleep(CALL_RETRY_PAUSE_MS);
        } while (System.nanoTime() < deadline);
        return last;
    }

    private static String describe(HttpResponse<String> r) {
        return r == null ? "no answer within " + CALL_RETRY_MS + " ms" : r.statusCode() + " " + r.body();
    }

    private void problem(String kind, String example) {
        problemCounts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        List<String> shown = problems.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>()));
        if (shown.size() < PROBLEMS_SHOWN_MAX) {
            shown.add(example);
        }
    }

    private long count(String kind) {
        AtomicLong c = problemCounts.get(kind);
        return c == null ? 0 : c.get();
    }
}
