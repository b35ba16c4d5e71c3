package id.lumbung.core.payment;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.core.settlement.Settler;
import id.lumbung.reference.ReferenceFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The synthetic window settlement warms up on: every trader's payments, read through the same
 * {@link WindowPayments} a close reads, and a window a settler settles into one batch per
 * cooperative with all its members.
 */
class WarmUpWindowTest {
    private static ReferenceData demo() throws Exception {
        return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    @Test
    void holdsEveryTradersPaymentsButTheVoidedOnesInJournalOrder() throws Exception {
        ReferenceData ref = demo();
        int payments = 1_000;
        ClosedWindow window = WarmUpWindow.of(ref, payments, 1_767_592_500_000L);

        long[] byTrader = new long[ref.traderCount()];
        int[] visited = {0};
        window.payments().forEach((coop, trader, amount) -> {
            assertThat(coop).isEqualTo(ref.trader(trader).coopIndex());
            assertThat(amount).isBetween(1_000L, 901_000L);
            byTrader[trader]++;
            visited[0]++;
        });
        int voided = payments / 97;
        assertThat(visited[0]).isEqualTo(payments - voided);
        assertThat(java.util.Arrays.stream(byTrader).min().orElse(0)).as("every trader has payments").isPositive();
        assertThat(window.closeSequence()).isEqualTo(payments + 1L);
        assertThat(window.coops()).extracting(ClosedWindow.CoopWindow::coopIndex)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, ref.coopCount())
                        .filter(c -> !ref.tradersOf(c).isEmpty()).boxed().toList());
        assertThat(window.reference()).isSameAs(ref);
        assertThat(window.onlyCoopId()).isNull();
    }

    @Test
    void aSettlerMakesOneBatchPerCooperativeWithEveryMemberAndTheWindowsPayments() throws Exception {
        ReferenceData ref = demo();
        int payments = 2 * ref.traderCount();
        ClosedWindow window = WarmUpWindow.of(ref, payments, 1_767_592_500_000L);
        long[] gross = {0};
        window.payments().forEach((coop, trader, amount) -> gross[0] += amount);

        List<Batch> batches = new Settler(ref, FeeSchedule.defaults(), new Ledger(ref.coopCount(), ref.traderCount()))
                .settle(window);

        assertThat(batches).hasSize(window.coops().size());
        assertThat(batches.stream().mapToLong(Batch::payments).sum()).isEqualTo(payments - payments / 97);
        assertThat(batches.stream().mapToLong(Batch::grossRupiah).sum()).isEqualTo(gross[0]);
        for (Batch b : batches) {
            assertThat(b.members()).extracting(MemberTotals::traderId).containsExactlyElementsOf(
                    ref.tradersOf(ref.coop(b.coopId()).index()).stream().map(Trader::traderId).toList());
        }
    }

    @Test
    void aReferenceWithoutTradersGivesAnEmptyWindow() {
        ReferenceData empty = new ReferenceData(new id.lumbung.core.reference.Coop[0], new java.util.HashMap<>(),
                new Trader[0], new java.util.HashMap<>(), new id.lumbung.core.reference.Terminal[0],
                new java.util.HashMap<>(), null);
        ClosedWindow window = WarmUpWindow.of(empty, 200_000, 1_767_592_500_000L);
        assertThat(window.coops()).isEmpty();
        window.payments().forEach((coop, trader, amount) -> {
            throw new AssertionError("no payment expected");
        });
    }
}
