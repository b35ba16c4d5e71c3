package id.lumbung.core.payment;

import id.lumbung.core.journal.PaymentRequest;

/**
 * What the engine answers about one payment: an immutable snapshot taken on the journal writer thread.
 *
 * @param partition the partition the payment id names ({@link PaymentIds}); -1 for the Chronicle journal
 * @param sequence the payment entry's sequence (within its partition over Kafka)
 * @param traderId the terminal's trader
 * @param coopId the trader's cooperative
 * @param acceptedAtEpochMs when the engine accepted it
 * @param status current status
 * @param batchId the settlement batch, or {@code null} until settled
 * @param request the request as accepted (for replays and ISO echo fields)
 */
public record PaymentView(
        int partition,
        long sequence,
        String traderId,
        String coopId,
        long acceptedAtEpochMs,
        PaymentStatus status,
        String batchId,
        PaymentRequest request) {

    /** A payment of the Chronicle journal (partition -1). */
    public PaymentView(long sequence, String traderId, String coopId, long acceptedAtEpochMs, PaymentStatus status,
            String batchId, PaymentRequest request) {
        this(-1, sequence, traderId, coopId, acceptedAtEpochMs, status, batchId, request);
    }

    /**
     * The public id, {@code P<sequence>} or {@code P<partition>-<sequence>}: formatted where the
     * answer is written (an event loop), not on the journal writer, where formatting every
     * payment's id took 7% of its time.
     */
    public String paymentId() {
        return PaymentIds.paymentId(partition, sequence);
    }

    /** Digits of an ISO 8583 approval code (field 38). */
    public static final int APPROVAL_CODE_DIGITS = 6;

    /** Six-character ISO 8583 approval code (field 38), derived from the sequence. */
    public String approvalCode() {
        char[] code = new char[APPROVAL_CODE_DIGITS];
        approvalCode(sequence, code);
        return new String(code);
    }

    /** The approval code of the payment at {@code sequence} into {@code into[0, 6)}: its last six digits, zero-padded. */
    public static void approvalCode(long sequence, char[] into) {
        long code = sequence % 1_000_000L;
        for (int i = APPROVAL_CODE_DIGITS - 1; i >= 0; i--, code /= 10) {
            into[i] = (char) ('0' + code % 10);
        }
    }
}
