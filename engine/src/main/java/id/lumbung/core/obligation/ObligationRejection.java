package id.lumbung.core.obligation;

/**
 * A refused obligation request.
 *
 * @param code the error code
 * @param field the JSON field at fault ({@code obligationId}, {@code traderId}, ...), or null when none
 * @param detail a sentence for the problem's {@code detail}
 */
public record ObligationRejection(ObligationCode code, String field, String detail) {
}
