package id.lumbung.core.settlement;

import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.obligation.Shu;
import id.lumbung.core.obligation.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The statement and SHU from settled batches: which batches, which lines, which weights. */
class MemberReportsTest {
    /** A batch of one cooperative closed at {@code closedAt}; each member line {traderId, gross, fee, retribusi, angsuran, simpanan wajib}. */
    private static BatchRecord batch(String batchId, String closedAt, Object[]... lines) {
        List<MemberTotals> members = new java.util.ArrayList<>();
        List<PayoutLine> payouts = new java.util.ArrayList<>();
        long gross = 0, fee = 0;
        for (Object[] l : lines) {
            long g = (long) l[1], f = (long) l[2], r = (long) l[3], a = (long) l[4], s = (long) l[5];
            members.add(new MemberTotals((String) l[0], 1, g, f, g - f));
            payouts.add(new PayoutLine((String) l[0], g - f, r, a, s, g - f - r - a - s));
            gross += g;
            fee += f;
        }
        Batch b = new Batch(batchId, "C", 1, 1, Instant.parse(closedAt).toEpochMilli(), members, lines.length, gross, fee,
                gross - fee, 0, payouts);
        return new BatchRecord(b, 0, List.of(), "0000000000");
    }

    private static final List<BatchRecord> BATCHES = List.of(
            // 31 Dec 2025 23:30 in Jakarta (16:30 UTC): still 2025
            batch("B-1", "2025-12-31T16:30:00Z", new Object[] {"A", 100_000L, 0L, 0L, 0L, 4_000L}),
            // 1 Jan 2026 00:30 in Jakarta (31 Dec 17:30 UTC): 2026
            batch("B-2", "2025-12-31T17:30:00Z", new Object[] {"A", 50_000L, 150L, 1_000L, 2_000L, 3_000L},
                    new Object[] {"GONE", 30_000L, 0L, 0L, 0L, 0L}),
            batch("B-3", "2026-06-01T03:00:00Z", new Object[] {"B", 20_000L, 0L, 0L, 0L, 500L}),
            batch("B-4", "2027-01-01T03:00:00Z", new Object[] {"A", 999_000L, 0L, 0L, 0L, 9_000L}));

    @Test
    void statementTakesTheMembersLinesOfBatchesClosedInThePeriodByJakartaDate() {
        Statement s = MemberReports.statement(BATCHES, "A", LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"), List.of());
        assertThat(s.batches()).containsExactly(new Statement.Row("B-2", Instant.parse("2025-12-31T17:30:00Z").toEpochMilli(), 1,
                50_000, 150, 49_850, 1_000, 2_000, 3_000, 43_850));
        assertThat(s.totals().payoutRupiah()).isEqualTo(43_850);
        // B's only batch is B-3; A has none there
        assertThat(MemberReports.statement(BATCHES, "B", LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-01"), List.of())
                .batches()).extracting(Statement.Row::batchId).containsExactly("B-3");
        assertThat(MemberReports.statement(BATCHES, "A", LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-30"), List.of())
                .batches()).isEmpty();
    }

    @Test
    void shuWeighsGrossOfTheYearAndSavingsByItsEndAndListsAFormerMember() {
        Shu.Result r = MemberReports.shu(BATCHES, List.of("A", "B", "Z"), 2026, 1_000, 50, 50).value();
        // gross in 2026: A 50,000, GONE 30,000 (no longer a member, still shared), B 20,000; savings by the end of 2026: A 7,000, B 500
        assertThat(r.members()).containsExactly(
                new Shu.Share("A", 50_000, 7_000, 250, 467, 717),
                new Shu.Share("B", 20_000, 500, 100, 33, 133),
                new Shu.Share("GONE", 30_000, 0, 150, 0, 150),
                new Shu.Share("Z", 0, 0, 0, 0, 0));
        assertThat(r.members().stream().mapToLong(Shu.Share::serviceShareRupiah).sum()).isEqualTo(r.servicePoolRupiah());
        assertThat(r.members().stream().mapToLong(Shu.Share::capitalShareRupiah).sum()).isEqualTo(r.capitalPoolRupiah());
        // 2025: only B-1, closed 23:30 on 31 December in Jakarta
        Shu.Result y2025 = MemberReports.shu(BATCHES, List.of("A", "B"), 2025, 1_000, 100, 0).value();
        assertThat(y2025.members().get(0)).isEqualTo(new Shu.Share("A", 100_000, 4_000, 1_000, 0, 1_000));
    }
}
