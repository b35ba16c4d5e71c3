package id.lumbung.crash;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.kafka.KafkaBrokers;
import id.lumbung.reference.ReferenceFiles;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Kafka cluster tests share: engine nodes on the Kafka journal over the test brokers
 * ({@link KafkaBrokers}), each its own process; terminals posting to them ({@link Load}); and the
 * checks made per payment id at the end: every acknowledged payment is found on every node by its
 * {@code paymentId}, a retry of its key anywhere gets the same answer, and after a close on each
 * node every one is settled exactly once (each payment's status names one batch, and the batches
 * hold exactly the payments acknowledged: a payment journaled twice would be one more).
 */
final class KafkaCluster {
    /** Two terminals of each demo cooperative. */
    static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014"};
    static final String[] COOPS = {"KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG"};
    /** Twice the three cooperatives: some partitions carry none, as on a real cluster with more partitions than busy keys. */
    static final int PARTITIONS = 6;
    static final int REPLICATION = 3;
    /** A node's start, its wait until every partition assigned to it is served included. */
    static final long NODE_START_TIMEOUT_S = 90;
    /** Lookups at the end in parallel: the nodes, not the test, are the bottleneck of a check of thousands of ids. */
    static final int CHECK_THREADS = 4;
    /** How long the nodes must go on serving every partition before a wait for it returns. */
    static final long SERVED_STABLE_MS = 2_000;
    /** A lookup answered 503 (a partition between owners) or 429 is repeated for this long. */
    static final long RETRY_503_MS = 30_000;

    /** One acknowledged payment: what the terminal sent and the id it was given. */
    record Ack(String terminal, String body, String paymentId, long amount) {
        int partition() {
            return Integer.parseInt(paymentId.substring(1, paymentId.indexOf('-')));
        }
    }

    private KafkaCluster() {
    }

    /** A node's config lines on a topic of its own (the group named after it) on {@code brokers}. */
    static String config(KafkaBrokers brokers, String topic) {
        return "journal=kafka\nkafka.bootstrap=" + brokers.bootstrap() + "\nkafka.topic=" + topic + "\nkafka.partitions="
                + PARTITIONS + "\nkafka.replication=" + REPLICATION + "\nkafka.group=" + topic + "\n";
    }

    /** Node {@code i} ({@code node-i}, data in {@code dir/node-i}) started and ready. */
    static EngineProcess start(Path dir, String config, int i) throws Exception {
        return EngineProcess.start(dir.resolve("node-" + i), "sync", config + "node.id=node-" + i + "\n");
    }

    /** Nodes {@code ids} started side by side (a JVM's start is mostly waiting: two cores take three); each ready. */
    static EngineProcess[] startAll(Path dir, String config, int... ids) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ids.length);
        try {
            List<Future<EngineProcess>> starts = new ArrayList<>();
            for (int i : ids) {
                starts.add(pool.submit(() -> start(dir, config, i)));
            }
            EngineProcess[] nodes = new EngineProcess[ids.length];
            Exception failure = null;
            for (int k = 0; k < ids.length; k++) {
                try {
                    nodes[k] = starts.get(k).get(NODE_START_TIMEOUT_S, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failure = e;
                }
            }
            if (failure != null) {
                closeAll(nodes);
                throw failure;
            }
            return nodes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** SIGKILLs every node still running; nulls are skipped. */
    static void closeAll(EngineProcess... nodes) throws InterruptedException {
        for (EngineProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** The partition of each demo cooperative on a topic of {@link #PARTITIONS}. */
    static Map<String, Integer> partitionOfCoop(KafkaBrokers brokers, String topic) {
        Map<String, Integer> out = new HashMap<>();
        for (String coop : COOPS) {
            out.put(coop, brokers.settings(topic, PARTITIONS, REPLICATION).partitionOf(coop));
        }
        return out;
    }

    /** The cooperative of each terminal of {@link #TERMINALS}, from the bundled demo data. */
    static Map<String, String> coopOfTerminal() throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        Map<String, String> out = new HashMap<>();
        for (String t : TERMINALS) {
            out.put(t, reference.coop(reference.trader(reference.terminal(t).traderIndex()).coopIndex()).coopId());
        }
        return out;
    }

    /**
     * Partition to the node id ({@code node-i}) the group assigned it to, as the group coordinator
     * describes the group now: the node's client id is {@code lumbung|<node id>|<url>}.
     */
    static Map<Integer, String> owners(KafkaBrokers brokers, String group) throws Exception {
        try (Admin admin = brokers.admin()) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(30, TimeUnit.SECONDS);
            Map<Integer, String> out = new HashMap<>();
            for (MemberDescription m : g.members()) {
                String nodeId = m.clientId().split("\\|")[1];
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    out.put(tp.partition(), nodeId);
                }
            }
            return out;
        }
    }

    /** The node's {@code lumbung_kafka_owned_partitions}: the partitions it serves now. */
    static int ownedPartitions(EngineProcess node) throws Exception {
        for (String line : client(node).metrics().split("\n")) {
            if (line.startsWith("lumbung_kafka_owned_partitions ")) {
                return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no lumbung_kafka_owned_partitions in the metrics of " + node.data);
    }

    /**
     * Waits until {@code nodes} (those still running) serve every partition between them, and go
     * on doing so for {@link #SERVED_STABLE_MS} (a node that wakes from a pause counts its stale
     * cores until it drops them); returns the time it first happened (ms, {@code nanoTime} based).
     */
    static long waitAllServed(List<EngineProcess> nodes, long timeoutMs) throws Exception {
        return waitServed(nodes, false, timeoutMs);
    }

    /**
     * As {@link #waitAllServed}, and each node serves a share: a node that just joined is ready
     * with none (the incremental rebalance first takes partitions from their owner, then hands them
     * on), while the others still serve them all.
     */
    static long waitEachServes(List<EngineProcess> nodes, long timeoutMs) throws Exception {
        return waitServed(nodes, true, timeoutMs);
    }

    private static long waitServed(List<EngineProcess> nodes, boolean each, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Integer> served = List.of();
        long sinceNs = -1;
        while (System.nanoTime() < deadline) {
            served = new ArrayList<>();
            for (EngineProcess node : nodes) {
                if (!node.process.isAlive()) {
                    continue;
                }
                try {
                    served.add(ownedPartitions(node));
                } catch (java.io.IOException e) {
                    served.add(0); // not answering yet
                }
            }
            long now = System.nanoTime();
            if (served.stream().mapToInt(Integer::intValue).sum() == PARTITIONS && !(each && served.contains(0))) {
                if (sinceNs < 0) {
                    sinceNs = now;
                } else if (now - sinceNs >= TimeUnit.MILLISECONDS.toNanos(SERVED_STABLE_MS)) {
                    return TimeUnit.NANOSECONDS.toMillis(sinceNs);
                }
            } else {
                sinceNs = -1;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the nodes served " + served + " of " + PARTITIONS + " partitions after " + timeoutMs
                + " ms" + (each ? ", each a share" : ""));
    }

    @FunctionalInterface
    interface Call {
        HttpResponse<String> call() throws Exception;
    }

    /**
     * A request repeated while it is answered 503 (a partition between owners) or 429, or its
     * connection fails (a pooled connection to a node killed or stopped before), for at most
     * {@link #RETRY_503_MS}. Every request it repeats is a lookup or a post of a key already
     * posted, which the engine answers the same however often it comes.
     */
    static HttpResponse<String> retrying(Call call) throws Exception {
        return retryingAny(call::call);
    }

    /** A request whose answer's body is a {@code T}. */
    interface Request<T> {
        HttpResponse<T> send() throws Exception;
    }

    /** {@link #retrying} for an answer of any body type. */
    static <T> HttpResponse<T> retryingAny(Request<T> call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_503_MS);
        while (true) {
            try {
                HttpResponse<T> r = call.send();
                if ((r.statusCode() != 503 && r.statusCode() != 429) || System.nanoTime() >= deadline) {
                    return r;
                }
            } catch (java.io.IOException e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    /**
     * The run's client for {@code node}, for metrics and the checks: a JDK HttpClient holds a
     * selector and its connections until it is collected (Java 17 cannot close one), so a client
     * per request ran the test JVM out of file descriptors (20,000) over thousands of checks. The
     * load's posters keep clients of their own ({@link Clients}): a poster interrupted mid-request
     * when its load stops must not leave a connection half used in a pool that others share.
     */
    static Client client(EngineProcess node) {
        return SHARED.of(node);
    }

    private static final Clients SHARED = new Clients();

    /** One client per node, made at its first use. */
    static final class Clients {
        private final Map<EngineProcess, Client> byNode = new ConcurrentHashMap<>();

        Client of(EngineProcess node) {
            return byNode.computeIfAbsent(node, Client::new);
        }
    }

    /**
     * Every acknowledged payment, by its id, from every node (forwarded to its owner): 200 with its
     * id and amount; and a retry of its key on a node drawn at random gets the one answer.
     */
    static void assertEachFoundOnEveryNode(List<EngineProcess> nodes, Collection<Ack> acks) throws Exception {
        long t0 = System.nanoTime();
        Random r = new Random(7);
        List<Call> checks = new ArrayList<>();
        for (Ack a : acks) {
            EngineProcess any = nodes.get(r.nextInt(nodes.size()));
            checks.add(() -> {
                for (EngineProcess node : nodes) {
                    HttpResponse<String> s = retrying(() -> client(node).status(a.terminal(), a.paymentId()));
                    assertThat(s.statusCode()).as(a.paymentId() + " on " + node.data + ": " + s.body()).isEqualTo(200);
                    assertThat(Client.field(s.body(), "paymentId")).isEqualTo(a.paymentId());
                    assertThat(Client.field(s.body(), "amount")).as(a.paymentId()).isEqualTo(Long.toString(a.amount()));
                }
                HttpResponse<String> again = retrying(() -> client(any).post(a.terminal(), a.body()));
                assertThat(again.statusCode()).as(a.paymentId() + " posted again: " + again.body()).isEqualTo(200);
                assertThat(Client.field(again.body(), "paymentId")).as("the key of " + a.paymentId() + " posted again")
                        .isEqualTo(a.paymentId());
                return again;
            });
        }
        inParallel(checks);
        System.out.println(acks.size() + " payments found on " + nodes.size() + " nodes and posted again in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    /** Runs the checks on {@link #CHECK_THREADS} threads; the first failure, an assertion's included, is thrown. */
    private static void inParallel(List<Call> checks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CHECK_THREADS);
        try {
            List<Future<HttpResponse<String>>> running = new ArrayList<>();
            for (Call c : checks) {
                running.add(pool.submit(c::call));
            }
            for (Future<HttpResponse<String>> f : running) {
                try {
                    f.get(RETRY_503_MS * 4, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One admin close, on the last of {@code nodes} (every partition closes through its owner, and
     * the answer lists every batch), then: the batches the close answered hold as many payments as
     * were acknowledged, every acknowledged payment's status is SETTLED and names a batch, each
     * listed batch holds exactly the payments whose status names it, and the listed batches hold
     * as many payments as were acknowledged.
     */
    static void assertEachSettledOnce(List<EngineProcess> nodes, Collection<Ack> acks) throws Exception {
        HttpResponse<String> closed = client(nodes.get(nodes.size() - 1)).close();
        assertThat(closed.statusCode()).as("close: " + closed.body()).isEqualTo(200);
        long closedPayments = 0;
        String[] closedBatches = closed.body().split("\\{\"batchId\":\"");
        for (int b = 1; b < closedBatches.length; b++) { // [0] is what comes before the first batch
            closedPayments += Long.parseLong(Client.field("{\"batchId\":\"" + closedBatches[b], "payments"));
        }
        assertThat(closedPayments).as("payments in the batches the close answered").isEqualTo(acks.size());
        long t0 = System.nanoTime();
        Map<String, Integer> settledIn = new ConcurrentHashMap<>();
        List<Call> lookups = new ArrayList<>();
        for (Ack a : acks) {
            lookups.add(() -> {
                HttpResponse<String> s = retrying(() -> client(nodes.get(0)).status(a.terminal(), a.paymentId()));
                assertThat(Client.field(s.body(), "status")).as(a.paymentId() + ": " + s.body()).isEqualTo("SETTLED");
                settledIn.merge(Client.field(s.body(), "batchId"), 1, Integer::sum);
                return s;
            });
        }
        inParallel(lookups);
        long batchPayments = 0;
        Set<String> listed = new HashSet<>();
        for (String coop : COOPS) {
            HttpResponse<String> list = retrying(() -> client(nodes.get(nodes.size() - 1)).settlements(coop));
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            String[] batches = list.body().split("\\{\"batchId\":\"");
            for (int b = 1; b < batches.length; b++) { // [0] is what comes before the first batch
                String batch = batches[b];
                String batchId = batch.substring(0, batch.indexOf('"'));
                assertThat(listed.add(batchId)).as("batch " + batchId + " listed once").isTrue();
                int payments = Integer.parseInt(Client.field("{\"batchId\":\"" + batch, "payments"));
                assertThat(payments).as("payments of " + batchId).isEqualTo(settledIn.getOrDefault(batchId, 0));
                batchPayments += payments;
            }
        }
        assertThat(listed).as("every batch a status names is listed").containsAll(settledIn.keySet());
        assertThat(batchPayments).as("payments in batches = payments acknowledged").isEqualTo(acks.size());
        System.out.println(acks.size() + " payments settled once, checked in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                + " ms");
    }

    /**
     * Every file of every batch of the demo cooperatives as each of {@code nodes} serves it (through
     * the cooperative API, forwarded to the owner where it must be): the same bytes, {@code ETag}
     * and {@code Repr-Digest} from every node, and bytes whose SHA-256 is the one the listing
     * gives. Returns, by {@code coop/batch/file}, the SHA-256, ETag and Repr-Digest served.
     */
    static Map<String, String> assertFilesIdenticalOnEveryNode(List<EngineProcess> nodes) throws Exception {
        Map<String, String> first = null;
        for (EngineProcess node : nodes) {
            Map<String, String> served = filesServed(node);
            assertThat(served).as("files served by " + node.data).isNotEmpty();
            if (first == null) {
                first = served;
            } else {
                assertThat(served).as("files served by " + node.data + " against " + nodes.get(0).data).isEqualTo(first);
            }
        }
        return first;
    }

    private static Map<String, String> filesServed(EngineProcess node) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String coop : COOPS) {
            HttpResponse<String> list = retrying(() -> client(node).settlements(coop));
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            for (Object b : new io.vertx.core.json.JsonObject(list.body()).getJsonArray("batches")) {
                io.vertx.core.json.JsonObject batch = (io.vertx.core.json.JsonObject) b;
                String batchId = batch.getString("batchId");
                for (Object f : batch.getJsonArray("files")) {
                    io.vertx.core.json.JsonObject file = (io.vertx.core.json.JsonObject) f;
                    String name = file.getString("name");
                    HttpResponse<byte[]> r = retryingAny(() -> client(node).file(coop, batchId, name));
                    String what = coop + "/" + batchId + "/" + name;
                    assertThat(r.statusCode()).as(what + " from " + node.data).isEqualTo(200);
                    String sha256 = java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(r.body()));
                    assertThat(sha256).as(what + ": the listing's sha256").isEqualTo(file.getString("sha256"));
                    out.put(what, sha256 + " etag=" + r.headers().firstValue("ETag").orElse("none")
                            + " repr-digest=" + r.headers().firstValue("Repr-Digest").orElse("none"));
                }
            }
        }
        return out;
    }

    /**
     * Terminals posting new payments, one at a time each, to a node drawn at random from
     * {@code targets} (read again for every post) until stopped; txnIds are the prefix, the
     * terminal id, {@code -} and a counter from 1. A payment answered 503 or 429, or
     * whose node did not answer, is retried with the same key (so with the same bytes) until it is
     * acknowledged, for at most {@link #ACK_DEADLINE_MS}. Every answer is recorded: the
     * acknowledgements, every paymentId any 2xx answer gave each key, every refusal, and the
     * longest answer.
     */
    static final class Load {
        static final long ACK_DEADLINE_MS = 60_000;
        private static final long RETRY_PAUSE_MS = 100;

        /** txnId to its first acknowledgement. */
        final Map<String, Ack> acks = new ConcurrentHashMap<>();
        /** txnId to every paymentId a 2xx answer gave it: one each, when nothing was journaled twice. */
        final Map<String, Set<String>> answered = new ConcurrentHashMap<>();
        /** Every answer that was not a 2xx, and every post no answer came to: when (ms since the start), where, what. */
        final List<String> refusals = new CopyOnWriteArrayList<>();
        /** Answers other than 2xx, 503 and 429: none is expected whatever fails. */
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger unacknowledged = new AtomicInteger();
        private long longestAnswerMs;
        private long longestAnswerAtMs;
        private final long t0 = System.nanoTime();
        private final Supplier<List<EngineProcess>> targets;
        private final String txnPrefix;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool;
        private final List<Future<?>> posting = new ArrayList<>();

        /** Starts one thread per terminal. */
        Load(Supplier<List<EngineProcess>> targets, String... terminals) {
            this("", targets, terminals);
        }

        /** Starts one thread per terminal, its txnIds starting with {@code txnPrefix}. */
        Load(String txnPrefix, Supplier<List<EngineProcess>> targets, String... terminals) {
            this.txnPrefix = txnPrefix;
            this.targets = targets;
            this.pool = Executors.newFixedThreadPool(terminals.length);
            for (String terminal : terminals) {
                posting.add(pool.submit(() -> {
                    post(terminal);
                    return null;
                }));
            }
        }

        /** Milliseconds since the load started: the time axis of {@link #refusals}. */
        long nowMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }

        /** Stops posting; returns once every terminal's last payment was acknowledged or given up. */
        void stop() throws Exception {
            stop.set(true);
            try {
                for (Future<?> f : posting) {
                    f.get(ACK_DEADLINE_MS + 30_000, TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }

        /** Records a 2xx answer to {@code txnId}; returns its paymentId. */
        String answered(String txnId, String terminal, String body, long amount, HttpResponse<String> res) {
            String paymentId = Client.field(res.body(), "paymentId");
            answered.computeIfAbsent(txnId, k -> ConcurrentHashMap.newKeySet()).add(paymentId);
            acks.putIfAbsent(txnId, new Ack(terminal, body, paymentId, amount));
            return paymentId;
        }

        private void post(String terminal) throws InterruptedException {
            Random r = new Random(terminal.hashCode());
            Clients clients = new Clients();
            int n = 0;
            while (!stop.get()) {
                String txnId = txnPrefix + terminal + "-" + (++n);
                long amount = 1_000 + r.nextInt(100_000);
                String body = Client.paymentBody(terminal, txnId, amount);
                if (!postUntilAcknowledged(clients, r, terminal, txnId, body, amount)) {
                    unacknowledged.incrementAndGet();
                }
            }
        }

        private boolean postUntilAcknowledged(Clients clients, Random r, String terminal, String txnId, String body, long amount)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_DEADLINE_MS);
            while (System.nanoTime() < deadline) {
                List<EngineProcess> nodes = targets.get();
                EngineProcess node = nodes.get(r.nextInt(nodes.size()));
                long sentAtMs = nowMs();
                String outcome;
                try {
                    HttpResponse<String> res = clients.of(node).post(terminal, body);
                    took(sentAtMs);
                    if (res.statusCode() == 201 || res.statusCode() == 200) {
                        answered(txnId, terminal, body, amount, res);
                        return true;
                    }
                    outcome = res.statusCode() + " " + res.body();
                    if (res.statusCode() != 503 && res.statusCode() != 429) {
                        unexpected.add(txnId + " on " + node.data.getFileName() + ": " + outcome);
                    }
                } catch (java.io.IOException e) {
                    took(sentAtMs);
                    outcome = e.toString(); // a node killed, stopped or stopping: another one takes the retry
                }
                refusals.add("at " + sentAtMs + " ms, " + txnId + " on " + node.data.getFileName() + " after "
                        + (nowMs() - sentAtMs) + " ms: " + outcome);
                Thread.sleep(RETRY_PAUSE_MS);
            }
            return false;
        }

        private synchronized void took(long sentAtMs) {
            answers.incrementAndGet();
            long ms = nowMs() - sentAtMs;
            if (ms > longestAnswerMs) {
                longestAnswerMs = ms;
                longestAnswerAtMs = sentAtMs;
            }
        }

        /** The longest any post waited for its answer (or for its failure), in ms. */
        synchronized long longestAnswerMs() {
            return longestAnswerMs;
        }

        /** When that post was sent, in ms since the start. */
        synchronized long longestAnswerAtMs() {
            return longestAnswerAtMs;
        }

        /** The refusals counted by kind: the status and problem code, or the exception's class. */
        Map<String, Integer> refusalKinds() {
            Map<String, Integer> kinds = new java.util.TreeMap<>();
            for (String r : refusals) {
                String outcome = r.substring(r.indexOf(" ms: ") + 5);
                String code = Client.field(outcome.substring(outcome.indexOf(' ') + 1), "detail");
                String kind = code != null ? outcome.substring(0, 3) + " " + code : outcome.split(":")[0];
                kinds.merge(kind, 1, Integer::sum);
            }
            return kinds;
        }

        /** Every key was answered with one paymentId only, wherever and however often it was posted. */
        void assertOneAnswerPerKey() {
            Map<String, Set<String>> doubled = new HashMap<>();
            answered.forEach((txnId, ids) -> {
                if (ids.size() != 1) {
                    doubled.put(txnId, new TreeSet<>(ids));
                }
            });
            assertThat(doubled).as("keys answered with more than one paymentId").isEmpty();
            answered.forEach((txnId, ids) -> assertThat(ids).as(txnId).containsExactly(acks.get(txnId).paymentId()));
        }
    }
}
