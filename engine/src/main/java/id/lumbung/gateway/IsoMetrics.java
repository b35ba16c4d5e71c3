package id.lumbung.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters, every one registered up front so that the per-message path only
 * increments (no registry look-up, no tag arrays). Tags are of low cardinality: never a
 * terminal, trader or cooperative id, never a PAN.
 */
final class IsoMetrics {

    static final String CONNECTIONS = "lumbung.iso.connections";
    static final String FRAME_ERRORS = "lumbung.iso.frame.errors";
    static final String PAYMENTS = "lumbung.payments";
    static final String REVERSALS = "lumbung.iso.reversals";
    static final String UNSUPPORTED = "lumbung.iso.unsupported";
    static final String FORWARDED = "lumbung.iso.forwarded";
    static final String INGEST_LATENCY = "lumbung.ingest.latency";
    static final String CODE_NONE = "none";

    private final AtomicInteger connections = new AtomicInteger();
    private final Counter frameErrors;
    private final Counter unsupported;
    private final Counter[] paymentsRejected = new Counter[Rejection.values().length];
    private final Counter[] reversalsRejected = new Counter[Rejection.values().length];
    private final Counter paymentsAccepted;
    private final Counter paymentsReplayed;
    private final Counter reversalsVoided;
    private final Counter forwardsRelayed;
    private final Counter forwardsFailed;
    private final Timer latency;

    IsoMetrics(MeterRegistry registry) {
        Gauge.builder(CONNECTIONS, connections, AtomicInteger::get)
                .description("Open ISO 8583 gateway connections")
                .register(registry);
        frameErrors = Counter.builder(FRAME_ERRORS)
                .description("ISO 8583 frames refused (zero length, over the maximum, undecodable); each closed its connection")
                .register(registry);
        unsupported = Counter.builder(UNSUPPORTED)
                .description("ISO 8583 requests of a message type the gateway does not handle, answered with response code 12")
                .register(registry);
        paymentsAccepted = payments("accepted", CODE_NONE, registry);
        paymentsReplayed = payments("replayed", CODE_NONE, registry);
        reversalsVoided = reversals("voided", CODE_NONE, registry);
        for (Rejection r : Rejection.values()) {
            paymentsRejected[r.ordinal()] = payments("rejected", r.metricCode(), registry);
            reversalsRejected[r.ordinal()] = reversals("rejected", r.metricCode(), registry);
        }
        forwardsRelayed = forwards("relayed", registry);
        forwardsFailed = forwards("owner_unavailable", registry);
        latency = Timer.builder(INGEST_LATENCY)
                .description("Time from a request's last byte read to its answer written, by channel")
                .tag("channel", "iso")
                .publishPercentileHistogram()
                .register(registry);
    }

    private static Counter payments(String result, String code, MeterRegistry registry) {
        return Counter.builder(PAYMENTS)
                .description("Payments posted, by result and error code")
                .tag("result", result)
                .tag("code", code)
                .register(registry);
    }

    private static Counter reversals(String result, String code, MeterRegistry registry) {
        return Counter.builder(REVERSALS)
                .description("ISO 8583 0400 reversals, by result and error code")
                .tag("result", result)
                .tag("code", code)
                .register(registry);
    }

    private static Counter forwards(String outcome, MeterRegistry registry) {
        return Counter.builder(FORWARDED)
                .description("ISO 8583 requests sent to the node that owns their cooperative's partition, by outcome:"
                        + " relayed (the owner's answer went to the terminal) or owner_unavailable (answered 91)")
                .tag("outcome", outcome)
                .register(registry);
    }

    void forwardRelayed() {
        forwardsRelayed.increment();
    }

    void forwardFailed() {
        forwardsFailed.increment();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void frameError() {
        frameErrors.increment();
    }

    void unsupported() {
        unsupported.increment();
    }

    void paymentAccepted() {
        paymentsAccepted.increment();
    }

    void paymentReplayed() {
        paymentsReplayed.increment();
    }

    void paymentRejected(Rejection rejection) {
        paymentsRejected[rejection.ordinal()].increment();
    }

    void reversalVoided() {
        reversalsVoided.increment();
    }

    void reversalRejected(Rejection rejection) {
        reversalsRejected[rejection.ordinal()].increment();
    }

    void latency(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
