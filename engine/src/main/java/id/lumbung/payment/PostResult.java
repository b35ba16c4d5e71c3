package id.lumbung.payment;

/**
 * The outcome of one post as the journal writer writes it into storage its caller reuses: the
 * allocation-free form of {@link PostOutcome}. For ACCEPTED and REPLAYED it holds what the answer
 * needs (sequence, trader, cooperative, accepted-at); the ids are the reference data's own Strings.
 */
public final class PostResult {
    PostOutcome.Result result;
    long sequence;
    long acceptedAtEpochMs;
    String traderId;
    String coopId;
    /** REPLAYED only: the original payment as the journal holds it (a retry reads it back anyway). */
    PaymentView replayed;

    void accepted(long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
        this.result = PostOutcome.Result.ACCEPTED;
        this.sequence = sequence;
        this.acceptedAtEpochMs = acceptedAtEpochMs;
        this.traderId = traderId;
        this.coopId = coopId;
        this.replayed = null;
    }

    void replayed(PaymentView original) {
        this.result = PostOutcome.Result.REPLAYED;
        this.sequence = original.sequence();
        this.acceptedAtEpochMs = original.acceptedAtEpochMs();
        this.traderId = original.traderId();
        this.coopId = original.coopId();
        this.replayed = original;
    }

    /** Any result without a payment: INVALID_TIMESTAMP, IDEMPOTENCY_CONFLICT, JOURNAL_UNAVAILABLE. */
    public void refused(PostOutcome.Result result) {
        if (result == PostOutcome.Result.ACCEPTED || result == PostOutcome.Result.REPLAYED) {
            throw new IllegalArgumentException(result + " carries a payment");
        }
        this.result = result;
        this.sequence = 0;
        this.acceptedAtEpochMs = 0;
        this.traderId = null;
        this.coopId = null;
        this.replayed = null;
    }

    public PostOutcome.Result result() {
        return result;
    }

    /** The payment's journal sequence (ACCEPTED, REPLAYED), else 0. */
    public long sequence() {
        return sequence;
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
     * This result as a {@link PostOutcome}; {@code accepted} is the request an ACCEPTED view carries
     * (a REPLAYED one carries the original from the journal).
     */
    PostOutcome toOutcome(PaymentRequest accepted) {
        return switch (result) {
            case ACCEPTED -> new PostOutcome(result, new PaymentView(sequence, traderId, coopId, acceptedAtEpochMs,
                    PaymentStatus.ACCEPTED, null, accepted));
            case REPLAYED -> new PostOutcome(result, replayed);
            default -> new PostOutcome(result, null);
        };
    }
}
