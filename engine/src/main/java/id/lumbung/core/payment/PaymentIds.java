package id.lumbung.core.payment;

/**
 * The public ids the book's sequences take: a payment id is {@code "P"} and the payment's journal
 * sequence (so a status lookup is one array read), a batch id the cooperative id and the sequence
 * of the close that settled it.
 *
 * <p>Over the Kafka journal a sequence is unique only within its partition, so a payment id names
 * the partition first: {@code P<partition>-<sequence>} ({@code P7-1024}). The router reads the
 * partition before anything else, and the two spellings refuse each other's ids ({@code -} is not
 * a digit; a Kafka id needs one), so an id of the other mode is a 404 rather than another payment.
 * Partition {@code -1} throughout means the Chronicle journal's {@code P<sequence>}.
 */
public final class PaymentIds {
    /**
     * The largest partition an id may name: five digits. Kafka itself advises against more than a
     * few thousand partitions per broker, so 100,000 is far past any topic this engine runs on, and
     * it keeps a Kafka id within 1 + 5 + 1 + 19 = 26 characters.
     */
    public static final int PARTITION_MAX = 99_999;
    private static final int PARTITION_DIGITS_MAX = 5;
    /** A positive long has at most 19 digits; {@link #decimal} refuses the few 19-digit ones past the guard. */
    private static final int SEQUENCE_DIGITS_MAX = 19;
    /** {@code "P"}, a partition, {@code "-"}, a sequence: 1 + 5 + 1 + 19. */
    private static final int KAFKA_ID_CHARS_MAX = 1 + PARTITION_DIGITS_MAX + 1 + SEQUENCE_DIGITS_MAX;

    private PaymentIds() {
    }

    /** Public payment id: "P" and the journal sequence, so a status lookup is one array read. */
    public static String paymentId(long sequence) {
        return paymentId(-1, sequence);
    }

    /** Public payment id in {@code partition}'s spelling ({@link #appendPaymentId(StringBuilder, int, long)}). */
    public static String paymentId(int partition, long sequence) {
        return appendPaymentId(new StringBuilder(KAFKA_ID_CHARS_MAX), partition, sequence).toString();
    }

    /** Appends {@link #paymentId} without making a String (the answers are built in a StringBuilder). */
    public static StringBuilder appendPaymentId(StringBuilder sb, long sequence) {
        return appendPaymentId(sb, -1, sequence);
    }

    /**
     * Appends the payment id of {@code sequence} in {@code partition}: {@code P<sequence>} for -1
     * (Chronicle), else {@code P<partition>-<sequence>}. Digits are written into {@code sb} in
     * place: nothing is allocated once {@code sb} has room.
     */
    public static StringBuilder appendPaymentId(StringBuilder sb, int partition, long sequence) {
        sb.append('P');
        if (partition >= 0) {
            if (partition > PARTITION_MAX) {
                throw new IllegalArgumentException("partition " + partition + " is past " + PARTITION_MAX);
            }
            sb.append(partition).append('-');
        }
        return sb.append(sequence);
    }

    /**
     * The sequence in a payment id, or -1 when it is not one of ours. An id has one spelling, the one
     * {@link #paymentId} writes: {@code P01} is not {@code P1} (nor is {@code P0} an id: sequences start at 1).
     */
    public static long sequenceOf(String paymentId) {
        return sequenceOf(paymentId, -1);
    }

    /**
     * The sequence in a payment id of {@code partition}, or -1 when it is not one. Partition -1
     * reads Chronicle's {@code P<sequence>} ({@link #sequenceOf(String)}); a partition ≥ 0 reads
     * only {@code P<partition>-<sequence>} of that very partition, each number without leading
     * zeros (the partition {@code 0} is written {@code 0}) and the sequence ≥ 1.
     */
    public static long sequenceOf(String paymentId, int partition) {
        if (paymentId == null || paymentId.isEmpty() || paymentId.charAt(0) != 'P') {
            return -1;
        }
        if (partition < 0) {
            return positive(decimal(paymentId, 1, paymentId.length(), SEQUENCE_DIGITS_MAX));
        }
        int dash = kafkaDash(paymentId);
        if (dash < 0 || decimal(paymentId, 1, dash, PARTITION_DIGITS_MAX) != partition) {
            return -1;
        }
        return positive(decimal(paymentId, dash + 1, paymentId.length(), SEQUENCE_DIGITS_MAX));
    }

    /**
     * The partition a Kafka payment id names, or -1 when {@code paymentId} is not a well-formed
     * {@code P<partition>-<sequence>} (a Chronicle id included). Reads the characters in place.
     */
    public static int partitionOf(String paymentId) {
        if (paymentId == null || paymentId.isEmpty() || paymentId.charAt(0) != 'P') {
            return -1;
        }
        int dash = kafkaDash(paymentId);
        if (dash < 0 || positive(decimal(paymentId, dash + 1, paymentId.length(), SEQUENCE_DIGITS_MAX)) < 0) {
            return -1;
        }
        return (int) decimal(paymentId, 1, dash, PARTITION_DIGITS_MAX); // -1 when malformed
    }

    /** The batch id of a settled payment: cooperative id and the sequence of the close that settled it. */
    public static String batchId(String coopId, long closeSequence) {
        return coopId + "-" + closeSequence;
    }

    /** Where the {@code -} after the partition is in an id that starts with {@code P}, or -1 (none, or too long). */
    private static int kafkaDash(String paymentId) {
        return paymentId.length() > KAFKA_ID_CHARS_MAX ? -1 : paymentId.indexOf('-', 1);
    }

    private static long positive(long value) {
        return value >= 1 ? value : -1;
    }

    /**
     * The decimal number {@code s[from, to)} spells, or -1: empty, more than {@code digitsMax}
     * digits, a character not a digit, a leading zero (only {@code 0} itself is 0), or past the
     * overflow guard (which refuses the last few longs, {@code 9223372036854775800} and up).
     */
    private static long decimal(String s, int from, int to, int digitsMax) {
        int digits = to - from;
        if (digits < 1 || digits > digitsMax || (s.charAt(from) == '0' && digits > 1)) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9' || value > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
