package id.lumbung.core.obligation;

/**
 * Why an obligation request is refused. The names are the terminal API's error codes
 * (DESIGN.md, "Errors"), so the API layer maps one to its problem answer by name.
 */
public enum ObligationCode {
    /** A required field is absent. */
    MISSING_FIELD(400),
    /** A bad kind, date or id, or an end before the cooperative's last close. */
    INVALID_FIELD(400),
    /** {@code dailyAmount} or {@code total} out of range. */
    INVALID_AMOUNT(400),
    /** No obligation of that id in the cooperative. */
    NOT_FOUND(404),
    /** The same obligation id with other terms. */
    IDEMPOTENCY_CONFLICT(422),
    /**
     * {@link ObligationBook#OBLIGATIONS_PER_TRADER_MAX} or {@link ObligationBook#OBLIGATIONS_MAX}
     * reached: a state the request cannot change, so 409. DESIGN.md names no code for it yet.
     */
    LIMIT_REACHED(409);

    private final int httpStatus;

    ObligationCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the cooperative API answers with. */
    public int httpStatus() {
        return httpStatus;
    }
}
