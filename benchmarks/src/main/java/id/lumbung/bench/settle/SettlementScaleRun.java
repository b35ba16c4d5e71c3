package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.journal.Journal;
import id.lumbung.journal.JournalWriter;
import id.lumbung.ledger.Ledger;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.payment.JournalEntry;
import id.lumbung.payment.PaymentBook;
import id.lumbung.payment.PaymentRequest;
import id.lumbung.payment.PostOutcome;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.Terminal;
import id.lumbung.settlement.Batch;
import id.lumbung.settlement.FeeSchedule;
import id.lumbung.settlement.Settlement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A recorded run, not a test: fills the journal with N payments across C cooperatives and T traders
 * through the real journal writer and payment book, closes the window for every cooperative while
 * a second thread keeps posting, and reports the close time (aggregation, ledger, files), the
 * intake rate before and during the close, heap use, and then the restart replay rate.
 *
 * <p>{@code java -Xmx16g -cp benchmarks/target/benchmarks.jar id.lumbung.bench.settle.SettlementScaleRun
 * [payments] [coops] [traders]} (Chronicle's JVM flags are in the jar manifest only for -jar; pass
 * them, see benchmarks/run-settlement-scale.sh).
 */
public final class SettlementScaleRun {
    private static final int POSTS_PER_COMMAND = 1000;

    public static void main(String[] args) throws Exception {
        int payments = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int coops = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int traders = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        Path root = Files.createTempDirectory("lumbung-scale");
        try {
            run(root, payments, coops, traders);
        } finally {
            deleteTree(root);
        }
    }

    private static void run(Path root, int payments, int coops, int traders) throws Exception {
        Path refDir = Files.createDirectories(root.resolve("reference"));
        ReferenceDataGenerator.write(refDir, coops, traders, traders, 42);
        FeeSchedule fees = FeeSchedule.defaults();
        ReferenceData ref = ReferenceData.load(refDir, fees.toConfig().keySet());
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        Path data = Files.createDirectories(root.resolve("data"));
        Journal journal = new Journal(data.resolve("journal"), Durability.ASYNC);
        Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        Settlement settlement = new Settlement(ref, fees, data, ledger, metrics, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        });
        settlement.live(); // the close logs aggregate_ms and files_ms at INFO
        Clock clock = Clock.systemUTC();
        PaymentBook book = new PaymentBook(ref, clock, journal, settlement, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE, metrics);
        JournalWriter writer = new JournalWriter(journal, metrics, 1 << 20, book::publishWindows, () -> { }, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        });
        writer.start();

        long t0 = System.nanoTime();
        long now = clock.millis();
        AtomicLong accepted = new AtomicLong();
        submitPosts(writer, book, ref, 0, payments, now, accepted);
        double fillS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fill: %,d payments in %.2f s = %,.0f payments/s through the writer (async journal)%n",
                accepted.get(), fillS, accepted.get() / fillS);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBytes = rt.totalMemory() - rt.freeMemory();
        System.out.printf("heap after fill (after GC): %,d MB = %,d bytes per retained payment%n", heapBytes >> 20,
                heapBytes / Math.max(1, accepted.get()));

        // The fill journals in ASYNC mode, leaving ~1 GB of dirty journal pages that the kernel writes
        // back for many seconds; a close measured during that writeback times the fill, not the close
        // (every file fsync queues behind it). An engine in sync durability never holds such a
        // backlog, so flush it first, as `sync` would, and say how much there was.
        long dirtyKb = dirtyKb();
        long s0 = System.nanoTime();
        new ProcessBuilder("sync").inheritIO().start().waitFor(120, TimeUnit.SECONDS);
        System.out.printf("page cache before the close: %,d kB dirty, flushed in %.2f s (%,d kB dirty after)%n", dirtyKb,
                (System.nanoTime() - s0) / 1e9, dirtyKb());

        // intake keeps running while the close runs; sampled every 100 ms
        AtomicBoolean intake = new AtomicBoolean(true);
        AtomicLong during = new AtomicLong();
        Thread feeder = new Thread(() -> {
            long next = payments;
            while (intake.get()) {
                try {
                    submitPosts(writer, book, ref, next, 20_000, clock.millis(), during);
                } catch (InterruptedException e) {
                    return;
                }
                next += 20_000;
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
        long settled = batches.stream().mapToLong(Batch::payments).sum();
        System.out.printf("close: %,d batches, %,d payments, gross %,d, fee %,d in %.3f s = %.0f ns per payment (files included)%n",
                batches.size(), settled, batches.stream().mapToLong(Batch::grossRupiah).sum(),
                batches.stream().mapToLong(Batch::feeRupiah).sum(), closeS, closeS * 1e9 / Math.max(1, settled));
        double meanDuring = samples.stream().mapToLong(Long::longValue).average().orElse(0);
        long minDuring = samples.stream().mapToLong(Long::longValue).min().orElse(0);
        System.out.printf("intake before close: %,.0f payments/s; during close: mean %,.0f (%.2f of before), lowest 100 ms"
                + " sample %,d (%.2f); per 100 ms sample (as payments/s): %s%n", beforeRate, meanDuring,
                meanDuring / beforeRate, minDuring, minDuring / beforeRate, samples);
        writer.close();
        settlement.close();
        journal.close();

        // restart: replay the whole journal into a fresh book (files exist and are verified)
        Journal again = new Journal(data.resolve("journal"), Durability.ASYNC);
        Ledger ledger2 = new Ledger(ref.coopCount(), ref.traderCount());
        Settlement settlement2 = new Settlement(ref, fees, data, ledger2, metrics, (t, e) -> {
            e.printStackTrace();
            System.exit(70);
        });
        PaymentBook book2 = new PaymentBook(ref, clock, again, settlement2, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE, metrics);
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
                @Override
                public void execute() {
                    for (long i = start; i < end; i++) {
                        Terminal t = ref.terminal((int) (i % terminals));
                        long amount = 1_000 + (i * 7919) % 1_000_000;
                        PaymentRequest r = new PaymentRequest(t.terminalId(), Long.toString(i, 36), amount, "IDR",
                                occurredAtMs, 25_200, "QRIS", null, null);
                        if (book.post(r, t).result() == PostOutcome.Result.ACCEPTED) {
                            accepted.incrementAndGet();
                        }
                    }
                }

                @Override
                public void complete() {
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
