package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.config.FilesSync;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.files.PayoutsCsv;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.writer.JournalWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A recorded run, not a test: fills the journal with N payments across C cooperatives and T traders
 * through the real journal writer and payment book, closes the window for every cooperative while
 * a second thread keeps posting flat out, and reports the close time (aggregation, ledger, files),
 * the intake rate before and during the close, and heap use. Then, for each offered rate
 * ({@code -Dscale.offeredRates}, default half the flat-out rate and 2,000/s), fills another N and
 * closes while an open-loop generator offers that rate, reporting accepted/offered and the
 * acknowledgement latency during the close against the second before it. Last, unless
 * {@code -Dscale.replay=false}, the restart replay rate. {@code -Dscale.flatClose=false} leaves out
 * the first close under flat-out intake: every close is then under an offered rate, so that two
 * runs close windows of the same payments ({@code half} is then half of each window's fill rate).
 *
 * <p>With {@code -Dscale.obligations=N} the run first journals N member obligations through the
 * writer, one per trader over the first N traders ({@link ScaleObligations}), so that every close
 * runs the obligation rule on them. Each close's line gives its split as the settlement logs it
 * ({@link CloseSplit}), the obligations journaled, what the close deducted and the payouts files it
 * wrote. {@code OBLIGATIONS=N benchmarks/run-settlement-scale.sh} runs it without and with them.
 *
 * <p>{@code java -Xmx16g -cp benchmarks/target/benchmarks.jar id.lumbung.bench.settle.SettlementScaleRun
 * [payments] [coops] [traders]} (Chronicle's JVM flags are in the jar manifest only for -jar; pass
 * them, see benchmarks/run-settlement-scale.sh).
 */
public final class SettlementScaleRun {
    private static final int POSTS_PER_COMMAND = 1000;
    private static final int FLAT_POSTS_PER_ROUND = 20_000;
    private static final AtomicLong RETAINED = new AtomicLong();
    /**
     * Offered rates for the closes after the first, comma-separated: {@code half} is half the
     * flat-out rate measured just before (the lower of the first close's intake and this window's fill); a number is payments/s. 2,000/s is a busy
     * market for this reference data: 100,000 traders each taking a payment every 50 s.
     */
    private static final String OFFERED_RATES = System.getProperty("scale.offeredRates", "half,2000");
    /** Replay the whole journal after the closes ({@code scale.replay}, default true). */
    private static final boolean REPLAY = Boolean.parseBoolean(System.getProperty("scale.replay", "true"));
    /** Close first under flat-out intake ({@code scale.flatClose}, default true). */
    private static final boolean FLAT_CLOSE = Boolean.parseBoolean(System.getProperty("scale.flatClose", "true"));
    /** Member obligations journaled before the first fill ({@code scale.obligations}, default 0), one per trader. */
    private static final int OBLIGATIONS = Integer.getInteger("scale.obligations", 0);
    /**
     * Settlement warms up at start, as the engine does once ready: it settles a synthetic window on
     * a scratch settler and renders synthetic batches ({@code scale.warmUp}, default true; false
     * measures a first close without it).
     */
    private static final boolean WARM_UP = Boolean.parseBoolean(System.getProperty("scale.warmUp", "true"));
    /**
     * The journal's durability ({@code scale.durability}, default {@code sync}, the engine's): the
     * close's files are made durable as the engine does under it ({@link FilesSync#effective}).
     */
    private static final Durability DURABILITY = Durability.valueOf(
            System.getProperty("scale.durability", "sync").toUpperCase(java.util.Locale.ROOT));
    /*
     * -Dscale.root=DIR: the run's folder is made under DIR and kept, for the caller to delete; the
     * side-by-side script keeps every process's folder until its last process is done (see
     * run-settlement-scale.sh on ext4's recently deleted inodes).
     */
    private static final long OPEN_LOOP_WARMUP_MS = 500;
    private static final long OPEN_LOOP_BEFORE_MS = 1_000;
    private static final long OPEN_LOOP_AFTER_MS = 300;
    /** Latency slots: at the half rate (~300,000/s) 60 s are 18 M longs, 144 MB. */
    private static final int OPEN_LOOP_SECONDS_MAX = 60;
    /** The generator wakes at least this often; at 300,000/s a tick is ~30 payments. */
    private static final long OPEN_LOOP_TICK_NS = 50_000;
    private static final int OPEN_LOOP_COMMAND_POSTS_MAX = 256;

    public static void main(String[] args) throws Exception {
        int payments = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int coops = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int traders = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        String keepUnder = System.getProperty("scale.root");
        Path root = keepUnder == null ? Files.createTempDirectory("lumbung-scale")
                : Files.createTempDirectory(Files.createDirectories(Path.of(keepUnder)), "lumbung-scale");
        try {
            run(root, payments, coops, traders);
        } finally {
            if (keepUnder == null) {
                deleteTree(root);
            }
        }
    }

    private static void run(Path root, int payments, int coops, int traders) throws Exception {
        Path refDir = Files.createDirectories(root.resolve("reference"));
        ReferenceDataGenerator.write(refDir, coops, traders, traders, 42);
        FeeSchedule fees = FeeSchedule.defaults();
        ReferenceData ref = ReferenceFiles.load(refDir, fees.toConfig().keySet());
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        Path data = Files.createDirectories(root.resolve("data"));
        Journal journal = new Journal(data.resolve("journal"), DURABILITY);
        Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        Settlement settlement = new Settlement(ref, fees, data, ledger, metrics, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        }, FilesSync.effective(FilesSync.AUTO, DURABILITY));
        System.out.printf("journal durability %s, settlement files: %s, settlement warmed up at start: %s%n",
                DURABILITY.name().toLowerCase(java.util.Locale.ROOT), settlement.filesDurability(), WARM_UP);
        if (WARM_UP) {
            settlement.warmUp(); // as the engine does once it is ready; the fill runs meanwhile
        }
        settlement.live(); // the close logs aggregate_ms and files_ms at INFO
        Clock clock = Clock.systemUTC();
        PaymentBook book = new PaymentBook(ref, clock, journal, settlement, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
        JournalWriter writer = new JournalWriter(journal, metrics, 1 << 20, book::publishWindows, () -> { }, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        });
        writer.start();
        Closes closes = new Closes(CloseSplit.listen(), book, settlement.filesDir());
        if (OBLIGATIONS > 0) {
            journalObligations(writer, book, ref, payments, clock);
        }

        AtomicLong ids = new AtomicLong();
        double maxRate = Double.POSITIVE_INFINITY;
        if (FLAT_CLOSE) {
            fill(writer, book, ref, ids, payments, clock);
            maxRate = closeUnderFlatIntake(writer, book, ref, settlement, ids, clock, closes);
        }
        for (String spec : OFFERED_RATES.split(",")) {
            if (spec.isBlank()) {
                continue;
            }
            double fillRate = fill(writer, book, ref, ids, payments, clock);
            // the closed-loop rate of this window's own fill is the maximum in this state (a larger journal and key table than the first close's)
            double rate = spec.equals("half") ? Math.min(maxRate, fillRate) / 2 : Double.parseDouble(spec);
            closeUnderOfferedIntake(writer, book, ref, settlement, ids, rate, spec, clock, closes);
        }
        closes.split().close();
        writer.close();
        settlement.close();
        journal.close();

        if (!REPLAY) {
            return;
        }
        // restart: replay the whole journal into a fresh book (files exist and are verified)
        Journal again = new Journal(data.resolve("journal"), Durability.ASYNC);
        Ledger ledger2 = new Ledger(ref.coopCount(), ref.traderCount());
        Settlement settlement2 = new Settlement(ref, fees, data, ledger2, metrics, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        });
        PaymentBook book2 = new PaymentBook(ref, clock, again, settlement2, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long r0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        Journal.ReplayResult result = again.replay(book2::replay, n -> { });
        double replayS = (System.nanoTime() - r0) / 1e9;
        double replayCpuS = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        settlement2.drained().get(10, TimeUnit.MINUTES);
        double readyS = (System.nanoTime() - r0) / 1e9;
        System.out.printf("replay: %,d entries (%,d bytes) in %.2f s = %,.0f entries/s; ready (settlement re-verified) after %.2f s%n",
                result.entries(), result.bytes(), replayS, result.entries() / replayS, readyS);
        // the replaying thread's own CPU time: on a shared box, wall time also counts other processes
        System.out.printf("replay CPU (replaying thread): %.2f s = %,.0f entries per CPU-second%n", replayCpuS,
                result.entries() / replayCpuS);
        settlement2.close();
        again.close();
    }

    /** Journals {@link #OBLIGATIONS} obligations through the writer, before the first fill. */
    private static void journalObligations(JournalWriter writer, PaymentBook book, ReferenceData ref, long paymentsPerClose,
            Clock clock) throws InterruptedException {
        long t0 = System.nanoTime();
        List<Obligation> obligations = ScaleObligations.spread(ref, OBLIGATIONS, paymentsPerClose,
                JakartaDates.closeDate(clock.millis()));
        int created = ScaleObligations.journal(writer, book, obligations);
        System.out.printf("obligations: %,d journaled through the writer in %.2f s, one per trader over the first %,d traders"
                + " (every kind; %,d of them %d times a close's net a day, short in every close)%n", created,
                (System.nanoTime() - t0) / 1e9, OBLIGATIONS, OBLIGATIONS / ScaleObligations.SHORT_EVERY,
                ScaleObligations.SHORT_NETS_PER_DAY);
    }

    /** What a close line reports besides the batches: the settlement's split, the obligations, the payouts files. */
    private record Closes(CloseSplit split, PaymentBook book, Path filesDir) {
    }

    /** Fills one window with {@code payments} through the writer, then flushes the dirty page cache as `sync` durability would. */
    private static double fill(JournalWriter writer, PaymentBook book, ReferenceData ref, AtomicLong ids, long payments,
            Clock clock) throws Exception {
        long t0 = System.nanoTime();
        AtomicLong accepted = new AtomicLong();
        submitPosts(writer, book, ref, ids.getAndAdd(payments), payments, clock.millis(), accepted);
        double fillS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fill: %,d payments in %.2f s = %,.0f payments/s through the writer (async journal)%n",
                accepted.get(), fillS, accepted.get() / fillS);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBytes = rt.totalMemory() - rt.freeMemory();
        long retained = RETAINED.addAndGet(accepted.get());
        System.out.printf("heap after fill (after GC): %,d MB = %,d bytes per payment filled so far (%,d; intake during"
                + " closes not counted)%n", heapBytes >> 20, heapBytes / Math.max(1, retained), retained);
        // The fill journals in ASYNC mode, leaving ~1 GB of dirty journal pages that the kernel writes
        // back for many seconds; a close measured during that writeback times the fill, not the close
        // (every file fsync queues behind it). An engine in sync durability never holds such a
        // backlog, so flush it first, as `sync` would, and say how much there was.
        long dirtyKb = dirtyKb();
        long s0 = System.nanoTime();
        new ProcessBuilder("sync").inheritIO().start().waitFor(120, TimeUnit.SECONDS);
        System.out.printf("page cache before the close: %,d kB dirty, flushed in %.2f s (%,d kB dirty after)%n", dirtyKb,
                (System.nanoTime() - s0) / 1e9, dirtyKb());
        return accepted.get() / fillS;
    }

    /**
     * Closes every cooperative while a thread posts flat out (closed loop, 20,000 payments at a
     * time); reports intake during the close as a share of intake before it.
     *
     * @return the intake rate before the close, payments/s: the measured maximum
     */
    private static double closeUnderFlatIntake(JournalWriter writer, PaymentBook book, ReferenceData ref,
            Settlement settlement, AtomicLong ids, Clock clock, Closes closes) throws Exception {
        AtomicBoolean intake = new AtomicBoolean(true);
        AtomicLong during = new AtomicLong();
        Thread feeder = new Thread(() -> {
            while (intake.get()) {
                try {
                    submitPosts(writer, book, ref, ids.getAndAdd(FLAT_POSTS_PER_ROUND), FLAT_POSTS_PER_ROUND, clock.millis(), during);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "intake");
        feeder.start();
        List<Long> samples = new ArrayList<>();
        Thread.sleep(300);
        long before0 = during.get();
        Thread.sleep(500);
        double beforeRate = (during.get() - before0) / 0.5;

        long closeSeq = closeAll(writer, book);
        long c0 = System.nanoTime();
        var future = settlement.batchesOfClose(closeSeq);
        long last = during.get();
        while (!future.isDone()) {
            Thread.sleep(100);
            long n = during.get();
            samples.add((n - last) * 10);
            last = n;
        }
        double closeS = (System.nanoTime() - c0) / 1e9;
        List<Batch> batches = future.get();
        intake.set(false);
        feeder.join();
        printClose("flat-out intake", batches, closeS, closeSeq, closes);
        double meanDuring = samples.stream().mapToLong(Long::longValue).average().orElse(0);
        long minDuring = samples.stream().mapToLong(Long::longValue).min().orElse(0);
        System.out.printf("intake before close: %,.0f payments/s; during close: mean %,.0f (%.2f of before), lowest 100 ms"
                + " sample %,d (%.2f); per 100 ms sample (as payments/s): %s%n", beforeRate, meanDuring,
                meanDuring / beforeRate, minDuring, minDuring / beforeRate, samples);
        return beforeRate;
    }

    private static void printClose(String label, List<Batch> batches, double closeS, long closeSeq, Closes closes) {
        long settled = batches.stream().mapToLong(Batch::payments).sum();
        CloseSplit.Split split = closes.split().of(closeSeq);
        ScaleObligations.Tally tally = ScaleObligations.tally(batches);
        long payoutsFiles = batches.stream().filter(b -> Files.isRegularFile(
                closes.filesDir().resolve(b.coopId()).resolve(PayoutsCsv.fileName(b.batchId())))).count();
        System.out.printf("close (%s): %,d batches, %,d payments, gross %,d, fee %,d in %.3f s = %.0f ns per payment"
                + " (files included); %s; obligations %,d, deducted from %,d of %,d members (%,d paid nothing out),"
                + " Rp%,d (retribusi %,d, angsuran %,d, simpanan wajib %,d); payouts files %,d of %,d batches%n", label,
                batches.size(), settled, batches.stream().mapToLong(Batch::grossRupiah).sum(),
                batches.stream().mapToLong(Batch::feeRupiah).sum(), closeS, closeS * 1e9 / Math.max(1, settled),
                split == null ? "split not logged" : String.format("settlement %,d ms: aggregate %,d ms, files %,d ms",
                        split.durationMs(), split.aggregateMs(), split.filesMs()),
                closes.book().obligationEntries(), tally.membersDeducted(), tally.members(), tally.membersPaidNothing(),
                tally.deductedRupiah(), tally.retribusiRupiah(), tally.angsuranRupiah(), tally.simpananWajibRupiah(),
                payoutsFiles, batches.size());
    }

    /**
     * Closes every cooperative while an open-loop generator offers payments at {@code ratePerS}:
     * payment k is due at start + k / rate whatever happened to the ones before it, so a stalled
     * writer shows as latency (measured from the due time, not the send time: no coordinated
     * omission) and as payments not accepted. Reports accepted/offered and the acknowledgement
     * latency of the payments due during the close against those due in the second before it.
     */
    private static void closeUnderOfferedIntake(JournalWriter writer, PaymentBook book, ReferenceData ref,
            Settlement settlement, AtomicLong ids, double ratePerS, String label, Clock clock, Closes closes) throws Exception {
        OpenLoop loop = new OpenLoop(writer, book, ref, ids, ratePerS, clock);
        loop.start();
        Thread.sleep(OPEN_LOOP_WARMUP_MS + OPEN_LOOP_BEFORE_MS);
        long c0 = System.nanoTime();
        long closeSeq = closeAll(writer, book);
        var future = settlement.batchesOfClose(closeSeq);
        List<Batch> batches = future.get(10, TimeUnit.MINUTES);
        long c1 = System.nanoTime();
        Thread.sleep(OPEN_LOOP_AFTER_MS);
        loop.stopAndAwait();
        printClose("offered " + label + " " + String.format("%,.0f", ratePerS) + "/s", batches, (c1 - c0) / 1e9, closeSeq,
                closes);
        loop.report("before close", c0 - OPEN_LOOP_BEFORE_MS * 1_000_000L, c0);
        loop.report("during close", c0, c1);
    }

    /** An open-loop payment generator with one latency slot per offered payment. */
    private static final class OpenLoop {
        private static final long NOT_DONE = 0;
        private static final long REJECTED = -1;
        private final JournalWriter writer;
        private final PaymentBook book;
        private final ReferenceData ref;
        private final double ratePerS;
        private final long firstId;
        private final long[] latencyNs;
        private final Clock clock;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile long startNs;
        private volatile long offered;

        OpenLoop(JournalWriter writer, PaymentBook book, ReferenceData ref, AtomicLong ids, double ratePerS, Clock clock) {
            this.writer = writer;
            this.book = book;
            this.ref = ref;
            this.ratePerS = ratePerS;
            this.clock = clock;
            int slots = (int) Math.min(Integer.MAX_VALUE - 8, (long) (ratePerS * OPEN_LOOP_SECONDS_MAX));
            latencyNs = new long[slots];
            firstId = ids.getAndAdd(slots);
            thread = new Thread(this::generate, "open-loop");
        }

        void start() {
            startNs = System.nanoTime();
            thread.start();
        }

        private long dueNs(long k) {
            return startNs + (long) (k * 1e9 / ratePerS);
        }

        private void generate() {
            long sent = 0;
            while (running.get() && sent < latencyNs.length) {
                long due = Math.min(latencyNs.length, (long) ((System.nanoTime() - startNs) * ratePerS / 1e9) + 1);
                if (due <= sent) {
                    LockSupport.parkNanos(OPEN_LOOP_TICK_NS);
                    continue;
                }
                long end = Math.min(due, sent + OPEN_LOOP_COMMAND_POSTS_MAX);
                JournalWriter.Command cmd = command(sent, end, clock.millis());
                while (!writer.offer(cmd)) {
                    Thread.onSpinWait();
                }
                sent = end;
                offered = sent;
            }
        }

        private JournalWriter.Command command(long from, long to, long occurredAtMs) {
            boolean[] accepted = new boolean[(int) (to - from)];
            return new JournalWriter.Command() {
                @Override
                public void execute() {
                    int terminals = ref.terminalCount();
                    for (long k = from; k < to; k++) {
                        long i = firstId + k;
                        Terminal t = ref.terminal((int) (i % terminals));
                        long amount = 1_000 + (i * 7919) % 1_000_000;
                        PaymentRequest r = new PaymentRequest(t.terminalId(), Long.toString(i, 36), amount, "IDR",
                                occurredAtMs, 25_200, "QRIS", null, null);
                        accepted[(int) (k - from)] = book.post(r, t).result() == PostOutcome.Result.ACCEPTED;
                    }
                }

                @Override
                public void complete() {
                    long now = System.nanoTime();
                    for (long k = from; k < to; k++) {
                        latencyNs[(int) k] = accepted[(int) (k - from)] ? Math.max(1, now - dueNs(k)) : REJECTED;
                    }
                }

                @Override
                public void abandon() {
                    for (long k = from; k < to; k++) {
                        latencyNs[(int) k] = REJECTED;
                    }
                }
            };
        }

        void stopAndAwait() throws InterruptedException {
            running.set(false);
            thread.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long n = offered;
            while (n > 0 && latencyNs[(int) n - 1] == NOT_DONE && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }

        /** Accepted/offered and latency of the payments due in [fromNs, toNs). */
        void report(String label, long fromNs, long toNs) {
            long first = Math.max(0, (long) Math.ceil((fromNs - startNs) * ratePerS / 1e9));
            long last = Math.min(offered, (long) Math.ceil((toNs - startNs) * ratePerS / 1e9));
            long due = Math.max(0, last - first);
            long[] done = new long[(int) due];
            int accepted = 0, rejected = 0;
            for (long k = first; k < last; k++) {
                long l = latencyNs[(int) k];
                if (l == REJECTED) {
                    rejected++;
                } else if (l != NOT_DONE) {
                    done[accepted++] = l;
                }
            }
            long[] sorted = Arrays.copyOf(done, accepted);
            Arrays.sort(sorted);
            long behind = (long) ((toNs - startNs) * ratePerS / 1e9) - last; // due but not even sent by toNs
            System.out.printf("offered %,.0f/s, %s (%.2f s): offered %,d, accepted %,d (%.4f), rejected %,d, not sent in time %,d;"
                    + " ack latency from due time p50 %s, p99 %s, p99.9 %s, max %s%n", ratePerS, label, (toNs - fromNs) / 1e9,
                    due, accepted, due == 0 ? 0 : (double) accepted / due, rejected, Math.max(0, behind), us(sorted, 0.50),
                    us(sorted, 0.99), us(sorted, 0.999), us(sorted, 1.0));
        }

        private static String us(long[] sorted, double q) {
            if (sorted.length == 0) {
                return "-";
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
            return String.format("%,d us", sorted[Math.max(0, i)] / 1000);
        }
    }

    static long closeAll(JournalWriter writer, PaymentBook book) throws InterruptedException {
        long[] seq = {-1};
        CountDownLatch done = new CountDownLatch(1);
        while (!writer.offer(new JournalWriter.Command() {
            @Override
            public void execute() {
                seq[0] = book.close(-1, JournalEntry.TRIGGER_ADMIN) ? book.lastSequence() : -1;
            }

            @Override
            public void complete() {
                done.countDown();
            }

            @Override
            public void abandon() {
                seq[0] = -1;
                done.countDown();
            }
        })) {
            Thread.onSpinWait();
        }
        done.await();
        return seq[0];
    }

    /** Posts {@code count} payments from terminal i % terminals, 1000 per writer command; waits for all. */
    static void submitPosts(JournalWriter writer, PaymentBook book, ReferenceData ref, long from, long count,
            long occurredAtMs, AtomicLong accepted) throws InterruptedException {
        int terminals = ref.terminalCount();
        long commands = (count + POSTS_PER_COMMAND - 1) / POSTS_PER_COMMAND;
        CountDownLatch done = new CountDownLatch((int) commands);
        for (long c = 0; c < commands; c++) {
            long start = from + c * POSTS_PER_COMMAND;
            long end = Math.min(from + count, start + POSTS_PER_COMMAND);
            JournalWriter.Command cmd = new JournalWriter.Command() {
                private int acceptedHere;

                @Override
                public void execute() {
                    for (long i = start; i < end; i++) {
                        Terminal t = ref.terminal((int) (i % terminals));
                        long amount = 1_000 + (i * 7919) % 1_000_000;
                        PaymentRequest r = new PaymentRequest(t.terminalId(), Long.toString(i, 36), amount, "IDR",
                                occurredAtMs, 25_200, "QRIS", null, null);
                        if (book.post(r, t).result() == PostOutcome.Result.ACCEPTED) {
                            acceptedHere++;
                        }
                    }
                }

                /** Counted once durable: an abandoned command accepted nothing. */
                @Override
                public void complete() {
                    accepted.addAndGet(acceptedHere);
                    done.countDown();
                }

                @Override
                public void abandon() {
                    done.countDown();
                }
            };
            while (!writer.offer(cmd)) {
                Thread.onSpinWait();
            }
        }
        done.await();
    }

    /** Dirty page-cache kilobytes (Linux /proc/meminfo), or -1 where that file is absent. */
    private static long dirtyKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("Dirty:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Deletes a run's folder and everything in it (nothing when it is already gone). Shared by the runs of this package. */
    static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
