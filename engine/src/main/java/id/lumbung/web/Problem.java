package id.lumbung.web;

/**
 * RFC 9457 problem codes of the terminal and cooperative API, each with its HTTP status and title.
 */
public enum Problem {
    MALFORMED_JSON(400, "Malformed JSON"),
    MISSING_FIELD(400, "Missing field"),
    INVALID_FIELD(400, "Invalid field"),
    INVALID_AMOUNT(400, "Invalid amount"),
    INVALID_CURRENCY(400, "Invalid currency"),
    INVALID_TIMESTAMP(400, "Invalid timestamp"),
    MERCHANT_MISMATCH(400, "Merchant mismatch"),
    /** An HTTP request line or headers that cannot be read, or a version that is not {@code HTTP/DIGIT.DIGIT}. */
    MALFORMED_REQUEST(400, "Malformed request"),
    UNAUTHENTICATED(401, "Unauthenticated"),
    TERMINAL_BLOCKED(403, "Terminal blocked"),
    NOT_FOUND(404, "Not found"),
    ALREADY_SETTLED(409, "Already settled"),
    BODY_TOO_LARGE(413, "Body too large"),
    URI_TOO_LONG(414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    IDEMPOTENCY_CONFLICT(422, "Idempotency conflict"),
    RATE_LIMITED(429, "Rate limited"),
    HEADERS_TOO_LARGE(431, "Request header fields too large"),
    JOURNAL_UNAVAILABLE(503, "Journal unavailable"),
    /** A request in another major version of HTTP than 1 (RFC 9110 section 15.6.6). */
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported");

    public final int status;
    public final String title;
    /** A stable URI per code, under the project's problem namespace. */
    public final String type;

    Problem(int status, String title) {
        this.status = status;
        this.title = title;
        this.type = typeOf(name());
    }

    /** The problem document. {@code detail} is written by the engine, never copied from a request. */
    public String json(String detail) {
        return json(status, name(), title, detail);
    }

    /**
     * A problem document for any code, also those of the ops port that are not terminal or
     * cooperative API codes ({@code CLOSE_FAILED}); the type URI is derived from the code as above.
     */
    public static String json(int status, String code, String title, String detail) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"").append(typeOf(code)).append("\",\"title\":");
        Json.string(sb, title);
        sb.append(",\"status\":").append(status).append(",\"detail\":");
        Json.string(sb, detail);
        sb.append(",\"code\":");
        Json.string(sb, code);
        return sb.append('}').toString();
    }

    private static String typeOf(String code) {
        return "https://lumbung.id/problems/" + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
