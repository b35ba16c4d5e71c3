package id.lumbung.core.ledger;

import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Double-entry balances derived from settlement batches. Each batch books: debit the acquirer
 * clearing account with the gross, credit fee income with the fees, credit each member's account
 * with its net. Debits are positive, credits negative; the postings of every batch sum to zero,
 * checked after each batch, and a batch that does not balance stops the engine.
 *
 * <p>Written by the settlement thread only; read from event loops (atomic arrays give them a
 * consistent value per account).
 */
public final class Ledger {
    // replaced by larger copies when the reference grows (settlement thread, the only writer)
    private volatile AtomicLongArray memberCreditRupiah;
    private volatile AtomicLongArray coopCreditRupiah;
    private volatile long clearingDebitRupiah;
    private volatile long feeIncomeCreditRupiah;

    public Ledger(int coops, int traders) {
        memberCreditRupiah = new AtomicLongArray(traders);
        coopCreditRupiah = new AtomicLongArray(coops);
    }

    /** Grows the accounts to {@code coops} and {@code traders} (indexes are stable: existing ones keep their balance). */
    public void ensureCapacity(int coops, int traders) {
        if (coops > coopCreditRupiah.length()) {
            coopCreditRupiah = grown(coopCreditRupiah, coops);
        }
        if (traders > memberCreditRupiah.length()) {
            memberCreditRupiah = grown(memberCreditRupiah, traders);
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
     * Books one batch: the clearing account is debited its gross, fee income credited its fee, and
     * each member its net.
     *
     * @param memberTraderIndexes trader index of each member of the batch
     * @param memberNetRupiah each member's net, in the same order
     * @param members how many of the two arrays' entries are the batch's
     * @return the postings, for the ledger file
     */
    public Postings book(int coopIndex, String batchId, long grossRupiah, long feeRupiah, int[] memberTraderIndexes,
            long[] memberNetRupiah, int members) {
        long netRupiah = grossRupiah - feeRupiah;
        long credits = feeRupiah;
        for (int i = 0; i < members; i++) {
            credits += memberNetRupiah[i];
        }
        if (grossRupiah != credits) {
            throw new IllegalStateException("batch " + batchId + " does not balance: debits " + grossRupiah
                    + " != credits " + credits);
        }
        for (int i = 0; i < members; i++) {
            memberCreditRupiah.addAndGet(memberTraderIndexes[i], memberNetRupiah[i]);
        }
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

    /** Settled net of one member, in rupiah. */
    public long memberBalanceRupiah(int traderIndex) {
        AtomicLongArray a = memberCreditRupiah;
        return traderIndex < a.length() ? a.get(traderIndex) : 0;
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
        clearingDebitRupiah = in.readLong();
        feeIncomeCreditRupiah = in.readLong();
        if (clearingDebitRupiah != feeIncomeCreditRupiah + totalCoopCredits() || memberSum != totalCoopCredits()) {
            throw new SnapshotException("snapshot ledger does not balance: clearing " + clearingDebitRupiah + ", fees "
                    + feeIncomeCreditRupiah + ", cooperatives " + totalCoopCredits() + ", members " + memberSum);
        }
    }

    /**
     * One batch's postings: debit clearing {@code gross}, credit fee income {@code fee}, credit
     * members {@code net} in total.
     */
    public record Postings(String batchId, long clearingDebitRupiah, long feeIncomeCreditRupiah, long membersCreditRupiah) {
    }
}
