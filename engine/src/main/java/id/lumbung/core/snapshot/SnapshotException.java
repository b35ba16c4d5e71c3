package id.lumbung.core.snapshot;

/** A snapshot that cannot be used: unreadable, damaged, or not of this journal and reference data. */
public final class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The last sequence the snapshot says the journal held, when the journal no longer holds it; else -1. */
    private final long journalSequenceMissing;

    public SnapshotException(String message) {
        this(message, -1);
    }

    /** @param journalSequenceMissing the snapshot's last sequence, which the journal does not hold (as written) */
    public SnapshotException(String message, long journalSequenceMissing) {
        super(message);
        this.journalSequenceMissing = journalSequenceMissing;
    }

    /** The snapshot's last sequence when the journal does not hold that entry as written, else -1. */
    public long journalSequenceMissing() {
        return journalSequenceMissing;
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
        this.journalSequenceMissing = -1;
    }
}
