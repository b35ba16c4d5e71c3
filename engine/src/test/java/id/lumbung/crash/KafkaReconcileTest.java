package id.lumbung.crash;

import id.lumbung.kafka.KafkaBrokers;
import id.lumbung.kafka.KafkaSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reconcile --journal kafka}: every partition of the topic recomputed and compared with a
 * node's {@code partitions/p<N>/}. It agrees with a stopped node, says which partitions a node never
 * served, names a tampered batch file, and reads a running node's partitions without fencing it.
 */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaReconcileTest {
    /**
     * With 4 partitions the demo cooperatives' keys land in partitions 3, 2 and 1 (Kafka's
     * partitioner, {@link KafkaSettings#partitionOf}); partition 0 holds only the reference a node
     * journals into each partition it takes.
     */
    private static final int PARTITIONS = 4;
    /** Two terminals of each demo cooperative. */
    private static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014"};
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    private static String nodeConfig(String topic, String nodeId) {
        return "journal=kafka\nkafka.bootstrap=" + brokers.bootstrap() + "\nkafka.topic=" + topic + "\nkafka.partitions="
                + PARTITIONS + "\nkafka.replication=3\nkafka.group=" + topic + "\nnode.id=" + nodeId + "\n";
    }

    /** {@code reconcile --journal kafka} with the node's config file and {@code args}. */
    private static EngineProcess.Run reconcile(Path dir, Path nodeData, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--journal", "kafka", "--kafka", brokers.bootstrap(), "--config",
                EngineProcess.configFile(nodeData).toString()));
        all.addAll(List.of(args));
        return EngineProcess.reconcileWith(dir, all.toArray(String[]::new));
    }

    /** Posts a payment from each terminal, then closes: the batches the close answered. */
    private static JsonArray payAndClose(EngineProcess node, String prefix) throws Exception {
        Client client = new Client(node);
        for (int i = 0; i < TERMINALS.length; i++) {
            HttpResponse<String> r = client.post(TERMINALS[i], Client.paymentBody(TERMINALS[i], prefix + i, 10_000 + 1_000L * i));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        HttpResponse<String> close = client.close();
        assertThat(close.statusCode()).as(close.body()).isEqualTo(200);
        return new JsonObject(close.body()).getJsonArray("batches");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void agreesWithAStoppedNodeAndNamesATamperedBatchFile(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("reconcile");
        Path data = dir.resolve("node-a");
        JsonArray batches;
        try (EngineProcess node = EngineProcess.start(data, "sync", nodeConfig(topic, "node-a"))) {
            batches = payAndClose(node, "K-");
            assertThat(node.stop()).isZero();
        }
        assertThat(batches).hasSize(3); // one per cooperative, each in a partition of its own

        long t0 = System.nanoTime();
        EngineProcess.Run clean = reconcile(dir, data, "--data", data.toString());
        System.out.println("reconcile of the stopped node (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                + " ms, its JVM's start included):\n" + clean.output());
        assertThat(clean.exit()).as(clean.output()).isZero();
        assertThat(clean.output()).contains("reconcile: Kafka topic " + topic + " at " + brokers.bootstrap() + ", 4 partitions,"
                + " read without fencing their owners; compared with node data " + data.toAbsolutePath());
        KafkaSettings layout = brokers.settings(topic, PARTITIONS, 3);
        int[] batchesIn = new int[PARTITIONS];
        for (int b = 0; b < batches.size(); b++) {
            batchesIn[layout.partitionOf(batches.getJsonObject(b).getString("coopId"))]++;
        }
        assertThat(batchesIn).containsExactly(0, 1, 1, 1);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(clean.output()).containsPattern("\npartition " + p + ": records=[1-9][0-9]* entries=[1-9][0-9]*"
                    + " last_sequence=[1-9][0-9]*\n");
            assertThat(clean.output()).contains("\npartition " + p + ": batches=" + batchesIn[p] + "\n");
            assertThat(clean.output()).contains("\npartition " + p + ": compared with the node's partitions/p" + p
                    + "/: differences=0\n");
        }
        assertThat(clean.output()).containsPattern("\nreconcile: topic=" + topic.replace(".", "\\.") + " partitions=4"
                + " records=[1-9][0-9]* entries=[1-9][0-9]* batches=3 differences=0\n");
        assertThat(clean.leftInTemp()).as("the scratch folder is deleted").isEmpty();

        // a copy of the folder without one partition is a node that never served it: said, not a difference
        String coop = batches.getJsonObject(0).getString("coopId");
        String batchId = batches.getJsonObject(0).getString("batchId");
        int p = layout.partitionOf(coop);
        Path copy = dir.resolve("node-a-copy");
        SettlementCrashTest.copyTree(data, copy);
        deleteTree(copy.resolve("partitions/p" + p));
        EngineProcess.Run partial = reconcile(dir, data, "--data", copy.toString());
        assertThat(partial.exit()).as(partial.output()).isZero();
        assertThat(partial.output()).contains("\npartition " + p + ": not compared: the node has no partitions/p" + p
                + "/ (it never served partition " + p + ")\n").contains("differences=0");

        // one digit of a batch file of the node's, its size unchanged: the last figure of the first trader line
        Path csv = data.resolve("partitions/p" + p + "/files/" + coop + "/" + batchId + ".csv");
        String[] lines = Files.readString(csv).split("\n", -1);
        String line = lines[1];
        char digit = line.charAt(line.length() - 1);
        assertThat(digit).isBetween('0', '9');
        lines[1] = line.substring(0, line.length() - 1) + (char) ('0' + (digit - '0' + 1) % 10);
        Files.writeString(csv, String.join("\n", lines));
        EngineProcess.Run differs = reconcile(dir, data, "--data", data.toString());
        System.out.println("reconcile of the tampered node:\n" + differs.output());
        assertThat(differs.exit()).as(differs.output()).isEqualTo(1);
        assertThat(differs.output().lines().filter(l -> l.startsWith("DIFFERENCE ")))
                .singleElement().asString()
                .startsWith("DIFFERENCE partitions/p" + p + "/files/" + coop + "/" + batchId + ".csv: bytes differ")
                .contains("line 2 (").contains("expected '" + line + "' found '" + lines[1] + "'");
        assertThat(differs.output()).contains("\npartition " + p + ": compared with the node's partitions/p" + p
                + "/: differences=1\n").contains(" differences=1\n");
    }

    /**
     * While terminals post to a node, reconcile reads its topic and its data folder: every post is
     * still acknowledged, the node drops no partition (its log has no kafka_partition_dropped), and a
     * close afterwards commits into every partition, which a fenced owner could not.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void readsARunningNodesTopicWithoutDisturbingIt(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("reconcile-live");
        Path data = dir.resolve("node-b");
        try (EngineProcess node = EngineProcess.start(data, "sync", nodeConfig(topic, "node-b"))) {
            payAndClose(node, "L-");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acknowledged = new AtomicInteger();
            List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
            ExecutorService terminals = Executors.newSingleThreadExecutor();
            Future<?> posting = terminals.submit(() -> {
                Client client = new Client(node);
                for (int n = 0; !stop.get(); n++) {
                    String terminal = TERMINALS[n % TERMINALS.length];
                    HttpResponse<String> r = client.post(terminal, Client.paymentBody(terminal, "M-" + n, 5_000 + n));
                    if (r.statusCode() == 201) {
                        acknowledged.incrementAndGet();
                    } else {
                        refused.add(r.statusCode() + " " + r.body());
                    }
                    Thread.sleep(20);
                }
                return null;
            });
            try {
                int before = acknowledged.get();
                EngineProcess.Run run = reconcile(dir, data, "--data", data.toString());
                int during = acknowledged.get() - before;
                System.out.println("payments acknowledged while reconcile ran: " + during + "; its report:\n" + run.output());
                Thread.sleep(1_000); // posts after the reconcile, on partitions it read
                stop.set(true);
                posting.get(60, TimeUnit.SECONDS);
                assertThat(run.exit()).as(run.output()).isZero();
                assertThat(run.output()).contains(" batches=3 differences=0\n");
                assertThat(during).as("payments acknowledged while reconcile ran").isPositive();
            } finally {
                stop.set(true);
                terminals.shutdownNow();
            }
            assertThat(refused).as("posts refused").isEmpty();
            HttpResponse<String> close = new Client(node).close();
            assertThat(close.statusCode()).as(close.body()).isEqualTo(200);
            assertThat(new JsonObject(close.body()).getJsonArray("batches")).hasSize(3);
            assertThat(node.output()).doesNotContain("kafka_partition_dropped").doesNotContain("kafka_partition_build_failed");
            assertThat(node.stop()).isZero();
        }
    }

    /**
     * What would otherwise read as "all agree" over nothing is refused with exit 2: a topic the
     * cluster does not have, one with another partition count than configured, a data folder that
     * is no Kafka node's. Nothing is created on the way.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void refusesAMissingTopicAnotherPartitionCountAndADataFolderOfNoNode(@TempDir Path dir) throws Exception {
        String missing = KafkaBrokers.newTopic("reconcile-missing");
        Path config = dir.resolve("reconcile.properties");
        Files.writeString(config, "kafka.topic=" + missing + "\nkafka.partitions=" + PARTITIONS + "\n");
        EngineProcess.Run none = EngineProcess.reconcileWith(dir, "--journal", "kafka", "--kafka", brokers.bootstrap(),
                "--config", config.toString());
        assertThat(none.exit()).as(none.output()).isEqualTo(2);
        assertThat(none.output()).contains("has no topic " + missing + " (kafka.topic)");
        try (org.apache.kafka.clients.admin.Admin admin = brokers.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("reconcile creates no topic")
                    .doesNotContain(missing);
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(missing, 2, (short) 3)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        EngineProcess.Run fewer = EngineProcess.reconcileWith(dir, "--journal", "kafka", "--kafka", brokers.bootstrap(),
                "--config", config.toString());
        assertThat(fewer.exit()).as(fewer.output()).isEqualTo(2);
        assertThat(fewer.output()).contains("Kafka topic " + missing + " has 2 partitions, not the 4 configured");

        Path engineData = Files.createDirectories(dir.resolve("single-engine/journal")).getParent();
        EngineProcess.Run notANode = EngineProcess.reconcileWith(dir, "--journal", "kafka", "--kafka", brokers.bootstrap(),
                "--config", config.toString(), "--data", engineData.toString());
        assertThat(notANode.exit()).as(notANode.output()).isEqualTo(2);
        assertThat(notANode.output()).contains("no partitions folder " + engineData.resolve("partitions").toAbsolutePath());
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
