package id.lumbung.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import id.lumbung.web.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads {@code POST /admin/v1/settlements/close} as strictly as the terminal API reads a payment,
 * since a close cannot be undone: no body, or {@code {}}, is every cooperative; {@code
 * {"coopId":"..."}} is one. A query parameter or an unknown field is {@code INVALID_FIELD}, and so
 * is a {@code coopId} that is not a string; a body that is not UTF-8, not one JSON object, has a
 * duplicate key or anything after the object is {@code MALFORMED_JSON} (which wins over a field's
 * error, as on the terminal API). Problem details never echo the request.
 *
 * <p>{@code POST /admin/v1/reference/reload} is read by the same rules with no field at all: it
 * reads the reference files and takes nothing from the request, so it accepts no body or {@code
 * {}} and refuses a query parameter or any field as {@code INVALID_FIELD}.
 */
final class AdminCloseRequest {
    /** The one field of the body. */
    static final String COOP_ID = "coopId";
    private static final int NESTING_DEPTH_MAX = 8;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(NESTING_DEPTH_MAX)
                    .maxStringLength(OpsServer.ADMIN_BODY_BYTES_MAX)
                    .build())
            .build();

    /**
     * What the request asks: exactly one of a refusal ({@code problem} set) or a close of {@code
     * coopId} (null: every cooperative).
     */
    record Parsed(String coopId, Problem problem, String detail) {
        static Parsed refused(Problem problem, String detail) {
            return new Parsed(null, problem, detail);
        }
    }

    private AdminCloseRequest() {
    }

    /**
     * The close's request.
     *
     * @param query the request's query string, null when it has none
     * @param body the body's bytes, empty when there is none
     */
    static Parsed parse(String query, byte[] body) {
        return parse(query, body, COOP_ID,
                "the close takes no query parameters; name a cooperative in the body: {\"coopId\":\"...\"}",
                "unknown field; the only field is coopId");
    }

    /**
     * The reload's request: nothing, or {@code {}} ({@link Parsed#coopId} is always null).
     *
     * @param query the request's query string, null when it has none
     * @param body the body's bytes, empty when there is none
     */
    static Parsed parseReload(String query, byte[] body) {
        return parse(query, body, null, "the reload takes no query parameters; it reads the reference files",
                "the reload takes no fields; it reads the reference files");
    }

    /**
     * @param field the body's one field (a string), or null when the body may hold none
     * @param queryRefused the detail of a refused query
     * @param fieldRefused the detail of an unknown field
     */
    private static Parsed parse(String query, byte[] body, String field, String queryRefused, String fieldRefused) {
        if (query != null && !query.isEmpty()) {
            return Parsed.refused(Problem.INVALID_FIELD, queryRefused);
        }
        if (body.length == 0) {
            return new Parsed(null, null, null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return Parsed.refused(Problem.MALFORMED_JSON, "body must be UTF-8 JSON");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Parsed.refused(Problem.MALFORMED_JSON, "body must be a JSON object");
            }
            String coopId = null;
            Parsed fieldError = null;
            Set<String> seen = new HashSet<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!seen.add(name)) {
                    return Parsed.refused(Problem.MALFORMED_JSON, "duplicate field in the body");
                }
                if (!name.equals(field)) {
                    if (fieldError == null) {
                        fieldError = Parsed.refused(Problem.INVALID_FIELD, fieldRefused);
                    }
                } else if (value == JsonToken.VALUE_STRING) {
                    coopId = p.getText();
                } else if (fieldError == null) {
                    fieldError = Parsed.refused(Problem.INVALID_FIELD, field + " must be a string");
                }
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                return Parsed.refused(Problem.MALFORMED_JSON, "content after the JSON object");
            }
            return fieldError != null ? fieldError : new Parsed(coopId, null, null);
        } catch (IOException e) {
            // Jackson's parse errors: truncated, invalid tokens, nesting past the limit
            return Parsed.refused(Problem.MALFORMED_JSON, "body is not valid JSON");
        }
    }
}
