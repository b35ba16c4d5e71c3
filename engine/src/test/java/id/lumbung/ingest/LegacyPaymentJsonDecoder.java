package id.lumbung.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.web.Problem;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder without reused parser and result objects (its code at commit 113a26f), kept as the
 * oracle of PaymentJsonDecoderReuseTest (its limits are read from the production decoder). Strict decoder of payment JSON (one payment, or a batch {@code {"payments":[...]}}) with Jackson's
 * streaming parser: UTF-8 only, no duplicate keys (MALFORMED_JSON), nesting at most {@link #NESTING_DEPTH_MAX},
 * amount a JSON integer literal within 64 bits, unknown fields refused. Each item either yields a
 * {@link PaymentRequest} or one {@link DecodeError}; a batch item's error does not stop the others,
 * but JSON that cannot be parsed at all is one MALFORMED_JSON for the whole body.
 *
 * <p>One instance per event loop (it reuses a timestamp parser; the Jackson factory is shared).
 */
final class LegacyPaymentJsonDecoder {
    // The limits are the contract's, not this oracle's: they are the production decoder's, so the
    // two can differ only in how they decode (which is what PaymentJsonDecoderReuseTest compares).
    public static final int NESTING_DEPTH_MAX = PaymentJsonDecoder.NESTING_DEPTH_MAX;
    public static final int NUMBER_CHARS_MAX = PaymentJsonDecoder.NUMBER_CHARS_MAX;
    public static final int TXN_ID_CHARS_MAX = PaymentJsonDecoder.TXN_ID_CHARS_MAX;
    public static final int PAYER_REF_CHARS_MAX = PaymentJsonDecoder.PAYER_REF_CHARS_MAX;
    public static final int METHOD_CHARS_MAX = PaymentJsonDecoder.METHOD_CHARS_MAX;
    public static final int ID_CHARS_MAX = PaymentJsonDecoder.ID_CHARS_MAX;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(NESTING_DEPTH_MAX)
                    .maxNumberLength(NUMBER_CHARS_MAX)
                    .maxStringLength(64 * 1024)
                    .build())
            .build();
    /**
     * Duplicate keys are refused by this decoder itself (a bit per known field), not by Jackson's
     * STRICT_DUPLICATE_DETECTION, whose per-object name set was an eighth of the event loop's time
     * under batch load. An unknown field is refused whether or not it repeats.
     */
    private static final String DUPLICATE = "duplicate field in a payment object";

    /** One decoded item: exactly one of request and error is set. */
    public record Item(PaymentRequest request, DecodeError error) {
    }

    private final long amountMaxRupiah;
    private final OffsetTimestamp timestamp = new OffsetTimestamp();

    LegacyPaymentJsonDecoder(long amountMaxRupiah) {
        this.amountMaxRupiah = amountMaxRupiah;
    }

    /** Decodes a single payment body. */
    public Item decodeOne(byte[] body, int length) {
        if (!utf8Shaped(body, length)) {
            return new Item(null, new DecodeError(Problem.MALFORMED_JSON, "body must be UTF-8 JSON"));
        }
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Item(null, new DecodeError(Problem.MALFORMED_JSON, "body must be a JSON object"));
            }
            Item item = item(p);
            if (p.nextToken() != null) {
                return new Item(null, new DecodeError(Problem.MALFORMED_JSON, "content after the JSON object"));
            }
            return item;
        } catch (JsonProcessingException e) {
            return new Item(null, new DecodeError(Problem.MALFORMED_JSON, "body is not valid JSON"));
        } catch (IOException e) {
            return new Item(null, new DecodeError(Problem.MALFORMED_JSON, "body could not be read"));
        }
    }

    /**
     * Decodes a batch body; returns the items, or a single-element list holding only an error when
     * the body as a whole is unusable ({@code batchError} set).
     */
    public Batch decodeBatch(byte[] body, int length, int itemsMax) {
        if (!utf8Shaped(body, length)) {
            return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "body must be UTF-8 JSON"));
        }
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "body must be a JSON object"));
            }
            List<Item> items = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!name.equals("payments")) {
                    return Batch.error(new DecodeError(Problem.INVALID_FIELD, "unknown field in batch; only 'payments' is allowed"));
                }
                if (items != null) {
                    return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "duplicate field 'payments'"));
                }
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    return Batch.error(new DecodeError(Problem.INVALID_FIELD, "'payments' must be an array"));
                }
                items = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (items.size() == itemsMax) {
                        return Batch.error(new DecodeError(Problem.INVALID_FIELD,
                                "a batch holds at most " + itemsMax + " payments"));
                    }
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        items.add(new Item(null, new DecodeError(Problem.MALFORMED_JSON, "each payment must be a JSON object")));
                        continue;
                    }
                    items.add(item(p));
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "content after the JSON object"));
            }
            if (items == null) {
                return Batch.error(new DecodeError(Problem.MISSING_FIELD, "'payments' is required"));
            }
            if (items.isEmpty()) {
                return Batch.error(new DecodeError(Problem.INVALID_FIELD, "'payments' must not be empty"));
            }
            return new Batch(items, null);
        } catch (JsonProcessingException e) {
            return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "body is not valid JSON"));
        } catch (IOException e) {
            return Batch.error(new DecodeError(Problem.MALFORMED_JSON, "body could not be read"));
        }
    }

    /** A decoded batch: items, or an error for the whole body. */
    public record Batch(List<Item> items, DecodeError error) {
        static Batch error(DecodeError e) {
            return new Batch(List.of(), e);
        }
    }

    /**
     * Jackson would auto-detect UTF-16/32 from the first bytes; JSON on the wire is UTF-8 (RFC 8259),
     * so a NUL among the first four bytes (the UTF-16/32 signature) is refused up front, and the body
     * must be well-formed UTF-8 (the JDK's strict decoder: Jackson itself decodes some ill-formed
     * sequences).
     */
    private static boolean utf8Shaped(byte[] body, int length) {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body, 0, length));
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
        return length > 0;
    }

    /** Reads one payment object; the parser stands on its START_OBJECT and is left on its END_OBJECT. */
    private Item item(JsonParser p) throws IOException {
        String terminalId = null, txnId = null, currency = null, method = null, payerRef = null, merchantId = null;
        String occurredAt = null;
        long amount = 0;
        boolean hasAmount = false;
        DecodeError error = null;
        int seen = 0;
        boolean duplicate = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int bit = fieldBit(name);
            duplicate |= (seen & bit) != 0;
            seen |= bit;
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
                error = first(error, invalidFor(name));
                continue;
            }
            if (v == JsonToken.VALUE_STRING && !unicode(p.getText())) {
                error = first(error, new DecodeError(Problem.INVALID_FIELD,
                        "text must be Unicode: an unpaired surrogate escape is not a character"));
                continue;
            }
            switch (name) {
                case "terminalId" -> {
                    terminalId = text(p, v);
                    if (!idShaped(terminalId, ID_CHARS_MAX)) {
                        error = first(error, new DecodeError(Problem.INVALID_FIELD, "terminalId must be 1-32 of [A-Za-z0-9-]"));
                    }
                }
                case "txnId" -> {
                    txnId = text(p, v);
                    if (!idShaped(txnId, TXN_ID_CHARS_MAX)) {
                        error = first(error, new DecodeError(Problem.INVALID_FIELD, "txnId must be 1-32 of [A-Za-z0-9-]"));
                    }
                }
                case "amount" -> {
                    if (v == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                            || p.getNumberType() == JsonParser.NumberType.LONG)) {
                        amount = p.getLongValue();
                        hasAmount = true;
                        if (amount < 1 || amount > amountMaxRupiah) {
                            error = first(error, new DecodeError(Problem.INVALID_AMOUNT,
                                    "amount must be between 1 and " + amountMaxRupiah + " rupiah"));
                        }
                    } else {
                        hasAmount = true;
                        error = first(error, new DecodeError(Problem.INVALID_AMOUNT,
                                "amount must be a JSON integer of whole rupiah"));
                    }
                }
                case "currency" -> {
                    currency = text(p, v);
                    if (!"IDR".equals(currency)) {
                        error = first(error, new DecodeError(Problem.INVALID_CURRENCY, "currency must be IDR"));
                    }
                }
                case "occurredAt" -> {
                    occurredAt = text(p, v);
                    if (occurredAt == null) {
                        error = first(error, new DecodeError(Problem.INVALID_TIMESTAMP, "occurredAt must be an ISO 8601 string with offset"));
                    }
                }
                case "method" -> {
                    method = text(p, v);
                    if (!methodShaped(method)) {
                        error = first(error, new DecodeError(Problem.INVALID_FIELD, "method must be 1-16 of [A-Z0-9_]"));
                    }
                }
                case "payerRef" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        payerRef = text(p, v);
                        if (!printable(payerRef, PAYER_REF_CHARS_MAX)) {
                            error = first(error, new DecodeError(Problem.INVALID_FIELD, "payerRef must be at most 64 printable characters"));
                        }
                    }
                }
                case "merchantId" -> {
                    merchantId = text(p, v);
                    if (!idShaped(merchantId, ID_CHARS_MAX)) {
                        error = first(error, new DecodeError(Problem.INVALID_FIELD, "merchantId must be 1-32 of [A-Za-z0-9-]"));
                    }
                }
                default -> error = first(error, new DecodeError(Problem.INVALID_FIELD, "unknown field"));
            }
        }
        if (duplicate) {
            return new Item(null, new DecodeError(Problem.MALFORMED_JSON, DUPLICATE));
        }
        if (error != null) {
            return new Item(null, error);
        }
        String missing = terminalId == null ? "terminalId" : txnId == null ? "txnId" : !hasAmount ? "amount"
                : currency == null ? "currency" : occurredAt == null ? "occurredAt" : method == null ? "method" : null;
        if (missing != null) {
            return new Item(null, new DecodeError(Problem.MISSING_FIELD, "'" + missing + "' is required"));
        }
        long occurredAtEpochMs;
        int offsetSeconds;
        if (timestamp.parse(occurredAt)) {
            occurredAtEpochMs = timestamp.epochMs;
            offsetSeconds = timestamp.offsetSeconds;
        } else {
            try {
                OffsetDateTime at = OffsetDateTime.parse(occurredAt, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                if (at.getNano() % 1_000_000 != 0) {
                    return new Item(null, new DecodeError(Problem.INVALID_TIMESTAMP,
                            "occurredAt must not be more precise than a millisecond"));
                }
                occurredAtEpochMs = at.toInstant().toEpochMilli();
                offsetSeconds = at.getOffset().getTotalSeconds();
            } catch (DateTimeParseException | ArithmeticException e) {
                return new Item(null, new DecodeError(Problem.INVALID_TIMESTAMP, "occurredAt must be an ISO 8601 date-time with offset"));
            }
        }
        return new Item(new PaymentRequest(terminalId, txnId, amount, currency, occurredAtEpochMs, offsetSeconds, method,
                payerRef, merchantId), null);
    }

    /** A bit per known payment field (0 for unknown ones), to refuse a repeated key. */
    private static int fieldBit(String name) {
        return switch (name) {
            case "terminalId" -> 1;
            case "txnId" -> 2;
            case "amount" -> 4;
            case "currency" -> 8;
            case "occurredAt" -> 16;
            case "method" -> 32;
            case "payerRef" -> 64;
            case "merchantId" -> 128;
            default -> 0;
        };
    }

    private static DecodeError invalidFor(String name) {
        return switch (name) {
            case "amount" -> new DecodeError(Problem.INVALID_AMOUNT, "amount must be a JSON integer of whole rupiah");
            case "currency" -> new DecodeError(Problem.INVALID_CURRENCY, "currency must be IDR");
            case "occurredAt" -> new DecodeError(Problem.INVALID_TIMESTAMP, "occurredAt must be an ISO 8601 string with offset");
            default -> new DecodeError(Problem.INVALID_FIELD, "field has the wrong type");
        };
    }

    private static DecodeError first(DecodeError current, DecodeError next) {
        return current != null ? current : next;
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    static boolean idShaped(String s, int charsMax) {
        if (s == null || s.isEmpty() || s.length() > charsMax) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean methodShaped(String s) {
        if (s == null || s.isEmpty() || s.length() > METHOD_CHARS_MAX) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} holds no lone surrogate (the JDK's own check: a UTF-8 encoder refuses one). */
    private static boolean unicode(String s) {
        return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    /** At most {@code charsMax} characters (code points), none a control character. */
    private static boolean printable(String s, int charsMax) {
        if (s == null || s.codePointCount(0, s.length()) > charsMax) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
