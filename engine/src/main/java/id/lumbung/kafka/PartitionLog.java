package id.lumbung.kafka;

import id.lumbung.core.journal.JournalCorruptException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One partition's journal on the Kafka topic, as its owner writes and replays it: a transactional
 * producer whose {@code transactional.id} ({@link KafkaSettings#transactionalId}) is the same on
 * every node, so that {@link #open()} fences any earlier owner and aborts its open transaction,
 * and a {@link PartitionReader} (a {@code read_committed} consumer without a group) for {@link #replay}.
 *
 * <p>A record's key is a cooperative id (null for a record that concerns the whole partition), its
 * value one or more journal entries concatenated ({@link RecordEntries}). {@link #commit} writes a
 * group of records in one transaction and returns their offsets once it is committed.
 *
 * <p><b>After a commit that did not return {@link Committed}, the caller either settles it as the
 * partition's owner ({@link #settle}) or rebuilds its state from the topic; it never simply
 * retries.</b> A {@link Failed} commit's outcome is unknown: the commit
 * request may have reached the transaction coordinator before the answer was lost, so the records
 * may be in the journal although the call failed. Sending them again could journal the same
 * entries twice, and replay refuses an entry whose sequence is not the last one's plus one. Nor can
 * the caller undo what it applied when it built the records: the core has no undo. The topic is
 * the one record of what was committed, so the caller opens the log again (whose
 * {@code initTransactions()} settles the open transaction: a commit the coordinator had prepared is
 * completed, anything else is aborted) and replays to learn it. A {@link Fenced} commit means
 * another node has opened the partition: this node gives the partition up and does not open it
 * again unless it is assigned the partition anew. Either way nothing of the failed commit may be
 * acknowledged, and the producer is closed: {@link #commit} refuses until {@link #open()}.
 *
 * <p>Not thread-safe: one thread (the partition's writer) opens, replays, commits and closes.
 */
public final class PartitionLog implements PartitionRecords, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());
    /**
     * One request to one broker. A broker that neither answers nor closes the connection is given
     * up after 5 s, and the request goes again to the leader the refreshed metadata names.
     */
    public static final int REQUEST_TIMEOUT_MS = 5_000;
    /**
     * A send's whole life, its retries included. A broker killed without a controlled shutdown is
     * fenced by the controller after {@code broker.session.timeout.ms} (9 s by default), which then
     * elects a new leader from the in-sync replicas: 9 s + one 5 s request = 14 s fit in 15 s, and a
     * commit stalled by a broker's death still completes inside DESIGN.md's 20 s. Kafka requires at
     * least {@code linger.ms} (0) + {@code request.timeout.ms}.
     */
    public static final int DELIVERY_TIMEOUT_MS = 15_000;
    /**
     * What {@code initTransactions}, a send's wait for metadata, one {@code commitTransaction} call
     * and {@code abortTransaction} may block: the transaction coordinator fails over like a
     * partition leader, usually within the same 15 s.
     */
    public static final int MAX_BLOCK_MS = 15_000;
    /**
     * How long {@link #commit} keeps asking {@code commitTransaction} again after it timed out. A
     * timeout says only that the coordinator's answer did not come within {@link #MAX_BLOCK_MS}:
     * its broker was killed and the coordinator is moving to another, which on a loaded machine
     * can take longer than 15 s (seen: "Timeout expired after 15000ms while awaiting EndTxn" in a
     * broker-kill cycle at load average 60). Kafka lets the same call be made again, and nothing
     * else; asking again turns a late coordinator into latency instead of a 503 for the whole group.
     */
    static final int COMMIT_WITHIN_MS = 30_000;
    /**
     * The coordinator aborts a transaction open longer than this. A live commit is open at most
     * {@link #COMMIT_WITHIN_MS} (its sends complete inside the commit's wait); 45 s leaves a margin,
     * so a slow commit is never aborted under an owner that is still finishing it. A dead owner's
     * open transaction is aborted at once by the next owner's {@code initTransactions}: this bounds
     * only how long it holds back {@code read_committed} readers (the last stable offset) when no
     * owner comes.
     */
    static final int TRANSACTION_TIMEOUT_MS = 45_000;
    private static final Duration CLOSE = Duration.ofMillis(REQUEST_TIMEOUT_MS);

    private final KafkaSettings settings;
    private final int partition;
    private final PartitionReader reader;
    private final int maxBlockMs;
    private final long commitWithinNs;
    private KafkaProducer<String, byte[]> producer;

    /** A record to commit: a cooperative's id (or null, for the whole partition) and its entries. */
    public record Record(String key, byte[] value) {
        public Record {
            Objects.requireNonNull(value, "value");
            if (value.length == 0) {
                throw new IllegalArgumentException("a record carries at least one entry");
            }
        }
    }

    /** What a commit came to. */
    public sealed interface CommitResult permits Committed, Fenced, Failed {
    }

    /** Committed: the records are in the journal at these offsets, in the order given. */
    public record Committed(long[] offsets) implements CommitResult {
    }

    /**
     * Another owner opened the partition (or the producer hit an error after which it must be
     * closed and the partition given up): nothing was committed, the producer is closed.
     */
    public record Fenced(Throwable cause) implements CommitResult {
    }

    /**
     * The commit failed and its outcome is unknown (a timeout, a lost broker, a refused record):
     * nothing of it may be acknowledged. It was aborted where that was possible; the producer is
     * closed, and the caller opens the log again and rebuilds its state from the topic.
     */
    public record Failed(Throwable cause) implements CommitResult {
    }

    /** What {@link #replay} hands on, record by record, in offset order. */
    @FunctionalInterface
    public interface RecordHandler {
        void record(long offset, String key, byte[] value);
    }

    /**
     * What a replay read.
     *
     * @param records    how many committed records it handed on
     * @param lastOffset the last one's offset, -1 for none
     */
    public record Replayed(long records, long lastOffset) {
    }

    public PartitionLog(KafkaSettings settings, int partition) {
        this(settings, partition, MAX_BLOCK_MS, COMMIT_WITHIN_MS);
    }

    /** With shorter waits than a real network wants: for tests that stall a broker for seconds. */
    PartitionLog(KafkaSettings settings, int partition, int maxBlockMs, int commitWithinMs) {
        settings.checkPartition(partition);
        if (commitWithinMs < maxBlockMs || commitWithinMs >= TRANSACTION_TIMEOUT_MS) {
            throw new IllegalArgumentException("a commit waits at least one max.block.ms (" + maxBlockMs
                    + " ms) and less than the transaction timeout, not " + commitWithinMs + " ms");
        }
        this.settings = settings;
        this.partition = partition;
        this.reader = new PartitionReader(settings, partition);
        this.maxBlockMs = maxBlockMs;
        this.commitWithinNs = TimeUnit.MILLISECONDS.toNanos(commitWithinMs);
    }

    @Override
    public int partition() {
        return partition;
    }

    /**
     * Opens the partition's transactional producer: its {@code initTransactions()} fences any
     * earlier owner of the partition and aborts (or completes, if its commit was prepared) that
     * owner's open transaction.
     *
     * @throws KafkaStartException if the producer cannot be created or initialised in time
     */
    public void open() throws KafkaStartException {
        if (producer != null) {
            throw new IllegalStateException("partition " + partition + " is open already");
        }
        KafkaProducer<String, byte[]> p;
        try {
            p = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw startFailure("creating the producer", e);
        }
        try {
            p.initTransactions();
        } catch (KafkaException e) {
            p.close(Duration.ZERO);
            throw startFailure("initialising transactional id " + settings.transactionalId(partition), e);
        }
        producer = p;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, settings.nodeId() + "-journal-" + partition);
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId(partition));
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return c;
    }

    /**
     * Hands every committed record of the partition to {@code handler}, in offset order, from the
     * first to the end as it is when replay starts, through a {@link PartitionReader}. After
     * {@link #open()} no transaction of an earlier owner is left open, so with {@code read_committed}
     * that end (the last stable offset) is the partition's end. Records of aborted transactions are
     * never handed on.
     *
     * @throws KafkaStartException if the partition cannot be read, or no offset moves for {@link PartitionReader#REPLAY_STALL_MS}
     * @throws JournalCorruptException if the partition no longer starts at offset 0: its first
     *         records were deleted, and replay needs every one
     */
    @Override
    public Replayed replay(RecordHandler handler) throws KafkaStartException {
        requireOpen();
        return reader.replay(handler);
    }

    /**
     * Commits the records in one transaction, each sent to this partition in the order given.
     *
     * @return {@link Committed} with the records' offsets, or {@link Fenced} or {@link Failed}
     *         (then the producer is closed; see the class comment for what the caller does next)
     */
    public CommitResult commit(List<Record> records) {
        requireOpen();
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a commit carries at least one record");
        }
        long startNs = System.nanoTime();
        long[] offsets = new long[records.size()];
        try {
            producer.beginTransaction();
            for (int i = 0; i < offsets.length; i++) {
                Record r = records.get(i);
                int at = i;
                // the callback runs before the send's batch completes, and commitTransaction returns
                // only after every batch of the transaction completed: the offsets are all set then
                producer.send(new ProducerRecord<>(settings.topic(), partition, r.key(), r.value()), (metadata, error) -> {
                    if (error == null) {
                        offsets[at] = metadata.offset();
                    }
                });
            }
            commitTransaction(startNs);
            return new Committed(offsets);
        } catch (KafkaException e) {
            return failed(e);
        }
    }

    /**
     * Settles a {@link Failed} commit of {@code records} as the partition's owner, instead of
     * leaving its outcome unknown: opens the producer again, whose {@code initTransactions()}
     * completes the failed transaction if the coordinator had prepared its commit and aborts it
     * otherwise, then reads the partition's last committed records. When they end with
     * {@code records} (same keys, same bytes: entries carry their sequence, so no other records
     * are equal), the commit did happen: {@link Committed} at the offsets found. Otherwise none of
     * them is in the journal, and they are committed again, once, in a new transaction. What this
     * returns is final: a commit again that fails is {@link Failed} or {@link Fenced} as
     * {@link #commit} says, and opening or reading that fails is {@link Failed}.
     *
     * <p>Only the partition's owner may call it, with the producer closed by the failure: opening
     * fences whoever else has the partition open.
     */
    public CommitResult settle(List<Record> records) {
        if (producer != null) {
            throw new IllegalStateException("partition " + partition + " is open: settle() follows a failed commit");
        }
        try {
            open();
            List<PartitionReader.Read> last = reader.tail(records.size());
            if (last.size() == records.size()) {
                long[] offsets = new long[records.size()];
                boolean found = true;
                for (int i = 0; i < offsets.length && found; i++) {
                    PartitionReader.Read r = last.get(i);
                    found = Objects.equals(r.key(), records.get(i).key()) && java.util.Arrays.equals(r.value(), records.get(i).value());
                    offsets[i] = r.offset();
                }
                if (found) {
                    LOG.log(System.Logger.Level.WARNING, "event=kafka_commit_settled partition=" + partition
                            + " outcome=committed records=" + records.size());
                    return new Committed(offsets);
                }
            }
        } catch (KafkaStartException e) {
            closeProducer(Duration.ZERO);
            return new Failed(e);
        }
        CommitResult again = commit(records);
        LOG.log(System.Logger.Level.WARNING, "event=kafka_commit_settled partition=" + partition + " outcome="
                + (again instanceof Committed ? "committed_again" : "failed_again") + " records=" + records.size());
        return again;
    }

    /**
     * {@code commitTransaction}, called again after it waited its whole {@code max.block.ms} in
     * vain, until {@link #COMMIT_WITHIN_MS} from the commit's start: the producer keeps the commit
     * in progress and the next call waits for the same outcome. A timeout past that, a timeout the
     * call did not wait for (an error it holds from before), and any other failure are thrown.
     */
    private void commitTransaction(long startNs) {
        while (true) {
            long callNs = System.nanoTime();
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                boolean waitedItsBlock = now - callNs >= TimeUnit.MILLISECONDS.toNanos(maxBlockMs) * 9 / 10;
                if (!waitedItsBlock || now - startNs >= commitWithinNs) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "event=kafka_commit_slow partition=" + partition + " waited_ms="
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " cause=" + e.getMessage());
            }
        }
    }

    private CommitResult failed(Throwable cause) {
        if (fenced(cause)) {
            closeProducer(Duration.ZERO);
            return new Fenced(cause);
        }
        try {
            // lets read_committed readers past the transaction now rather than at its timeout
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException abortFailure) {
            cause.addSuppressed(abortFailure);
            if (fenced(abortFailure)) {
                closeProducer(Duration.ZERO);
                return new Fenced(cause);
            }
        }
        closeProducer(Duration.ZERO);
        return new Failed(cause);
    }

    /**
     * Whether the producer's epoch is no longer valid, or its error is one a new producer would hit
     * too: Kafka's {@link ApplicationRecoverableException} (fenced by a newer owner, an epoch the
     * coordinator bumped, a transactional id it no longer knows), and authorization or an
     * unsupported protocol version. Searched along the cause chain: the producer wraps a fencing
     * error it met in a send into the error its next call throws.
     */
    static boolean fenced(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApplicationRecoverableException || t instanceof AuthorizationException
                    || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    private void requireOpen() {
        if (producer == null) {
            throw new IllegalStateException("partition " + partition + " is not open: open() it first");
        }
    }

    private KafkaStartException startFailure(String step, KafkaException e) {
        return new KafkaStartException("partition " + partition + " of Kafka topic " + settings.topic() + " at "
                + settings.bootstrap() + ": " + step + " failed: " + KafkaTopic.rootMessage(e), e);
    }

    private void closeProducer(Duration timeout) {
        KafkaProducer<String, byte[]> p = producer;
        producer = null;
        if (p != null) {
            p.close(timeout);
        }
    }

    /** Closes the producer (no transaction is open between commits). */
    @Override
    public void close() {
        closeProducer(CLOSE);
    }
}
