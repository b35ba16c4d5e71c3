package id.lumbung.core.payment;

/**
 * Result of voiding (HTTP) or reversing (ISO 8583 0400) a payment.
 *
 * @param result what happened
 * @param payment the payment after the void, or {@code null} when NOT_FOUND or JOURNAL_UNAVAILABLE
 */
public record VoidOutcome(Result result, PaymentView payment) {

    /** What happened to a void. */
    public enum Result {
        /** Voided now, or already voided before. */
        VOIDED,
        /** No such payment for this terminal. */
        NOT_FOUND,
        /** Its batch has closed. */
        ALREADY_SETTLED,
        /** The journal cannot take writes now; retry later. */
        JOURNAL_UNAVAILABLE
    }
}
