package id.lumbung.core.obligation;

/**
 * The answer of {@link ObligationBook#put} or {@link ObligationBook#end}.
 *
 * @param status what happened
 * @param obligation the obligation as the book holds it after the call, null when rejected
 * @param rejection why it was refused, null otherwise
 */
public record ObligationOutcome(Status status, Obligation obligation, ObligationRejection rejection) {
    /** {@code CREATED} (201) and {@code ENDED} change the book and are journaled; {@code UNCHANGED} (200) is a replay. */
    public enum Status { CREATED, UNCHANGED, ENDED, REJECTED }

    static ObligationOutcome rejected(ObligationCode code, String field, String detail) {
        return new ObligationOutcome(Status.REJECTED, null, new ObligationRejection(code, field, detail));
    }

    /** True when the book changed: the event must be journaled. */
    public boolean changed() {
        return status == Status.CREATED || status == Status.ENDED;
    }
}
