package id.lumbung.kafka;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.JournalUnavailableException;
import id.lumbung.journal.Journal;
import id.lumbung.writer.GroupCommit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The journal writer's group commit on a Kafka partition: each entry the core appends to the local
 * copy ({@link PartitionMirror}) is also taken here ({@link Journal.AppendListener}), and
 * {@link #commit} writes the group's entries to the partition in one transaction. The writer
 * completes the group's commands, and so answers them, only after this returns: an acknowledged
 * payment is on at least {@code min.insync.replicas} brokers.
 *
 * <p>Records: consecutive entries of one cooperative make one record keyed by its id (a payment, a
 * close of one cooperative, an obligation event); an entry that names no cooperative (a void, whose
 * entry carries only the voided payment's sequence; a close of every cooperative; a reference
 * change) makes a record with a null key. Every record goes to this partition explicitly.
 *
 * <p>A commit that failed with its outcome unknown (not fenced) is settled while the group waits,
 * when it failed within {@value #SETTLE_WITHIN_MS} ms of its start and the consumer group, asked
 * then, still names this node the partition's owner ({@link PartitionLog#settle}): found in the
 * journal, or committed again, the group is answered as committed. A broker killed under load
 * makes such failures (a commit whose coordinator moved, answered {@code INVALID_TXN_STATE}), and
 * DESIGN.md lets a broker kill add latency, not a 503. A commit that is not settled throws
 * {@link JournalUnavailableException}: the writer answers the group and its queue as unavailable
 * (503, retry), and the node rebuilds the partition's core from the topic ({@link PartitionLog}
 * explains why a rebuild and not a blind retry). Writer thread only.
 */
public final class KafkaGroupCommit implements GroupCommit, Journal.AppendListener {
    /**
     * A failed commit is settled only when it failed this soon after its start: settling opens the
     * producer (up to a coordinator's failover) and reads the partition's end, and a terminal's
     * answer should still come within DESIGN.md's 20 s. Later failures (a commit that waited out
     * its timeouts) mean brokers in trouble: 503 and a rebuild.
     */
    static final long SETTLE_WITHIN_MS = 10_000;
    private final PartitionLog log;
    /** Whether the consumer group, asked now, names this node the partition's owner (blocks up to a few seconds). */
    private final java.util.function.BooleanSupplier stillOwner;
    private final EntryCodec codec = new EntryCodec();
    private final JournalEntry decoded = new JournalEntry();
    /** The entries appended since the last commit, back to back. */
    private byte[] pending = new byte[64 * 1024];
    private int pendingBytes;
    /** Where each pending entry starts, and its cooperative (null: none). */
    private int[] starts = new int[1024];
    private String[] keys = new String[1024];
    private int pendingEntries;
    /** Set once a commit failed: the partition's state is ahead of its journal, nothing more is taken. */
    private boolean broken;
    /** Whether the failure was a fence (another node opened the partition); read by the node after the writer stopped. */
    private volatile boolean fenced;

    /**
     * @param stillOwner whether the consumer group, asked when called, names this node the
     *     partition's owner: only then is a failed commit settled
     */
    public KafkaGroupCommit(PartitionLog log, java.util.function.BooleanSupplier stillOwner) {
        this.log = Objects.requireNonNull(log);
        this.stillOwner = Objects.requireNonNull(stillOwner);
    }

    @Override
    public void appended(byte[] bytes, int length) {
        if (broken) {
            throw new JournalUnavailableException("partition " + log.partition() + ": an earlier commit failed;"
                    + " the partition is being taken over or rebuilt", null);
        }
        if (pendingBytes + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + length));
        }
        if (pendingEntries == starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        System.arraycopy(bytes, 0, pending, pendingBytes, length);
        starts[pendingEntries] = pendingBytes;
        keys[pendingEntries] = coopOf(bytes, length);
        pendingEntries++;
        pendingBytes += length;
    }

    /** The cooperative an entry concerns, or null when it names none. */
    private String coopOf(byte[] bytes, int length) {
        int result = codec.decodeForReplay(bytes, length, decoded);
        if (result != EntryCodec.OK) {
            // the core just encoded it: a bad entry here is a bug, and must not reach the topic
            throw new IllegalStateException("partition " + log.partition() + ": an appended entry fails its checks: "
                    + EntryCodec.errorName(result));
        }
        return switch (decoded.type) {
            case JournalEntry.TYPE_PAYMENT -> decoded.string(decoded.coopIdAt, decoded.coopIdLength);
            case JournalEntry.TYPE_CLOSE -> decoded.coopId;
            case JournalEntry.TYPE_OBLIGATION -> decoded.obligation.coopId();
            case JournalEntry.TYPE_FILE_DIGESTS -> coopOfBatch(decoded.digests.batchId());
            default -> null;
        };
    }

    /** Whether the commit that failed was fenced: another node owns the partition now. */
    public boolean fenced() {
        return fenced;
    }

    /** The cooperative of a batch id, {@code <coopId>-<close sequence>}. */
    private static String coopOfBatch(String batchId) {
        return batchId.substring(0, batchId.lastIndexOf('-'));
    }

    @Override
    public boolean commit() {
        if (pendingEntries == 0) {
            return false;
        }
        if (broken) {
            throw new JournalUnavailableException("partition " + log.partition() + ": an earlier commit failed", null);
        }
        List<PartitionLog.Record> records = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= pendingEntries; i++) {
            if (i == pendingEntries || !Objects.equals(keys[i], keys[from])) {
                int end = i == pendingEntries ? pendingBytes : starts[i];
                records.add(new PartitionLog.Record(keys[from], Arrays.copyOfRange(pending, starts[from], end)));
                from = i;
            }
        }
        Arrays.fill(keys, 0, pendingEntries, null);
        pendingEntries = 0;
        pendingBytes = 0;
        long startNs = System.nanoTime();
        PartitionLog.CommitResult result = log.commit(records);
        if (result instanceof PartitionLog.Failed
                && System.nanoTime() - startNs < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(SETTLE_WITHIN_MS)
                && stillOwner.getAsBoolean()) {
            result = log.settle(records);
        }
        if (result instanceof PartitionLog.Committed) {
            return true;
        }
        broken = true;
        fenced = result instanceof PartitionLog.Fenced;
        Throwable cause = result instanceof PartitionLog.Fenced f ? f.cause() : ((PartitionLog.Failed) result).cause();
        throw new JournalUnavailableException("partition " + log.partition() + ": "
                + (result instanceof PartitionLog.Fenced ? "fenced: another node owns the partition now"
                        : "the commit failed, its outcome unknown") + " (" + cause + ")", cause);
    }
}
