package id.lumbung.kafka;

import id.lumbung.core.journal.JournalCorruptException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one partition's committed records, read-only: a {@code read_committed} consumer without a
 * group, assigned the partition, from offset 0 to the end offset taken when the replay starts. It
 * opens no producer and joins no group, so it fences no owner and moves no partition: the owner's
 * {@link PartitionLog#replay} reads through it after {@link PartitionLog#open()}, and
 * {@code reconcile} reads a running cluster's partitions through it.
 *
 * <p>With {@code read_committed} the end offset is the last stable offset: a transaction still open
 * at the start (a running owner's commit in flight) holds the end before its first record, so a
 * reader that fences nobody reads every transaction committed before it, and only those. Records of
 * aborted transactions are never handed on.
 *
 * <p>Not thread-safe: one thread replays.
 */
public final class PartitionReader implements PartitionRecords {
    private static final System.Logger LOG = System.getLogger(PartitionReader.class.getName());

    /** The consumer's own calls (offsets, position): as long as a leader's failover, 15 s. */
    static final int CONSUMER_API_TIMEOUT_MS = 15_000;
    /** A replay that moves no offset for this long fails: twice a leader's failover. */
    static final long REPLAY_STALL_MS = 30_000;
    /** How often a long replay logs its progress. */
    static final long REPLAY_PROGRESS_LOG_MS = 5_000;
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaSettings settings;
    private final int partition;
    private final TopicPartition topicPartition;

    public PartitionReader(KafkaSettings settings, int partition) {
        settings.checkPartition(partition);
        this.settings = settings;
        this.partition = partition;
        this.topicPartition = new TopicPartition(settings.topic(), partition);
    }

    @Override
    public int partition() {
        return partition;
    }

    /**
     * {@inheritDoc}
     *
     * @throws KafkaStartException if the partition cannot be read, or no offset moves for {@link #REPLAY_STALL_MS}
     * @throws JournalCorruptException if the partition no longer starts at offset 0: its first
     *         records were deleted, and replay needs every one
     */
    @Override
    public PartitionLog.Replayed replay(PartitionLog.RecordHandler handler) throws KafkaStartException {
        List<TopicPartition> partitions = List.of(topicPartition);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            long first = consumer.beginningOffsets(partitions).get(topicPartition);
            if (first != 0) {
                throw new JournalCorruptException("partition " + partition + " of Kafka topic " + settings.topic()
                        + " starts at offset " + first + ", not 0: its first records were deleted (retention or"
                        + " deleteRecords), and replay needs every one");
            }
            long end = consumer.endOffsets(partitions).get(topicPartition);
            consumer.seek(topicPartition, 0);
            return readTo(consumer, end, handler);
        } catch (KafkaException e) {
            throw new KafkaStartException("partition " + partition + " of Kafka topic " + settings.topic() + " at "
                    + settings.bootstrap() + ": replaying failed: " + KafkaTopic.rootMessage(e), e);
        }
    }

    /** A committed record as {@link #tail} reads it. */
    record Read(long offset, String key, byte[] value) {
    }

    /**
     * The last {@code n} committed records of the partition (fewer when it holds fewer), oldest
     * first: read from a window before the end that widens until it holds {@code n} records or
     * starts at offset 0 (commit markers and aborted records take offsets too).
     *
     * @throws KafkaStartException if the partition cannot be read, or no offset moves for {@link #REPLAY_STALL_MS}
     */
    List<Read> tail(int n) throws KafkaStartException {
        List<TopicPartition> partitions = List.of(topicPartition);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            long first = consumer.beginningOffsets(partitions).get(topicPartition);
            long end = consumer.endOffsets(partitions).get(topicPartition);
            long window = Math.max(64, 4L * n);
            while (true) {
                long from = Math.max(first, end - window);
                List<Read> read = new java.util.ArrayList<>();
                consumer.seek(topicPartition, from);
                readTo(consumer, end, (offset, key, value) -> read.add(new Read(offset, key, value)));
                if (read.size() >= n || from == first) {
                    return read.subList(Math.max(0, read.size() - n), read.size());
                }
                window *= 4;
            }
        } catch (KafkaException e) {
            throw new KafkaStartException("partition " + partition + " of Kafka topic " + settings.topic() + " at "
                    + settings.bootstrap() + ": reading its last records failed: " + KafkaTopic.rootMessage(e), e);
        }
    }

    private PartitionLog.Replayed readTo(KafkaConsumer<String, byte[]> consumer, long end, PartitionLog.RecordHandler handler)
            throws KafkaStartException {
        long startNs = System.nanoTime();
        long lastMoveNs = startNs;
        long lastLogNs = startNs;
        long records = 0;
        long lastOffset = -1;
        long position = 0;
        while (position < end) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL).records(topicPartition)) {
                if (r.offset() >= end) {
                    break;
                }
                if (r.offset() <= lastOffset) {
                    throw new JournalCorruptException("partition " + partition + " of Kafka topic " + settings.topic()
                            + ": offset " + r.offset() + " read after offset " + lastOffset);
                }
                handler.record(r.offset(), r.key(), r.value());
                records++;
                lastOffset = r.offset();
            }
            long now = System.nanoTime();
            long next = consumer.position(topicPartition);
            if (next != position) {
                position = next;
                lastMoveNs = now;
            } else if (now - lastMoveNs > TimeUnit.MILLISECONDS.toNanos(REPLAY_STALL_MS)) {
                throw new KafkaStartException("replay of partition " + partition + " of Kafka topic " + settings.topic()
                        + " at " + settings.bootstrap() + " moved no offset for " + REPLAY_STALL_MS + " ms, at offset "
                        + position + " of " + end);
            }
            if (now - lastLogNs >= TimeUnit.MILLISECONDS.toNanos(REPLAY_PROGRESS_LOG_MS)) {
                lastLogNs = now;
                LOG.log(System.Logger.Level.INFO, "event=kafka_replay_progress partition={0} records={1,number,#}"
                        + " offset={2,number,#} end={3,number,#}", partition, records, position, end);
            }
        }
        LOG.log(System.Logger.Level.INFO, "event=kafka_replay_done partition={0} records={1,number,#}"
                + " last_offset={2,number,#} ms={3,number,#}", partition, records, lastOffset,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        return new PartitionLog.Replayed(records, lastOffset);
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.nodeId() + "-replay-" + partition);
        // no group.id: the reader commits no offset and joins no group
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a reader never creates the topic it reads, whatever the brokers' auto.create.topics.enable
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // an offset that is gone is an error, never a silent jump to another one
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, PartitionLog.REQUEST_TIMEOUT_MS);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CONSUMER_API_TIMEOUT_MS);
        return c;
    }
}
