package id.lumbung.core.journal;

/**
 * One payment as a terminal sent it, decoded and validated field by field (HTTP JSON or ISO 8583).
 * Content equality ({@link #sameContent}) is what decides between an idempotent replay and an
 * {@code IDEMPOTENCY_CONFLICT}.
 *
 * @param terminalId the terminal
 * @param txnId the terminal's transaction id (ISO 8583: the RRN); with terminalId the idempotency key
 * @param amountRupiah whole rupiah, 1..amountMax
 * @param currency always {@code IDR} once validated
 * @param occurredAtEpochMs when the payment happened, milliseconds since the epoch
 * @param occurredAtOffsetSeconds the UTC offset the terminal wrote, in seconds (kept so a replay compares exactly)
 * @param method payment method, for example {@code QRIS} or {@code CARD}
 * @param payerRef optional payer reference (at most 64 characters, counted as code points), or {@code null}
 * @param merchantId optional merchant (trader) id the terminal sent, or {@code null}
 */
public record PaymentRequest(
        String terminalId,
        String txnId,
        long amountRupiah,
        String currency,
        long occurredAtEpochMs,
        int occurredAtOffsetSeconds,
        String method,
        String payerRef,
        String merchantId) {

    /** True when every field is equal: the retry of the same payment. */
    public boolean sameContent(PaymentRequest other) {
        return equals(other);
    }
}
