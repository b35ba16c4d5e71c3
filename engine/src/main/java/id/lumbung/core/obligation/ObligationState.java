package id.lumbung.core.obligation;

import java.util.Comparator;

/**
 * One obligation inside its book: the terms as primitives for the batch loop, and what has been
 * deducted so far. Owned by the book's thread.
 */
final class ObligationState {
    /** The deduction priority: kind, then obligation id. */
    static final Comparator<ObligationState> PRIORITY = Comparator
            .<ObligationState>comparingInt(s -> s.kindOrdinal)
            .thenComparing(s -> s.obligation.obligationId());
    private static final long NO_LIMIT = Long.MAX_VALUE;

    Obligation obligation;
    final int kindOrdinal;
    final long dailyAmountRupiah;
    final long startEpochDay;
    final long capRupiah;
    long endEpochDay;
    long deductedRupiah;

    ObligationState(Obligation obligation) {
        this.obligation = obligation;
        this.kindOrdinal = obligation.kind().ordinal();
        this.dailyAmountRupiah = obligation.dailyAmountRupiah();
        this.startEpochDay = obligation.startDate().toEpochDay();
        this.capRupiah = obligation.totalRupiah() == null ? NO_LIMIT : obligation.totalRupiah();
        this.endEpochDay = obligation.endDate() == null ? NO_LIMIT : obligation.endDate().toEpochDay();
    }

    void end(Obligation ended) {
        obligation = ended;
        endEpochDay = ended.endDate().toEpochDay();
    }

    /**
     * {@code dailyAmount} × the days from the start to {@code epochDay}, both inclusive, to the end
     * at most, capped at the total; 0 before the start or before any close.
     */
    long accruedRupiah(long epochDay) {
        long last = Math.min(epochDay, endEpochDay);
        if (last < startEpochDay) {
            return 0;
        }
        long accrued = Math.multiplyExact(dailyAmountRupiah, last - startEpochDay + 1);
        return Math.min(accrued, capRupiah);
    }

    /** Accrued minus deducted at {@code epochDay}; a negative value is a broken invariant. */
    long dueRupiah(long epochDay) {
        long due = accruedRupiah(epochDay) - deductedRupiah;
        if (due < 0) {
            throw new IllegalStateException("obligation " + obligation.obligationId() + " of " + obligation.coopId()
                    + " deducted " + deductedRupiah + ", more than its accrued " + accruedRupiah(epochDay));
        }
        return due;
    }
}
