package id.lumbung.payment;

/**
 * An accepted payment as the engine keeps it in memory. Owned and mutated by the journal writer
 * thread only; handed to the settlement thread when its window closes, after which nothing
 * mutates it.
 */
public final class PaymentRecord {
    final long sequence;
    final PaymentRequest request;
    final int coopIndex;
    final int traderIndex;
    final String traderId;
    final String coopId;
    final long acceptedAtEpochMs;
    /** Copied from the request: settlement reads it for every payment, one pointer less to chase. */
    final long amountRupiah;
    boolean voided;
    /** Chaining for {@link IdempotencyIndex}. */
    PaymentRecord nextInBucket;

    PaymentRecord(long sequence, PaymentRequest request, int coopIndex, int traderIndex, String traderId,
            String coopId, long acceptedAtEpochMs) {
        this.sequence = sequence;
        this.request = request;
        this.coopIndex = coopIndex;
        this.traderIndex = traderIndex;
        this.traderId = traderId;
        this.coopId = coopId;
        this.acceptedAtEpochMs = acceptedAtEpochMs;
        this.amountRupiah = request.amountRupiah();
    }

    public long sequence() {
        return sequence;
    }

    public long amountRupiah() {
        return amountRupiah;
    }

    public int traderIndex() {
        return traderIndex;
    }

    public String traderId() {
        return traderId;
    }

    public boolean voided() {
        return voided;
    }

    public long acceptedAtEpochMs() {
        return acceptedAtEpochMs;
    }
}
