package id.lumbung.core.journal;

/** A committed journal entry failed its checks: the engine must stop rather than settle on bad data. */
public final class JournalCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalCorruptException(String message) {
        super(message);
    }
}
