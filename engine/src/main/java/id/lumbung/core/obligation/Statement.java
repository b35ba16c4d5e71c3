package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's statement ({@code GET .../members/{traderId}/statement}): the batches closed from
 * {@code from} to {@code to} (Asia/Jakarta close dates, inclusive) in which it had payments,
 * oldest first, their totals, and all its obligations.
 */
public record Statement(String traderId, LocalDate from, LocalDate to, List<Row> batches, Totals totals,
        List<ObligationView> obligations) {

    public static final String CSV_HEADER =
            "batch_id,closed_at,payments,gross,fee,net,retribusi,angsuran,simpanan_wajib,payout";

    public Statement {
        batches = List.copyOf(batches);
        obligations = List.copyOf(obligations);
    }

    /** One batch of the member: its totals from the batch and its payout line. */
    public record Row(String batchId, long closedAtEpochMs, long payments, long grossRupiah, long feeRupiah,
            long netRupiah, long retribusiRupiah, long angsuranRupiah, long simpananWajibRupiah, long payoutRupiah) {
        public Row {
            if (netRupiah != grossRupiah - feeRupiah
                    || !PayoutLine.addsUp(netRupiah, retribusiRupiah, angsuranRupiah, simpananWajibRupiah, payoutRupiah)) {
                throw new IllegalStateException("statement row " + batchId + " does not add up: net " + netRupiah
                        + " must be gross - fee and retribusi + angsuran + simpanan wajib + payout");
            }
        }

        /** {@code closedAt} as JSON and CSV write it (Asia/Jakarta, milliseconds). */
        public String closedAt() {
            return JakartaDates.closedAt(closedAtEpochMs);
        }
    }

    /** The sums of the rows, field by field. */
    public record Totals(long payments, long grossRupiah, long feeRupiah, long netRupiah, long retribusiRupiah,
            long angsuranRupiah, long simpananWajibRupiah, long payoutRupiah) {
    }

    /**
     * The statement from the member's batch rows (oldest first, in journal order), keeping those
     * closed from {@code from} to {@code to}.
     */
    public static Statement of(String traderId, LocalDate from, LocalDate to, List<Row> memberRows,
            List<ObligationView> obligations) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("statement from " + from + " is after to " + to);
        }
        List<Row> kept = new ArrayList<>();
        long p = 0, g = 0, f = 0, n = 0, r = 0, a = 0, s = 0, o = 0;
        for (Row row : memberRows) {
            LocalDate closed = JakartaDates.closeDate(row.closedAtEpochMs());
            if (closed.isBefore(from) || closed.isAfter(to)) {
                continue;
            }
            kept.add(row);
            p = Math.addExact(p, row.payments());
            g = Math.addExact(g, row.grossRupiah());
            f = Math.addExact(f, row.feeRupiah());
            n = Math.addExact(n, row.netRupiah());
            r = Math.addExact(r, row.retribusiRupiah());
            a = Math.addExact(a, row.angsuranRupiah());
            s = Math.addExact(s, row.simpananWajibRupiah());
            o = Math.addExact(o, row.payoutRupiah());
        }
        return new Statement(traderId, from, to, kept, new Totals(p, g, f, n, r, a, s, o), obligations);
    }

    /** The default period: the month of {@code today}, its first to its last day. */
    public static LocalDate[] currentMonth(LocalDate today) {
        LocalDate first = today.withDayOfMonth(1);
        return new LocalDate[] {first, first.plusMonths(1).minusDays(1)};
    }

    /**
     * The {@code text/csv} answer: {@link #CSV_HEADER}, a row per batch, then
     * {@code TOTAL,,<sums>} (closed_at empty).
     */
    public List<String[]> csvRows() {
        List<String[]> rows = new ArrayList<>(batches.size() + 2);
        rows.add(CSV_HEADER.split(","));
        for (Row b : batches) {
            rows.add(new String[] {b.batchId(), b.closedAt(), Long.toString(b.payments()), Long.toString(b.grossRupiah()),
                    Long.toString(b.feeRupiah()), Long.toString(b.netRupiah()), Long.toString(b.retribusiRupiah()),
                    Long.toString(b.angsuranRupiah()), Long.toString(b.simpananWajibRupiah()),
                    Long.toString(b.payoutRupiah())});
        }
        Totals t = totals;
        rows.add(new String[] {"TOTAL", "", Long.toString(t.payments()), Long.toString(t.grossRupiah()),
                Long.toString(t.feeRupiah()), Long.toString(t.netRupiah()), Long.toString(t.retribusiRupiah()),
                Long.toString(t.angsuranRupiah()), Long.toString(t.simpananWajibRupiah()), Long.toString(t.payoutRupiah())});
        return rows;
    }
}
