package id.lumbung.metrics;

import id.lumbung.core.payment.PaymentBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * The engine's own meters, with the Prometheus names of DESIGN.md. Tags are of low cardinality
 * only: never a terminal, trader or cooperative id. Thread-safe; counters are looked up once per
 * (result, code) pair and cached so the hot path does not build meter ids.
 */
public final class EngineMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> paymentCounters = new ConcurrentHashMap<>();
    private final Timer httpLatency;
    private final Timer isoLatency;
    public final Timer journalSync;
    /** Entries the payment book appended, by type: counts the book keeps, read at each scrape. */
    public final FunctionCounter paymentEntries;
    public final FunctionCounter voidEntries;
    public final FunctionCounter closeEntries;
    public final FunctionCounter obligationEntries;
    public final Counter settlementBatches;
    public final Counter settlementCloseFailures;
    public final Counter snapshotsRejected;
    public final Counter settlementFilesRegenerated;
    public final Timer settlementClose;
    public final DistributionSummary batchPayments;
    public final DistributionSummary groupCommitEntries;

    private final Counter accepted;
    private final Counter replayed;
    private final AtomicInteger httpConnections = new AtomicInteger();
    /** The books whose appended entries {@link #paymentEntries} and the others count: one per journal. */
    private final java.util.concurrent.CopyOnWriteArrayList<PaymentBook> books = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What books no longer counted had appended, by {@link #ENTRY_TYPES} index: the counters never go down. */
    private final java.util.concurrent.atomic.AtomicLongArray retired = new java.util.concurrent.atomic.AtomicLongArray(4);
    @SuppressWarnings("unchecked")
    private static final ToLongFunction<PaymentBook>[] ENTRY_TYPES = new ToLongFunction[] {
        (ToLongFunction<PaymentBook>) PaymentBook::paymentEntries, (ToLongFunction<PaymentBook>) PaymentBook::voidEntries,
        (ToLongFunction<PaymentBook>) PaymentBook::closeEntries, (ToLongFunction<PaymentBook>) PaymentBook::obligationEntries};

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        accepted = paymentCounter("accepted", "none");
        replayed = paymentCounter("replayed", "none");
        httpLatency = latency("http");
        Gauge.builder("lumbung.http.connections", httpConnections, AtomicInteger::get)
                .description("Open HTTP connections on the terminal API port (a connection counts from its TLS handshake, or on plain HTTP from its first request)")
                .register(registry);
        isoLatency = latency("iso");
        journalSync = Timer.builder("lumbung.journal.sync.latency")
                .description("Time to force one group of journal entries to disk (fdatasync of the journal cycle file)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
        paymentEntries = entries("payment", 0);
        voidEntries = entries("void", 1);
        closeEntries = entries("close", 2);
        obligationEntries = entries("obligation", 3);
        settlementBatches = Counter.builder("lumbung.settlement.batches")
                .description("Settlement batches closed (one per cooperative with payments in the window)")
                .register(registry);
        settlementCloseFailures = Counter.builder("lumbung.settlement.close.failures")
                .description("Window closes that failed (files not written or an invariant broke)")
                .register(registry);
        settlementFilesRegenerated = Counter.builder("lumbung.settlement.files.regenerated")
                .description("Settlement files found missing at start and written again from the journal, byte for byte")
                .register(registry);
        snapshotsRejected = Counter.builder("lumbung.snapshot.rejected")
                .description("Snapshots a start could not use (damaged, other reference data or journal); it replayed the whole journal")
                .register(registry);
        settlementClose = Timer.builder("lumbung.settlement.close")
                .description("Time to settle one window close: aggregation, ledger, files")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        batchPayments = DistributionSummary.builder("lumbung.settlement.batch.payments")
                .description("Payments per settlement batch")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(10_000_000.0)
                .register(registry);
        groupCommitEntries = DistributionSummary.builder("lumbung.journal.group.commit.entries")
                .description("Writer commands (a payment, a batch, a void, a close, a status read) completed by one force")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(100_000.0)
                .register(registry);
    }

    private Timer latency(String channel) {
        return Timer.builder("lumbung.ingest.latency")
                .description("Time from request in to answer out, per channel")
                .tag("channel", channel)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }

    private FunctionCounter entries(String type, int index) {
        return FunctionCounter.builder("lumbung.journal.entries", this, m -> m.entries(index))
                .description("Entries appended to the journal, by type")
                .tag("type", type)
                .register(registry);
    }

    /**
     * Entries of one type ({@link #ENTRY_TYPES} index) appended by every book counted so far; under
     * the lock {@link #stopCountingEntriesOf} takes, so a scrape never sees a book's counts twice or
     * not at all.
     */
    private synchronized double entries(int index) {
        long n = retired.get(index);
        for (PaymentBook b : books) {
            n += ENTRY_TYPES[index].applyAsLong(b);
        }
        return n;
    }

    /**
     * Counts the entries {@code book} appends (the journal entry counters read its counts at each
     * scrape), beside any other book counted: a process may hold one book per journal (a Kafka
     * node's partitions).
     */
    public void countEntriesOf(PaymentBook book) {
        books.addIfAbsent(book);
    }

    /**
     * Stops reading {@code book}'s counts and keeps what it appended in the counters, which never go
     * down: a book replaced (a rebuilt state, a partition given up) still appended those entries.
     */
    public synchronized void stopCountingEntriesOf(PaymentBook book) {
        if (books.remove(book)) {
            for (int i = 0; i < ENTRY_TYPES.length; i++) {
                retired.addAndGet(i, ENTRY_TYPES[i].applyAsLong(book));
            }
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one payment outcome; {@code code} is an error code or {@code none}. */
    public void payment(String result, String code) {
        if ("none".equals(code)) {
            ("accepted".equals(result) ? accepted : replayed).increment();
            return;
        }
        Counter c = paymentCounters.get(result + '/' + code);
        if (c == null) {
            c = paymentCounters.computeIfAbsent(result + '/' + code, k -> paymentCounter(result, code));
        }
        c.increment();
    }

    private Counter paymentCounter(String result, String code) {
        return Counter.builder("lumbung.payments")
                .description("Payments posted, by result (accepted, replayed, rejected) and error code")
                .tag("result", result)
                .tag("code", code)
                .register(registry);
    }

    /** A connection to the terminal API port opened; {@link #httpConnectionClosed} when it closes. */
    public void httpConnectionOpened() {
        httpConnections.incrementAndGet();
    }

    public void httpConnectionClosed() {
        httpConnections.decrementAndGet();
    }

    public void httpLatency(long nanos) {
        httpLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void isoLatency(long nanos) {
        isoLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
