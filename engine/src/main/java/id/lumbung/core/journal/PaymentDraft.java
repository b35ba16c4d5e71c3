package id.lumbung.core.journal;

import java.nio.charset.StandardCharsets;

/**
 * One payment's fields in reused storage: what an event loop hands to the journal writer instead of
 * a new {@link PaymentRequest} (its txnId and payerRef Strings and the record itself, ~100 bytes per
 * payment). The text fields a terminal chooses per payment (txnId, payerRef) are characters copied
 * into arrays this object owns; the others are Strings the engine already holds (the terminal's and
 * trader's ids from the reference data, the decoder's interned method, the constant currency).
 *
 * <p>Owned by one thread at a time: filled by an event loop, read by the journal writer after the
 * hand-off (the writer's queue orders the two), then reused.
 */
public final class PaymentDraft {
    /**
     * The longest txnId and payerRef the decoders accept, in UTF-16 units (a payerRef is 64 characters,
     * two units each outside the BMP); longer ones (from a {@link PaymentRequest} built elsewhere) grow the arrays.
     */
    public static final int TXN_ID_CHARS = 32;
    static final int PAYER_REF_CHARS = 2 * 64;

    String terminalId;
    char[] txnId = new char[TXN_ID_CHARS];
    int txnIdLength;
    long amountRupiah;
    String currency;
    long occurredAtEpochMs;
    int occurredAtOffsetSeconds;
    String method;
    /** Empty until a payment with a payerRef arrives (most have none): a batch slot's 1,000 drafts stay small. */
    char[] payerRef = new char[0];
    /** -1 when the payment has no payerRef. */
    int payerRefLength = -1;
    String merchantId;

    /**
     * Sets every field.
     *
     * @param payerRefLength -1 when there is no payerRef
     * @param merchantIdOrNull the merchant id the terminal sent, or null
     */
    public PaymentDraft set(String terminalId, char[] txnId, int txnIdLength, long amountRupiah, String currency,
            long occurredAtEpochMs, int occurredAtOffsetSeconds, String method, char[] payerRef, int payerRefLength,
            String merchantIdOrNull) {
        this.terminalId = terminalId;
        this.txnId = copy(txnId, txnIdLength, this.txnId, TXN_ID_CHARS);
        this.txnIdLength = txnIdLength;
        this.amountRupiah = amountRupiah;
        this.currency = currency;
        this.occurredAtEpochMs = occurredAtEpochMs;
        this.occurredAtOffsetSeconds = occurredAtOffsetSeconds;
        this.method = method;
        if (payerRefLength >= 0) {
            this.payerRef = copy(payerRef, payerRefLength, this.payerRef, PAYER_REF_CHARS);
        }
        this.payerRefLength = payerRefLength;
        this.merchantId = merchantIdOrNull;
        return this;
    }

    /** Sets every field from a request (the form of tests and offline tools). */
    public PaymentDraft set(PaymentRequest r) {
        terminalId = r.terminalId();
        txnIdLength = r.txnId().length();
        txnId = r.txnId().length() <= txnId.length ? txnId : new char[txnIdLength];
        r.txnId().getChars(0, txnIdLength, txnId, 0);
        amountRupiah = r.amountRupiah();
        currency = r.currency();
        occurredAtEpochMs = r.occurredAtEpochMs();
        occurredAtOffsetSeconds = r.occurredAtOffsetSeconds();
        method = r.method();
        payerRefLength = r.payerRef() == null ? -1 : r.payerRef().length();
        if (payerRefLength >= 0) {
            payerRef = payerRefLength <= payerRef.length ? payerRef : new char[Math.max(payerRefLength, PAYER_REF_CHARS)];
            r.payerRef().getChars(0, payerRefLength, payerRef, 0);
        }
        merchantId = r.merchantId();
        return this;
    }

    /** Copies into {@code into}, or into a new array of at least {@code capacity} when it is too short (once per draft, as a rule). */
    private static char[] copy(char[] from, int length, char[] into, int capacity) {
        char[] to = length <= into.length ? into : new char[Math.max(length, capacity)];
        System.arraycopy(from, 0, to, 0, length);
        return to;
    }

    /** Sets the terminal id to the engine's own String for it (the encoder and the answers share it). */
    public void terminalId(String terminalId) {
        this.terminalId = terminalId;
    }

    public String terminalId() {
        return terminalId;
    }

    public long amountRupiah() {
        return amountRupiah;
    }

    /** The txnId's characters (valid up to {@link #txnIdLength()}); the array is this draft's own. */
    public char[] txnIdChars() {
        return txnId;
    }

    public int txnIdLength() {
        return txnIdLength;
    }

    public String currency() {
        return currency;
    }

    public int occurredAtOffsetSeconds() {
        return occurredAtOffsetSeconds;
    }

    public String method() {
        return method;
    }

    /** The payerRef's characters (valid up to {@link #payerRefLength()}); the array is this draft's own. */
    public char[] payerRefChars() {
        return payerRef;
    }

    /** -1 when the payment has no payerRef. */
    public int payerRefLength() {
        return payerRefLength;
    }

    /** The merchant id the terminal sent, or null. */
    public String merchantId() {
        return merchantId;
    }

    public long occurredAtEpochMs() {
        return occurredAtEpochMs;
    }

    /** True when every field equals the known payment's: the retry of the same payment (as {@link PaymentRequest#sameContent}). */
    public boolean sameContent(PaymentRequest known) {
        return known.terminalId().equals(terminalId) && sameChars(known.txnId(), txnId, txnIdLength)
                && known.amountRupiah() == amountRupiah && known.currency().equals(currency)
                && known.occurredAtEpochMs() == occurredAtEpochMs
                && known.occurredAtOffsetSeconds() == occurredAtOffsetSeconds && known.method().equals(method)
                && (known.payerRef() == null ? payerRefLength < 0 : sameChars(known.payerRef(), payerRef, payerRefLength))
                && (known.merchantId() == null ? merchantId == null : known.merchantId().equals(merchantId));
    }

    /** The request these fields describe (new Strings): for the rare paths that keep it. */
    public PaymentRequest toRequest() {
        return new PaymentRequest(terminalId, new String(txnId, 0, txnIdLength), amountRupiah, currency,
                occurredAtEpochMs, occurredAtOffsetSeconds, method,
                payerRefLength < 0 ? null : new String(payerRef, 0, payerRefLength), merchantId);
    }

    /** True when every field equals the known payment's, given as slices of its entry's bytes (no Strings for ASCII text). */
    public boolean sameContent(JournalEntry known) {
        byte[] raw = known.raw;
        return sameText(terminalId, raw, known.terminalIdAt, known.terminalIdLength)
                && sameText(txnId, txnIdLength, raw, known.txnIdAt, known.txnIdLength)
                && known.amountRupiah == amountRupiah
                && sameText(currency, raw, known.currencyAt, known.currencyLength)
                && known.occurredAtEpochMs == occurredAtEpochMs
                && known.occurredAtOffsetSeconds == occurredAtOffsetSeconds
                && sameText(method, raw, known.methodAt, known.methodLength)
                && (known.payerRefLength < 0 ? payerRefLength < 0
                        : payerRefLength >= 0 && sameText(payerRef, payerRefLength, raw, known.payerRefAt, known.payerRefLength))
                && (known.merchantIdLength < 0 ? merchantId == null
                        : merchantId != null && sameText(merchantId, raw, known.merchantIdAt, known.merchantIdLength));
    }

    /** Whether {@code chars[0, n)} is exactly the UTF-8 text {@code raw[at, at + length)}; ASCII without a String. */
    public static boolean sameText(char[] chars, int n, byte[] raw, int at, int length) {
        return sameText(null, chars, n, raw, at, length);
    }

    /** {@link #sameText(char[], int, byte[], int, int)} of a String. */
    public static boolean sameText(String s, byte[] raw, int at, int length) {
        return sameText(s, null, s.length(), raw, at, length);
    }

    /** The text is {@code s} when it is not null, else {@code chars[0, n)}: one comparison loop for both. */
    private static boolean sameText(String s, char[] chars, int n, byte[] raw, int at, int length) {
        if (!ascii(raw, at, length)) {
            String known = new String(raw, at, length, StandardCharsets.UTF_8);
            return s != null ? s.equals(known) : sameChars(known, chars, n);
        }
        if (n != length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((s != null ? s.charAt(i) : chars[i]) != raw[at + i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] raw, int at, int length) {
        for (int i = 0; i < length; i++) {
            if (raw[at + i] < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean sameChars(String s, char[] chars, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "PaymentDraft[terminalId=" + terminalId + ", txnId=" + new String(txnId, 0, txnIdLength)
                + ", amountRupiah=" + amountRupiah + ", occurredAtEpochMs=" + occurredAtEpochMs + ", method=" + method
                + ", payerRef=" + (payerRefLength < 0 ? "null" : new String(payerRef, 0, payerRefLength))
                + ", merchantId=" + merchantId + "]";
    }
}
