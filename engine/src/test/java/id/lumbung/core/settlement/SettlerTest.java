package id.lumbung.core.settlement;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.ClosedWindow;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.journal.Journal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The settlement core on the test thread, with no settlement thread, files or metrics: closed
 * windows of the bundled demo reference in, batches and ledger balances out.
 */
class SettlerTest {
    private static final long NOW_MS = Instant.parse("2026-11-29T03:00:00Z").toEpochMilli();

    /** Two windows: BRH-001 (UMI) 600,000 + 100,000, BRH-002 (REG) 15,000, KLW-001 (REG) 10,000; then BRH-002 20,000. */
    private static List<ClosedWindow> twoWindows(Path dir, ReferenceData ref) throws Exception {
        List<ClosedWindow> windows = new ArrayList<>();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = new PaymentBook(ref, Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC), journal,
                    windows::add, TimeUnit.DAYS.toMillis(7), 1_000);
            post(book, ref, "T0000001", "a", 600_000);
            post(book, ref, "T0000002", "b", 100_000);
            post(book, ref, "T0000003", "c", 15_000);
            post(book, ref, "T0000006", "d", 10_000);
            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            post(book, ref, "T0000003", "e", 20_000);
            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            book.publishWindows();
        }
        assertThat(windows).hasSize(2);
        return windows;
    }

    private static void post(PaymentBook book, ReferenceData ref, String terminalId, String txnId, long amount) {
        PaymentRequest r = new PaymentRequest(terminalId, txnId, amount, "IDR", NOW_MS, 25_200, "QRIS", null, null);
        assertThat(book.post(r, ref.terminal(terminalId)).result()).isEqualTo(PostOutcome.Result.ACCEPTED);
    }

    private static ReferenceData reference() throws Exception {
        return id.lumbung.reference.ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    private static Ledger ledgerFor(ReferenceData ref) {
        return new Ledger(ref.coopCount(), ref.traderCount());
    }

    @Test
    void settlesEachCooperativeWithPaymentsIntoOneBatchPricedByItsTradersPlansAndBooksIt(@TempDir Path dir)
            throws Exception {
        ReferenceData ref = reference();
        List<ClosedWindow> windows = twoWindows(dir, ref);
        Ledger ledger = ledgerFor(ref);
        Settler settler = new Settler(ref, FeeSchedule.defaults(), ledger);

        ClosedWindow first = windows.get(0);
        List<Batch> batches = settler.settle(first);
        // KSP-TANAHABANG had no payment: no batch
        assertThat(batches).extracting(Batch::batchId).containsExactly(
                "KSP-BERINGHARJO-" + first.closeSequence(), "KSP-KLEWER-" + first.closeSequence());
        Batch brh = batches.get(0);
        // UMI: 0.3% of the whole 600,000 (above 500,000) and 0% of 100,000; REG: 0.7% of 15,000
        assertThat(brh.members()).containsExactly(
                new MemberTotals("BRH-001", 2, 700_000, 1_800, 698_200),
                new MemberTotals("BRH-002", 1, 15_000, 105, 14_895));
        assertThat(brh.openingBalanceRupiah()).isZero();
        assertThat(brh.closedAtEpochMs()).isEqualTo(first.closedAtEpochMs());
        assertThat(brh.lastSequence()).isEqualTo(first.closeSequence());
        assertThat(batches.get(1).members()).containsExactly(new MemberTotals("KLW-001", 1, 10_000, 70, 9_930));

        List<Batch> second = settler.settle(windows.get(1));
        assertThat(second).hasSize(1);
        assertThat(second.get(0).members()).containsExactly(new MemberTotals("BRH-002", 1, 20_000, 140, 19_860));
        assertThat(second.get(0).openingBalanceRupiah()).as("opens where the cooperative's last batch closed")
                .isEqualTo(698_200 + 14_895);

        assertThat(ledger.clearingDebitRupiah()).isEqualTo(745_000);
        assertThat(ledger.feeIncomeCreditRupiah()).isEqualTo(1_800 + 105 + 70 + 140);
        assertThat(ledger.coopBalanceRupiah(ref.coop("KSP-BERINGHARJO").index())).isEqualTo(698_200 + 14_895 + 19_860);
        assertThat(ledger.coopBalanceRupiah(ref.coop("KSP-KLEWER").index())).isEqualTo(9_930);
        assertThat(ledger.memberBalanceRupiah(ref.trader("BRH-002").index())).isEqualTo(14_895 + 19_860);
    }

    @Test
    void aFreshSettlerGivenTheSameWindowsYieldsTheSameBatchesAndBalances(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        List<ClosedWindow> windows = twoWindows(dir, ref);
        Ledger a = ledgerFor(ref);
        Ledger b = ledgerFor(ref);
        Settler first = new Settler(ref, FeeSchedule.defaults(), a);
        Settler replay = new Settler(ref, FeeSchedule.defaults(), b);
        for (ClosedWindow w : windows) {
            assertThat(replay.settle(w)).isEqualTo(first.settle(w));
        }
        assertThat(b.clearingDebitRupiah()).isEqualTo(a.clearingDebitRupiah());
        assertThat(b.feeIncomeCreditRupiah()).isEqualTo(a.feeIncomeCreditRupiah());
        for (int c = 0; c < ref.coopCount(); c++) {
            assertThat(b.coopBalanceRupiah(c)).isEqualTo(a.coopBalanceRupiah(c));
        }
    }

    @Test
    void pricesWithTheConfiguredPlanOfThatName(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        ClosedWindow first = twoWindows(dir, ref).get(0);
        // REG at 1%: the demo reference journals no plans of its own, so the configured schedule prices
        FeeSchedule fees = FeeSchedule.parse(java.util.Map.of("UMI", "*:0%", "REG", "*:1%", "GOV", "*:0%"));
        List<Batch> batches = new Settler(ref, fees, ledgerFor(ref)).settle(first);
        assertThat(batches.get(0).members().get(1)).isEqualTo(new MemberTotals("BRH-002", 1, 15_000, 150, 14_850));
    }

    @Test
    void aPlanTheScheduleLacksStopsTheWindow(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        FeeSchedule withoutUmi = FeeSchedule.parse(java.util.Map.of("REG", "*:0.7%", "GOV", "*:0%"));
        assertThatThrownBy(() -> new Settler(ref, withoutUmi, ledgerFor(ref)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown fee plan 'UMI'");
    }
}
