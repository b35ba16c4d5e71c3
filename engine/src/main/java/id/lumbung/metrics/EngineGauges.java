package id.lumbung.metrics;

import id.lumbung.core.payment.PaymentBook;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The engine's gauges: unsettled money and payments, settlement lag and cut-offs, the journal's
 * bytes, disk and queue, readiness, the snapshot a start loaded, event-loop lag and retained
 * payments. The book's figures are copied by the journal writer ({@link #refreshGauges}), so that a
 * scrape never reads the book from another thread; the rest come from {@link Sources}.
 */
public final class EngineGauges {

    /** What the gauges read besides the book's figures; each is safe to read from any thread. */
    public interface Sources {
        /** Epoch ms of the last settled window close (0: none). */
        long lastCloseEpochMs();

        /** Epoch ms of the next scheduled cut-off (0: none). */
        long nextCutoffEpochMs();

        long diskFreeBytes();

        long diskReserveBytes();

        boolean journalWritable();

        int queuedCommands();

        boolean ready();

        long snapshotSequence();

        int retainedPayments();

        /** Bytes of journal files on disk; blocking (read on a worker thread). */
        long journalSizeBytes();
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private volatile long unsettledRupiah;
    private volatile long unsettledPayments;
    private volatile long oldestUnsettledEpochMs = -1;
    private volatile long journalBytes;
    private volatile long eventLoopLagNs;

    public EngineGauges(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Copies the book's figures for the gauges; on the thread that owns the book. */
    public void refreshGauges(PaymentBook book) {
        unsettledRupiah = book.unsettledRupiah();
        unsettledPayments = book.unsettledPayments();
        oldestUnsettledEpochMs = book.oldestUnsettledEpochMs();
    }

    /** Samples the delay of a task queued on an event loop every 100 ms. */
    public void sampleEventLoopLag(Vertx vertx) {
        vertx.setPeriodic(100, id -> {
            long scheduled = System.nanoTime();
            vertx.runOnContext(v -> eventLoopLagNs = System.nanoTime() - scheduled);
        });
    }

    /** Registers every gauge, and the journal size read every 5 s on a worker thread. */
    public void registerGauges(Vertx vertx, Sources sources) {
        gauge("lumbung.unsettled.rupiah", "Accepted, un-voided rupiah waiting for a window close", () -> unsettledRupiah);
        gauge("lumbung.unsettled.payments", "Accepted, un-voided payments waiting for a window close", () -> unsettledPayments);
        gauge("lumbung.settlement.lag.seconds", "Age of the oldest unsettled payment since it was accepted",
                () -> oldestUnsettledEpochMs < 0 ? 0 : (clock.millis() - oldestUnsettledEpochMs) / 1000.0);
        gauge("lumbung.settlement.last.close.timestamp.seconds", "Unix time of the last settled window close",
                () -> sources.lastCloseEpochMs() / 1000.0);
        gauge("lumbung.settlement.next.cutoff.timestamp.seconds", "Unix time of the next scheduled cut-off (0: none)",
                () -> sources.nextCutoffEpochMs() / 1000.0);
        gauge("lumbung.journal.bytes", "Bytes of journal files on disk", () -> journalBytes);
        gauge("lumbung.journal.disk.free.bytes", "Usable bytes on the journal's file system", () -> sources.diskFreeBytes());
        gauge("lumbung.journal.disk.reserve.bytes", "Free space the engine keeps; below it writes are refused",
                () -> sources.diskReserveBytes());
        gauge("lumbung.journal.available", "1 while the journal takes writes, 0 while it refuses them",
                () -> sources.journalWritable() ? 1 : 0);
        gauge("lumbung.journal.queue.commands", "Commands waiting for the journal writer",
                () -> sources.queuedCommands());
        gauge("lumbung.ready", "1 once the journal is replayed and every listener is up, 0 again after a fatal error",
                () -> sources.ready() ? 1 : 0);
        gauge("lumbung.replay.snapshot.sequence", "Journal sequence of the snapshot this start loaded (0: whole journal replayed)",
                () -> sources.snapshotSequence());
        gauge("lumbung.eventloop.lag.seconds", "Delay of a task queued on an event loop, sampled every 100 ms",
                () -> eventLoopLagNs / 1e9);
        gauge("lumbung.idempotency.retained.payments", "Payments whose idempotency key and status are held in memory",
                () -> sources.retainedPayments());
        vertxPeriodicJournalBytes(vertx, sources);
    }

    private void vertxPeriodicJournalBytes(Vertx vertx, Sources sources) {
        vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> sources.journalSizeBytes())
                .onSuccess(b -> journalBytes = b));
    }

    private void gauge(String name, String description, java.util.function.DoubleSupplier value) {
        // strong reference: the supplier is a lambda only the gauge holds
        Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).strongReference(true)
                .description(description).register(registry);
    }
}
