package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The obligation rule applied to one batch of one cooperative, member by member (DESIGN.md,
 * "Rule"): accrued = {@code dailyAmount} × days from the start to the close's date, both
 * inclusive, to the end at most, capped at the total; due = accrued − deducted so far; the net
 * pays what is due in priority order, each deduction min(due, what is left); what is left is the
 * payout. A shortfall stays due for the next batches. Members without payments are not given,
 * so not touched.
 *
 * <p>Obtained from {@link ObligationBook#settle}; {@link #member} for each member with payments in
 * trader id order, then {@link #finish}. Each call allocates only its results.
 */
public final class ObligationSettling {
    private final ObligationBook book;
    private final long closeEpochDay;
    private final List<PayoutLine> lines = new ArrayList<>();
    private final List<Deduction> deductions = new ArrayList<>();
    private String previousTraderId;
    private boolean finished;

    ObligationSettling(ObligationBook book, long closeEpochDay) {
        this.book = book;
        this.closeEpochDay = closeEpochDay;
    }

    /** The date accrual runs to. */
    public LocalDate closeDate() {
        return LocalDate.ofEpochDay(closeEpochDay);
    }

    /**
     * Deducts what is due from one member's batch net and answers its payout line.
     *
     * @param traderId the member; strictly after the previous call's
     * @param netRupiah the member's net in the batch (gross − fee), not negative
     */
    public PayoutLine member(String traderId, long netRupiah) {
        if (finished) {
            throw new IllegalStateException("settling of " + book.coopId() + " already finished");
        }
        if (previousTraderId != null && previousTraderId.compareTo(traderId) >= 0) {
            throw new IllegalArgumentException("member " + traderId + " is not after " + previousTraderId);
        }
        if (netRupiah < 0) {
            throw new IllegalArgumentException("member " + traderId + " has a negative net " + netRupiah);
        }
        previousTraderId = traderId;
        long left = netRupiah;
        long retribusi = 0, angsuran = 0, simpananWajib = 0;
        for (ObligationState s : book.memberObligations(traderId)) {
            if (left == 0) {
                break;
            }
            long due = s.dueRupiah(closeEpochDay);
            if (due == 0) {
                continue;
            }
            long deducted = Math.min(due, left);
            s.deductedRupiah += deducted;
            left -= deducted;
            switch (s.obligation.kind()) {
                case RETRIBUSI -> retribusi += deducted;
                case ANGSURAN -> angsuran += deducted;
                case SIMPANAN_WAJIB -> simpananWajib += deducted;
            }
            deductions.add(new Deduction(s.obligation.obligationId(), traderId, s.obligation.kind(), deducted));
        }
        PayoutLine line = new PayoutLine(traderId, netRupiah, retribusi, angsuran, simpananWajib, left);
        lines.add(line);
        return line;
    }

    /** Ends the batch: the book's last close moves to {@link #closeDate}. */
    public BatchDeductions finish() {
        if (finished) {
            throw new IllegalStateException("settling of " + book.coopId() + " already finished");
        }
        finished = true;
        book.closed(closeEpochDay);
        return new BatchDeductions(book.coopId(), closeDate(), lines, deductions);
    }
}
