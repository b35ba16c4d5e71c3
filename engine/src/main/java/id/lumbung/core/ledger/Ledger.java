package id.lumbung.core.ledger;

import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Double-entry balances derived from settlement batches. Each batch books: debit the acquirer
 * clearing account with the gross, credit fee income with the fees, and split each member's net
 * into credits of the member's account (its payout), the member's savings (simpanan wajib, a
 * liability of the cooperative), the cooperative's loan receivable (angsuran) and its market-fee
 * payable (retribusi). The postings of every batch sum to zero, checked after each batch, and a
 * batch that does not balance stops the engine. A cooperative's balance is the net settled to it:
 * the sum of those four credits.
 *
 * <p>Written by the settlement thread only; read from event loops (atomic arrays give them a
 * consistent value per account).
 */
public final class Ledger {
    // replaced by larger copies when the reference grows (settlement thread, the only writer)
    private volatile AtomicLongArray memberCreditRupiah;
    private volatile AtomicLongArray coopCreditRupiah;
    /** Simpanan wajib collected, by trader index. */
    private volatile AtomicLongArray memberSavingsCreditRupiah;
    /** Angsuran collected (credits to the loan receivable), by cooperative index. */
    private volatile AtomicLongArray loanReceivableCreditRupiah;
    /** Retribusi collected (credits to the market-fee payable), by cooperative index. */
    private volatile AtomicLongArray marketFeePayableCreditRupiah;
    private volatile long clearingDebitRupiah;
    private volatile long feeIncomeCreditRupiah;

    public Ledger(int coops, int traders) {
        memberCreditRupiah = new AtomicLongArray(traders);
        coopCreditRupiah = new AtomicLongArray(coops);
        memberSavingsCreditRupiah = new AtomicLongArray(traders);
        loanReceivableCreditRupiah = new AtomicLongArray(coops);
        marketFeePayableCreditRupiah = new AtomicLongArray(coops);
    }

    /** Grows the accounts to {@code coops} and {@code traders} (indexes are stable: existing ones keep their balance). */
    public void ensureCapacity(int coops, int traders) {
        if (coops > coopCreditRupiah.length()) {
            coopCreditRupiah = grown(coopCreditRupiah, coops);
            loanReceivableCreditRupiah = grown(loanReceivableCreditRupiah, coops);
            marketFeePayableCreditRupiah = grown(marketFeePayableCreditRupiah, coops);
        }
        if (traders > memberCreditRupiah.length()) {
            memberCreditRupiah = grown(memberCreditRupiah, traders);
            memberSavingsCreditRupiah = grown(memberSavingsCreditRupiah, traders);
        }
    }

    private static AtomicLongArray grown(AtomicLongArray a, int length) {
        AtomicLongArray b = new AtomicLongArray(length);
        for (int i = 0; i < a.length(); i++) {
            b.set(i, a.get(i));
        }
        return b;
    }

    /**
     * Books one batch of members that owe nothing: each member's account is credited its net.
     *
     * @param memberTraderIndexes trader index of each member of the batch
     * @param memberNetRupiah each member's net, in the same order
     * @param members how many of the two arrays' entries are the batch's
     * @return the postings, for the ledger file
     */
    public Postings book(int coopIndex, String batchId, long grossRupiah, long feeRupiah, int[] memberTraderIndexes,
            long[] memberNetRupiah, int members) {
        long[] none = new long[members];
        return book(coopIndex, batchId, grossRupiah, feeRupiah, memberTraderIndexes, memberNetRupiah, none, none, none,
                members);
    }

    /**
     * Books one batch: the clearing account is debited its gross, fee income credited its fee, and
     * each member's net is split into credits of its account (the payout), its savings, the loan
     * receivable and the market-fee payable.
     *
     * @param memberTraderIndexes trader index of each member of the batch
     * @param memberPayoutRupiah each member's payout, in the same order
     * @param memberSavingsRupiah each member's simpanan wajib deducted
     * @param memberAngsuranRupiah each member's angsuran deducted
     * @param memberRetribusiRupiah each member's retribusi deducted
     * @param members how many of the arrays' entries are the batch's
     * @return the postings, for the ledger file
     * @throws IllegalStateException when the credits do not add up to the debit
     */
    public Postings book(int coopIndex, String batchId, long grossRupiah, long feeRupiah, int[] memberTraderIndexes,
            long[] memberPayoutRupiah, long[] memberSavingsRupiah, long[] memberAngsuranRupiah,
            long[] memberRetribusiRupiah, int members) {
        long netRupiah = grossRupiah - feeRupiah;
        long credits = feeRupiah;
        long angsuran = 0, retribusi = 0;
        for (int i = 0; i < members; i++) {
            if (memberPayoutRupiah[i] < 0 || memberSavingsRupiah[i] < 0 || memberAngsuranRupiah[i] < 0
                    || memberRetribusiRupiah[i] < 0) {
                throw new IllegalStateException("batch " + batchId + " credits a negative amount to member " + i);
            }
            credits = Math.addExact(credits, Math.addExact(Math.addExact(memberPayoutRupiah[i], memberSavingsRupiah[i]),
                    Math.addExact(memberAngsuranRupiah[i], memberRetribusiRupiah[i])));
            angsuran += memberAngsuranRupiah[i];
            retribusi += memberRetribusiRupiah[i];
        }
        if (grossRupiah != credits) {
            throw new IllegalStateException("batch " + batchId + " does not balance: debits " + grossRupiah
                    + " != credits " + credits);
        }
        for (int i = 0; i < members; i++) {
            memberCreditRupiah.addAndGet(memberTraderIndexes[i], memberPayoutRupiah[i]);
            if (memberSavingsRupiah[i] != 0) {
                memberSavingsCreditRupiah.addAndGet(memberTraderIndexes[i], memberSavingsRupiah[i]);
            }
        }
        loanReceivableCreditRupiah.addAndGet(coopIndex, angsuran);
        marketFeePayableCreditRupiah.addAndGet(coopIndex, retribusi);
        coopCreditRupiah.addAndGet(coopIndex, netRupiah);
        clearingDebitRupiah += grossRupiah;
        feeIncomeCreditRupiah += feeRupiah;
        if (clearingDebitRupiah != feeIncomeCreditRupiah + totalCoopCredits()) {
            throw new IllegalStateException("ledger out of balance after batch " + batchId);
        }
        return new Postings(batchId, grossRupiah, feeRupiah, netRupiah);
    }

    private long totalCoopCredits() {
        long sum = 0;
        for (int i = 0; i < coopCreditRupiah.length(); i++) {
            sum += coopCreditRupiah.get(i);
        }
        return sum;
    }

    /** Settled net of a cooperative (sum of its members' credits), in rupiah. */
    public long coopBalanceRupiah(int coopIndex) {
        AtomicLongArray a = coopCreditRupiah;
        return coopIndex < a.length() ? a.get(coopIndex) : 0; // added since the last batch: nothing settled yet
    }

    /** What one member was paid out, in rupiah: its settled net less the obligations deducted from it. */
    public long memberBalanceRupiah(int traderIndex) {
        AtomicLongArray a = memberCreditRupiah;
        return traderIndex < a.length() ? a.get(traderIndex) : 0;
    }

    /** Simpanan wajib collected from one member, in rupiah. */
    public long memberSavingsRupiah(int traderIndex) {
        AtomicLongArray a = memberSavingsCreditRupiah;
        return traderIndex < a.length() ? a.get(traderIndex) : 0;
    }

    /** Angsuran collected for a cooperative's loan receivable, in rupiah. */
    public long loanReceivableCreditRupiah(int coopIndex) {
        AtomicLongArray a = loanReceivableCreditRupiah;
        return coopIndex < a.length() ? a.get(coopIndex) : 0;
    }

    /** Retribusi collected into a cooperative's market-fee payable, in rupiah. */
    public long marketFeePayableRupiah(int coopIndex) {
        AtomicLongArray a = marketFeePayableCreditRupiah;
        return coopIndex < a.length() ? a.get(coopIndex) : 0;
    }

    public long clearingDebitRupiah() {
        return clearingDebitRupiah;
    }

    public long feeIncomeCreditRupiah() {
        return feeIncomeCreditRupiah;
    }

    /** Writes every balance (the settlement thread has stopped). */
    public void writeTo(SnapshotWriter out) {
        out.writeInt(coopCreditRupiah.length());
        out.writeInt(memberCreditRupiah.length());
        for (int i = 0; i < coopCreditRupiah.length(); i++) {
            out.writeLong(coopCreditRupiah.get(i));
        }
        for (int i = 0; i < memberCreditRupiah.length(); i++) {
            out.writeLong(memberCreditRupiah.get(i));
        }
        for (int i = 0; i < memberCreditRupiah.length(); i++) {
            out.writeLong(memberSavingsCreditRupiah.get(i));
        }
        for (int i = 0; i < coopCreditRupiah.length(); i++) {
            out.writeLong(loanReceivableCreditRupiah.get(i));
            out.writeLong(marketFeePayableCreditRupiah.get(i));
        }
        out.writeLong(clearingDebitRupiah);
        out.writeLong(feeIncomeCreditRupiah);
    }

    /** Loads balances {@link #writeTo} wrote, and checks that they balance as after every batch. */
    public void readFrom(SnapshotReader in) {
        int coops = in.readInt();
        int members = in.readInt();
        // the reference may hold more than the snapshot's ledger (added after its last batch), never fewer
        if (coops < 0 || members < 0 || coops > coopCreditRupiah.length() || members > memberCreditRupiah.length()) {
            throw new SnapshotException("snapshot ledger has " + coops + " cooperatives and " + members
                    + " members, the reference data " + coopCreditRupiah.length() + " and " + memberCreditRupiah.length());
        }
        for (int i = 0; i < coops; i++) {
            coopCreditRupiah.set(i, in.readLong());
        }
        long memberSum = 0;
        for (int i = 0; i < members; i++) {
            long v = in.readLong();
            memberCreditRupiah.set(i, v);
            memberSum += v;
        }
        for (int i = 0; i < members; i++) {
            long v = in.readLong();
            memberSavingsCreditRupiah.set(i, v);
            memberSum += v;
        }
        for (int i = 0; i < coops; i++) {
            long loan = in.readLong();
            long fees = in.readLong();
            loanReceivableCreditRupiah.set(i, loan);
            marketFeePayableCreditRupiah.set(i, fees);
            memberSum += loan + fees;
        }
        clearingDebitRupiah = in.readLong();
        feeIncomeCreditRupiah = in.readLong();
        if (clearingDebitRupiah != feeIncomeCreditRupiah + totalCoopCredits() || memberSum != totalCoopCredits()) {
            throw new SnapshotException("snapshot ledger does not balance: clearing " + clearingDebitRupiah + ", fees "
                    + feeIncomeCreditRupiah + ", cooperatives " + totalCoopCredits() + ", members, savings, loans and market fees "
                    + memberSum);
        }
    }

    /**
     * One batch's postings: debit clearing {@code gross}, credit fee income {@code fee}, credit
     * members {@code net} in total.
     */
    public record Postings(String batchId, long clearingDebitRupiah, long feeIncomeCreditRupiah, long membersCreditRupiah) {
    }
}
