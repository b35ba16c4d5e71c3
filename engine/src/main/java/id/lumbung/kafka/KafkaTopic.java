package id.lumbung.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The journal topic, made sure of before a node serves anything: created when missing, refused
 * when its layout or its configs could lose or misplace journal records. Runs once at start on the
 * starting thread, with the admin client; every step is bounded by one deadline.
 *
 * <p>What is refused, and why: another partition count (a cooperative's partition is its key's
 * hash modulo the count, so nodes would disagree on where a cooperative lives); a lower replication
 * factor or {@code min.insync.replicas} (an acknowledged commit must be on two brokers);
 * {@code unclean.leader.election.enable=true} (a replica that missed acknowledged commits could
 * become the leader); a finite {@code retention.ms} or {@code retention.bytes}, or compaction (Kafka
 * would delete journal records, and replay needs every one from the first).
 */
public final class KafkaTopic {
    private static final System.Logger LOG = System.getLogger(KafkaTopic.class.getName());
    /** How long to wait between two looks at a topic just created that the asked broker does not know yet. */
    private static final long CREATED_TOPIC_RETRY_MS = 100;
    /** retention.ms and retention.bytes of a topic that keeps everything. */
    private static final String KEEP_FOREVER = "-1";

    private KafkaTopic() {
    }

    /**
     * Creates the topic when it is missing (a concurrent creation by another node is fine) and
     * checks it either way.
     *
     * @param timeout for the whole check: reaching a broker, creating, describing
     * @throws KafkaStartException when no broker answers in time, or the topic cannot be created or
     *         is configured unlike the journal needs; the message names the bootstrap or the topic,
     *         the values found and those configured
     */
    public static void ensure(KafkaSettings settings, Duration timeout) throws KafkaStartException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        Admin admin = admin(settings, timeout);
        try {
            int brokers = awaitBroker(admin, settings, timeout, deadlineNs);
            if (describe(admin, settings, deadlineNs) == null && create(admin, settings, deadlineNs)) {
                LOG.log(System.Logger.Level.INFO, "event=kafka_topic_created topic={0} partitions={1} replication={2}"
                        + " min_insync_replicas={3} brokers={4}", settings.topic(), settings.partitions(),
                        settings.replication(), settings.minInsyncReplicas(), brokers);
            }
            verify(admin, settings, deadlineNs);
        } finally {
            // nothing pending matters once the check has its answer
            admin.close(Duration.ZERO);
        }
    }

    /**
     * The partition count of the topic as it is, read without creating or changing anything:
     * {@code reconcile} reads a cluster it must leave as it found it.
     *
     * @param timeout for the whole look: reaching a broker, describing
     * @throws KafkaStartException when no broker answers in time, or the cluster has no such topic
     */
    public static int partitionCount(KafkaSettings settings, Duration timeout) throws KafkaStartException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        Admin admin = admin(settings, timeout);
        try {
            awaitBroker(admin, settings, timeout, deadlineNs);
            TopicDescription description = describe(admin, settings, deadlineNs);
            if (description == null) {
                throw new KafkaStartException("the Kafka cluster at " + settings.bootstrap() + " has no topic "
                        + settings.topic() + " (kafka.topic)");
            }
            return description.partitions().size();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    static Admin admin(KafkaSettings settings, Duration timeout) throws KafkaStartException {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.nodeId() + "-topic");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        try {
            return Admin.create(config);
        } catch (KafkaException e) {
            throw new KafkaStartException("cannot use kafka.bootstrap " + settings.bootstrap() + ": " + rootMessage(e), e);
        }
    }

    /** The number of brokers the cluster reports, once one of them answered. */
    private static int awaitBroker(Admin admin, KafkaSettings settings, Duration timeout, long deadlineNs)
            throws KafkaStartException {
        try {
            int ms = remainingMs(deadlineNs, settings, "reaching a broker");
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get().size();
        } catch (ExecutionException e) {
            throw new KafkaStartException("no Kafka broker answered at " + settings.bootstrap() + " (kafka.bootstrap) within "
                    + timeout.toMillis() + " ms: " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while reaching a Kafka broker at " + settings.bootstrap(), e);
        }
    }

    /** The topic, or null when the cluster does not have it. */
    private static TopicDescription describe(Admin admin, KafkaSettings settings, long deadlineNs) throws KafkaStartException {
        String topic = settings.topic();
        try {
            int ms = remainingMs(deadlineNs, settings, "describing the topic");
            return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(ms)).allTopicNames().get()
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new KafkaStartException("describing Kafka topic " + topic + " at " + settings.bootstrap() + " failed: "
                    + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while describing Kafka topic " + topic, e);
        }
    }

    /**
     * Creates the topic with the journal's layout and topic-level configs.
     *
     * @return true if this call created it, false if it existed already (another node created it
     *         in the meantime: it is verified like any existing topic)
     */
    static boolean create(Admin admin, KafkaSettings settings, long deadlineNs) throws KafkaStartException {
        Map<String, String> configs = Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInsyncReplicas()),
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false",
                TopicConfig.RETENTION_MS_CONFIG, KEEP_FOREVER);
        NewTopic topic = new NewTopic(settings.topic(), settings.partitions(), (short) settings.replication()).configs(configs);
        try {
            int ms = remainingMs(deadlineNs, settings, "creating the topic");
            admin.createTopics(List.of(topic), new CreateTopicsOptions().timeoutMs(ms)).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new KafkaStartException("cannot create Kafka topic " + settings.topic() + " with " + settings.partitions()
                    + " partitions (kafka.partitions) and replication factor " + settings.replication()
                    + " (kafka.replication): " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while creating Kafka topic " + settings.topic(), e);
        }
    }

    private static void verify(Admin admin, KafkaSettings settings, long deadlineNs) throws KafkaStartException {
        TopicDescription description = describe(admin, settings, deadlineNs);
        Config config = description == null ? null : configs(admin, settings, deadlineNs);
        // a topic just created may not have reached the metadata of the broker asked yet
        while (config == null) {
            sleep(settings, deadlineNs);
            description = describe(admin, settings, deadlineNs);
            config = description == null ? null : configs(admin, settings, deadlineNs);
        }
        List<String> problems = new ArrayList<>();
        checkLayout(description, settings, problems);
        checkConfigs(config, settings, problems);
        if (!problems.isEmpty()) {
            throw new KafkaStartException("Kafka topic " + settings.topic() + " cannot hold the journal: "
                    + String.join("; ", problems));
        }
    }

    private static void checkLayout(TopicDescription description, KafkaSettings settings, List<String> problems) {
        int found = description.partitions().size();
        if (found < settings.partitions()) {
            problems.add("it has " + found + " partitions, fewer than the " + settings.partitions()
                    + " configured (kafka.partitions); set kafka.partitions=" + found + " on every node (partitions must"
                    + " never be added to a journal topic: its cooperatives would move to other partitions, away from"
                    + " their history)");
        } else if (found > settings.partitions()) {
            problems.add("it has " + found + " partitions, more than the " + settings.partitions()
                    + " configured (kafka.partitions); a cooperative's partition is its key's hash modulo the partition"
                    + " count, so with " + settings.partitions() + " this node would look for cooperatives in other"
                    + " partitions than the nodes and tools that use " + found + "; set kafka.partitions=" + found
                    + " on every node");
        }
        TopicPartitionInfo lowest = null;
        for (TopicPartitionInfo p : description.partitions()) {
            if (lowest == null || p.replicas().size() < lowest.replicas().size()) {
                lowest = p;
            }
        }
        if (lowest != null && lowest.replicas().size() < settings.replication()) {
            problems.add("it has replication factor " + lowest.replicas().size() + " (partition " + lowest.partition()
                    + "), lower than the " + settings.replication() + " configured (kafka.replication)");
        }
    }

    private static void checkConfigs(Config config, KafkaSettings settings, List<String> problems) {
        String minInsync = value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (minInsync == null || Integer.parseInt(minInsync) < settings.minInsyncReplicas()) {
            problems.add("it has min.insync.replicas=" + minInsync + ", lower than the " + settings.minInsyncReplicas()
                    + " the journal needs (min(2, kafka.replication=" + settings.replication() + ")): an acknowledged"
                    + " commit must be on that many brokers");
        }
        String unclean = value(config, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        if (!"false".equalsIgnoreCase(unclean)) {
            problems.add("it has unclean.leader.election.enable=" + unclean + ", the journal needs false: an unclean"
                    + " election makes a replica that missed acknowledged commits the leader, and they are lost");
        }
        for (String retention : List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.RETENTION_BYTES_CONFIG)) {
            String found = value(config, retention);
            if (!KEEP_FOREVER.equals(found)) {
                problems.add("it has " + retention + "=" + found + ", the journal needs " + KEEP_FOREVER
                        + " (kept forever): Kafka would delete journal records, and replay needs every one");
            }
        }
        String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (cleanup == null || cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            problems.add("it has cleanup.policy=" + cleanup + ", the journal needs " + TopicConfig.CLEANUP_POLICY_DELETE
                    + " (with retention.ms=-1): compaction keeps only each cooperative's last record");
        }
    }

    /** The topic's configs, or null when the broker asked does not know the topic (yet). */
    private static Config configs(Admin admin, KafkaSettings settings, long deadlineNs) throws KafkaStartException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, settings.topic());
        try {
            int ms = remainingMs(deadlineNs, settings, "reading the topic's configs");
            return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(ms)).all().get()
                    .get(resource);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new KafkaStartException("reading the configs of Kafka topic " + settings.topic() + " failed: "
                    + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while reading the configs of Kafka topic " + settings.topic(), e);
        }
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null ? null : entry.value();
    }

    private static int remainingMs(long deadlineNs, KafkaSettings settings, String step) throws KafkaStartException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
        if (ms <= 0) {
            throw new KafkaStartException("Kafka topic " + settings.topic() + " at " + settings.bootstrap()
                    + ": timed out " + step);
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static void sleep(KafkaSettings settings, long deadlineNs) throws KafkaStartException {
        remainingMs(deadlineNs, settings, "waiting for the created topic to be described");
        try {
            Thread.sleep(CREATED_TOPIC_RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStartException("interrupted while waiting for Kafka topic " + settings.topic(), e);
        }
    }

    /** The innermost message of a cause chain, with its exception's simple name. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
