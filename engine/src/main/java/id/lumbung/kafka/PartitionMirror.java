package id.lumbung.kafka;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A node's local copy of one partition's entries: a Chronicle journal the partition's core runs
 * over exactly as a single engine runs over its journal (replay, read back by index, append), made
 * anew from the topic each time the node takes the partition. The topic is the only durable copy:
 * the local one is never forced ({@code async}), and a node that loses it loses nothing.
 *
 * <p>{@link #rebuild} deletes the folder, replays the partition ({@code read_committed}) and appends
 * every entry as it is. An owner replays through its {@link PartitionLog}, after
 * {@link PartitionLog#open()} fenced the earlier owner; {@code reconcile} through a
 * {@link PartitionReader}, which fences nobody and so copies what was committed when it started.
 * Either way sequences must run 1, 2, 3... across the records with no gap and no repeat: an entry
 * out of that order is refused as corruption ({@link JournalCorruptException}) rather than served
 * or reconciled, since a repeat is a payment journaled twice and a gap a lost one.
 */
public final class PartitionMirror {
    private static final System.Logger LOG = System.getLogger(PartitionMirror.class.getName());

    private PartitionMirror() {
    }

    /**
     * What a rebuild copied.
     *
     * @param records      committed records read
     * @param entries      entries appended to the local copy
     * @param lastSequence the last entry's sequence, 0 for an empty partition
     */
    public record Rebuilt(long records, long entries, long lastSequence) {
    }

    /**
     * Makes {@code dir} hold exactly the partition's committed entries, in order.
     *
     * @param source an opened {@link PartitionLog} (its producer fenced any earlier owner), or a
     *     {@link PartitionReader} (read-only: it fences nobody)
     * @throws JournalCorruptException if an entry fails its checks or its sequence does not follow the last one's
     */
    public static Rebuilt rebuild(PartitionRecords source, Path dir) throws KafkaStartException {
        long t0 = System.nanoTime();
        deleteTree(dir);
        RecordEntries split = new RecordEntries();
        long[] last = {0};
        long[] entries = {0};
        PartitionLog.Replayed replayed;
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            replayed = source.replay((offset, key, value) -> split.forEachEntry(offset, value, (entry, bytes, length) -> {
                if (entry.sequence != last[0] + 1) {
                    throw new JournalCorruptException("partition " + source.partition() + ": the entry at record offset "
                            + offset + " has sequence " + entry.sequence + " where " + (last[0] + 1) + " follows "
                            + (last[0] == 0 ? "the partition's start" : "sequence " + last[0]) + " (a "
                            + (entry.sequence <= last[0] ? "repeat: an entry journaled twice" : "gap: an entry missing") + ")");
                }
                journal.append(bytes, length);
                last[0] = entry.sequence;
                entries[0]++;
            }));
        }
        LOG.log(System.Logger.Level.INFO, "event=kafka_partition_copied partition={0} records={1,number,#} entries={2,number,#}"
                + " last_sequence={3,number,#} ms={4,number,#}", source.partition(), replayed.records(), entries[0], last[0],
                (System.nanoTime() - t0) / 1_000_000);
        return new Rebuilt(replayed.records(), entries[0], last[0]);
    }

    /** Removes a folder and what is in it; nothing when it does not exist. */
    static void deleteTree(Path dir) {
        try {
            id.lumbung.files.AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the local copy " + dir, e);
        }
    }
}
