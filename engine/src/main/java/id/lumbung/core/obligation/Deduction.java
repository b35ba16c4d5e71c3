package id.lumbung.core.obligation;

/**
 * One obligation's deduction in a batch (only non-zero ones are listed): the posting that credits
 * the kind's account, and a line of the member statement.
 */
public record Deduction(String obligationId, String traderId, ObligationKind kind, long amountRupiah) {
    public Deduction {
        if (amountRupiah <= 0) {
            throw new IllegalStateException("deduction of " + obligationId + " is " + amountRupiah + ", not positive");
        }
    }
}
