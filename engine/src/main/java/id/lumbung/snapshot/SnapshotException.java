package id.lumbung.snapshot;

/** A snapshot that cannot be used: unreadable, damaged, or not of this journal and reference data. */
public final class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
