package id.lumbung.core.payment;

/**
 * Result of posting one payment.
 *
 * @param result what happened
 * @param payment the payment (new or the original one); {@code null} unless ACCEPTED or REPLAYED
 */
public record PostOutcome(Result result, PaymentView payment) {

    /** What happened to a post. */
    public enum Result {
        /** New payment, durable in the journal. */
        ACCEPTED,
        /** Same key, same content: the original payment. */
        REPLAYED,
        /** New key whose occurredAt lies outside the accepted window (5 minutes ahead, 7 days behind). */
        INVALID_TIMESTAMP,
        /** Same key, different content. */
        IDEMPOTENCY_CONFLICT,
        /** The journal cannot take writes now (disk reserve reached, not writable, queue full); retry later. */
        JOURNAL_UNAVAILABLE,
        /**
         * The terminal is blocked in the reference in effect at the post's journal position (a reload
         * journaled after the request was authenticated against the reference before it).
         */
        TERMINAL_BLOCKED,
        /** The terminal is removed from the reference in effect at the post's journal position: refused as unknown. */
        UNAUTHENTICATED
    }
}
