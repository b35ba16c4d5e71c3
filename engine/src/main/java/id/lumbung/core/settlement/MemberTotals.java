package id.lumbung.core.settlement;

/**
 * One member's (trader's) totals inside a settlement batch. Money is whole rupiah.
 *
 * @param traderId the trader
 * @param payments number of payments settled
 * @param grossRupiah sum of payment amounts
 * @param feeRupiah sum of per-payment fees
 * @param netRupiah gross minus fee
 */
public record MemberTotals(String traderId, long payments, long grossRupiah, long feeRupiah, long netRupiah) {
    public MemberTotals {
        if (netRupiah != grossRupiah - feeRupiah) {
            throw new IllegalStateException("net != gross - fee for trader " + traderId);
        }
    }
}
