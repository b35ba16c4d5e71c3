package id.lumbung.core.journal;

/**
 * The journal cannot make the entries appended since its last commit durable, and the process may
 * go on: a replicated journal whose commit was fenced (another node owns the partition now), failed,
 * or ended with an unknown outcome. Only such a journal throws it, from its group commit or from an
 * append it can no longer take; a journal whose failure must stop the process (a disk refusing a
 * force) throws anything else.
 *
 * <p>Nothing appended since the last commit is acknowledged: the journal writer answers every command
 * of the group and every command still queued as unavailable (retryable), stops, and tells its
 * owner, which must rebuild the core from the journal: the core's state already holds the group.
 */
public final class JournalUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
