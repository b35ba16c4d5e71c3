package id.lumbung.core.ledger;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.MemberTotals;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger books balanced batches exactly and refuses, untouched, a booking whose credits differ from its debit. */
class LedgerTest {
    private static final int COOPS = 2;
    private static final int TRADERS = 3;

    /** Coop 0's batch: trader 0 (REG) 15,000 less 105; trader 1 (GOV) 5,000 less 0. Gross 20,000 = 105 + 14,895 + 5,000. */
    private static Batch batch(String batchId, long openingBalanceRupiah) {
        return new Batch(batchId, "C0", 1, 3, 0, List.of(
                new MemberTotals("TR-0", 1, 15_000, 105, 14_895),
                new MemberTotals("TR-1", 1, 5_000, 0, 5_000)), 2, 20_000, 105, 19_895, openingBalanceRupiah);
    }

    /** Books the first {@code memberTraderIndexes.length} members of {@code batch} for cooperative 0. */
    private static Ledger.Postings book(Ledger ledger, Batch batch, int[] memberTraderIndexes) {
        long[] nets = new long[memberTraderIndexes.length];
        for (int i = 0; i < nets.length; i++) {
            nets[i] = batch.members().get(i).netRupiah();
        }
        return ledger.book(0, batch.batchId(), batch.grossRupiah(), batch.feeRupiah(), memberTraderIndexes, nets,
                nets.length);
    }

    private static long[] balances(Ledger ledger) {
        return new long[] {ledger.clearingDebitRupiah(), ledger.feeIncomeCreditRupiah(), ledger.coopBalanceRupiah(0),
                ledger.coopBalanceRupiah(1), ledger.memberBalanceRupiah(0), ledger.memberBalanceRupiah(1),
                ledger.memberBalanceRupiah(2)};
    }

    @Test
    void booksABalancedBatchAsClearingDebitFeeCreditAndMemberCredits() {
        Ledger ledger = new Ledger(COOPS, TRADERS);
        Ledger.Postings p = book(ledger, batch("C0-3", 0), new int[] {0, 1});
        assertThat(p).isEqualTo(new Ledger.Postings("C0-3", 20_000, 105, 19_895));
        assertThat(balances(ledger)).containsExactly(20_000, 105, 19_895, 0, 14_895, 5_000, 0);
    }

    /**
     * A {@link Batch} cannot itself be unbalanced (its lines net gross less fee, its totals sum its
     * lines), so the booking is made unbalanced the one way a caller can: crediting only the first
     * of its two members. Credits 105 + 14,895 = 15,000 against a 20,000 debit.
     */
    @Test
    void refusesABookingWhoseCreditsDifferFromItsDebitAndBooksNothing() {
        Ledger ledger = new Ledger(COOPS, TRADERS);
        book(ledger, batch("C0-3", 0), new int[] {0, 1});
        long[] before = balances(ledger);

        assertThatThrownBy(() -> book(ledger, batch("C0-6", 19_895), new int[] {0}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("batch C0-6 does not balance: debits 20000 != credits 15000");
        assertThat(balances(ledger)).containsExactly(before);
    }
}
