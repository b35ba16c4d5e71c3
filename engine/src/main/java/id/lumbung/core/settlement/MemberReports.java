package id.lumbung.core.settlement;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.obligation.Shu;
import id.lumbung.core.obligation.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's statement and a cooperative's year-end SHU (DESIGN.md, "Member statement and
 * year-end surplus") from its settled batches: payments, gross, fee and net from the batch's
 * member line (as in {@code <batchId>.csv}), the deductions and payout from its payout line (as in
 * {@code <batchId>.payouts.csv}). {@link Statement} and {@link Shu} do the sums.
 *
 * <p>Pure: reads the batches it is given, which never change once listed. The cooperative API and
 * the portal call it off the event loop (a year's SHU reads every batch of the cooperative).
 */
public final class MemberReports {
    private MemberReports() {
    }

    /**
     * The statement of {@code traderId} for batches closed from {@code from} to {@code to}
     * (Asia/Jakarta dates, inclusive), oldest first.
     *
     * @param batches the cooperative's batches in journal order
     * @param obligations the member's obligations as {@code GET .../obligations?traderId=} lists them
     */
    public static Statement statement(List<BatchRecord> batches, String traderId, LocalDate from, LocalDate to,
            List<ObligationView> obligations) {
        List<Statement.Row> rows = new ArrayList<>();
        for (BatchRecord record : batches) {
            Batch b = record.batch();
            LocalDate closed = JakartaDates.closeDate(b.closedAtEpochMs());
            if (closed.isBefore(from) || closed.isAfter(to)) {
                continue;
            }
            int i = memberIndex(b, traderId);
            if (i < 0) {
                continue;
            }
            MemberTotals m = b.members().get(i);
            PayoutLine p = b.payouts().get(i);
            rows.add(new Statement.Row(b.batchId(), b.closedAtEpochMs(), m.payments(), m.grossRupiah(), m.feeRupiah(),
                    m.netRupiah(), p.retribusiRupiah(), p.angsuranRupiah(), p.simpananWajibRupiah(), p.payoutRupiah()));
        }
        return Statement.of(traderId, from, to, rows, obligations);
    }

    /**
     * The surplus sharing of {@code year}: each member's gross in the batches closed in that year,
     * and its simpanan wajib collected in the batches closed by the year's end (Asia/Jakarta).
     *
     * @param batches the cooperative's batches in journal order
     * @param memberIds every member of the cooperative; a trader that is no longer one but settled
     *     payments in those batches is listed too, so that the pools are shared in full
     */
    public static Checked<Shu.Result> shu(List<BatchRecord> batches, Collection<String> memberIds, int year,
            long surplusRupiah, int servicePct, int capitalPct) {
        Map<String, long[]> weights = new LinkedHashMap<>(); // trader id -> {gross, savings}
        for (String id : memberIds) {
            weights.put(id, new long[2]);
        }
        for (BatchRecord record : batches) {
            Batch b = record.batch();
            int closedYear = JakartaDates.closeDate(b.closedAtEpochMs()).getYear();
            if (closedYear > year) {
                continue;
            }
            for (int i = 0; i < b.members().size(); i++) {
                MemberTotals m = b.members().get(i);
                long simpananWajib = b.payouts().get(i).simpananWajibRupiah();
                if (closedYear < year && simpananWajib == 0) {
                    continue;
                }
                long[] w = weights.computeIfAbsent(m.traderId(), k -> new long[2]);
                if (closedYear == year) {
                    w[0] = Math.addExact(w[0], m.grossRupiah());
                }
                w[1] = Math.addExact(w[1], simpananWajib);
            }
        }
        List<Shu.Member> members = new ArrayList<>(weights.size());
        weights.forEach((id, w) -> members.add(new Shu.Member(id, w[0], w[1])));
        return Shu.compute(year, surplusRupiah, servicePct, capitalPct, members);
    }

    /** The index of the member's line in a batch (lines are sorted by trader id), or -1 when it had no payment in it. */
    private static int memberIndex(Batch b, String traderId) {
        List<MemberTotals> members = b.members();
        int lo = 0;
        int hi = members.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = members.get(mid).traderId().compareTo(traderId);
            if (c == 0) {
                return mid;
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }
}
