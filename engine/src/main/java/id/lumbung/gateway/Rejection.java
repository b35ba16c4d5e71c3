package id.lumbung.gateway;

/**
 * Why the gateway refused a request, with its ISO 8583 response code (field 39). The names are
 * the HTTP terminal API's error codes, so that {@code lumbung_payments_total{code}} means the same
 * thing whichever channel a payment came through; a constant whose name is not such a code says
 * which code it counts under.
 */
enum Rejection {
    /** A required field is missing or unreadable (bad digits, impossible date). */
    MALFORMED_MESSAGE("30"),
    /** Unknown terminal: 03 invalid merchant, the same answer for every unknown id. */
    UNAUTHENTICATED("03"),
    /**
     * Field 64 missing (with {@code iso.mac=required}) or not the MAC under the terminal's key:
     * 63 security violation. Counted as UNAUTHENTICATED, the HTTP code for a bad signature.
     */
    MAC_INVALID("63", "UNAUTHENTICATED"),
    /** Field 42 is not the terminal's trader. */
    MERCHANT_MISMATCH("03"),
    /** Terminal registered as BLOCKED: 58 transaction not permitted to terminal. */
    TERMINAL_BLOCKED("58"),
    /** Amount not a positive whole number of rupiah, or above the configured maximum. */
    INVALID_AMOUNT("13"),
    /** Currency other than 360 (IDR). */
    INVALID_CURRENCY("13"),
    /** Processing code other than 00xxxx (purchase), or a message type we do not handle: 12 invalid transaction. */
    UNSUPPORTED_TRANSACTION("12"),
    /**
     * Fields 12/13 more than 7 days behind or 5 minutes ahead of the engine's clock (the terminal
     * API's time window, checked by the book after the key lookup): 12 invalid transaction, the
     * terminal does not retry it unchanged.
     */
    INVALID_TIMESTAMP("12"),
    /** Same terminal and RRN, different content: 94 duplicate transmission. */
    IDEMPOTENCY_CONFLICT("94"),
    /** Reversal of a payment that is not there: 25 unable to locate original. */
    NOT_FOUND("25"),
    /** Reversal of a settled payment: 12 invalid transaction. */
    ALREADY_SETTLED("12"),
    /** Journal cannot take writes now: 91 issuer or switch inoperative, the terminal retries. */
    JOURNAL_UNAVAILABLE("91");

    private final String responseCode;
    private final String metricCode;

    Rejection(String responseCode) {
        this.responseCode = responseCode;
        this.metricCode = name();
    }

    Rejection(String responseCode, String metricCode) {
        this.responseCode = responseCode;
        this.metricCode = metricCode;
    }

    /** The {@code code} tag of {@code lumbung_payments_total} and {@code lumbung_iso_reversals_total}. */
    String metricCode() {
        return metricCode;
    }

    /** ISO 8583 field 39 value. */
    String responseCode() {
        return responseCode;
    }
}
