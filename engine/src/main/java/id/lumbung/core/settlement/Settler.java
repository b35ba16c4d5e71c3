package id.lumbung.core.settlement;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.ObligationBook;
import id.lumbung.core.obligation.ObligationBooks;
import id.lumbung.core.obligation.ObligationEvent;
import id.lumbung.core.obligation.ObligationSettling;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.payment.ClosedWindow;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.payment.WindowPayments;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic part of settlement: a closed window in, its batches out. Per payment the fee
 * from the trader's plan, per cooperative with payments one {@link Batch} of member totals (sorted
 * by trader id), its id from the close, its opening balance from the cooperative's previous batch,
 * booked in the {@link Ledger} (balanced postings, checked per batch). Each closed cooperative's
 * obligations ({@link ObligationBooks}, fed the journaled obligation events in journal order by
 * {@link #apply}) accrue to the close's Asia/Jakarta date, and each member's net pays what is due
 * before its payout (DESIGN.md, "Member obligations"). A function of the windows, the obligation
 * events and the reference data only, so replay yields the same batches.
 *
 * <p>No threads, files or metrics: the shell ({@code id.lumbung.settlement.Settlement}) calls it
 * from one thread at a time, writes the batches' files and lists them. It also holds the encoding
 * of settlement's part of a snapshot: the closing balances and the listed batches, which it checks
 * against the reference and against each other when reading.
 */
public final class Settler {
    /** Batches per cooperative a snapshot may list: 5 closes a day for 100 years. */
    private static final int SNAPSHOT_BATCHES_MAX = 5 * 366 * 100;
    private static final int SNAPSHOT_FILES_MAX = 8;
    private static final int SNAPSHOT_STRING_BYTES_MAX = 4096;

    /** The reference of the window being settled. */
    private ReferenceData reference;
    /** The configured plans: those a reference without journaled plans prices with. */
    private final FeeSchedule fees;
    private final Ledger ledger;
    // by trader or cooperative index; they grow with the reference (indexes are stable)
    private FeePlan[] planByTrader;
    private int[][] tradersByIdOfCoop;
    private long[] closingBalanceByCoop = new long[0];
    private long[] paymentsByTrader = new long[0];
    private long[] grossByTrader = new long[0];
    private long[] feeByTrader = new long[0];
    private long[] paymentsByCoop = new long[0];
    private final Aggregator aggregator = new Aggregator();
    /** Every cooperative's obligations, with what each has collected. */
    private final ObligationBooks obligations = new ObligationBooks();

    /**
     * @param reference the reference the first windows settle with; {@code ledger} is already
     *     sized for it
     * @param fees the configured plans, for a reference without journaled plans
     */
    public Settler(ReferenceData reference, FeeSchedule fees, Ledger ledger) {
        this.fees = fees;
        this.ledger = ledger;
        adopt(reference, false);
    }

    /**
     * Settles from here on with {@code ref}: its fee plans (the journaled ones, else the
     * configured), members and settlement accounts. Indexes are stable, so state by index only
     * grows, the ledger's accounts with it.
     */
    public void useReference(ReferenceData ref) {
        adopt(ref, true);
    }

    /** Applies one journaled obligation event, in journal order with the windows. */
    public void apply(ObligationEvent event) {
        obligations.apply(event);
    }

    /** The obligation books: read them through its thread-safe methods. */
    public ObligationBooks obligations() {
        return obligations;
    }

    /** The reference the next window settles with (the last one adopted). */
    public ReferenceData reference() {
        return reference;
    }

    private void adopt(ReferenceData ref, boolean growLedger) {
        if (ref == reference) {
            return;
        }
        reference = ref;
        int traders = ref.traderCount();
        int coops = ref.coopCount();
        Map<String, FeePlan> plans = new HashMap<>();
        FeePlan[] byTrader = new FeePlan[traders];
        for (int t = 0; t < traders; t++) {
            byTrader[t] = plans.computeIfAbsent(ref.trader(t).feePlan(), name -> {
                String spec = ref.feePlans().get(name);
                return spec != null ? FeePlan.parse(name, spec) : fees.plan(name);
            });
        }
        planByTrader = byTrader;
        int[][] order = new int[coops][];
        for (int c = 0; c < coops; c++) {
            order[c] = ref.tradersOf(c).stream().mapToInt(Trader::index).toArray();
        }
        tradersByIdOfCoop = order;
        if (coops > closingBalanceByCoop.length) {
            closingBalanceByCoop = Arrays.copyOf(closingBalanceByCoop, coops);
            paymentsByCoop = Arrays.copyOf(paymentsByCoop, coops);
        }
        if (traders > paymentsByTrader.length) {
            paymentsByTrader = Arrays.copyOf(paymentsByTrader, traders);
            grossByTrader = Arrays.copyOf(grossByTrader, traders);
            feeByTrader = Arrays.copyOf(feeByTrader, traders);
        }
        if (growLedger) {
            ledger.ensureCapacity(coops, traders);
        }
    }

    /**
     * Settles one closed window: adopts its reference if it carries one, prices every payment,
     * builds one batch per closing cooperative with payments (in the window's cooperative order)
     * and books each in the ledger.
     *
     * @return the window's batches; empty when no closing cooperative had a payment
     * @throws IllegalStateException if a batch does not balance or breaks a control total: the
     *     ledger may then hold part of the window, so nothing may be settled after it
     */
    public List<Batch> settle(ClosedWindow window) {
        if (window.reference() != null) {
            useReference(window.reference());
        }
        window.payments().forEach(aggregator);
        List<Batch> batches = new ArrayList<>(window.coops().size());
        java.time.LocalDate closeDate = JakartaDates.closeDate(window.closedAtEpochMs());
        java.util.Set<String> settled = new java.util.HashSet<>();
        for (ClosedWindow.CoopWindow part : window.coops()) {
            Batch b = settleCoop(window, part, closeDate);
            settled.add(part.coopId());
            if (b != null) {
                batches.add(b);
            }
        }
        // a closed cooperative without a batch: its obligations accrue to the close's date all the same
        if (window.onlyCoopId() != null) {
            if (!settled.contains(window.onlyCoopId())) {
                obligations.closed(window.onlyCoopId(), closeDate);
            }
        } else {
            for (Coop c : reference.coops()) {
                if (!settled.contains(c.coopId())) {
                    obligations.closed(c.coopId(), closeDate);
                }
            }
        }
        return batches;
    }

    /**
     * Per payment of a window: the fee from the trader's plan, added to the trader's totals. One
     * pass over the window's columns for every closing cooperative at once.
     */
    private final class Aggregator implements WindowPayments.Visitor {
        @Override
        public void payment(int coopIndex, int traderIndex, long amountRupiah) {
            paymentsByTrader[traderIndex]++;
            grossByTrader[traderIndex] += amountRupiah;
            feeByTrader[traderIndex] += planByTrader[traderIndex].feeRupiah(amountRupiah);
            paymentsByCoop[coopIndex]++;
        }
    }

    private Batch settleCoop(ClosedWindow window, ClosedWindow.CoopWindow part, java.time.LocalDate closeDate) {
        int coop = part.coopIndex();
        long payments = paymentsByCoop[coop];
        paymentsByCoop[coop] = 0;
        if (payments == 0) {
            obligations.closed(part.coopId(), closeDate);
            return null;
        }
        int[] order = tradersByIdOfCoop[coop];
        List<MemberTotals> members = new ArrayList<>();
        int[] memberIndexes = new int[order.length];
        long gross = 0, fee = 0;
        for (int t : order) {
            if (paymentsByTrader[t] == 0) {
                continue;
            }
            memberIndexes[members.size()] = t;
            members.add(new MemberTotals(reference.trader(t).traderId(), paymentsByTrader[t], grossByTrader[t],
                    feeByTrader[t], grossByTrader[t] - feeByTrader[t]));
            gross += grossByTrader[t];
            fee += feeByTrader[t];
            paymentsByTrader[t] = 0;
            grossByTrader[t] = 0;
            feeByTrader[t] = 0;
        }
        Coop c = reference.coop(coop);
        List<PayoutLine> payouts = deduct(c.coopId(), closeDate, members);
        Batch batch = new Batch(PaymentIds.batchId(c.coopId(), window.closeSequence()), c.coopId(),
                part.firstSequence(), part.lastSequence(), window.closedAtEpochMs(), members, payments, gross, fee,
                gross - fee, closingBalanceByCoop[coop], payouts);
        int n = members.size();
        long[] payout = new long[n], savings = new long[n], angsuran = new long[n], retribusi = new long[n];
        for (int i = 0; i < n; i++) {
            PayoutLine l = payouts.get(i);
            payout[i] = l.payoutRupiah();
            savings[i] = l.simpananWajibRupiah();
            angsuran[i] = l.angsuranRupiah();
            retribusi[i] = l.retribusiRupiah();
        }
        ledger.book(coop, batch.batchId(), gross, fee, memberIndexes, payout, savings, angsuran, retribusi, n);
        closingBalanceByCoop[coop] = batch.closingBalanceRupiah();
        return batch;
    }

    /**
     * The obligation rule over one batch's members (sorted by trader id): what each net pays of
     * what is due, under the book's monitor so that a reader sees the whole close or none of it.
     */
    private List<PayoutLine> deduct(String coopId, java.time.LocalDate closeDate, List<MemberTotals> members) {
        ObligationBook book = obligations.book(coopId);
        synchronized (book) {
            ObligationSettling settling = book.settle(closeDate);
            for (MemberTotals m : members) {
                settling.member(m.traderId(), m.netRupiah());
            }
            return settling.finish().lines();
        }
    }

    /**
     * What settlement's part of a snapshot holds besides the closing balances, as read back.
     *
     * @param settledCloseSequence the latest close whose batches are listed (0 before the first)
     * @param lastCloseEpochMs when that close happened
     * @param batchesByCoop per cooperative index of the snapshot, its listed batches, oldest first
     */
    public record Listing(long settledCloseSequence, long lastCloseEpochMs, List<List<BatchRecord>> batchesByCoop) {
        public Listing {
            batchesByCoop = List.copyOf(batchesByCoop);
        }
    }

    /**
     * Writes the listing and each cooperative's closing balance; the ledger writes its own part.
     *
     * @param batchesByCoop per cooperative index, its listed batches, oldest first
     */
    public void writeTo(SnapshotWriter out, long settledCloseSequence, long lastCloseEpochMs,
            List<? extends List<BatchRecord>> batchesByCoop) {
        out.writeLong(settledCloseSequence);
        out.writeLong(lastCloseEpochMs);
        out.writeInt(closingBalanceByCoop.length);
        out.writeLongs(closingBalanceByCoop, 0, closingBalanceByCoop.length);
        for (List<BatchRecord> records : batchesByCoop) {
            out.writeInt(records.size());
            for (BatchRecord r : records) {
                writeBatch(out, r);
            }
        }
        byte[] books = obligations.toBytes();
        out.writeInt(books.length);
        out.writeBytes(books, 0, books.length);
    }

    private void writeBatch(SnapshotWriter out, BatchRecord r) {
        Batch b = r.batch();
        out.writeString(b.batchId());
        out.writeLong(b.firstSequence());
        out.writeLong(b.lastSequence());
        out.writeLong(b.closedAtEpochMs());
        out.writeLong(b.openingBalanceRupiah());
        out.writeInt(b.members().size());
        for (int i = 0; i < b.members().size(); i++) {
            MemberTotals m = b.members().get(i);
            PayoutLine l = b.payouts().get(i);
            out.writeInt(memberIndex(r.coopIndex(), m.traderId()));
            out.writeLong(m.payments());
            out.writeLong(m.grossRupiah());
            out.writeLong(m.feeRupiah());
            out.writeLong(l.retribusiRupiah());
            out.writeLong(l.angsuranRupiah());
            out.writeLong(l.simpananWajibRupiah());
        }
        out.writeString(r.settlementAccount());
        out.writeInt(r.files().size());
        for (FileDigest f : r.files()) {
            out.writeString(f.name());
            out.writeLong(f.sizeBytes());
            out.writeString(f.sha256Hex());
        }
    }

    /**
     * The index of member {@code traderId} of the cooperative (a trader has one index per cooperative
     * it was in). The id's own lookup answers for a trader still in that cooperative; the scan of the
     * cooperative's traders is only for one that moved away or was removed.
     */
    private int memberIndex(int coop, String traderId) {
        Trader live = reference.trader(traderId);
        if (live != null && live.coopIndex() == coop) {
            return live.index();
        }
        for (Trader t : reference.tradersOf(coop)) {
            if (t.traderId().equals(traderId)) {
                return t.index();
            }
        }
        throw new IllegalStateException("batch member " + traderId + " is not a member of cooperative index " + coop);
    }

    /**
     * Loads what {@link #writeTo} wrote into this fresh settler, before it settles a window: the
     * closing balances here, the listing returned. Each batch is rebuilt through {@link Batch}'s
     * own checks (control totals equal member lines), and each cooperative's batches must chain
     * (each opens where the previous closed) up to its closing balance.
     *
     * @throws SnapshotException naming the batch or cooperative at fault
     */
    public Listing readFrom(SnapshotReader in) {
        long settledCloseSequence = in.readLong();
        long lastCloseEpochMs = in.readLong();
        int coops = in.readInt();
        if (coops < 0 || coops > closingBalanceByCoop.length) { // cooperatives added after its last batch are not in it
            throw new SnapshotException("snapshot settlement has " + coops + " cooperatives, the reference data "
                    + closingBalanceByCoop.length);
        }
        in.readLongs(closingBalanceByCoop, 0, coops);
        List<List<BatchRecord>> byCoop = new ArrayList<>(coops);
        for (int c = 0; c < coops; c++) {
            int n = in.readCount(SNAPSHOT_BATCHES_MAX, "batches of a cooperative");
            List<BatchRecord> records = new ArrayList<>(n);
            long balance = 0;
            for (int i = 0; i < n; i++) {
                BatchRecord r = readBatch(in, c);
                if (r.batch().openingBalanceRupiah() != balance) {
                    throw new SnapshotException("snapshot batch " + r.batch().batchId() + " opens at "
                            + r.batch().openingBalanceRupiah() + ", its previous batch closed at " + balance);
                }
                balance = r.batch().closingBalanceRupiah();
                records.add(r);
            }
            if (balance != closingBalanceByCoop[c]) {
                throw new SnapshotException("snapshot cooperative " + reference.coop(c).coopId() + " closes at "
                        + closingBalanceByCoop[c] + ", its last batch at " + balance);
            }
            byCoop.add(records);
        }
        int bookBytes = in.readCount(ObligationBooks.snapshotBytesMax(), "bytes of the obligation books");
        byte[] books = new byte[bookBytes];
        in.readBytes(books, 0, bookBytes);
        try {
            obligations.fromBytes(books);
        } catch (java.io.IOException e) {
            throw new SnapshotException("snapshot " + e.getMessage(), e);
        }
        return new Listing(settledCloseSequence, lastCloseEpochMs, byCoop);
    }

    private BatchRecord readBatch(SnapshotReader in, int coop) {
        Coop c = reference.coop(coop);
        String batchId = in.readString(SNAPSHOT_STRING_BYTES_MAX);
        long first = in.readLong();
        long last = in.readLong();
        long closedAt = in.readLong();
        long opening = in.readLong();
        if (!batchId.equals(PaymentIds.batchId(c.coopId(), last))) {
            throw new SnapshotException("snapshot batch " + batchId + " of cooperative " + c.coopId()
                    + " does not end at its close " + last);
        }
        int memberCount = in.readCount(tradersByIdOfCoop[coop].length, "members of a batch");
        List<MemberTotals> members = new ArrayList<>(memberCount);
        List<PayoutLine> payouts = new ArrayList<>(memberCount);
        long payments = 0, gross = 0, fee = 0;
        for (int m = 0; m < memberCount; m++) {
            int t = in.readInt();
            if (t < 0 || t >= reference.traderCount() || reference.trader(t).coopIndex() != coop) {
                throw new SnapshotException("snapshot batch " + batchId + " names trader index " + t
                        + ", not a member of " + c.coopId());
            }
            long p = in.readLong();
            long g = in.readLong();
            long f = in.readLong();
            long retribusi = in.readLong();
            long angsuran = in.readLong();
            long simpananWajib = in.readLong();
            String traderId = reference.trader(t).traderId();
            members.add(new MemberTotals(traderId, p, g, f, g - f));
            try {
                payouts.add(new PayoutLine(traderId, g - f, retribusi, angsuran, simpananWajib,
                        g - f - retribusi - angsuran - simpananWajib));
            } catch (IllegalStateException | ArithmeticException e) {
                throw new SnapshotException("snapshot batch " + batchId + ": " + e.getMessage(), e);
            }
            payments += p;
            gross += g;
            fee += f;
        }
        String account = in.readString(SNAPSHOT_STRING_BYTES_MAX);
        int fileCount = in.readCount(SNAPSHOT_FILES_MAX, "files of a batch");
        List<FileDigest> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(new FileDigest(in.readString(SNAPSHOT_STRING_BYTES_MAX), in.readLong(),
                    in.readString(SNAPSHOT_STRING_BYTES_MAX)));
        }
        try {
            return new BatchRecord(new Batch(batchId, c.coopId(), first, last, closedAt, members, payments, gross, fee,
                    gross - fee, opening, payouts), coop, List.copyOf(files), account);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new SnapshotException("snapshot batch " + batchId + " is inconsistent: " + e.getMessage(), e);
        }
    }
}
