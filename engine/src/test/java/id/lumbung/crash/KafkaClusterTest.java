package id.lumbung.crash;

import id.lumbung.kafka.KafkaBrokers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * node: every partition closes through its owner) every one is settled exactly once
 * ({@link KafkaCluster}).
 */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaClusterTest {
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void aNodeKilledUnderLoadLosesNothingAndEveryPaymentIsSettledOnce(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("cluster");
        String config = KafkaCluster.config(brokers, topic);
        EngineProcess[] nodes = new EngineProcess[3];
        try {
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = KafkaCluster.start(dir, config, i);
            }
            List<EngineProcess> all = Arrays.asList(nodes); // a view: the node started again is posted to
            KafkaCluster.Load load = new KafkaCluster.Load(() -> all, KafkaCluster.TERMINALS);
            Thread.sleep(6_000);
            long killedAt = System.nanoTime();
            nodes[1].kill();
            long servedAgainMs = KafkaCluster.waitAllServed(all, 60_000) - TimeUnit.NANOSECONDS.toMillis(killedAt);
            System.out.println("failover: the killed node's partitions served again " + servedAgainMs + " ms after SIGKILL");
            Thread.sleep(4_000);
            nodes[1] = KafkaCluster.start(dir, config, 1);
            KafkaCluster.waitEachServes(all, 60_000);
            Thread.sleep(4_000);
            load.stop();
            assertThat(load.unexpected).as("answers other than 2xx, 503 and 429").isEmpty();
            assertThat(load.unacknowledged.get()).as("payments not acknowledged within a minute of retries").isZero();
            assertThat(load.acks).hasSizeGreaterThan(50);
            System.out.println("acknowledged payments: " + load.acks.size());
            assertThat(servedAgainMs).as("DESIGN: served again within 20 s of the kill").isLessThan(20_000);
            load.assertOneAnswerPerKey();
            KafkaCluster.assertEachFoundOnEveryNode(all, load.acks.values());
            KafkaCluster.assertEachSettledOnce(all, load.acks.values());

            // every file byte-identical whichever node serves it, and after its owner dies, from the new owner's copy
            Map<String, String> files = KafkaCluster.assertFilesIdenticalOnEveryNode(all);
            String coop = KafkaCluster.COOPS[0];
            int partition = KafkaCluster.partitionOfCoop(brokers, topic).get(coop);
            int owner = nodeNumber(KafkaCluster.owners(brokers, topic).get(partition));
            List<Path> coopFiles = new ArrayList<>();
            for (String key : files.keySet()) {
                if (key.startsWith(coop + "/")) {
                    coopFiles.add(Path.of("partitions", "p" + partition, "files", coop, key.substring(key.lastIndexOf('/') + 1)));
                }
            }
            assertThat(coopFiles).as("files of " + coop).isNotEmpty();
            List<EngineProcess> survivors = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                if (i != owner) {
                    survivors.add(nodes[i]);
                    for (Path f : coopFiles) {
                        assertThat(nodes[i].data.resolve(f)).as("node-" + i + " has not written " + f).doesNotExist();
                    }
                }
            }
            nodes[owner].kill();
            KafkaCluster.waitAllServed(survivors, 60_000);
            assertThat(KafkaCluster.assertFilesIdenticalOnEveryNode(survivors)).as("files served after node-" + owner
                    + ", their writer, was killed").isEqualTo(files);
            int newOwner = nodeNumber(KafkaCluster.owners(brokers, topic).get(partition));
            for (Path f : coopFiles) {
                assertThat(nodes[newOwner].data.resolve(f)).as("written again by node-" + newOwner).isRegularFile();
            }
            System.out.println(files.size() + " files byte-identical from every node; " + coopFiles.size() + " of " + coop
                    + " written again by node-" + newOwner + " after node-" + owner + " was killed, the same bytes");
        } finally {
            KafkaCluster.closeAll(nodes);
        }
    }

    /** 1 for {@code node-1}. */
    private static int nodeNumber(String nodeId) {
        return Integer.parseInt(nodeId.substring("node-".length()));
    }
}
