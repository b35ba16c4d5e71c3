package id.lumbung.bench.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One event loop's share of the load: its own pooled keep-alive client, bodies, signer, histograms
 * and counts, all touched on its event loop only (the progress counters are atomics so that the
 * main thread can read them).
 *
 * <p>Open loop: request {@code i} is intended at {@code startNs + i / rate}; the pacer nudges the
 * worker, which sends every request that is due. Latency is measured from the intended time, so a
 * stall of the server (or of this worker) is charged to every request it delayed: that is the
 * coordinated-omission correction. The service time (from the actual send) is kept beside it.
 * Closed loop: each answer sends the next request at once, {@code connections x depth} in flight.
 *
 * <p>Several ports (a cluster's nodes): in closed loop request slot {@code i} stays on port
 * {@code i mod ports}, so each node gets an equal share of the slots, as a client pinned to a node by
 * a load balancer would; in open loop requests take the ports in turn.
 */
final class LoadWorker extends VerticleBase {
    /** 60 s in ns: anything slower is a timeout anyway; 3 significant digits is 0.1% resolution. */
    static final long LATENCY_NS_MAX = TimeUnit.SECONDS.toNanos(60);
    static final int LATENCY_DIGITS = 3;

    private final RunPlan plan;
    private final int workerIndex;
    private final int workerCount;
    private final long intervalNs;

    final Histogram latencyNs = new Histogram(LATENCY_NS_MAX, LATENCY_DIGITS);
    final Histogram serviceNs = new Histogram(LATENCY_NS_MAX, LATENCY_DIGITS);
    final ResponseCounts counts = new ResponseCounts();
    /** Answers (any status) and accepted payments since start, and client-side failures: for progress. */
    final AtomicLong answered = new AtomicLong();
    final AtomicLong paymentsAccepted = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    /** Largest CO-corrected latency recorded since the progress line last took it (one writer: this worker's loop). */
    final AtomicLong intervalMaxNs = new AtomicLong();
    /** Accepted payments and answers whose answer arrived inside the measured window. */
    long windowPayments;
    long windowAnswers;

    private final AtomicBoolean nudgePending = new AtomicBoolean();
    private HttpClientAgent client;
    private PaymentBodies bodies;
    private RequestSigner signer;
    private long sent;
    private int terminalNext;
    /** Open loop: the port index of the next request. */
    private int portNext;

    /** Share of the warm-up over which an open loop ramps up to its rate. */
    static final double RAMP_SHARE_OF_WARMUP = 0.6;
    private double rampCredit;

    LoadWorker(RunPlan plan, int workerIndex, int workerCount) {
        this.plan = plan;
        this.workerIndex = workerIndex;
        this.workerCount = workerCount;
        this.intervalNs = plan.openLoop() ? Math.max(1, Math.round(1e9 / plan.ratePerWorkerPerS())) : 0;
    }

    @Override
    public Future<?> start() {
        bodies = new PaymentBodies(plan.runId(), workerIndex);
        signer = new RequestSigner(plan.terminalIds());
        // spread terminals: worker w starts at its own offset so that workers do not share buckets in lockstep
        terminalNext = (int) ((long) workerIndex * plan.terminalIds().length / workerCount);
        int depth = plan.openLoop() ? Math.max(plan.depth(), 1) : plan.depth();
        client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setDefaultHost(plan.host()).setDefaultPort(plan.ports()[0])
                        .setKeepAlive(true).setPipelining(depth > 1).setPipeliningLimit(Math.max(depth, 1))
                        .setTcpNoDelay(true))
                // the pool's size holds per port (per host:port the client talks to)
                .with(new PoolOptions().setHttp1MaxSize(plan.connectionsPerPort()).setMaxWaitQueueSize(-1))
                .build();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        return client == null ? Future.succeededFuture() : client.close();
    }

    io.vertx.core.Context eventLoop() {
        return context;
    }

    /** Starts the closed loop: fills every connection to its depth. Runs on this worker's event loop. */
    void startClosedLoop() {
        int outstanding = plan.connectionsPerWorker() * plan.depth();
        for (int i = 0; i < outstanding; i++) {
            send(System.nanoTime(), i % plan.ports().length);
        }
    }

    /** Called by the pacer thread: schedules a catch-up unless one is already queued. */
    void nudge() {
        if (nudgePending.compareAndSet(false, true)) {
            context.runOnContext(v -> catchUp());
        }
    }

    private void catchUp() {
        nudgePending.set(false);
        long now = System.nanoTime();
        long due = Math.min((now - plan.startNs()) / intervalNs + 1, (plan.endNs() - plan.startNs() + intervalNs - 1) / intervalNs);
        while (sent < due) {
            long intendedNs = plan.startNs() + sent * intervalNs;
            if (skipInRamp(intendedNs)) {
                sent++;
                continue;
            }
            if (inFlight.get() >= plan.outstandingMax()) {
                sent++;
                clientFailure("client:BACKLOG", intendedNs, intendedNs, System.nanoTime(), portNext);
                continue;
            }
            send(intendedNs, portNext);
            portNext = portNext + 1 == plan.ports().length ? 0 : portNext + 1;
        }
    }

    /**
     * Open loop: over the first {@value #RAMP_SHARE_OF_WARMUP} of the warm-up the offered rate rises
     * from 5% to 100% by leaving out a falling share of the scheduled sends (never in the measured
     * window). A cold generator offered the full rate at once queues thousands of requests in its
     * HTTP client while its own code is still interpreted, and that backlog then drains into the
     * measured window as latency of neither server (seen against the no-op server too).
     */
    private boolean skipInRamp(long intendedNs) {
        long rampNs = (long) ((plan.measureStartNs() - plan.startNs()) * RAMP_SHARE_OF_WARMUP);
        long intoNs = intendedNs - plan.startNs();
        if (intoNs >= rampNs) {
            return false;
        }
        rampCredit += 0.05 + 0.95 * intoNs / rampNs;
        if (rampCredit >= 1) {
            rampCredit -= 1;
            return false;
        }
        return true;
    }

    private void send(long intendedNs, int portIndex) {
        sent++;
        int terminalIndex = terminalNext;
        terminalNext = terminalNext + 1 == plan.terminalIds().length ? 0 : terminalNext + 1;
        String terminalId = plan.terminalIds()[terminalIndex];
        long nowMs = System.currentTimeMillis();
        byte[] body = plan.batch() ? bodies.batch(terminalId, plan.batchItems(), nowMs) : bodies.single(terminalId, nowMs);
        String timestamp = Long.toString(nowMs);
        MultiMap headers = HttpHeaders.headers()
                .set(HttpHeaders.CONTENT_TYPE, "application/json")
                .set("X-Terminal-Id", terminalId)
                .set("X-Timestamp", timestamp)
                .set("X-Signature", signer.sign(terminalIndex, "POST", plan.path(), timestamp, body));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(plan.ports()[portIndex])
                .setURI(plan.path()).setHeaders(headers).setIdleTimeout(plan.requestTimeoutMs());
        inFlight.incrementAndGet();
        long sendNs = System.nanoTime();
        client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> {
                    onAnswer(resp.statusCode(), b, intendedNs, sendNs, portIndex);
                    return b;
                }))
                .onFailure(t -> clientFailure("client:" + t.getClass().getSimpleName(), intendedNs, sendNs, System.nanoTime(),
                        portIndex));
    }

    private void onAnswer(int status, Buffer body, long intendedNs, long sendNs, int portIndex) {
        long now = System.nanoTime();
        inFlight.decrementAndGet();
        answered.incrementAndGet();
        String text = body.toString(java.nio.charset.StandardCharsets.UTF_8);
        int accepted;
        if (plan.measured(intendedNs)) {
            record(intendedNs, sendNs, now);
            accepted = plan.batch() ? counts.batch(status, text, plan.batchItems()) : counts.single(status, text);
        } else {
            accepted = countOnly(status, text);
        }
        paymentsAccepted.addAndGet(accepted);
        if (plan.measured(now)) {
            windowAnswers++;
            windowPayments += accepted;
        }
        if (!plan.openLoop() && now < plan.endNs()) {
            send(now, portIndex);
        }
    }

    /** Warm-up answers count for progress only. */
    private int countOnly(int status, String text) {
        if (!plan.batch()) {
            return status == 201 ? 1 : 0;
        }
        ResponseCounts scratch = new ResponseCounts();
        return scratch.batch(status, text, plan.batchItems());
    }

    private void clientFailure(String outcome, long intendedNs, long sendNs, long now, int portIndex) {
        if (!outcome.equals("client:BACKLOG")) {
            inFlight.decrementAndGet();
        }
        failures.incrementAndGet();
        if (plan.measured(intendedNs)) {
            record(intendedNs, sendNs, now);
            counts.add(outcome, 1);
        }
        if (!plan.openLoop() && now < plan.endNs()) {
            // closed loop: keep the connection's slot busy, but never spin on a dead server
            vertx.setTimer(10, id -> send(System.nanoTime(), portIndex));
        }
    }

    private void record(long intendedNs, long sendNs, long now) {
        latencyNs.recordValue(Math.min(now - intendedNs, LATENCY_NS_MAX));
        if (now - intendedNs > intervalMaxNs.get()) {
            intervalMaxNs.set(now - intendedNs);
        }
        serviceNs.recordValue(Math.min(now - sendNs, LATENCY_NS_MAX));
    }

    /** Requests still in flight when the drain ends: counted (their latency is unknown, so not recorded). */
    void countUnanswered() {
        long n = inFlight.get();
        if (n > 0) {
            counts.add("client:NOT_ANSWERED_BY_END", n);
        }
    }
}
