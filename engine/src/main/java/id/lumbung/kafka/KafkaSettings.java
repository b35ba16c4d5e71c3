package id.lumbung.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Where the Kafka journal lives and how it is laid out (DESIGN.md, "Beyond one machine"): the
 * brokers, the topic, its partition count and replication, the consumer group whose members share
 * the partitions, and this node's name. Every node of a cluster must be given the same topic,
 * partitions and group: a cooperative's partition and a partition's transactional id derive from
 * them.
 *
 * @param bootstrap   {@code HOST:PORT[,HOST:PORT...]} of some brokers ({@code kafka.bootstrap})
 * @param topic       the journal topic ({@code kafka.topic})
 * @param partitions  the topic's partition count ({@code kafka.partitions})
 * @param replication the topic's replication factor ({@code kafka.replication})
 * @param group       the consumer group of the engine nodes, and the prefix of the transactional ids ({@code kafka.group})
 * @param nodeId      this node's name ({@code node.id}), in its Kafka client ids
 */
public record KafkaSettings(String bootstrap, String topic, int partitions, int replication, String group, String nodeId) {
    public static final String TOPIC_DEFAULT = "lumbung.journal";
    public static final int PARTITIONS_DEFAULT = 12;
    /**
     * Each owned partition has a transactional producer of its own, with its own sender thread and
     * connections: 256 bounds what one node holds when it owns every partition.
     */
    public static final int PARTITIONS_MAX = 256;
    public static final int REPLICATION_DEFAULT = 3;
    public static final String GROUP_DEFAULT = "lumbung";
    /** The replicas a commit must reach ({@code acks=all}) when the topic has at least two. */
    public static final int MIN_INSYNC_REPLICAS_MAX = 2;

    public KafkaSettings {
        requireText(bootstrap, "kafka.bootstrap");
        requireText(group, "kafka.group");
        requireText(nodeId, "node.id");
        requireText(topic, "kafka.topic");
        try {
            Topic.validate(topic);
        } catch (InvalidTopicException e) {
            throw new IllegalArgumentException("kafka.topic: not a Kafka topic name: " + topic, e);
        }
        if (partitions < 1 || partitions > PARTITIONS_MAX) {
            throw new IllegalArgumentException("kafka.partitions must be 1 to " + PARTITIONS_MAX + ", got " + partitions);
        }
        if (replication < 1 || replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException("kafka.replication must be at least 1, got " + replication);
        }
    }

    /** The defaults of DESIGN.md for everything but the brokers and the node's name. */
    public static KafkaSettings of(String bootstrap, String nodeId) {
        return new KafkaSettings(bootstrap, TOPIC_DEFAULT, PARTITIONS_DEFAULT, REPLICATION_DEFAULT, GROUP_DEFAULT, nodeId);
    }

    /**
     * The topic's {@code min.insync.replicas}: 2, or the replication factor when it is lower (a
     * topic of one replica cannot ask for two). With {@code acks=all}, an acknowledged commit is
     * then on two brokers, and one broker may be lost without refusing a commit.
     */
    public int minInsyncReplicas() {
        return Math.min(MIN_INSYNC_REPLICAS_MAX, replication);
    }

    /** The transactional id of a partition's owner, {@code <group>-journal-<partition>}: the same on every node, so a new owner fences the old. */
    public String transactionalId(int partition) {
        checkPartition(partition);
        return group + "-journal-" + partition;
    }

    /**
     * The partition of a cooperative's records: what Kafka's default partitioner picks for the key's
     * UTF-8 bytes (murmur2, made positive, modulo the partition count), so stock Kafka tools that
     * produce or look up a key find the same partition.
     */
    public int partitionOf(String coopId) {
        return BuiltInPartitioner.partitionForKey(coopId.getBytes(StandardCharsets.UTF_8), partitions);
    }

    void checkPartition(int partition) {
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " outside 0.." + (partitions - 1));
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
