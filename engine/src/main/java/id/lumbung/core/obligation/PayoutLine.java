package id.lumbung.core.obligation;

/**
 * One member's line of a batch's payouts: its net split into what each kind collected and what is
 * paid out. Always {@code net = retribusi + angsuran + simpananWajib + payout}, every part
 * non-negative; the constructor checks it.
 */
public record PayoutLine(String traderId, long netRupiah, long retribusiRupiah, long angsuranRupiah,
        long simpananWajibRupiah, long payoutRupiah) {
    public PayoutLine {
        if (!addsUp(netRupiah, retribusiRupiah, angsuranRupiah, simpananWajibRupiah, payoutRupiah)) {
            throw new IllegalStateException("payout line of " + traderId + " does not add up: net " + netRupiah
                    + ", retribusi " + retribusiRupiah + ", angsuran " + angsuranRupiah + ", simpanan wajib "
                    + simpananWajibRupiah + ", payout " + payoutRupiah);
        }
    }

    /** True when every part is non-negative and net = retribusi + angsuran + simpanan wajib + payout. */
    static boolean addsUp(long netRupiah, long retribusiRupiah, long angsuranRupiah, long simpananWajibRupiah,
            long payoutRupiah) {
        return netRupiah >= 0 && retribusiRupiah >= 0 && angsuranRupiah >= 0 && simpananWajibRupiah >= 0
                && payoutRupiah >= 0 && Math.addExact(Math.addExact(retribusiRupiah, angsuranRupiah),
                        Math.addExact(simpananWajibRupiah, payoutRupiah)) == netRupiah;
    }

    /** The amount this line deducted for {@code kind}. */
    public long deductedRupiah(ObligationKind kind) {
        return switch (kind) {
            case RETRIBUSI -> retribusiRupiah;
            case ANGSURAN -> angsuranRupiah;
            case SIMPANAN_WAJIB -> simpananWajibRupiah;
        };
    }
}
