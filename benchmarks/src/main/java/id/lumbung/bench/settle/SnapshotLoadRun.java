package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.snapshot.Snapshots;
import id.lumbung.writer.JournalWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The payment book's part of a snapshot start, alone and repeated: N payments journaled, the book
 * written to a snapshot once, then loaded into a fresh book R times. Prints each load's time and
 * rate, so that the snapshot reader can be profiled apart from the engine's start (for example
 * with {@code -XX:StartFlightRecording}).
 *
 * <p>Usage: {@code SnapshotLoadRun [payments=10000000] [rounds=5]}
 */
public final class SnapshotLoadRun {
    private SnapshotLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        int payments = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path root = Files.createTempDirectory("lumbung-snapload");
        try {
            Path refDir = Files.createDirectories(root.resolve("reference"));
            ReferenceDataGenerator.write(refDir, 1_000, 100_000, 100_000, 42);
            ReferenceData ref = ReferenceFiles.load(refDir, FeeSchedule.defaults().toConfig().keySet());
            EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
            Snapshots snapshots = new Snapshots(root);
            try (Journal journal = new Journal(root.resolve("journal"), Durability.ASYNC)) {
                PaymentBook book = new PaymentBook(ref, Clock.systemUTC(), journal, w -> { }, TimeUnit.DAYS.toMillis(7),
                        Integer.MAX_VALUE);
                JournalWriter writer = new JournalWriter(journal, metrics, 1 << 20, book::publishWindows, () -> { },
                        (t, e) -> e.printStackTrace());
                writer.start();
                SettlementScaleRun.submitPosts(writer, book, ref, 0, payments, System.currentTimeMillis(), new AtomicLong());
                writer.close();
                long w0 = System.nanoTime();
                Snapshots.Written w = snapshots.write(new Snapshots.Position(book.lastSequence(), book.lastEntryIndex()),
                        journal, book::writeTo);
                System.out.printf("snapshot of %,d payments: %,d MB written in %.2f s%n", payments, w.bytes() >> 20,
                        (System.nanoTime() - w0) / 1e9);
                book = null;
                for (int r = 0; r < rounds; r++) {
                    System.gc();
                    PaymentBook fresh = new PaymentBook(ref, Clock.systemUTC(), journal, x -> { }, TimeUnit.DAYS.toMillis(7),
                            Integer.MAX_VALUE);
                    long t0 = System.nanoTime();
                    snapshots.load(w.file(), journal, fresh::readFrom);
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("load %d: %.3f s = %,.0f MB/s = %,.0f payments/s (%,d retained)%n", r + 1, s,
                            (w.bytes() >> 20) / s, payments / s, fresh.retainedPayments());
                }
            }
        } finally {
            SettlementScaleRun.deleteTree(root);
        }
    }
}
