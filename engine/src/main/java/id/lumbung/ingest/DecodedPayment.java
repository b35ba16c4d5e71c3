package id.lumbung.ingest;

import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentRules;

/**
 * One payment as {@link PaymentJsonDecoder} read it, in fields the decoder reuses: the text fields
 * are copies of the characters in the body, not Strings. Valid until the decoder's next read; the
 * caller consumes it first ({@link #copyTo} copies it into the draft the journal writer reads).
 *
 * <p>Either {@link #error()} is set, or every required field is present and valid.
 */
public final class DecodedPayment {
    final char[] terminalId = new char[PaymentJsonDecoder.ID_CHARS_MAX];
    int terminalIdLength;
    final char[] txnId = new char[PaymentJsonDecoder.TXN_ID_CHARS_MAX];
    int txnIdLength;
    long amountRupiah;
    long occurredAtEpochMs;
    int occurredAtOffsetSeconds;
    /** The method as one of the decoder's interned Strings (there are a handful of methods). */
    String method;
    final char[] payerRef = new char[PaymentJsonDecoder.PAYER_REF_UTF16_UNITS_MAX];
    int payerRefLength;
    boolean hasPayerRef;
    final char[] merchantId = new char[PaymentJsonDecoder.ID_CHARS_MAX];
    int merchantIdLength;
    boolean hasMerchantId;
    DecodeError error;

    void clear() {
        terminalIdLength = 0;
        txnIdLength = 0;
        amountRupiah = 0;
        occurredAtEpochMs = 0;
        occurredAtOffsetSeconds = 0;
        method = null;
        payerRefLength = 0;
        hasPayerRef = false;
        merchantIdLength = 0;
        hasMerchantId = false;
        error = null;
    }

    /** The reason this payment is refused, or null when it is a valid request. */
    public DecodeError error() {
        return error;
    }

    public long amountRupiah() {
        return amountRupiah;
    }

    public long occurredAtEpochMs() {
        return occurredAtEpochMs;
    }

    /** Whether the body's terminalId is exactly {@code id}. */
    public boolean terminalIdIs(String id) {
        return same(terminalId, terminalIdLength, id);
    }

    public boolean hasMerchantId() {
        return hasMerchantId;
    }

    /** Whether the body's merchantId is exactly {@code id} (false when it has none). */
    public boolean merchantIdIs(String id) {
        return hasMerchantId && same(merchantId, merchantIdLength, id);
    }

    /**
     * Copies this payment into the draft the journal writer will read (a reused slot's, so nothing is
     * allocated). The caller passes the Strings it already holds for the ids it has checked equal
     * ({@link #terminalIdIs}, {@link #merchantIdIs}); currency is {@link PaymentRules#CURRENCY} and the
     * method an interned String; txnId and payerRef are copied as characters.
     */
    public PaymentDraft copyTo(PaymentDraft draft, String sameTerminalId, String sameMerchantIdOrNull) {
        if (error != null || !terminalIdIs(sameTerminalId)
                || hasMerchantId != (sameMerchantIdOrNull != null)
                || hasMerchantId && !merchantIdIs(sameMerchantIdOrNull)) {
            throw new IllegalArgumentException("not the decoded ids, or not a valid payment");
        }
        return draft.set(sameTerminalId, txnId, txnIdLength, amountRupiah, PaymentRules.CURRENCY,
                occurredAtEpochMs, occurredAtOffsetSeconds, method, payerRef, hasPayerRef ? payerRefLength : -1,
                sameMerchantIdOrNull);
    }

    /** The request with every String new: what {@link PaymentJsonDecoder#decodeOne} returns. */
    PaymentRequest toFreshRequest() {
        return new PaymentRequest(new String(terminalId, 0, terminalIdLength), new String(txnId, 0, txnIdLength),
                amountRupiah, PaymentRules.CURRENCY, occurredAtEpochMs, occurredAtOffsetSeconds, method,
                hasPayerRef ? new String(payerRef, 0, payerRefLength) : null,
                hasMerchantId ? new String(merchantId, 0, merchantIdLength) : null);
    }

    private static boolean same(char[] chars, int length, String s) {
        return s != null && s.length() == length && PaymentJsonDecoder.sameChars(s, chars, 0, length);
    }
}
