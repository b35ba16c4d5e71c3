package id.lumbung.payment;

/**
 * One decoded journal entry: a mutable holder that {@link EntryCodec#decode} fills, reused across
 * reads. Which fields mean something depends on {@link #type}.
 */
public final class JournalEntry {
    public static final byte TYPE_PAYMENT = 1;
    public static final byte TYPE_VOID = 2;
    public static final byte TYPE_CLOSE = 3;
    /** Marks a torn tail entry (by its Chronicle index) as discarded by a restart. */
    public static final byte TYPE_DISCARD = 4;

    public static final byte TRIGGER_SCHEDULE = 0;
    public static final byte TRIGGER_ADMIN = 1;

    public byte type;
    /** Journal position: unique, increasing by one per entry. */
    public long sequence;
    /** When the engine wrote the entry (acceptedAt, voidedAt or closedAt). */
    public long atEpochMs;
    /** The entry's Chronicle index, set by replay (not part of the entry's bytes). */
    public long journalIndex;

    // TYPE_PAYMENT
    public PaymentRequest request;
    public String traderId;
    public String coopId;

    // TYPE_VOID
    public long voidedSequence;

    // TYPE_DISCARD: the Chronicle index of the torn entry
    public long discardedIndex;

    // TYPE_CLOSE: coopId null means every cooperative
    public byte trigger;
}
