package id.lumbung.files;

import id.lumbung.core.obligation.BatchDeductions;
import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationBook;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.ObligationSettling;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.obligation.PayoutLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The payouts file of a third batch that shows every case, against golden bytes written by hand
 * from the rule (the arithmetic is in the comments below):
 * <ul>
 * <li>TR-A: one obligation of each kind; its loan's {@code total} is reached in this batch;
 * <li>TR-B: a loan shortfall carried from the first batch, taken before its savings;
 * <li>TR-C: an obligation ended before the first close, collected at this close as accrued to its end;
 * <li>TR-D: obligations but no payments: no line, nothing deducted;
 * <li>TR-E: payments but no obligations; TR-F: an obligation that starts after the close.
 * </ul>
 */
class PayoutsCsvTest {

    private static Obligation obligation(String id, String trader, ObligationKind kind, long daily, String start,
            Long total) {
        Checked<Obligation> c = Obligation.check("C1", id, trader, kind.name(), daily, start, total);
        return c.value();
    }

    private static BatchDeductions batch(ObligationBook book, String date, Object... traderAndNet) {
        ObligationSettling s = book.settle(LocalDate.parse(date));
        for (int i = 0; i < traderAndNet.length; i += 2) {
            s.member((String) traderAndNet[i], (Long) traderAndNet[i + 1]);
        }
        return s.finish();
    }

    @Test
    void batchWithEveryCaseMatchesTheGoldenFile() throws IOException {
        ObligationBook book = new ObligationBook("C1");
        for (Obligation o : List.of(
                obligation("R1", "TR-A", ObligationKind.RETRIBUSI, 2_000, "2026-12-01", null),
                obligation("L1", "TR-A", ObligationKind.ANGSURAN, 10_000, "2026-11-30", 35_000L),
                obligation("S1", "TR-A", ObligationKind.SIMPANAN_WAJIB, 1_000, "2026-12-01", null),
                obligation("L2", "TR-B", ObligationKind.ANGSURAN, 50_000, "2026-12-01", null),
                obligation("S2", "TR-B", ObligationKind.SIMPANAN_WAJIB, 500, "2026-12-01", null),
                obligation("R3", "TR-C", ObligationKind.RETRIBUSI, 3_000, "2026-11-28", null),
                obligation("S4", "TR-D", ObligationKind.SIMPANAN_WAJIB, 1_000, "2026-12-01", null),
                obligation("R6", "TR-F", ObligationKind.RETRIBUSI, 1_000, "2026-12-10", null))) {
            assertThat(book.put(o).status()).isEqualTo(ObligationOutcome.Status.CREATED);
        }
        // R3 accrues 28, 29 and 30 November only: 9,000
        assertThat(book.end("R3", LocalDate.parse("2026-11-30")).status()).isEqualTo(ObligationOutcome.Status.ENDED);
        // 1 Dec: TR-A 100,000 pays R1 2,000, L1 20,000 (2 days), S1 1,000; TR-B 30,000 pays L2 30,000 of 50,000
        assertThat(batch(book, "2026-12-01", "TR-A", 100_000L, "TR-B", 30_000L).lines()).containsExactly(
                new PayoutLine("TR-A", 100_000, 2_000, 20_000, 1_000, 77_000),
                new PayoutLine("TR-B", 30_000, 0, 30_000, 0, 0));
        // 2 Dec: TR-A 50,000 pays R1 2,000, L1 10,000, S1 1,000; TR-B, TR-C and TR-D have no payments
        batch(book, "2026-12-02", "TR-A", 50_000L);
        // 3 Dec: TR-A: R1 2,000, L1 min(40,000, 35,000) - 30,000 = 5,000 (total reached), S1 1,000, payout 22,000;
        // TR-B: L2 150,000 - 30,000 = 120,000, then S2 1,500, payout 3,500; TR-C: R3 9,000, payout 3,000
        BatchDeductions third = batch(book, "2026-12-03", "TR-A", 30_000L, "TR-B", 125_000L, "TR-C", 12_000L,
                "TR-E", 8_000L, "TR-F", 5_000L);
        GoldenFiles.assertMatches("obligations-every-case.payouts.csv", PayoutsCsv.render(third.lines()));

        assertThat(book.view("L1").dueRupiah()).isZero();
        assertThat(book.view("L1").deductedRupiah()).isEqualTo(35_000);
        assertThat(book.view("S4")).isEqualTo(new ObligationView(book.obligation("S4"), 3_000, 0, 3_000));
        assertThat(book.view("R6").accruedRupiah()).isZero();
    }

    @Test
    void sortsLinesByTraderIdAndRefusesATraderTwice() {
        PayoutLine b = new PayoutLine("TR-B", 10, 1, 2, 3, 4);
        PayoutLine a = new PayoutLine("TR-A", 5, 0, 0, 0, 5);
        assertThat(new String(PayoutsCsv.render(List.of(b, a)), StandardCharsets.UTF_8)).isEqualTo(
                PayoutsCsv.HEADER + "\nTR-A,5,0,0,0,5\nTR-B,10,1,2,3,4\nTOTAL,15,1,2,3,9\n");
        assertThat(new String(PayoutsCsv.render(List.of()), StandardCharsets.UTF_8))
                .isEqualTo(PayoutsCsv.HEADER + "\nTOTAL,0,0,0,0,0\n");
        assertThatThrownBy(() -> PayoutsCsv.render(List.of(a, a))).isInstanceOf(IllegalArgumentException.class);
        assertThat(PayoutsCsv.fileName("C1-42")).isEqualTo("C1-42.payouts.csv");
    }
}
