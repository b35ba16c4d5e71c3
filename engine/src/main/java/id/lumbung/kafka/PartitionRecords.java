package id.lumbung.kafka;

/**
 * One partition's committed records, replayed in offset order from the first: the owner's
 * {@link PartitionLog} once it is open (its producer fenced any earlier owner), or a
 * {@link PartitionReader}, which fences nobody.
 */
public interface PartitionRecords {
    /** The partition replayed. */
    int partition();

    /**
     * Hands every committed record, in offset order, from offset 0 to the end as it is when the
     * replay starts.
     *
     * @throws KafkaStartException if the partition cannot be read, or the replay stalls
     * @throws id.lumbung.core.journal.JournalCorruptException if the partition no longer starts at offset 0
     */
    PartitionLog.Replayed replay(PartitionLog.RecordHandler handler) throws KafkaStartException;
}
