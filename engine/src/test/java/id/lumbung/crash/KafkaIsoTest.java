package id.lumbung.crash;

import id.lumbung.Polling;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.gateway.IsoTerminal;
import id.lumbung.kafka.KafkaBrokers;
import id.lumbung.reference.ReferenceFiles;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ISO 8583 port of Kafka nodes (DESIGN.md, "Any node answers any request"): three nodes, each
 * its own process, over three real brokers; card terminals (jPOS-packed ISO87B, with MACs) send
 * purchases and reversals to every node, so most reach a node that does not own their
 * cooperative's partition. Each answer is the owner's, relayed unchanged (its MAC verifies under
 * the terminal's key), and the forwards are counted. Then an owner is killed with SIGKILL: every
 * purchase sent again, same RRN, through a surviving node gets its first approval code, every one
 * is found by its {@code paymentId} on the survivors, and a close settles each exactly once.
 */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaIsoTest {
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    /** One purchase approved over ISO 8583: the message sent (sent again as it is) and what it became. */
    private record Purchase(ISOMsg message, String terminal, String rrn, String approvalCode, KafkaCluster.Ack ack) {
    }

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void everyNodeAnswersIsoRequestsAndAKilledOwnerLosesNone(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("iso");
        String config = KafkaCluster.config(brokers, topic);
        EngineProcess[] nodes = KafkaCluster.startAll(dir, config, 0, 1, 2);
        try {
            List<EngineProcess> all = Arrays.asList(nodes);
            KafkaCluster.waitEachServes(all, 60_000);
            ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
            Map<String, Integer> partitionOfCoop = KafkaCluster.partitionOfCoop(brokers, topic);
            Map<String, String> coopOfTerminal = KafkaCluster.coopOfTerminal();
            Map<Integer, String> owners = KafkaCluster.owners(brokers, topic);

            // every terminal sends a purchase through every node: two of three reach a node that forwards it
            List<Purchase> purchases = new ArrayList<>();
            int expectedForwards = 0;
            int rrn = 0;
            for (String terminal : KafkaCluster.TERMINALS) {
                String trader = reference.trader(reference.terminal(terminal).traderIndex()).traderId();
                int partition = partitionOfCoop.get(coopOfTerminal.get(terminal));
                for (int i = 0; i < nodes.length; i++) {
                    String id = String.format("%012d", ++rrn);
                    long amountRupiah = 1_000L * rrn;
                    ISOMsg m = IsoTerminal.purchaseNow(terminal, trader, id, amountRupiah * 100, rrn % 2 == 0 ? "4111111111111111" : null);
                    ISOMsg answer = send(nodes[i], m);
                    assertThat(answer.getString(39)).as(terminal + " RRN " + id + " via node-" + i).isEqualTo("00");
                    String code = answer.getString(38);
                    // the approval code is the last six digits of the sequence, here the whole sequence
                    String paymentId = "P" + partition + "-" + Long.parseLong(code);
                    purchases.add(new Purchase(m, terminal, id, code, new KafkaCluster.Ack(terminal, null, paymentId, amountRupiah)));
                    if (!owners.get(partition).equals("node-" + i)) {
                        expectedForwards++;
                    }
                }
            }
            assertThat(expectedForwards).as("requests that reached a node other than their owner").isGreaterThan(0);
            // a relay is counted once its answer is written, so a moment after the terminal reads it
            int forwards = expectedForwards;
            assertThat(Polling.until(() -> relayedForwards(all), n -> n >= forwards, java.time.Duration.ofSeconds(5)))
                    .as("ISO 8583 forwards relayed, across the nodes").isEqualTo(expectedForwards);

            // each terminal's first purchase is reversed through the node after its owner
            List<Purchase> kept = new ArrayList<>();
            java.util.Set<String> reversedFor = new java.util.HashSet<>();
            for (Purchase p : purchases) {
                if (!reversedFor.add(p.terminal())) {
                    kept.add(p);
                    continue;
                }
                int owner = Integer.parseInt(owners.get(p.ack().partition()).substring("node-".length()));
                ISOMsg answer = send(nodes[(owner + 1) % nodes.length], IsoTerminal.reversal(p.terminal(), p.rrn()));
                assertThat(answer.getMTI()).isEqualTo("0410");
                assertThat(answer.getString(39)).as("reversal of " + p.ack().paymentId()).isEqualTo("00");
                HttpStatus status = status(nodes[owner], p);
                assertThat(status.status).as(p.ack().paymentId() + " after its reversal").isEqualTo("VOIDED");
            }

            // the owner of T0000001's partition dies; the survivors take its partitions
            int victim = Integer.parseInt(owners.get(purchases.get(0).ack().partition()).substring("node-".length()));
            nodes[victim].kill();
            List<EngineProcess> survivors = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                if (i != victim) {
                    survivors.add(nodes[i]);
                }
            }
            KafkaCluster.waitAllServed(survivors, 60_000);

            // nothing lost: the same message again, through each survivor, gets its first approval code
            for (Purchase p : purchases) {
                for (EngineProcess node : survivors) {
                    ISOMsg again = sendUntilServed(node, p.message());
                    assertThat(again.getString(39)).as("RRN " + p.rrn() + " sent again").isEqualTo("00");
                    assertThat(again.getString(38)).as("approval code of RRN " + p.rrn() + " sent again").isEqualTo(p.approvalCode());
                }
            }
            for (Purchase p : kept) {
                for (EngineProcess node : survivors) {
                    HttpStatus status = status(node, p);
                    assertThat(status.txnId).as(p.ack().paymentId() + " is the purchase of RRN " + p.rrn()).isEqualTo(p.rrn());
                    assertThat(status.status).as(p.ack().paymentId()).isEqualTo("ACCEPTED");
                }
            }
            KafkaCluster.assertEachSettledOnce(survivors, kept.stream().map(Purchase::ack).toList());
        } finally {
            KafkaCluster.closeAll(nodes);
        }
    }

    /** Sends {@code m} to the node's ISO 8583 port on a connection of its own; the answer's MAC is checked. */
    private static ISOMsg send(EngineProcess node, ISOMsg m) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.isoPort())) {
            socket.setSoTimeout(30_000);
            return IsoTerminal.exchange(socket, m);
        }
    }

    /** As {@link #send}, again while the answer is 91 (a partition between owners), for at most 30 s. */
    private static ISOMsg sendUntilServed(EngineProcess node, ISOMsg m) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ISOMsg answer = send(node, m);
            if (!"91".equals(answer.getString(39)) || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(200);
        }
    }

    private record HttpStatus(String status, String txnId) {
    }

    /** The payment's status on {@code node}, looked up by its id over HTTP as its terminal. */
    private static HttpStatus status(EngineProcess node, Purchase p) throws Exception {
        var s = KafkaCluster.retrying(() -> KafkaCluster.client(node).status(p.terminal(), p.ack().paymentId()));
        assertThat(s.statusCode()).as(p.ack().paymentId() + ": " + s.body()).isEqualTo(200);
        return new HttpStatus(Client.field(s.body(), "status"), Client.field(s.body(), "txnId"));
    }

    /** {@code lumbung_iso_forwarded_total{outcome="relayed"}} summed over the nodes. */
    private static int relayedForwards(List<EngineProcess> nodes) throws Exception {
        double sum = 0;
        for (EngineProcess node : nodes) {
            for (String line : KafkaCluster.client(node).metrics().split("\n")) {
                if (line.startsWith("lumbung_iso_forwarded_total{") && line.contains("outcome=\"relayed\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return (int) sum;
    }
}
