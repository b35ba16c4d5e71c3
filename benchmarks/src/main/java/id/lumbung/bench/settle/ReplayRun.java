package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Restart replay, side by side in one run: the same journal read (a) with a handler that does
 * nothing (Chronicle read, checks and decode: the floor) and (b) into a fresh {@link PaymentBook}
 * (what a restart does before settlement re-verifies). Prints wall and CPU time of the replaying
 * thread and the ratio, so a noisy shared box still gives a usable comparison.
 *
 * <p>The journal is filled through the payment book on this thread (ASYNC journal), with a
 * close of every cooperative each 1,000,000 payments, windows discarded.
 *
 * <pre>java $(benchmarks/chronicle-flags.sh) -Xmx8g -cp benchmarks/target/benchmarks.jar \
 *   id.lumbung.bench.settle.ReplayRun [payments] [coops] [traders] [rounds]</pre>
 */
public final class ReplayRun {

    public static void main(String[] args) throws Exception {
        int payments = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int coops = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int traders = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path root = Files.createTempDirectory("lumbung-replay");
        try {
            Path refDir = Files.createDirectories(root.resolve("reference"));
            ReferenceDataGenerator.write(refDir, coops, traders, traders, 42);
            ReferenceData ref = ReferenceFiles.load(refDir, FeeSchedule.defaults().toConfig().keySet());
            Path journalDir = root.resolve("journal");
            fill(ref, journalDir, payments);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int round = 1; round <= rounds; round++) {
                long[] raw = time(threads, () -> {
                    try (Journal j = new Journal(journalDir, Durability.ASYNC)) {
                        return j.replay(e -> { }, n -> { }).entries();
                    }
                });
                long[] book = time(threads, () -> {
                    try (Journal j = new Journal(journalDir, Durability.ASYNC)) {
                        PaymentBook b = book(ref, j);
                        return j.replay(b::replay, n -> { }).entries();
                    }
                });
                System.out.printf("round %d: %,d entries | read+decode only: %.2f s wall, %.2f s CPU = %,.0f entries/CPU-s"
                        + " | into the payment book: %.2f s wall, %.2f s CPU = %,.0f entries/CPU-s | book/raw CPU %.2f%n",
                        round, raw[0], raw[1] / 1e9, raw[2] / 1e9, raw[0] / (raw[2] / 1e9), book[1] / 1e9, book[2] / 1e9,
                        book[0] / (book[2] / 1e9), (double) book[2] / raw[2]);
            }
        } finally {
            SettlementScaleRun.deleteTree(root);
        }
    }

    private interface Counted {
        long run() throws Exception;
    }

    /** entries, wall ns, CPU ns of this thread. */
    private static long[] time(ThreadMXBean threads, Counted work) throws Exception {
        System.gc();
        long w0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        long n = work.run();
        return new long[] {n, System.nanoTime() - w0, threads.getCurrentThreadCpuTime() - c0};
    }

    private static PaymentBook book(ReferenceData ref, Journal journal) {
        return new PaymentBook(ref, Clock.systemUTC(), journal, w -> { }, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
    }

    private static void fill(ReferenceData ref, Path journalDir, int payments) {
        long t0 = System.nanoTime();
        try (Journal journal = new Journal(journalDir, Durability.ASYNC)) {
            PaymentBook b = book(ref, journal);
            long occurredAt = System.currentTimeMillis() - 60_000;
            int terminals = ref.terminalCount();
            for (int i = 0; i < payments; i++) {
                Terminal t = ref.terminal(i % terminals);
                PaymentRequest r = new PaymentRequest(t.terminalId(), Long.toString(i, 36), 1_000 + (i * 7919L) % 1_000_000,
                        "IDR", occurredAt, 25_200, "QRIS", null, null);
                if (b.post(r, t).result() != PostOutcome.Result.ACCEPTED) {
                    throw new IllegalStateException("payment " + i + " not accepted");
                }
                if ((i + 1) % 1_000_000 == 0) {
                    b.close(-1, JournalEntry.TRIGGER_ADMIN);
                }
            }
        }
        System.out.printf("fill: %,d payments in %.2f s%n", payments, (System.nanoTime() - t0) / 1e9);
    }
}
