package id.lumbung.settlement;

import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.FeePlan;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.payment.ClosedWindow;
import id.lumbung.payment.PaymentBook;
import id.lumbung.payment.WindowPayments;
import id.lumbung.payment.WindowSink;
import id.lumbung.reference.Coop;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.Trader;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.snapshot.SnapshotException;
import id.lumbung.snapshot.SnapshotIn;
import id.lumbung.snapshot.SnapshotOut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Turns closed windows into batches on its own thread ("lumbung-settlement"): fees per payment from
 * each trader's plan, member totals, balanced ledger postings, then the CSV and camt.053 files
 * written atomically under {@code <data>/files/<coopId>/}, and the close's ledger postings under
 * {@code <data>/ledger/close-<sequence>.postings.csv}. A pure function of the windows and the
 * reference data, so replay regenerates the same batches and byte-identical files (an existing file
 * with different bytes is corruption and stops the engine).
 *
 * <p>Windows arrive in journal order from the journal writer ({@link #onWindowClosed}) only once
 * their close entry is durable. Readers (cooperative API, admin) see batches through concurrent
 * collections.
 */
public final class Settlement implements WindowSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Settlement.class.getName());

    /** The reference of the window being settled (settlement thread; before it runs, the starting thread). */
    private ReferenceData reference;
    /** The configured plans: those a reference without journaled plans prices with. */
    private final FeeSchedule fees;
    private final Path filesDir;
    private final Ledger ledger;
    private final EngineMetrics metrics;
    // by trader or cooperative index; they grow with the reference (indexes are stable)
    private FeePlan[] planByTrader;
    private int[][] tradersByIdOfCoop;
    private long[] closingBalanceByCoop;
    private long[] paymentsByTrader;
    private long[] grossByTrader;
    private long[] feeByTrader;
    private long[] paymentsByCoop;
    private final Aggregator aggregator = new Aggregator();
    /** Grows (rarely) while the cooperative API reads it: copy-on-write. */
    private final CopyOnWriteArrayList<CopyOnWriteArrayList<BatchRecord>> batchesByCoop = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, BatchRecord> batchById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, List<Batch>> batchesByClose = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final ExecutorService thread;
    /** The file phase of each close, on its own writer pool. */
    private final SettlementFiles files;
    private final Thread.UncaughtExceptionHandler fatal;
    private volatile long settledCloseSequence;
    private volatile long lastCloseEpochMs;
    private long aggregateMs;
    /**
     * The failure that stopped settlement, or null. Once set, no later window is settled: its
     * opening balances would follow a batch that was never published, while the ledger may already
     * hold that batch's postings. The engine stops on the same failure (its fatal handler); until it
     * has, every waiter, now or later, gets this failure. Settlement thread writes it.
     */
    private volatile RuntimeException failure;
    /** False while the journal replays: regenerated batches are logged at DEBUG, not once more at INFO. */
    private volatile boolean live;
    /** Told of each live batch once its files are written (delivery); null: nobody. */
    private volatile BatchFilesListener filesWritten;

    /**
     * @param fatal told when a window cannot be settled; the engine must stop
     * @param dataDir the data folder: batch files go to {@code files/<coopId>/}, ledger postings to
     *     {@code ledger/close-<sequence>.postings.csv}
     */
    public Settlement(ReferenceData reference, FeeSchedule fees, Path dataDir, Ledger ledger, EngineMetrics metrics,
            Thread.UncaughtExceptionHandler fatal) {
        this.fatal = fatal;
        this.fees = fees;
        this.filesDir = dataDir.resolve("files");
        this.ledger = ledger;
        this.metrics = metrics;
        closingBalanceByCoop = new long[0];
        paymentsByTrader = new long[0];
        grossByTrader = new long[0];
        feeByTrader = new long[0];
        paymentsByCoop = new long[0];
        files = new SettlementFiles(reference, filesDir, dataDir.resolve("ledger"));
        adopt(reference, false); // the ledger is built for this reference by the caller
        files.onRegenerated(this::regenerated);
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lumbung-settlement");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Settles from here on with {@code ref}: its fee plans (the journaled ones, else the
     * configured), members and settlement accounts. Indexes are stable, so state by index only
     * grows. Settlement thread, or the starting thread before it runs (a snapshot's reference).
     */
    public void useReference(ReferenceData ref) {
        adopt(ref, true);
    }

    private void adopt(ReferenceData ref, boolean growLedger) {
        if (ref == reference) {
            return;
        }
        reference = ref;
        int traders = ref.traderCount();
        int coops = ref.coopCount();
        java.util.Map<String, FeePlan> plans = new java.util.HashMap<>();
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
        List<CopyOnWriteArrayList<BatchRecord>> added = new ArrayList<>();
        for (int c = batchesByCoop.size(); c < coops; c++) {
            added.add(new CopyOnWriteArrayList<>());
        }
        batchesByCoop.addAll(added);
        if (growLedger) {
            ledger.ensureCapacity(coops, traders);
        }
        files.reference(ref);
    }

    @Override
    public void onWindowClosed(ClosedWindow window) {
        thread.execute(() -> settle(window));
    }

    /** Completes with the batches of the close at {@code closeSequence} once they are settled. */
    public CompletableFuture<List<Batch>> batchesOfClose(long closeSequence) {
        CompletableFuture<List<Batch>> f = new CompletableFuture<>();
        thread.execute(() -> {
            if (failure != null && settledCloseSequence < closeSequence) {
                f.completeExceptionally(failure);
            } else if (settledCloseSequence >= closeSequence) {
                f.complete(batchesByClose.getOrDefault(closeSequence, List.of()));
            } else {
                waiters.add(new Waiter(closeSequence, f));
            }
        });
        return f;
    }

    /** Completes once every window handed over so far is settled (readiness after replay). */
    public CompletableFuture<Void> drained() {
        return CompletableFuture.runAsync(() -> { }, thread);
    }

    private record Waiter(long closeSequence, CompletableFuture<List<Batch>> future) {
    }

    private void settle(ClosedWindow window) {
        if (failure != null) {
            LOG.log(System.Logger.Level.ERROR, "event=settlement_skipped close_sequence={0,number,#}"
                    + " reason=\"an earlier close failed to settle\"", window.closeSequence());
            failWaiters(failure);
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (window.reference() != null) {
                useReference(window.reference());
            }
            window.payments().forEach(aggregator);
            List<Batch> batches = new ArrayList<>(window.coops().size());
            for (ClosedWindow.CoopWindow part : window.coops()) {
                Batch b = settleCoop(window, part);
                if (b != null) {
                    batches.add(b);
                }
            }
            long aggregatedNs = System.nanoTime();
            publish(window.closeSequence(), batches);
            aggregateMs = (aggregatedNs - t0) / 1_000_000;
            batchesByClose.put(window.closeSequence(), List.copyOf(batches));
            settledCloseSequence = window.closeSequence();
            lastCloseEpochMs = window.closedAtEpochMs();
            long nanos = System.nanoTime() - t0;
            metrics.settlementClose.record(nanos, TimeUnit.NANOSECONDS);
            LOG.log(logLevel(), "event=window_closed close_sequence={0,number,#} batches={1,number,#} payments={2,number,#}"
                    + " gross_rupiah={3,number,#} fee_rupiah={4,number,#} net_rupiah={5,number,#} duration_ms={6,number,#}"
                    + " aggregate_ms={7,number,#} files_ms={8,number,#}",
                    window.closeSequence(), batches.size(), batches.stream().mapToLong(Batch::payments).sum(),
                    batches.stream().mapToLong(Batch::grossRupiah).sum(), batches.stream().mapToLong(Batch::feeRupiah).sum(),
                    batches.stream().mapToLong(Batch::netRupiah).sum(), nanos / 1_000_000, aggregateMs,
                    nanos / 1_000_000 - aggregateMs);
        } catch (RuntimeException e) {
            metrics.settlementCloseFailures.increment();
            LOG.log(System.Logger.Level.ERROR, "event=settlement_failed close_sequence=" + window.closeSequence()
                    + " error=\"" + e.getMessage() + "\"", e);
            failure = e;
            failWaiters(e);
            // a batch that cannot be settled exactly (an invariant broke, a file differs) stops the engine
            fatal.uncaughtException(Thread.currentThread(), e);
            return;
        }
        waiters.removeIf(w -> {
            if (w.closeSequence <= settledCloseSequence) {
                w.future.complete(batchesByClose.getOrDefault(w.closeSequence, List.of()));
                return true;
            }
            return false;
        });
    }

    private void failWaiters(RuntimeException e) {
        for (Waiter w : waiters) {
            w.future.completeExceptionally(e);
        }
        waiters.clear();
    }

    /** The failure that stopped settlement, or null while it is healthy. */
    public RuntimeException failure() {
        return failure;
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

    private Batch settleCoop(ClosedWindow window, ClosedWindow.CoopWindow part) {
        int coop = part.coopIndex();
        long payments = paymentsByCoop[coop];
        paymentsByCoop[coop] = 0;
        if (payments == 0) {
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
        Batch batch = new Batch(PaymentBook.batchId(c.coopId(), window.closeSequence()), c.coopId(),
                part.firstSequence(), part.lastSequence(), window.closedAtEpochMs(), members, payments, gross, fee,
                gross - fee, closingBalanceByCoop[coop]);
        ledger.book(coop, batch, Arrays.copyOf(memberIndexes, members.size()));
        closingBalanceByCoop[coop] = batch.closingBalanceRupiah();
        metrics.settlementBatches.increment();
        metrics.batchPayments.record(payments);
        return batch;
    }

    /** Writes every batch's files and the close's postings ({@link SettlementFiles}), then lists the batches in order. */
    private void publish(long closeSequence, List<Batch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        for (BatchRecord record : files.write(closeSequence, batches)) {
            batchesByCoop.get(record.coopIndex()).add(record);
            batchById.put(record.batch().batchId(), record);
            BatchFilesListener listener = filesWritten;
            if (live && listener != null) {
                listener.batchFilesWritten(record);
            }
            Batch b = record.batch();
            LOG.log(logLevel(), "event=batch_closed batch_id={0} coop_id={1} first_sequence={2,number,#}"
                    + " last_sequence={3,number,#} payments={4,number,#} gross_rupiah={5,number,#} fee_rupiah={6,number,#}"
                    + " net_rupiah={7,number,#} closing_balance_rupiah={8,number,#}", b.batchId(), b.coopId(), b.firstSequence(),
                    b.lastSequence(), b.payments(), b.grossRupiah(), b.feeRupiah(), b.netRupiah(), b.closingBalanceRupiah());
        }
    }

    /** Sets who is told of each live batch once its files are written (null: nobody). */
    public void onBatchFilesWritten(BatchFilesListener listener) {
        filesWritten = listener;
    }

    /** Called once replay is done: from here on every close is logged at INFO. */
    public void live() {
        live = true;
        files.onRegenerated(null);
    }

    /**
     * Once replay is done and before the engine is ready: every file of every listed batch is on
     * disk with its listed size, and a missing one is written again from its batch, byte for byte
     * (a start from the snapshot has not written them; a whole replay already has). Runs on the
     * caller's thread while the settlement thread is idle.
     *
     * @throws IllegalStateException naming the file, if one has another size than listed or would
     *     be regenerated with other bytes than listed: the start must not serve it
     */
    public void restoreMissingFiles() {
        files.restoreMissing(batchesByCoop);
    }

    /** A batch file that was missing, written again from the journal at start. */
    private void regenerated(Path file) {
        metrics.settlementFilesRegenerated.increment();
        LOG.log(System.Logger.Level.WARNING, "event=settlement_file_regenerated file={0}", file);
    }

    private System.Logger.Level logLevel() {
        return live ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
    }

    /** True once the settlement thread has ended ({@link #close}, unless it timed out). */
    public boolean stopped() {
        return thread.isTerminated();
    }

    /** Sequence of the latest close whose batches are settled and listed (0 before the first). */
    public long settledCloseSequence() {
        return settledCloseSequence;
    }

    /** Batches per cooperative a snapshot may list: 5 closes a day for 100 years. */
    private static final int SNAPSHOT_BATCHES_MAX = 5 * 366 * 100;
    private static final int SNAPSHOT_FILES_MAX = 8;
    private static final int SNAPSHOT_STRING_BYTES_MAX = 4096;

    /**
     * Writes every listed batch and each cooperative's closing balance. Only once the settlement
     * thread has finished ({@link #close}); the ledger writes its own part.
     */
    public void writeTo(SnapshotOut out) {
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
    }

    private void writeBatch(SnapshotOut out, BatchRecord r) {
        Batch b = r.batch();
        out.writeString(b.batchId());
        out.writeLong(b.firstSequence());
        out.writeLong(b.lastSequence());
        out.writeLong(b.closedAtEpochMs());
        out.writeLong(b.openingBalanceRupiah());
        out.writeInt(b.members().size());
        for (MemberTotals m : b.members()) {
            out.writeInt(memberIndex(r.coopIndex(), m.traderId()));
            out.writeLong(m.payments());
            out.writeLong(m.grossRupiah());
            out.writeLong(m.feeRupiah());
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
     * Loads what {@link #writeTo} wrote into this fresh settlement, before its thread runs. Each
     * batch is rebuilt through {@link Batch}'s own checks (control totals equal member lines).
     */
    public void readFrom(SnapshotIn in) {
        settledCloseSequence = in.readLong();
        lastCloseEpochMs = in.readLong();
        int coops = in.readInt();
        if (coops < 0 || coops > closingBalanceByCoop.length) { // cooperatives added after its last batch are not in it
            throw new SnapshotException("snapshot settlement has " + coops + " cooperatives, the reference data "
                    + closingBalanceByCoop.length);
        }
        in.readLongs(closingBalanceByCoop, 0, coops);
        java.util.TreeMap<Long, List<Batch>> byClose = new java.util.TreeMap<>();
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
                batchById.put(r.batch().batchId(), r);
                byClose.computeIfAbsent(r.batch().lastSequence(), k -> new ArrayList<>()).add(r.batch());
            }
            if (balance != closingBalanceByCoop[c]) {
                throw new SnapshotException("snapshot cooperative " + reference.coop(c).coopId() + " closes at "
                        + closingBalanceByCoop[c] + ", its last batch at " + balance);
            }
            batchesByCoop.get(c).addAll(records);
        }
        byClose.forEach((close, batches) -> batchesByClose.put(close, List.copyOf(batches)));
    }

    private BatchRecord readBatch(SnapshotIn in, int coop) {
        Coop c = reference.coop(coop);
        String batchId = in.readString(SNAPSHOT_STRING_BYTES_MAX);
        long first = in.readLong();
        long last = in.readLong();
        long closedAt = in.readLong();
        long opening = in.readLong();
        if (!batchId.equals(PaymentBook.batchId(c.coopId(), last))) {
            throw new SnapshotException("snapshot batch " + batchId + " of cooperative " + c.coopId()
                    + " does not end at its close " + last);
        }
        int memberCount = in.readCount(tradersByIdOfCoop[coop].length, "members of a batch");
        List<MemberTotals> members = new ArrayList<>(memberCount);
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
            members.add(new MemberTotals(reference.trader(t).traderId(), p, g, f, g - f));
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
                    gross - fee, opening), coop, List.copyOf(files), account);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new SnapshotException("snapshot batch " + batchId + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /** Batches of a cooperative, oldest first (none for one added since the last window settled). */
    public List<BatchRecord> batchesOf(int coopIndex) {
        return coopIndex < batchesByCoop.size() ? batchesByCoop.get(coopIndex) : List.of();
    }

    public BatchRecord batch(String batchId) {
        return batchById.get(batchId);
    }

    public Path filesDir() {
        return filesDir;
    }

    public long lastCloseEpochMs() {
        return lastCloseEpochMs;
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            // a close still being settled needs the file writers: they stop only after it
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.close();
    }
}
