package id.lumbung.crash;

import id.lumbung.kafka.KafkaBrokers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three engine nodes on the Kafka journal, each its own process, over three real brokers: terminals
 * post to random nodes while one node is killed with SIGKILL and started again. Every acknowledged
 * payment is then found on every node by its {@code paymentId}, and after one admin close (on any
 * node: every partition closes through its owner) every one is settled exactly once: each
 * payment's status names one batch, and the batches hold exactly the payments acknowledged (a
 * payment journaled twice would be one more).
 */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaClusterTest {
    private static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014"};
    private static final String[] COOPS = {"KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG"};
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    /** One acknowledged payment: what the terminal sent and the id it was given. */
    private record Ack(String terminal, String body, String paymentId, long amount) {
    }

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void aNodeKilledUnderLoadLosesNothingAndEveryPaymentIsSettledOnce(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("cluster");
        String config = "journal=kafka\nkafka.bootstrap=" + brokers.bootstrap() + "\nkafka.topic=" + topic
                + "\nkafka.partitions=6\nkafka.replication=3\nkafka.group=" + topic + "\n";
        EngineProcess[] nodes = new EngineProcess[3];
        try {
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = EngineProcess.start(dir.resolve("node-" + i), "sync", config + "node.id=node-" + i + "\n");
            }
            Map<String, Ack> acks = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService load = Executors.newFixedThreadPool(TERMINALS.length);
            List<Future<?>> posting = new ArrayList<>();
            for (String terminal : TERMINALS) {
                posting.add(load.submit(() -> {
                    post(nodes, terminal, acks, stop, failures);
                    return null;
                }));
            }
            Thread.sleep(6_000);
            long killedAt = System.nanoTime();
            nodes[1].kill();
            long servedAgainMs = waitAllServed(nodes, 6, 60_000) - TimeUnit.NANOSECONDS.toMillis(killedAt);
            System.out.println("failover: the killed node's partitions served again " + servedAgainMs + " ms after SIGKILL");
            Thread.sleep(4_000);
            nodes[1] = EngineProcess.start(dir.resolve("node-1"), "sync", config + "node.id=node-1\n");
            waitAllServed(nodes, 6, 60_000);
            Thread.sleep(4_000);
            stop.set(true);
            for (Future<?> f : posting) {
                f.get(120, TimeUnit.SECONDS);
            }
            load.shutdown();
            assertThat(failures.get()).as("payments never acknowledged within their retries").isZero();
            assertThat(acks).hasSizeGreaterThan(50);
            System.out.println("acknowledged payments: " + acks.size());
            assertThat(servedAgainMs).as("DESIGN: served again within 20 s of the kill").isLessThan(20_000);

            // every acknowledged payment, by its id, from every node (forwarded to its owner)
            Random r = new Random(7);
            for (Ack a : acks.values()) {
                for (EngineProcess node : nodes) {
                    HttpResponse<String> s = retrying(() -> new Client(node).status(a.terminal(), a.paymentId()));
                    assertThat(s.statusCode()).as(a.paymentId() + " on " + node.data).isEqualTo(200);
                    assertThat(Client.field(s.body(), "paymentId")).isEqualTo(a.paymentId());
                    assertThat(Client.field(s.body(), "amount")).isEqualTo(Long.toString(a.amount()));
                }
                // a retry of the same key anywhere gets the one answer
                EngineProcess any = nodes[r.nextInt(nodes.length)];
                HttpResponse<String> again = retrying(() -> new Client(any).post(a.terminal(), a.body()));
                assertThat(again.statusCode()).isEqualTo(200);
                assertThat(Client.field(again.body(), "paymentId")).isEqualTo(a.paymentId());
            }

            // an admin close on one node closes every partition through its owner and lists every batch
            HttpResponse<String> closed = new Client(nodes[2]).close();
            assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
            long closedPayments = 0;
            String[] closedBatches = closed.body().split("\\{\"batchId\":\"");
            for (int b = 1; b < closedBatches.length; b++) {
                closedPayments += Long.parseLong(Client.field("{\"batchId\":\"" + closedBatches[b], "payments"));
            }
            assertThat(closedPayments).as("payments in the batches the close answered").isEqualTo(acks.size());
            Map<String, Integer> settledIn = new HashMap<>();
            for (Ack a : acks.values()) {
                HttpResponse<String> s = retrying(() -> new Client(nodes[0]).status(a.terminal(), a.paymentId()));
                assertThat(Client.field(s.body(), "status")).as(a.paymentId()).isEqualTo("SETTLED");
                settledIn.merge(Client.field(s.body(), "batchId"), 1, Integer::sum);
            }
            long batchPayments = 0;
            for (String coop : COOPS) {
                HttpResponse<String> list = retrying(() -> new Client(nodes[2]).settlements(coop));
                assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
                String[] batches = list.body().split("\\{\"batchId\":\"");
                for (int b = 1; b < batches.length; b++) { // [0] is what comes before the first batch
                    String batch = batches[b];
                    String batchId = batch.substring(0, batch.indexOf('"'));
                    int payments = Integer.parseInt(Client.field("{\"batchId\":\"" + batch, "payments"));
                    assertThat(payments).as("payments of " + batchId).isEqualTo(settledIn.getOrDefault(batchId, 0));
                    batchPayments += payments;
                }
            }
            assertThat(batchPayments).as("payments in batches = payments acknowledged").isEqualTo(acks.size());
        } finally {
            for (EngineProcess n : nodes) {
                if (n != null) {
                    n.close();
                }
            }
        }
    }

    /** Posts new payments from one terminal to random nodes until stopped; each retried with its key until acknowledged. */
    private static void post(EngineProcess[] nodes, String terminal, Map<String, Ack> acks, AtomicBoolean stop,
            AtomicInteger failures) throws InterruptedException {
        Random r = new Random(terminal.hashCode());
        int n = 0;
        while (!stop.get()) {
            String txnId = terminal + "-" + (++n);
            long amount = 1_000 + r.nextInt(100_000);
            String body = Client.paymentBody(terminal, txnId, amount);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean acked = false;
            while (!acked && System.nanoTime() < deadline) {
                EngineProcess node = nodes[r.nextInt(nodes.length)];
                try {
                    HttpResponse<String> res = new Client(node).post(terminal, body);
                    if (res.statusCode() == 201 || res.statusCode() == 200) {
                        acks.put(txnId, new Ack(terminal, body, Client.field(res.body(), "paymentId"), amount));
                        acked = true;
                    } else if (res.statusCode() != 503 && res.statusCode() != 429) {
                        throw new AssertionError("unexpected answer " + res.statusCode() + " " + res.body());
                    }
                } catch (java.io.IOException e) {
                    // a killed node: another one takes the retry
                }
                if (!acked) {
                    Thread.sleep(100);
                }
            }
            if (!acked) {
                failures.incrementAndGet();
            }
        }
    }

    /** Waits until the live nodes serve every partition between them; returns the time it happened (ms, nanoTime based). */
    private static long waitAllServed(EngineProcess[] nodes, int partitions, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            int served = 0;
            for (EngineProcess node : nodes) {
                if (!node.process.isAlive()) {
                    continue;
                }
                try {
                    for (String line : new Client(node).metrics().split("\n")) {
                        if (line.startsWith("lumbung_kafka_owned_partitions ")) {
                            served += (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                        }
                    }
                } catch (java.io.IOException e) {
                    // not answering yet
                }
            }
            if (served == partitions) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the live nodes did not serve all " + partitions + " partitions within " + timeoutMs + " ms");
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> call() throws Exception;
    }

    /** A request repeated while it is answered 503 (a partition between owners) or 429, for at most 30 s. */
    private static HttpResponse<String> retrying(Call call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> r = call.call();
        while ((r.statusCode() == 503 || r.statusCode() == 429) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = call.call();
        }
        return r;
    }
}
