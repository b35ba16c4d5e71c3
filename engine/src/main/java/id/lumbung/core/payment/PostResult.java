package id.lumbung.core.payment;

import id.lumbung.core.journal.PaymentRequest;

/**
 * The outcome of one post as the journal writer writes it into storage its caller reuses: the
 * allocation-free form of {@link PostOutcome}. For ACCEPTED and REPLAYED it holds what the answer
 * needs (sequence, trader, cooperative, accepted-at, and the partition the payment id names); the
 * ids are the reference data's own Strings.
 */
public final class PostResult {
    PostOutcome.Result result;
    long sequence;
    /** The partition the payment id names ({@link PaymentIds}); -1 for the Chronicle journal's ids. */
    int partition = -1;
    long acceptedAtEpochMs;
    String traderId;
    String coopId;

    /** A new payment, journaled at {@code sequence}, with a Chronicle id. */
    public void accepted(long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
        accepted(-1, sequence, acceptedAtEpochMs, traderId, coopId);
    }

    /** A new payment, journaled at {@code sequence} of {@code partition} (-1: Chronicle). */
    public void accepted(int partition, long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
        this.result = PostOutcome.Result.ACCEPTED;
        this.partition = partition;
        this.sequence = sequence;
        this.acceptedAtEpochMs = acceptedAtEpochMs;
        this.traderId = traderId;
        this.coopId = coopId;
    }

    /** A retry of the payment journaled at {@code sequence}, with a Chronicle id. */
    public void replayed(long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
        replayed(-1, sequence, acceptedAtEpochMs, traderId, coopId);
    }

    /** A retry of the payment journaled at {@code sequence} of {@code partition} (-1: Chronicle). */
    public void replayed(int partition, long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
        accepted(partition, sequence, acceptedAtEpochMs, traderId, coopId);
        this.result = PostOutcome.Result.REPLAYED;
    }

    /** Any result without a payment: INVALID_TIMESTAMP, IDEMPOTENCY_CONFLICT, JOURNAL_UNAVAILABLE. */
    public void refused(PostOutcome.Result result) {
        if (result == PostOutcome.Result.ACCEPTED || result == PostOutcome.Result.REPLAYED) {
            throw new IllegalArgumentException(result + " carries a payment");
        }
        this.result = result;
        this.partition = -1;
        this.sequence = 0;
        this.acceptedAtEpochMs = 0;
        this.traderId = null;
        this.coopId = null;
    }

    public PostOutcome.Result result() {
        return result;
    }

    /** The payment's journal sequence (ACCEPTED, REPLAYED), else 0. */
    public long sequence() {
        return sequence;
    }

    /** The partition the payment id names (ACCEPTED, REPLAYED in Kafka mode), else -1. */
    public int partition() {
        return partition;
    }

    public long acceptedAtEpochMs() {
        return acceptedAtEpochMs;
    }

    public String traderId() {
        return traderId;
    }

    public String coopId() {
        return coopId;
    }

    /**
     * This result as a {@link PostOutcome}, except REPLAYED (whose view carries the original
     * request, which the book reads back); {@code accepted} is the request an ACCEPTED view carries.
     */
    PostOutcome toOutcome(PaymentRequest accepted) {
        return switch (result) {
            case ACCEPTED -> new PostOutcome(result, new PaymentView(partition, sequence, traderId, coopId,
                    acceptedAtEpochMs, PaymentStatus.ACCEPTED, null, accepted));
            case REPLAYED -> throw new IllegalStateException("a replayed outcome is built from the journal by the book");
            default -> new PostOutcome(result, null);
        };
    }
}
