package id.lumbung.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentRules;
import id.lumbung.web.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strict decoder of payment JSON (one payment, or a batch {@code {"payments":[...]}}) with Jackson's
 * streaming parser: UTF-8 only, no duplicate keys (MALFORMED_JSON), nesting at most {@link #NESTING_DEPTH_MAX},
 * amount a JSON integer literal within 64 bits, unknown fields refused. Each item either yields a
 * payment or one {@link DecodeError}; a batch item's error does not stop the others, but JSON that
 * cannot be parsed at all is one MALFORMED_JSON for the whole body.
 *
 * <p>The hot path ({@link #readOne}, {@link #readBatch}) allocates nothing once warm: one Jackson
 * non-blocking parser reads body after body as a stream of root values (a blocking parser is a new
 * object graph of ~680 B per body, whatever recycler is configured), text is read from the parser's
 * buffer ({@code getTextCharacters}) into a reused {@link DecodedPayment}, and errors are constants.
 * A body the stream does not take cleanly (invalid JSON, truncated, content after the object, a
 * body-level error) is decoded again by a new blocking parser, which decides its answer, and the stream is
 * replaced; so is the stream after any refused item, since only refused items bring field names
 * other than the nine known ones into its name table. Bodies are bounded (4 KiB, 512 KiB), so a
 * bad body costs at most two parses.
 *
 * <p>One instance per event loop; not thread-safe.
 */
public final class PaymentJsonDecoder {
    /** A payment is flat; a batch is two levels; 8 leaves room and stops "[[[[...": deep nesting costs stack. */
    public static final int NESTING_DEPTH_MAX = 8;
    /** 19 digits hold any long; a longer literal is refused before any BigInteger is built. */
    public static final int NUMBER_CHARS_MAX = 32;
    public static final int TXN_ID_CHARS_MAX = 32;
    /** Characters (Unicode code points), as DESIGN.md counts them: 64 emoji are 64 characters. */
    public static final int PAYER_REF_CHARS_MAX = 64;
    /** A payerRef's UTF-16 units at most: every character outside the BMP takes two. */
    public static final int PAYER_REF_UTF16_UNITS_MAX = 2 * PAYER_REF_CHARS_MAX;
    public static final int METHOD_CHARS_MAX = 16;
    public static final int ID_CHARS_MAX = 32;
    /** Distinct method Strings kept per decoder (QRIS, CARD, ...); a method beyond them gets a new String. */
    public static final int METHODS_INTERNED_MAX = 32;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(NESTING_DEPTH_MAX)
                    .maxNumberLength(NUMBER_CHARS_MAX)
                    .maxStringLength(64 * 1024)
                    .build())
            .build();
    /** Where {@code releaseBuffered} writes; only the count of bytes it reports is used. */
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();

    /*
     * Duplicate keys are refused by this decoder itself (a bit per known field), not by Jackson's
     * STRICT_DUPLICATE_DETECTION, whose per-object name set was an eighth of the event loop's time
     * under batch load. An unknown field is refused whether or not it repeats.
     */
    private static final DecodeError DUPLICATE = malformed("duplicate field in a payment object");
    private static final DecodeError NOT_UTF8 = malformed("body must be UTF-8 JSON");
    private static final DecodeError NOT_OBJECT = malformed("body must be a JSON object");
    private static final DecodeError CONTENT_AFTER = malformed("content after the JSON object");
    private static final DecodeError NOT_JSON = malformed("body is not valid JSON");
    private static final DecodeError UNREADABLE = malformed("body could not be read");
    private static final DecodeError ITEM_NOT_OBJECT = malformed("each payment must be a JSON object");
    private static final DecodeError TERMINAL_ID = invalid("terminalId must be 1-32 of [A-Za-z0-9-]");
    private static final DecodeError TXN_ID = invalid("txnId must be 1-32 of [A-Za-z0-9-]");
    private static final DecodeError METHOD = invalid("method must be 1-16 of [A-Z0-9_]");
    private static final DecodeError PAYER_REF = invalid("payerRef must be at most 64 printable characters");
    private static final DecodeError NOT_UNICODE = invalid("text must be Unicode: an unpaired surrogate escape is not a character");
    private static final DecodeError MERCHANT_ID = invalid("merchantId must be 1-32 of [A-Za-z0-9-]");
    private static final DecodeError UNKNOWN_FIELD = invalid("unknown field");
    private static final DecodeError WRONG_TYPE = invalid("field has the wrong type");
    private static final DecodeError AMOUNT_TYPE = new DecodeError(Problem.INVALID_AMOUNT, "amount must be a JSON integer of whole rupiah");
    private static final DecodeError CURRENCY_NOT_IDR = new DecodeError(Problem.INVALID_CURRENCY, "currency must be " + PaymentRules.CURRENCY);
    private static final DecodeError OCCURRED_AT_TYPE = new DecodeError(Problem.INVALID_TIMESTAMP,
            "occurredAt must be an ISO 8601 string with offset");
    private static final DecodeError OCCURRED_AT_FORM = new DecodeError(Problem.INVALID_TIMESTAMP,
            "occurredAt must be an ISO 8601 date-time with offset");
    /** The journal keeps occurredAt to the millisecond, so a retry is compared to the millisecond: finer digits are refused, not dropped. */
    private static final DecodeError OCCURRED_AT_PRECISION = new DecodeError(Problem.INVALID_TIMESTAMP,
            "occurredAt must not be more precise than a millisecond");
    /** MISSING_FIELD per required field, in the order they are checked. */
    private static final String[] REQUIRED = {"terminalId", "txnId", "amount", "currency", "occurredAt", "method"};
    private static final DecodeError[] MISSING = new DecodeError[REQUIRED.length];
    static {
        for (int i = 0; i < REQUIRED.length; i++) {
            MISSING[i] = new DecodeError(Problem.MISSING_FIELD, "'" + REQUIRED[i] + "' is required");
        }
    }
    private static final int F_TERMINAL_ID = 1;
    private static final int F_TXN_ID = 2;
    private static final int F_AMOUNT = 4;
    private static final int F_CURRENCY = 8;
    private static final int F_OCCURRED_AT = 16;
    private static final int F_METHOD = 32;
    private static final int F_PAYER_REF = 64;
    private static final int F_MERCHANT_ID = 128;

    /** One decoded item: exactly one of request and error is set. */
    public record Item(PaymentRequest request, DecodeError error) {
    }

    /** A decoded batch: items, or an error for the whole body. */
    public record Batch(List<Item> items, DecodeError error) {
        static Batch error(DecodeError e) {
            return new Batch(List.of(), e);
        }
    }

    /** The reused result of {@link #readBatch}: an error for the whole body, or {@link #size()} payments. */
    public static final class DecodedBatch {
        private DecodedPayment[] items = new DecodedPayment[0];
        private int size;
        private DecodeError error;
        private boolean hasItems;

        /** The reason the whole body is refused, or null. */
        public DecodeError error() {
            return error;
        }

        public int size() {
            return size;
        }

        public DecodedPayment item(int index) {
            if (index >= size) {
                throw new IndexOutOfBoundsException(index);
            }
            return items[index];
        }

        /** The next item's holder; the array grows to the largest batch seen (at most the batch limit). */
        DecodedPayment add() {
            if (size == items.length) {
                DecodedPayment[] grown = Arrays.copyOf(items, Math.max(16, items.length * 2));
                for (int i = items.length; i < grown.length; i++) {
                    grown[i] = new DecodedPayment();
                }
                items = grown;
            }
            DecodedPayment d = items[size++];
            d.clear();
            return d;
        }

        void reset() {
            size = 0;
            error = null;
            hasItems = false;
        }
    }

    private final PaymentRules rules;
    private final DecodeError amountRange;
    private final OffsetTimestamp timestamp = new OffsetTimestamp();
    private final DecodedPayment one = new DecodedPayment();
    private final DecodedBatch batch = new DecodedBatch();
    private final String[] methods = new String[METHODS_INTERNED_MAX];
    private int methodCount;
    /** The non-blocking parser reused across bodies, and its feeder (the same object). */
    private JsonParser stream;
    private ByteArrayFeeder feeder;

    public PaymentJsonDecoder(long amountMaxRupiah) {
        this.rules = new PaymentRules(amountMaxRupiah);
        this.amountRange = new DecodeError(Problem.INVALID_AMOUNT, "amount must be between "
                + PaymentRules.AMOUNT_MIN_RUPIAH + " and " + amountMaxRupiah + " rupiah");
        newStream();
    }

    private static DecodeError malformed(String detail) {
        return new DecodeError(Problem.MALFORMED_JSON, detail);
    }

    private static DecodeError invalid(String detail) {
        return new DecodeError(Problem.INVALID_FIELD, detail);
    }

    private void newStream() {
        try {
            stream = FACTORY.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot create a non-blocking parser", e);
        }
        feeder = (ByteArrayFeeder) stream.getNonBlockingInputFeeder();
    }

    // ---------------------------------------------------------------- hot path

    /** Decodes a single payment body into the decoder's reused holder, valid until the next read. */
    public DecodedPayment readOne(byte[] body, int length) {
        DecodedPayment out = one;
        out.clear();
        if (!utf8Shaped(body, length)) {
            out.error = NOT_UTF8;
            return out;
        }
        if (!streamOne(body, length, out)) {
            newStream();
            out.clear();
            blockingOne(body, length, out);
        }
        return out;
    }

    /**
     * Decodes a batch body into the decoder's reused holder, valid until the next read: an error for
     * the whole body, or one item per payment, each a payment or its error.
     */
    public DecodedBatch readBatch(byte[] body, int length, int itemsMax) {
        DecodedBatch out = batch;
        out.reset();
        if (!utf8Shaped(body, length)) {
            out.error = NOT_UTF8;
            return out;
        }
        if (!streamBatch(body, length, itemsMax, out)) {
            newStream();
            out.reset();
            blockingBatch(body, length, itemsMax, out);
        }
        return out;
    }

    /** Reads one body with the reused stream; false when the body must go the blocking way. */
    private boolean streamOne(byte[] body, int length, DecodedPayment out) {
        try {
            feeder.feedInput(body, 0, length);
            if (stream.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            if (!item(stream, out) || !finishBody(body, length)) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        if (out.error != null) {
            newStream(); // its name table may hold the refused item's field names
        }
        return true;
    }

    private boolean streamBatch(byte[] body, int length, int itemsMax, DecodedBatch out) {
        try {
            feeder.feedInput(body, 0, length);
            if (stream.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            if (!batch(stream, itemsMax, out) || out.error != null || !finishBody(body, length)) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        requireItems(out);
        for (int i = 0; i < out.size; i++) {
            if (out.items[i].error != null) {
                newStream(); // as in streamOne
                break;
            }
        }
        return true;
    }

    /**
     * After the root object's END_OBJECT: true when only JSON whitespace follows, which the stream
     * then consumes so that the next body starts a new root value. Anything else (what the blocking
     * parser calls content after the object, or invalid JSON) goes the blocking way.
     */
    private boolean finishBody(byte[] body, int length) throws IOException {
        int left = stream.releaseBuffered(DISCARD);
        for (int i = length - left; i < length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return stream.nextToken() == JsonToken.NOT_AVAILABLE && feeder.needMoreInput();
    }

    // ---------------------------------------------------------------- blocking path: bodies the stream does not take

    private void blockingOne(byte[] body, int length, DecodedPayment out) {
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                out.error = NOT_OBJECT;
                return;
            }
            item(p, out);
            if (p.nextToken() != null) {
                out.clear();
                out.error = CONTENT_AFTER;
            }
        } catch (JsonProcessingException e) {
            out.clear();
            out.error = NOT_JSON;
        } catch (IOException e) {
            out.clear();
            out.error = UNREADABLE;
        }
    }

    private void blockingBatch(byte[] body, int length, int itemsMax, DecodedBatch out) {
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                out.error = NOT_OBJECT;
                return;
            }
            batch(p, itemsMax, out);
            if (out.error == null) {
                if (p.nextToken() != null) {
                    out.error = CONTENT_AFTER;
                } else {
                    requireItems(out);
                }
            }
        } catch (JsonProcessingException e) {
            out.error = NOT_JSON;
        } catch (IOException e) {
            out.error = UNREADABLE;
        }
        if (out.error != null) {
            out.size = 0;
        }
    }

    // ---------------------------------------------------------------- shared by both parsers

    /**
     * Reads a batch object; the parser stands on its START_OBJECT and is left on its END_OBJECT
     * unless a body-level error is set.
     *
     * @return false when the stream ran out of body (NOT_AVAILABLE, which leaves currentToken as it was)
     */
    private boolean batch(JsonParser p, int itemsMax, DecodedBatch out) throws IOException {
        boolean hasItems = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!name.equals("payments")) {
                out.error = invalid("unknown field in batch; only 'payments' is allowed");
                return true;
            }
            if (hasItems) {
                out.error = malformed("duplicate field 'payments'");
                return true;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                out.error = invalid("'payments' must be an array");
                return true;
            }
            hasItems = true;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.NOT_AVAILABLE) {
                    return false;
                }
                if (out.size == itemsMax) {
                    out.error = invalid("a batch holds at most " + itemsMax + " payments");
                    return true;
                }
                DecodedPayment d = out.add();
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    d.error = ITEM_NOT_OBJECT;
                    continue;
                }
                if (!item(p, d)) {
                    return false;
                }
            }
        }
        if (t == JsonToken.NOT_AVAILABLE) {
            return false;
        }
        if (t != JsonToken.END_OBJECT) {
            out.error = CONTENT_AFTER;
        }
        out.hasItems = hasItems;
        return true;
    }

    /** After the whole body was read: a batch needs a non-empty 'payments'. */
    private static void requireItems(DecodedBatch out) {
        if (!out.hasItems) {
            out.error = new DecodeError(Problem.MISSING_FIELD, "'payments' is required");
        } else if (out.size == 0) {
            out.error = invalid("'payments' must not be empty");
        }
    }

    /**
     * Reads one payment object; the parser stands on its START_OBJECT and is left on its END_OBJECT.
     * Checks and their order are those of
     * the decoder before it reused anything: the first error in field order wins, a repeated known
     * field overrides it, then missing fields, then the timestamp's form.
     *
     * @return false when the stream ran out of body before the END_OBJECT (NOT_AVAILABLE)
     */
    private boolean item(JsonParser p, DecodedPayment out) throws IOException {
        DecodeError error = null;
        int seen = 0;
        boolean duplicate = false;
        DecodeError occurredAtError = OCCURRED_AT_FORM;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.NOT_AVAILABLE) {
                return false;
            }
            int bit = fieldBit(name);
            duplicate |= (seen & bit) != 0;
            seen |= bit;
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
                error = first(error, invalidFor(bit));
                continue;
            }
            boolean string = v == JsonToken.VALUE_STRING;
            char[] text = string ? p.getTextCharacters() : null;
            int at = string ? p.getTextOffset() : 0;
            int n = string ? p.getTextLength() : 0;
            if (string && !wellFormed(text, at, n)) {
                error = first(error, NOT_UNICODE);
                continue;
            }
            switch (bit) {
                case F_TERMINAL_ID -> {
                    if (idShaped(text, at, n, ID_CHARS_MAX)) {
                        out.terminalIdLength = copy(text, at, n, out.terminalId);
                    } else {
                        error = first(error, TERMINAL_ID);
                    }
                }
                case F_TXN_ID -> {
                    if (idShaped(text, at, n, TXN_ID_CHARS_MAX)) {
                        out.txnIdLength = copy(text, at, n, out.txnId);
                    } else {
                        error = first(error, TXN_ID);
                    }
                }
                case F_AMOUNT -> {
                    if (v == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                            || p.getNumberType() == JsonParser.NumberType.LONG)) {
                        long amount = p.getLongValue();
                        out.amountRupiah = amount;
                        if (!rules.amountInRange(amount)) {
                            error = first(error, amountRange);
                        }
                    } else {
                        error = first(error, AMOUNT_TYPE);
                    }
                }
                case F_CURRENCY -> {
                    if (!(string && isCurrency(text, at, n))) {
                        error = first(error, CURRENCY_NOT_IDR);
                    }
                }
                case F_OCCURRED_AT -> {
                    if (string) {
                        occurredAtError = occurredAt(text, at, n, out);
                    } else {
                        error = first(error, OCCURRED_AT_TYPE);
                    }
                }
                case F_METHOD -> {
                    if (methodShaped(text, at, n)) {
                        out.method = method(text, at, n);
                    } else {
                        error = first(error, METHOD);
                    }
                }
                case F_PAYER_REF -> {
                    if (v != JsonToken.VALUE_NULL) {
                        if (string && printable(text, at, n, PAYER_REF_CHARS_MAX, PAYER_REF_UTF16_UNITS_MAX)) {
                            out.payerRefLength = copy(text, at, n, out.payerRef);
                            out.hasPayerRef = true;
                        } else {
                            error = first(error, PAYER_REF);
                        }
                    }
                }
                case F_MERCHANT_ID -> {
                    if (idShaped(text, at, n, ID_CHARS_MAX)) {
                        out.merchantIdLength = copy(text, at, n, out.merchantId);
                        out.hasMerchantId = true;
                    } else {
                        error = first(error, MERCHANT_ID);
                    }
                }
                default -> error = first(error, UNKNOWN_FIELD);
            }
        }
        if (duplicate) {
            error = DUPLICATE;
        } else if (error == null) {
            error = missing(seen);
            if (error == null) {
                error = occurredAtError;
            }
        }
        if (error != null) {
            out.clear();
            out.error = error;
        }
        return t != JsonToken.NOT_AVAILABLE;
    }

    /** MISSING_FIELD for the first required field not seen, or null. */
    private static DecodeError missing(int seen) {
        for (int i = 0; i < REQUIRED.length; i++) {
            if ((seen & (1 << i)) == 0) {
                return MISSING[i];
            }
        }
        return null;
    }

    /**
     * Parses occurredAt into the holder: the allocation-free fast form, else the JDK's ISO parser
     * (a String, on the rare other forms, and on digits past the millisecond, which the fast form
     * leaves to it).
     *
     * @return null when parsed, else the error: not a date-time, or finer than a millisecond
     */
    private DecodeError occurredAt(char[] text, int at, int n, DecodedPayment out) {
        if (timestamp.parse(text, at, n)) {
            out.occurredAtEpochMs = timestamp.epochMs;
            out.occurredAtOffsetSeconds = timestamp.offsetSeconds;
            return null;
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(new String(text, at, n), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (parsed.getNano() % 1_000_000 != 0) {
                return OCCURRED_AT_PRECISION;
            }
            out.occurredAtEpochMs = parsed.toInstant().toEpochMilli();
            out.occurredAtOffsetSeconds = parsed.getOffset().getTotalSeconds();
            return null;
        } catch (DateTimeParseException | ArithmeticException e) {
            return OCCURRED_AT_FORM;
        }
    }

    /** The method as an interned String: one per distinct method, up to {@link #METHODS_INTERNED_MAX}. */
    private String method(char[] text, int at, int n) {
        for (int m = 0; m < methodCount; m++) {
            String s = methods[m];
            if (s.length() == n && sameChars(s, text, at, n)) {
                return s;
            }
        }
        String s = new String(text, at, n);
        if (methodCount < methods.length) {
            methods[methodCount++] = s;
        }
        return s;
    }

    /** Whether {@code text[at, at + n)} holds the first {@code n} characters of {@code s}. */
    static boolean sameChars(String s, char[] text, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != text[at + i]) {
                return false;
            }
        }
        return true;
    }

    private static int copy(char[] text, int at, int n, char[] into) {
        System.arraycopy(text, at, into, 0, n);
        return n;
    }

    /** A bit per known payment field (0 for unknown ones), to refuse a repeated key. */
    private static int fieldBit(String name) {
        return switch (name) {
            case "terminalId" -> F_TERMINAL_ID;
            case "txnId" -> F_TXN_ID;
            case "amount" -> F_AMOUNT;
            case "currency" -> F_CURRENCY;
            case "occurredAt" -> F_OCCURRED_AT;
            case "method" -> F_METHOD;
            case "payerRef" -> F_PAYER_REF;
            case "merchantId" -> F_MERCHANT_ID;
            default -> 0;
        };
    }

    private static DecodeError invalidFor(int bit) {
        return switch (bit) {
            case F_AMOUNT -> AMOUNT_TYPE;
            case F_CURRENCY -> CURRENCY_NOT_IDR;
            case F_OCCURRED_AT -> OCCURRED_AT_TYPE;
            default -> WRONG_TYPE;
        };
    }

    private static DecodeError first(DecodeError current, DecodeError next) {
        return current != null ? current : next;
    }

    /**
     * Jackson would auto-detect UTF-16/32 from the first bytes; JSON on the wire is UTF-8 (RFC 8259),
     * so a NUL among the first four bytes (the UTF-16/32 signature) is refused up front. The whole
     * body must then be well-formed UTF-8 (RFC 3629): Jackson decodes some ill-formed sequences
     * instead of refusing them (an overlong {@code C1 81} as {@code A}, an encoded surrogate
     * {@code ED A0 80} as U+D800, {@code F4 90 80 80} as two lone surrogates), so two different byte
     * strings would read as one text, or as text that is not Unicode. One pass, no allocation.
     */
    static boolean utf8Shaped(byte[] body, int length) {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return length > 0 && wellFormedUtf8(body, length);
    }

    /** Whether {@code body[0, length)} is well-formed UTF-8: shortest forms, no surrogates, at most U+10FFFF. */
    static boolean wellFormedUtf8(byte[] body, int length) {
        int i = 0;
        while (i < length) {
            int lead = body[i];
            if (lead >= 0) {
                i++;
                continue;
            }
            lead &= 0xFF;
            int more;
            if (lead >= 0xC2 && lead <= 0xDF) {
                more = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                more = 2;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                more = 3;
            } else {
                return false; // a continuation byte, C0/C1 (always overlong), or past F4
            }
            if (i + more >= length) {
                return false;
            }
            int cp = lead & (0x3F >> more);
            for (int k = 1; k <= more; k++) {
                int b = body[i + k];
                if ((b & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (b & 0x3F);
            }
            if (more == 2 && (cp < 0x800 || cp >= 0xD800 && cp <= 0xDFFF) || more == 3 && (cp < 0x10000 || cp > 0x10FFFF)) {
                return false;
            }
            i += more + 1;
        }
        return true;
    }

    /**
     * Whether {@code text[at, at + n)} is Unicode text: every surrogate in a high-low pair. A JSON
     * escape of a surrogate (D800 to DFFF) without its pair decodes to a lone surrogate, which no
     * UTF-8 can hold: the journal would keep another text than the one sent, and its byte-identical
     * retry would conflict.
     */
    static boolean wellFormed(char[] text, int at, int n) {
        for (int i = at; i < at + n; i++) {
            char c = text[i];
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == at + n || !Character.isLowSurrogate(text[i + 1])) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** 1..charsMax of [A-Za-z0-9-]; false for a value that is not a string ({@code text} null). */
    static boolean idShaped(char[] text, int at, int n, int charsMax) {
        if (text == null || n == 0 || n > charsMax) {
            return false;
        }
        for (int i = at; i < at + n; i++) {
            char c = text[i];
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean methodShaped(char[] text, int at, int n) {
        if (text == null || n == 0 || n > METHOD_CHARS_MAX) {
            return false;
        }
        for (int i = at; i < at + n; i++) {
            char c = text[i];
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * At most {@code charsMax} characters (code points; the text is {@link #wellFormed}, so each low
     * surrogate ends a pair that counts once), none a control character.
     */
    private static boolean printable(char[] text, int at, int n, int charsMax, int unitsMax) {
        if (n > unitsMax) {
            return false;
        }
        int chars = 0;
        for (int i = at; i < at + n; i++) {
            char c = text[i];
            if (Character.isISOControl(c)) {
                return false;
            }
            if (!Character.isLowSurrogate(c)) {
                chars++;
            }
        }
        return chars <= charsMax;
    }

    // ---------------------------------------------------------------- with Strings (tests, tools)

    /**
     * Decodes a single payment body into a new {@link Item} with new Strings (tests and tools; the
     * ingest uses {@link #readOne}).
     */
    public Item decodeOne(byte[] body, int length) {
        return item(readOne(body, length));
    }

    /**
     * Decodes a batch body into new {@link Item}s; returns the items, or an empty list and the error
     * when the body as a whole is unusable (tests and tools; the ingest uses {@link #readBatch}).
     */
    public Batch decodeBatch(byte[] body, int length, int itemsMax) {
        DecodedBatch b = readBatch(body, length, itemsMax);
        if (b.error != null) {
            return Batch.error(b.error);
        }
        List<Item> items = new ArrayList<>(b.size);
        for (int i = 0; i < b.size; i++) {
            items.add(item(b.items[i]));
        }
        return new Batch(items, null);
    }

    private static Item item(DecodedPayment d) {
        return d.error != null ? new Item(null, d.error) : new Item(d.toFreshRequest(), null);
    }

    /** Whether {@code text[at, at + n)} is {@link PaymentRules#CURRENCY} exactly. */
    private static boolean isCurrency(char[] text, int at, int n) {
        String currency = PaymentRules.CURRENCY;
        if (n != currency.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (text[at + i] != currency.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
