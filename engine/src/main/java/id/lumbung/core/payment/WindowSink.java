package id.lumbung.core.payment;

/** Receives closed windows, in journal order, on the journal writer thread; must hand off at once. */
@FunctionalInterface
public interface WindowSink {
    void onWindowClosed(ClosedWindow window);

    /**
     * Receives a journaled obligation event, in journal order with the windows (each once durable,
     * like a close). A sink that settles no obligations ignores it.
     */
    default void onObligationEvent(id.lumbung.core.obligation.ObligationEvent event) {
    }

    /**
     * Receives a batch's journaled file digests, in journal order with the windows (after the
     * close that made the batch). A sink that writes no files ignores them.
     */
    default void onFileDigests(id.lumbung.core.journal.FileDigests digests) {
    }

    /**
     * Sequence of the latest close whose window has been read (every earlier one has been too).
     * The book forgets a settled payment only once the window that settled it is read: the window
     * reads the payment's slot after the close, and forgetting clears it. A sink that reads each
     * window at once in {@link #onWindowClosed} keeps this default.
     */
    default long settledCloseSequence() {
        return Long.MAX_VALUE;
    }

    /**
     * Returns once the window of close {@code closeSequence} has been read ({@link
     * #settledCloseSequence} reached it). A sink that reads windows on another thread waits for it
     * there; the default, for a sink that reads each window at once, only checks.
     *
     * @throws IllegalStateException when the window is not read (in time)
     */
    default void awaitRead(long closeSequence) {
        if (settledCloseSequence() < closeSequence) {
            throw new IllegalStateException("the window of close " + closeSequence + " has not been read");
        }
    }
}
