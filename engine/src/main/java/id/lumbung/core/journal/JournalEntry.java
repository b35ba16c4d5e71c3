package id.lumbung.core.journal;


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
    /** One change of the reference data that decides money (see {@code JournaledReference}). */
    public static final byte TYPE_REFERENCE = 5;
    /** One change of a member obligation: a PUT that created it or an END ({@code ObligationCodec}). */
    public static final byte TYPE_OBLIGATION = 6;
    /** The files of a settlement batch as first written ({@link FileDigests}); written by a Kafka journal's owner. */
    public static final byte TYPE_FILE_DIGESTS = 7;

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

    // TYPE_PAYMENT read by EntryCodec#decodeForReplay: request, traderId and coopId stay null; the amount
    // is here and the ids are ASCII/UTF-8 slices of raw (valid until the next decode)
    public long amountRupiah;
    public byte[] raw;
    public int terminalIdAt;
    public int terminalIdLength;
    public int txnIdAt;
    public int txnIdLength;
    public int traderIdAt;
    public int traderIdLength;
    public int coopIdAt;
    public int coopIdLength;
    /** The rest of the payment, for a retry's content comparison without Strings; payerRef and merchantId lengths are -1 when absent. */
    public long occurredAtEpochMs;
    public int occurredAtOffsetSeconds;
    public int currencyAt;
    public int currencyLength;
    public int methodAt;
    public int methodLength;
    public int payerRefAt;
    public int payerRefLength;
    public int merchantIdAt;
    public int merchantIdLength;

    /** A slice of {@link #raw} as a String (replay decoding builds them only when needed). */
    public String string(int at, int length) {
        return new String(raw, at, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    // TYPE_VOID
    public long voidedSequence;

    // TYPE_OBLIGATION: the decoded event (a rare entry: both decodes build it)
    public id.lumbung.core.obligation.ObligationEvent obligation;

    // TYPE_FILE_DIGESTS: decoded with Strings by both decodes (a rare entry)
    public FileDigests digests;

    // TYPE_DISCARD: the Chronicle index of the torn entry
    public long discardedIndex;

    // TYPE_CLOSE: coopId null means every cooperative
    public byte trigger;

    // TYPE_REFERENCE: decoded with Strings by both decodes (a rare entry); refParent and refValue
    // are null where the kind has none (see EntryCodec)
    public byte refKind;
    public byte refOp;
    public String refId;
    public String refParent;
    public String refValue;
    public boolean refBlocked;
    /** Part of the reference an upgraded journal records as in effect since its start. */
    public boolean refBaseline;
}
