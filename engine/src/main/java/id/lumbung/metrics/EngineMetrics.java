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
    /** The book whose appended entries {@link #paymentEntries} and the others count; null before it exists. */
    private volatile PaymentBook book;

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
        paymentEntries = entries("payment", PaymentBook::paymentEntries);
        voidEntries = entries("void", PaymentBook::voidEntries);
        closeEntries = entries("close", PaymentBook::closeEntries);
        obligationEntries = entries("obligation", PaymentBook::obligationEntries);
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

    private FunctionCounter entries(String type, ToLongFunction<PaymentBook> count) {
        return FunctionCounter.builder("lumbung.journal.entries", this, m -> {
                    PaymentBook b = m.book;
                    return b == null ? 0 : count.applyAsLong(b);
                })
                .description("Entries appended to the journal, by type")
                .tag("type", type)
                .register(registry);
    }

    /**
     * Counts the entries {@code book} appends (the journal entry counters read its counts). Once, with
     * the engine's one book: a second book would restart the counts.
     */
    public void countEntriesOf(PaymentBook book) {
        this.book = book;
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
