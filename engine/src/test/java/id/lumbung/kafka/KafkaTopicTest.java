package id.lumbung.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal topic: created with the journal's layout and configs, refused when it could lose or misplace records. */
@ExtendWith(KafkaBrokers.Resolver.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaTopicTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers cluster) {
        brokers = cluster;
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return KafkaBrokers.eventually(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
    }

    private static Config configs(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return KafkaBrokers.eventually(() -> admin.describeConfigs(List.of(r)).all().get().get(r));
    }

    /** The journal's topic-level configs, each overridden by {@code changes}. */
    private static Map<String, String> journalConfigs(String... changes) {
        Map<String, String> c = new HashMap<>(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false", TopicConfig.RETENTION_MS_CONFIG, "-1"));
        for (int i = 0; i < changes.length; i += 2) {
            c.put(changes[i], changes[i + 1]);
        }
        return c;
    }

    /** Creates the topic as an operator might have, then has a node configured with {@code configured} check it. */
    private static String refusal(KafkaSettings configured, int partitions, int replication, Map<String, String> configs)
            throws Exception {
        try (Admin admin = brokers.admin()) {
            admin.createTopics(List.of(new NewTopic(configured.topic(), partitions, (short) replication).configs(configs)))
                    .all().get();
        }
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> KafkaTopic.ensure(configured, TIMEOUT));
        assertThat(thrown).isInstanceOf(KafkaStartException.class);
        assertThat(thrown.getMessage()).startsWith("Kafka topic " + configured.topic() + " cannot hold the journal: ");
        return thrown.getMessage();
    }

    private static KafkaSettings threeByThree(String name) {
        return brokers.settings(KafkaBrokers.newTopic(name), 3, 3);
    }

    @Test
    void createsAMissingTopicWithTheJournalsLayoutAndTopicLevelConfigs() throws Exception {
        KafkaSettings settings = threeByThree("created");
        KafkaTopic.ensure(settings, TIMEOUT);
        try (Admin admin = brokers.admin()) {
            TopicDescription d = describe(admin, settings.topic());
            assertThat(d.partitions()).hasSize(3);
            for (TopicPartitionInfo p : d.partitions()) {
                assertThat(p.replicas()).as("partition %d", p.partition()).hasSize(3);
            }
            Config c = configs(admin, settings.topic());
            for (String[] expected : new String[][] {{TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"},
                    {TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false"}, {TopicConfig.RETENTION_MS_CONFIG, "-1"}}) {
                ConfigEntry e = c.get(expected[0]);
                assertThat(e.value()).as(expected[0]).isEqualTo(expected[1]);
                assertThat(e.source()).as(expected[0] + " is set on the topic")
                        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        }
        // a second node (or a restart) finds it as it should be
        KafkaTopic.ensure(settings, TIMEOUT);
    }

    @Test
    void aTopicOfOneReplicaAsksForOneInSyncReplica() throws Exception {
        KafkaSettings settings = brokers.settings(KafkaBrokers.newTopic("one-replica"), 1, 1);
        KafkaTopic.ensure(settings, TIMEOUT);
        try (Admin admin = brokers.admin()) {
            assertThat(configs(admin, settings.topic()).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");
            assertThat(describe(admin, settings.topic()).partitions().get(0).replicas()).hasSize(1);
        }
    }

    /** Two nodes starting at once: the one whose creation finds the topic made by the other verifies it instead. */
    @Test
    void aTopicCreatedByAnotherNodeMeanwhileIsAcceptedAndVerified() throws Exception {
        KafkaSettings settings = threeByThree("race");
        try (Admin admin = brokers.admin()) {
            admin.createTopics(List.of(new NewTopic(settings.topic(), 3, (short) 3).configs(journalConfigs()))).all().get();
            long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
            assertThat(KafkaTopic.create(admin, settings, deadlineNs)).as("created by this call").isFalse();
        }
        KafkaTopic.ensure(settings, TIMEOUT);
        KafkaSettings otherLayout = brokers.settings(KafkaBrokers.newTopic("race-bad"), 3, 3);
        try (Admin admin = brokers.admin()) {
            admin.createTopics(List.of(new NewTopic(otherLayout.topic(), 3, (short) 3)
                    .configs(journalConfigs(TopicConfig.RETENTION_MS_CONFIG, "3600000")))).all().get();
            assertThat(KafkaTopic.create(admin, otherLayout, System.nanoTime() + TIMEOUT.toNanos())).isFalse();
        }
        assertThatThrownBy(() -> KafkaTopic.ensure(otherLayout, TIMEOUT)).isInstanceOf(KafkaStartException.class)
                .hasMessageContaining("retention.ms=3600000");
    }

    @Test
    void refusesFewerPartitionsThanConfigured() throws Exception {
        KafkaSettings s = threeByThree("fewer");
        assertThat(refusal(s, 2, 3, journalConfigs()))
                .contains("it has 2 partitions, fewer than the 3 configured (kafka.partitions); set kafka.partitions=2");
    }

    @Test
    void refusesMorePartitionsThanConfiguredSinceCooperativesWouldMove() throws Exception {
        KafkaSettings s = threeByThree("more");
        assertThat(refusal(s, 4, 3, journalConfigs()))
                .contains("it has 4 partitions, more than the 3 configured (kafka.partitions)")
                .contains("a cooperative's partition is its key's hash modulo the partition count")
                .contains("set kafka.partitions=4 on every node");
    }

    @Test
    void refusesALowerReplicationFactor() throws Exception {
        KafkaSettings s = threeByThree("replication");
        assertThat(refusal(s, 3, 2, journalConfigs()))
                .contains("it has replication factor 2 (partition 0), lower than the 3 configured (kafka.replication)");
    }

    @Test
    void refusesALowerMinInsyncReplicas() throws Exception {
        KafkaSettings s = threeByThree("min-insync");
        assertThat(refusal(s, 3, 3, journalConfigs(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")))
                .contains("it has min.insync.replicas=1, lower than the 2 the journal needs (min(2, kafka.replication=3))");
    }

    @Test
    void refusesUncleanLeaderElection() throws Exception {
        KafkaSettings s = threeByThree("unclean");
        assertThat(refusal(s, 3, 3, journalConfigs(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")))
                .contains("it has unclean.leader.election.enable=true, the journal needs false");
    }

    @Test
    void refusesAFiniteRetention() throws Exception {
        KafkaSettings s = threeByThree("retention-ms");
        assertThat(refusal(s, 3, 3, journalConfigs(TopicConfig.RETENTION_MS_CONFIG, "604800000")))
                .contains("it has retention.ms=604800000, the journal needs -1 (kept forever)");
    }

    @Test
    void refusesARetentionBySizeAndCompaction() throws Exception {
        KafkaSettings s = threeByThree("retention-bytes");
        assertThat(refusal(s, 3, 3, journalConfigs(TopicConfig.RETENTION_BYTES_CONFIG, "1073741824",
                TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete")))
                .contains("it has retention.bytes=1073741824, the journal needs -1")
                .contains("it has cleanup.policy=compact,delete, the journal needs delete");
    }

    @Test
    void namesEveryProblemOfATopicAtOnce() throws Exception {
        KafkaSettings s = threeByThree("everything");
        assertThat(refusal(s, 4, 2, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")))
                .contains("4 partitions, more than the 3")
                .contains("replication factor 2")
                .contains("min.insync.replicas=1")
                // the broker's default retention, seven days, is finite
                .contains("retention.ms=604800000");
    }

    @Test
    void noBrokerAnsweringFailsWithinTheTimeoutNamingTheBootstrap() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = s.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + closedPort;
        KafkaSettings settings = new KafkaSettings(bootstrap, "lumbung.journal", 12, 3, "lumbung", "node-a");
        long startNs = System.nanoTime();
        assertThatThrownBy(() -> KafkaTopic.ensure(settings, Duration.ofSeconds(2)))
                .isInstanceOf(KafkaStartException.class)
                .hasMessageStartingWith("no Kafka broker answered at " + bootstrap + " (kafka.bootstrap) within 2000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofMillis(3_500));
    }

    @Test
    void aBootstrapKafkaCannotParseIsNamed() {
        KafkaSettings settings = new KafkaSettings("localhost", "lumbung.journal", 12, 3, "lumbung", "node-a");
        assertThatThrownBy(() -> KafkaTopic.ensure(settings, Duration.ofSeconds(2)))
                .isInstanceOf(KafkaStartException.class)
                .hasMessageStartingWith("cannot use kafka.bootstrap localhost: ");
    }
}
