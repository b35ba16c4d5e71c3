package id.lumbung.core.obligation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A member's statement: the batches closed within the dates (Jakarta), their sums, the CSV rows. */
class StatementTest {
    // 1 December 23:30 in Jakarta is still 1 December there, though 2 December has begun nowhere yet in UTC
    private static final long DEC_1_LATE = Instant.parse("2026-12-01T16:30:00Z").toEpochMilli();
    private static final long DEC_2 = Instant.parse("2026-12-02T07:10:00Z").toEpochMilli();
    private static final long DEC_1_EARLY = Instant.parse("2026-11-30T21:10:00Z").toEpochMilli(); // 04:10 on 1 Dec
    private static final long NOV_30 = Instant.parse("2026-11-30T16:59:59.999Z").toEpochMilli(); // 23:59:59.999 on 30 Nov

    private static final List<Statement.Row> ROWS = List.of(
            new Statement.Row("C1-10", NOV_30, 1, 10_000, 0, 10_000, 1_000, 0, 0, 9_000),
            new Statement.Row("C1-20", DEC_1_EARLY, 2, 30_000, 210, 29_790, 1_000, 5_000, 500, 23_290),
            new Statement.Row("C1-30", DEC_1_LATE, 1, 5_000, 35, 4_965, 0, 4_965, 0, 0),
            new Statement.Row("C1-40", DEC_2, 3, 70_000, 0, 70_000, 2_000, 10_035, 1_000, 56_965));

    @Test
    void keepsTheBatchesClosedWithinTheDatesAndSumsThem() {
        Statement s = Statement.of("TR1", LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 1), ROWS, List.of());
        assertThat(s.batches()).extracting(Statement.Row::batchId).containsExactly("C1-20", "C1-30");
        assertThat(s.totals()).isEqualTo(new Statement.Totals(3, 35_000, 245, 34_755, 1_000, 9_965, 500, 23_290));
        Statement all = Statement.of("TR1", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 31), ROWS, List.of());
        assertThat(all.totals().netRupiah()).isEqualTo(all.totals().retribusiRupiah() + all.totals().angsuranRupiah()
                + all.totals().simpananWajibRupiah() + all.totals().payoutRupiah());
        assertThat(all.batches()).hasSize(4);
    }

    @Test
    void csvHasTheHeaderTheRowsAndATotalWithoutClosedAt() {
        Statement s = Statement.of("TR1", LocalDate.of(2026, 12, 2), LocalDate.of(2026, 12, 2), ROWS, List.of());
        assertThat(s.csvRows()).extracting(r -> String.join(",", r)).containsExactly(
                "batch_id,closed_at,payments,gross,fee,net,retribusi,angsuran,simpanan_wajib,payout",
                "C1-40,2026-12-02T14:10:00.000+07:00,3,70000,0,70000,2000,10035,1000,56965",
                "TOTAL,,3,70000,0,70000,2000,10035,1000,56965");
        Statement empty = Statement.of("TR1", LocalDate.of(2027, 1, 1), LocalDate.of(2027, 1, 31), ROWS, List.of());
        assertThat(empty.csvRows()).extracting(Arrays::toString).containsExactly(
                Arrays.toString(Statement.CSV_HEADER.split(",")), "[TOTAL, , 0, 0, 0, 0, 0, 0, 0, 0]");
    }

    @Test
    void defaultPeriodIsTheCurrentMonth() {
        assertThat(Statement.currentMonth(LocalDate.of(2028, 2, 14)))
                .containsExactly(LocalDate.of(2028, 2, 1), LocalDate.of(2028, 2, 29));
    }
}
