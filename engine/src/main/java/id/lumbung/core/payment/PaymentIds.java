package id.lumbung.core.payment;

/**
 * The public ids the book's sequences take: a payment id is {@code "P"} and the payment's journal
 * sequence (so a status lookup is one array read), a batch id the cooperative id and the sequence
 * of the close that settled it.
 */
public final class PaymentIds {
    private PaymentIds() {
    }

    /** Public payment id: "P" and the journal sequence, so a status lookup is one array read. */
    public static String paymentId(long sequence) {
        return appendPaymentId(new StringBuilder(20), sequence).toString();
    }

    /** Appends {@link #paymentId} without making a String (the answers are built in a StringBuilder). */
    public static StringBuilder appendPaymentId(StringBuilder sb, long sequence) {
        return sb.append('P').append(sequence);
    }

    /**
     * The sequence in a payment id, or -1 when it is not one of ours. An id has one spelling, the one
     * {@link #paymentId} writes: {@code P01} is not {@code P1} (nor is {@code P0} an id: sequences start at 1).
     */
    public static long sequenceOf(String paymentId) {
        if (paymentId == null || paymentId.length() < 2 || paymentId.length() > 20 || paymentId.charAt(0) != 'P'
                || paymentId.charAt(1) == '0') {
            return -1;
        }
        long s = 0;
        for (int i = 1; i < paymentId.length(); i++) {
            char ch = paymentId.charAt(i);
            if (ch < '0' || ch > '9' || s > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            s = s * 10 + (ch - '0');
        }
        return s;
    }

    /** The batch id of a settled payment: cooperative id and the sequence of the close that settled it. */
    public static String batchId(String coopId, long closeSequence) {
        return coopId + "-" + closeSequence;
    }
}
