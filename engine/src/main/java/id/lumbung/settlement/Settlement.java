package id.lumbung.settlement;

import id.lumbung.ledger.Ledger;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.payment.ClosedWindow;
import id.lumbung.payment.PaymentBook;
import id.lumbung.payment.WindowPayments;
import id.lumbung.payment.WindowSink;
import id.lumbung.reference.Coop;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.Trader;
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

    private final ReferenceData reference;
    private final Path filesDir;
    private final Ledger ledger;
    private final EngineMetrics metrics;
    private final FeePlan[] planByTrader;
    private final int[][] tradersByIdOfCoop;
    private final long[] closingBalanceByCoop;
    private final long[] paymentsByTrader;
    private final long[] grossByTrader;
    private final long[] feeByTrader;
    private final long[] paymentsByCoop;
    private final Aggregator aggregator = new Aggregator();
    private final List<CopyOnWriteArrayList<BatchRecord>> batchesByCoop;
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
    /** False while the journal replays: regenerated batches are logged at DEBUG, not once more at INFO. */
    private volatile boolean live;

    /**
     * @param fatal told when a window cannot be settled; the engine must stop
     * @param dataDir the data folder: batch files go to {@code files/<coopId>/}, ledger postings to
     *     {@code ledger/close-<sequence>.postings.csv}
     */
    public Settlement(ReferenceData reference, FeeSchedule fees, Path dataDir, Ledger ledger, EngineMetrics metrics,
            Thread.UncaughtExceptionHandler fatal) {
        this.fatal = fatal;
        this.reference = reference;
        this.filesDir = dataDir.resolve("files");
        this.ledger = ledger;
        this.metrics = metrics;
        int traders = reference.traderCount();
        planByTrader = new FeePlan[traders];
        for (int t = 0; t < traders; t++) {
            planByTrader[t] = fees.plan(reference.trader(t).feePlan());
        }
        int coops = reference.coopCount();
        tradersByIdOfCoop = new int[coops][];
        batchesByCoop = new ArrayList<>(coops);
        for (int c = 0; c < coops; c++) {
            tradersByIdOfCoop[c] = reference.tradersOf(c).stream()
                    .mapToInt(Trader::index)
                    .toArray();
            batchesByCoop.add(new CopyOnWriteArrayList<>());
        }
        closingBalanceByCoop = new long[coops];
        paymentsByTrader = new long[traders];
        grossByTrader = new long[traders];
        feeByTrader = new long[traders];
        paymentsByCoop = new long[coops];
        files = new SettlementFiles(reference, filesDir, dataDir.resolve("ledger"));
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lumbung-settlement");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onWindowClosed(ClosedWindow window) {
        thread.execute(() -> settle(window));
    }

    /** Completes with the batches of the close at {@code closeSequence} once they are settled. */
    public CompletableFuture<List<Batch>> batchesOfClose(long closeSequence) {
        CompletableFuture<List<Batch>> f = new CompletableFuture<>();
        thread.execute(() -> {
            if (settledCloseSequence >= closeSequence) {
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
        long t0 = System.nanoTime();
        try {
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
            for (Waiter w : waiters) {
                w.future.completeExceptionally(e);
            }
            waiters.clear();
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
            Batch b = record.batch();
            LOG.log(logLevel(), "event=batch_closed batch_id={0} coop_id={1} first_sequence={2,number,#}"
                    + " last_sequence={3,number,#} payments={4,number,#} gross_rupiah={5,number,#} fee_rupiah={6,number,#}"
                    + " net_rupiah={7,number,#} closing_balance_rupiah={8,number,#}", b.batchId(), b.coopId(), b.firstSequence(),
                    b.lastSequence(), b.payments(), b.grossRupiah(), b.feeRupiah(), b.netRupiah(), b.closingBalanceRupiah());
        }
    }

    /** Called once replay is done: from here on every close is logged at INFO. */
    public void live() {
        live = true;
    }

    private System.Logger.Level logLevel() {
        return live ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
    }

    /** Batches of a cooperative, oldest first. */
    public List<BatchRecord> batchesOf(int coopIndex) {
        return batchesByCoop.get(coopIndex);
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
        files.close();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
