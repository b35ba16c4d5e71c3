package id.lumbung.engine;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.writer.PostLane;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The engine's core ({@link Engine#coreOnly}) driven from one test thread: posts through a
 * {@link PostLane} (the HTTP ingest's path, singles and batches), voids, status reads and closes
 * through the engine's own {@link id.lumbung.writer.PaymentService} and {@link Engine#closeWindow}.
 * Every call waits for its answer; a fatal error of the engine fails the call at once instead of
 * leaving it to time out.
 */
public final class CoreHarness implements AutoCloseable {
    /** Longest wait for one answer: an engine that does not answer within it is a failure too. */
    private static final long ANSWER_WAIT_MS = 20_000;

    /** One post's answer, copied out of the lane's reused slot. */
    public record Posted(PostOutcome.Result result, long sequence, long acceptedAtEpochMs, String traderId, String coopId) {
    }

    private final Engine engine;
    private final Vertx vertx;
    private final Context context;
    private final CompletableFuture<Void> fatal = new CompletableFuture<>();
    private final Semaphore woken = new Semaphore(0);
    private final PostLane lane;
    private final List<Posted> answered = new ArrayList<>();
    private boolean stopped;

    /**
     * Starts the core on {@code dataDir} (sync durability, no scheduled cut-offs of its own: the
     * simulator moves the clock and makes the scheduler's call itself).
     */
    public CoreHarness(Path dataDir, ReferenceData reference, Clock clock, Vertx vertx, Map<String, String> settings)
            throws Exception {
        this.vertx = vertx;
        Map<String, String> v = new java.util.HashMap<>(settings);
        v.put(EngineConfig.DATA_DIR_PROP_NAME, dataDir.toString());
        v.putIfAbsent(EngineConfig.DISK_RESERVE_BYTES_PROP_NAME, "0");
        engine = new Engine(EngineConfig.of(v), reference, FeeSchedule.defaults(), clock, "sim-admin-token",
                (t, e) -> fatal.completeExceptionally(e));
        engine.coreOnly(vertx);
        context = vertx.getOrCreateContext();
        try {
            engine.start();
        } catch (Exception | Error e) {
            engine.stopAsCrash(); // a start that failed part way: its threads and the journal are released
            throw e;
        }
        lane = engine.service().lane(new PostLane.Answers() {
            @Override
            public void answer(PostLane.Single slot) {
                answered.add(copy(slot.result));
            }

            @Override
            public void answer(PostLane.Batch slot) {
                for (int i = 0; i < slot.size(); i++) {
                    answered.add(copy(slot.result(i)));
                }
            }
        }, woken::release);
    }

    private static Posted copy(PostResult r) {
        return new Posted(r.result(), r.sequence(), r.acceptedAtEpochMs(), r.traderId(), r.coopId());
    }

    /** The fatal error the engine reported, or null. */
    public Throwable fatal() {
        if (!fatal.isCompletedExceptionally()) {
            return null;
        }
        try {
            fatal.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    /**
     * What the terminal API layer answers before the core sees a request of {@code terminalId}, as
     * HttpIngest checks it against the reference the engine publishes to its event loops:
     * {@code UNAUTHENTICATED} for a terminal it does not know (a removed one), {@code TERMINAL_BLOCKED}
     * for a blocked one, null when the request goes on to the core.
     */
    public String refusal(String terminalId) {
        Terminal t = engine.reference().terminal(terminalId);
        return t == null ? "UNAUTHENTICATED" : t.blocked() ? "TERMINAL_BLOCKED" : null;
    }

    /** The terminal as the event loops see it (the engine's published reference). */
    private Terminal terminal(String terminalId) {
        Terminal t = engine.reference().terminal(terminalId);
        if (t == null) {
            throw new IllegalArgumentException("terminal " + terminalId + " is not in the published reference");
        }
        return t;
    }

    /** Posts one payment as a single (HTTP {@code POST /v1/payments}). */
    public Posted post(PaymentRequest request) throws Exception {
        Terminal terminal = terminal(request.terminalId());
        PostLane.Single slot = lane.single(terminal);
        slot.draft.set(request);
        return submit(slot, 1).get(0);
    }

    /** Posts the payments of one terminal as one batch (HTTP {@code POST /v1/payments/batch}). */
    public List<Posted> postBatch(List<PaymentRequest> requests) throws Exception {
        Terminal terminal = terminal(requests.get(0).terminalId());
        PostLane.Batch slot = lane.batch(terminal, requests.size());
        for (PaymentRequest r : requests) {
            slot.add().set(r);
        }
        slot.items = requests.size();
        return submit(slot, requests.size());
    }

    private List<Posted> submit(PostLane.Slot slot, int answers) throws Exception {
        answered.clear();
        lane.submit(slot);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_WAIT_MS);
        while (answered.size() < answers) {
            failIfFatal();
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no answer to a post within " + ANSWER_WAIT_MS + " ms");
            }
            if (woken.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                lane.drain();
            }
        }
        return List.copyOf(answered);
    }

    public VoidOutcome voidPayment(String paymentId, String terminalId) throws Exception {
        CompletableFuture<VoidOutcome> f = new CompletableFuture<>();
        engine.service().voidPayment(paymentId, terminal(terminalId), context, f::complete);
        return await(f);
    }

    /** A reversal by the terminal's own txnId (ISO 8583 0400). */
    public VoidOutcome voidByTxnId(String txnId, String terminalId) throws Exception {
        CompletableFuture<VoidOutcome> f = new CompletableFuture<>();
        engine.service().voidByTxnId(txnId, terminal(terminalId), context, f::complete);
        return await(f);
    }

    /** The payment as its terminal sees it, or null (not found). */
    public PaymentView status(String paymentId, String terminalId) throws Exception {
        return status(paymentId, terminal(terminalId));
    }

    /**
     * The payment as the book answers its terminal, the terminal found by index in the published
     * reference whether the API layer would let it in or not (removed, blocked): the book's own state.
     */
    public PaymentView statusInBook(String paymentId, String terminalId) throws Exception {
        ReferenceData r = engine.reference();
        for (int i = 0; i < r.terminalCount(); i++) {
            if (r.terminal(i).terminalId().equals(terminalId)) {
                return status(paymentId, r.terminal(i));
            }
        }
        throw new IllegalArgumentException("terminal " + terminalId + " has no index in the published reference");
    }

    private PaymentView status(String paymentId, Terminal terminal) throws Exception {
        CompletableFuture<PaymentView> f = new CompletableFuture<>();
        Consumer<PaymentView> done = f::complete;
        engine.service().status(paymentId, terminal, context, done,
                () -> f.completeExceptionally(new IllegalStateException("the journal took no lookup")));
        return await(f);
    }

    /**
     * Reloads the reference from {@code files} through the core of {@code POST
     * /admin/v1/reference/reload} (the journal writer compares, journals, applies, publishes).
     */
    public PaymentBook.ReferenceUpdate reload(ReferenceData files) throws Exception {
        CompletableFuture<PaymentBook.ReferenceUpdate> f = new CompletableFuture<>();
        engine.reloadReference(files, context, f::complete);
        return await(f);
    }

    /** A {@code PUT} of an obligation through the journal writer's command; null when the journal takes no writes. */
    public id.lumbung.core.obligation.ObligationOutcome putObligation(id.lumbung.core.obligation.Obligation o)
            throws Exception {
        CompletableFuture<id.lumbung.core.obligation.ObligationOutcome> f = new CompletableFuture<>();
        engine.service().putObligation(o, context, outcome -> f.complete(outcome));
        return await(f);
    }

    /** An {@code end} of an obligation through the journal writer's command. */
    public id.lumbung.core.obligation.ObligationOutcome endObligation(String coopId, String obligationId,
            java.time.LocalDate endDate) throws Exception {
        CompletableFuture<id.lumbung.core.obligation.ObligationOutcome> f = new CompletableFuture<>();
        engine.service().endObligation(coopId, obligationId, endDate, context, outcome -> f.complete(outcome));
        return await(f);
    }

    /** Every reference change journaled since the journal began (read on the writer). */
    public long referenceChangesTotal() throws Exception {
        CompletableFuture<Long> f = new CompletableFuture<>();
        engine.service().referenceHistory((changes, total) -> f.complete(total));
        return await(f);
    }

    /** The reference the engine publishes to its event loops. */
    public ReferenceData reference() {
        return engine.reference();
    }

    /** Closes one cooperative's window (index) or all ({@code -1}); the batches once settled. */
    public List<Batch> close(int coopIndex, boolean scheduled) throws Exception {
        CompletableFuture<List<Batch>> f = engine.closeWindow(coopIndex,
                scheduled ? JournalEntry.TRIGGER_SCHEDULE : JournalEntry.TRIGGER_ADMIN).toCompletionStage().toCompletableFuture();
        return await(f);
    }

    private <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            CompletableFuture.anyOf(f, fatal).get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            failIfFatal(); // the engine's fatal error, named as such
            throw e;
        }
        failIfFatal();
        return f.join();
    }

    private void failIfFatal() {
        Throwable t = fatal();
        if (t != null) {
            throw new IllegalStateException("engine fatal: " + t, t);
        }
    }

    public List<BatchRecord> batchesOf(int coopIndex) {
        return List.copyOf(engine.settlement().batchesOf(coopIndex));
    }

    /**
     * Waits until the book retains {@code expected} payments (the retention sweep runs on the
     * writer every 10 ms or so); false when it does not within {@code waitMs}.
     */
    public boolean awaitRetained(int expected, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (engine.retainedPayments() != expected) {
            failIfFatal();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    public int retainedPayments() {
        return engine.retainedPayments();
    }

    public Ledger ledger() {
        return engine.ledger();
    }

    public Engine engine() {
        return engine;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Clean stop: drains, forces, writes the snapshot (when enabled). */
    public void stop() {
        if (!stopped) {
            stopped = true;
            engine.close();
        }
    }

    /** Stops as a crash leaves the disk: no snapshot written. */
    public void crash() {
        if (!stopped) {
            stopped = true;
            engine.stopAsCrash();
        }
    }

    @Override
    public void close() {
        crash();
    }
}
