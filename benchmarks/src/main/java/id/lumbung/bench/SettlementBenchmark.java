package id.lumbung.bench;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.ClosedWindow;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeePlan;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.settlement.Settlement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Settlement per payment, two ways, both reported <b>per payment</b> ({@code @OperationsPerInvocation}
 * = the {@value #PAYMENTS} payments of one window over 10 cooperatives and 1,000 traders).
 *
 * <ul>
 * <li>{@link #aggregateWindow}: the per-payment visitor of {@code Settlement} re-stated over the window's
 *     payment columns (count, gross and {@link FeePlan#feeRupiah} per trader), then the
 *     per-member pass that reads and clears the trader totals. No batches, ledger or files: the
 *     CPU floor of settling one payment.</li>
 * <li>{@link #settleWindowEndToEnd}: the real {@link Settlement}: hand the closed window over and
 *     wait for its batches: aggregation, {@code Batch} and ledger checks, ledger booking, the CSV and
 *     camt.053 of each of the 10 batches and the close's postings file, each written atomically with
 *     fsync, on the settlement thread and its file pool. A fresh data folder and Settlement per
 *     iteration (deleted after); each invocation settles the same payments under a new close
 *     sequence, so new batch ids and new files. -prof gc counts every thread, so B/op here includes
 *     the settlement and file threads: that is what settlement allocates per payment.</li>
 * </ul>
 *
 * <p>The window's records come from a real {@link PaymentBook}: {@value #PAYMENTS} posts against an
 * ASYNC journal in a temp folder, then a close whose window is captured by the WindowSink.
 */
// Chronicle's JVM flags: forks inherit them from the host JVM, which the scripts start with them
// (benchmarks/chronicle-flags.sh reads them from the root pom, the single copy)
public class SettlementBenchmark extends HotPathBenchmark {
    /** Payments in the window: 1,000 per cooperative, 10 per trader. */
    static final int PAYMENTS = 10_000;
    /** Kept strongly reachable: JUL holds loggers weakly, and the level must outlive setup. */
    private static final Logger SETTLEMENT_LOG = Logger.getLogger(Settlement.class.getName());

    /** Reference data and one closed window of {@value #PAYMENTS} payments, built once per run. */
    @State(Scope.Benchmark)
    public static class Window {
        Path refDir;
        ReferenceData ref;
        FeeSchedule fees;
        ClosedWindow window;
        /** Per trader: its fee plan; per cooperative: its traders sorted by traderId (as Settlement). */
        FeePlan[] planByTrader;
        int[][] tradersOfCoop;

        @Setup
        public void build() throws Exception {
            SETTLEMENT_LOG.setLevel(Level.WARNING); // one INFO line per close otherwise
            refDir = BookFixtures.tempDir("lumbung-jmh-ref-");
            ref = BookFixtures.reference(refDir);
            fees = BookFixtures.fees();
            Path journalDir = BookFixtures.tempDir("lumbung-jmh-window-");
            List<ClosedWindow> closed = new ArrayList<>();
            Journal journal = new Journal(journalDir, Durability.ASYNC);
            try {
                PaymentBook book = BookFixtures.book(ref, journal, closed::add);
                long occurredAt = System.currentTimeMillis() - 60_000;
                for (int i = 0; i < PAYMENTS; i++) {
                    Terminal t = ref.terminal(i % ref.terminalCount());
                    PaymentRequest r = new PaymentRequest(t.terminalId(), Long.toString(i, 36),
                            1_000 + (i * 7919L) % 1_000_000, "IDR", occurredAt, Fixtures.OCCURRED_AT_OFFSET_SECONDS,
                            "QRIS", null, null);
                    if (book.post(r, t).result() != PostOutcome.Result.ACCEPTED) {
                        throw new IllegalStateException("payment " + i + " not accepted");
                    }
                }
                book.close(-1, JournalEntry.TRIGGER_ADMIN);
                book.publishWindows();
            } finally {
                journal.close();
                JournalAppendBenchmark.deleteRecursively(journalDir);
            }
            window = closed.get(0);
            long[] inWindowHolder = new long[1];
            window.payments().forEach((coop, trader, amount) -> inWindowHolder[0]++);
            long inWindow = inWindowHolder[0];
            if (closed.size() != 1 || inWindow != PAYMENTS || window.coops().size() != BookFixtures.COOPS) {
                throw new IllegalStateException("expected one window of " + PAYMENTS + " payments over "
                        + BookFixtures.COOPS + " cooperatives, got " + inWindow);
            }
            planByTrader = new FeePlan[ref.traderCount()];
            for (int t = 0; t < planByTrader.length; t++) {
                planByTrader[t] = fees.plan(ref.trader(t).feePlan());
            }
            tradersOfCoop = new int[ref.coopCount()][];
            for (int c = 0; c < tradersOfCoop.length; c++) {
                tradersOfCoop[c] = ref.tradersOf(c).stream()
                        .mapToInt(Trader::index).toArray();
            }
        }

        @TearDown
        public void delete() {
            JournalAppendBenchmark.deleteRecursively(refDir);
        }
    }

    /** Per-trader accumulators, as Settlement keeps them, and the same per-payment visitor. */
    @State(Scope.Thread)
    public static class Totals implements id.lumbung.core.payment.WindowPayments.Visitor {
        long[] payments;
        long[] gross;
        long[] fee;
        FeePlan[] planByTrader;

        @Setup
        public void allocate(Window w) {
            payments = new long[w.ref.traderCount()];
            gross = new long[w.ref.traderCount()];
            fee = new long[w.ref.traderCount()];
            planByTrader = w.planByTrader;
        }

        @Override
        public void payment(int coopIndex, int t, long amount) {
            payments[t]++;
            gross[t] += amount;
            fee[t] += planByTrader[t].feeRupiah(amount);
        }
    }

    /** A real Settlement over a fresh data folder, per iteration. */
    @State(Scope.Thread)
    public static class Live {
        Path dataDir;
        Settlement settlement;
        long closeSequence;

        @Setup(org.openjdk.jmh.annotations.Level.Iteration)
        public void open(Window w) throws Exception {
            dataDir = BookFixtures.tempDir("lumbung-jmh-settle-");
            settlement = new Settlement(w.ref, w.fees, dataDir, new Ledger(w.ref.coopCount(), w.ref.traderCount()),
                    new EngineMetrics(new SimpleMeterRegistry()), (t, e) -> e.printStackTrace());
            closeSequence = w.window.closeSequence();
        }

        @TearDown(org.openjdk.jmh.annotations.Level.Iteration)
        public void closeAndDelete() {
            settlement.close();
            JournalAppendBenchmark.deleteRecursively(dataDir);
        }

        /** The window again under the next close sequence: new batch ids, so new files. */
        ClosedWindow nextWindow(ClosedWindow w) {
            long first = closeSequence + 1;
            closeSequence += PAYMENTS + 1;
            List<ClosedWindow.CoopWindow> parts = new ArrayList<>(w.coops().size());
            for (ClosedWindow.CoopWindow p : w.coops()) {
                parts.add(new ClosedWindow.CoopWindow(p.coopIndex(), p.coopId(), first, closeSequence));
            }
            return new ClosedWindow(closeSequence, w.closedAtEpochMs(), w.trigger(), parts, w.payments());
        }
    }

    /** Baseline: the walk over the window's columns alone, summing amounts (no per-trader totals, no fee). */
    @State(Scope.Thread)
    public static class AmountSum implements id.lumbung.core.payment.WindowPayments.Visitor {
        long sum;

        @Override
        public void payment(int coopIndex, int trader, long amount) {
            sum += amount;
        }
    }

    /** Baseline of {@link #aggregateWindow}: visiting every payment of the window, nothing else. */
    @Benchmark
    @OperationsPerInvocation(PAYMENTS)
    public long baselineVisitWindow(Window w, AmountSum s) {
        s.sum = 0;
        w.window.payments().forEach(s);
        return s.sum;
    }

    /** Settlement's aggregation loop and member pass, without batches, ledger or files; returns total fee. */
    @Benchmark
    @OperationsPerInvocation(PAYMENTS)
    public long aggregateWindow(Window w, Totals s) {
        long feeTotal = 0;
        w.window.payments().forEach(s);
        for (ClosedWindow.CoopWindow part : w.window.coops()) {
            long gross = 0;
            long fee = 0;
            for (int t : w.tradersOfCoop[part.coopIndex()]) {
                if (s.payments[t] == 0) {
                    continue;
                }
                gross += s.gross[t];
                fee += s.fee[t];
                s.payments[t] = 0;
                s.gross[t] = 0;
                s.fee[t] = 0;
            }
            feeTotal += fee + (gross & 1); // keep gross live
        }
        return feeTotal;
    }

    /** The real Settlement: hand the window over, wait for its 10 batches (files fsynced). */
    @Benchmark
    @OperationsPerInvocation(PAYMENTS)
    public List<Batch> settleWindowEndToEnd(Window w, Live live) throws Exception {
        ClosedWindow window = live.nextWindow(w.window);
        live.settlement.onWindowClosed(window);
        List<Batch> batches = live.settlement.batchesOfClose(window.closeSequence()).get(60, TimeUnit.SECONDS);
        if (batches.size() != BookFixtures.COOPS) {
            throw new IllegalStateException("close " + window.closeSequence() + " gave " + batches.size() + " batches");
        }
        return batches;
    }
}
