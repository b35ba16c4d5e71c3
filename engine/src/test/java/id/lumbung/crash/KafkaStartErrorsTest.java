package id.lumbung.crash;

import id.lumbung.delivery.DeliveryFixture;
import id.lumbung.kafka.KafkaBrokers;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve --journal kafka} refuses to serve, with a non-zero exit and a message an operator
 * can act on: brokers that do not answer (the bootstrap named), a topic with fewer partitions than
 * configured, and reference data other than the one the topic's journal was written with.
 */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaStartErrorsTest {
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    private static Process serve(Path dir, String name, String bootstrap, String topic, int partitions, Path reference)
            throws Exception {
        Path data = dir.resolve(name);
        Files.createDirectories(data);
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--journal", "kafka", "--kafka", bootstrap,
                "--node-id", name, "--data", data.toString(), "--http-port", "0", "--ops-port", "0", "--iso-port", "0",
                "--cutoffs", "none", "--config", config(dir, name, topic, partitions).toString()));
        if (reference != null) {
            args.addAll(List.of("--reference", reference.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(EngineProcess.javaCommand(args.toArray(String[]::new)));
        pb.environment().put("LUMBUNG_ADMIN_TOKEN", EngineProcess.ADMIN_TOKEN);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private static Path config(Path dir, String name, String topic, int partitions) throws Exception {
        Path f = dir.resolve(name + ".properties");
        Files.writeString(f, "http.host=127.0.0.1\nkafka.topic=" + topic + "\nkafka.partitions=" + partitions
                + "\nkafka.replication=3\nkafka.group=" + topic + "\n");
        return f;
    }

    private static int exit(Process p, long seconds) throws Exception {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("serve did not stop within " + seconds + " s");
        }
        return p.exitValue();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void brokersThatDoNotAnswerStopTheStartNamingTheBootstrap(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + closed;
        Process p = serve(dir, "n1", bootstrap, KafkaBrokers.newTopic("unreachable"), 6, null);
        assertThat(exit(p, 60)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("n1.log"))).contains("lumbung: ").contains(bootstrap);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aTopicWithFewerPartitionsThanConfiguredStopsTheStart(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("fewer");
        try (Admin admin = brokers.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 3).configs(Map.of("min.insync.replicas", "2",
                    "unclean.leader.election.enable", "false", "retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        }
        Process p = serve(dir, "n1", brokers.bootstrap(), topic, 6, null);
        assertThat(exit(p, 60)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("n1.log"))).contains(topic).contains("2").contains("6");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void referenceDataOtherThanTheJournalsStopsTheNode(@TempDir Path dir) throws Exception {
        String topic = KafkaBrokers.newTopic("reference");
        Path reference = DeliveryFixture.demoReference(dir.resolve("ref"));
        try (EngineProcess first = EngineProcess.start(dir.resolve("first"), "sync", "journal=kafka\nkafka.bootstrap="
                + brokers.bootstrap() + "\nkafka.topic=" + topic + "\nkafka.partitions=3\nkafka.replication=3\nkafka.group="
                + topic + "\nnode.id=first\nreference.dir=" + reference + "\n")) {
            assertThat(first.stop()).isZero();
        }
        // the same cooperatives with another fee plan for one trader: money would be settled two ways
        Path traders = reference.resolve("traders.csv");
        Files.writeString(traders, Files.readString(traders).replace("BRH-004,KSP-BERINGHARJO,Koperasi Karyawan Pasar,GOV",
                "BRH-004,KSP-BERINGHARJO,Koperasi Karyawan Pasar,REG"));
        Process p = serve(dir, "second", brokers.bootstrap(), topic, 3, reference);
        int code = exit(p, 120);
        String log = Files.readString(dir.resolve("second.log"));
        assertThat(code).as(log).isNotZero();
        assertThat(log).contains("the reference data differs from what partition").contains("BRH-004");
    }
}
