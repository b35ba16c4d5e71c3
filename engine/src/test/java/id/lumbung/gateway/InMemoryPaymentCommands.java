package id.lumbung.gateway;

import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentStatus;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A small honest stand-in for the engine: an idempotent in-memory store keyed by terminal id +
 * txn id, sequences from 1, completions delivered later on the caller's context (optionally after
 * a per-request delay), a switch that makes the "journal" unavailable, and a way to settle.
 */
final class InMemoryPaymentCommands implements PaymentCommands {

    private final Map<String, PaymentView> byKey = new HashMap<>();
    private final Map<String, PaymentView> byId = new HashMap<>();
    private final List<PaymentRequest> received = new ArrayList<>();
    private long nextSequence = 1;
    private volatile boolean journalUnavailable;
    private volatile ToLongFunction<String> delayMsByTxnId = txnId -> 0;

    synchronized List<PaymentRequest> received() {
        return new ArrayList<>(received);
    }

    void journalUnavailable(boolean unavailable) {
        this.journalUnavailable = unavailable;
    }

    void delayMsByTxnId(ToLongFunction<String> delay) {
        this.delayMsByTxnId = delay;
    }

    synchronized PaymentView byKey(String terminalId, String txnId) {
        return byKey.get(key(terminalId, txnId));
    }

    synchronized void settle(String terminalId, String txnId) {
        PaymentView p = byKey.get(key(terminalId, txnId));
        replace(p, PaymentStatus.SETTLED, "B-1");
    }

    private PostOutcome postNow(PaymentRequest request, Terminal terminal) {
        if (!request.terminalId().equals(terminal.terminalId())) {
            throw new AssertionError("request terminal differs from authenticated terminal");
        }
        String key = key(request.terminalId(), request.txnId());
        PaymentView existing = byKey.get(key);
        if (existing != null) {
            return existing.request().sameContent(request)
                    ? new PostOutcome(PostOutcome.Result.REPLAYED, existing)
                    : new PostOutcome(PostOutcome.Result.IDEMPOTENCY_CONFLICT, null);
        }
        if (journalUnavailable) {
            return new PostOutcome(PostOutcome.Result.JOURNAL_UNAVAILABLE, null);
        }
        long sequence = nextSequence++;
        PaymentView view = new PaymentView(sequence, "trader-" + terminal.traderIndex(),
                "coop", 1_000L * sequence, PaymentStatus.ACCEPTED, null, request);
        byKey.put(key, view);
        byId.put(view.paymentId(), view);
        return new PostOutcome(PostOutcome.Result.ACCEPTED, view);
    }

    /**
     * A lane over this store: a slot is posted when offered (so {@link #received} is in offer
     * order) and completed at once or after its txnId's delay, from another thread, as the journal
     * writer completes a group.
     */
    @Override
    public PostLane lane(PostLane.Answers answers, PostLane.Wake wake) {
        return new PostLane(new PostLane.Poster() {
            @Override
            public void post(PaymentDraft draft, Terminal terminal, PostResult out) {
                PaymentRequest request = draft.toRequest();
                received.add(request);
                PostOutcome outcome = postNow(request, terminal);
                switch (outcome.result()) {
                    case ACCEPTED -> out.accepted(outcome.payment().sequence(), outcome.payment().acceptedAtEpochMs(),
                            outcome.payment().traderId(), outcome.payment().coopId());
                    case REPLAYED -> out.replayed(outcome.payment().sequence(), outcome.payment().acceptedAtEpochMs(),
                            outcome.payment().traderId(), outcome.payment().coopId());
                    default -> out.refused(outcome.result());
                }
            }

            @Override
            public void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out) {
                for (int i = 0; i < n; i++) {
                    post(drafts[i], terminal, out[i]);
                }
            }
        }, slot -> {
            String txnId;
            synchronized (this) {
                slot.execute();
                txnId = received.get(received.size() - 1).txnId();
            }
            long delayMs = delayMsByTxnId.applyAsLong(txnId);
            CompletableFuture.delayedExecutor(Math.max(0, delayMs), TimeUnit.MILLISECONDS).execute(slot::complete);
            return true;
        }, answers, wake);
    }

    @Override
    public void voidPayment(String paymentId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
        VoidOutcome outcome;
        synchronized (this) {
            PaymentView p = byId.get(paymentId);
            outcome = voidNow(p != null && p.request().terminalId().equals(terminal.terminalId()) ? p : null);
        }
        complete(context, paymentId, done, outcome);
    }

    @Override
    public void voidByTxnId(String txnId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
        VoidOutcome outcome;
        synchronized (this) {
            outcome = voidNow(byKey.get(key(terminal.terminalId(), txnId)));
        }
        complete(context, txnId, done, outcome);
    }

    private VoidOutcome voidNow(PaymentView p) {
        if (p == null) {
            return new VoidOutcome(VoidOutcome.Result.NOT_FOUND, null);
        }
        if (p.status() == PaymentStatus.SETTLED) {
            return new VoidOutcome(VoidOutcome.Result.ALREADY_SETTLED, p);
        }
        if (journalUnavailable) {
            return new VoidOutcome(VoidOutcome.Result.JOURNAL_UNAVAILABLE, null);
        }
        return new VoidOutcome(VoidOutcome.Result.VOIDED, replace(p, PaymentStatus.VOIDED, null));
    }

    private PaymentView replace(PaymentView p, PaymentStatus status, String batchId) {
        PaymentView next = new PaymentView(p.sequence(), p.traderId(), p.coopId(),
                p.acceptedAtEpochMs(), status, batchId, p.request());
        byKey.put(key(p.request().terminalId(), p.request().txnId()), next);
        byId.put(p.paymentId(), next);
        return next;
    }

    @Override
    public void status(String paymentId, Terminal terminal, Context context, Consumer<PaymentView> done, Runnable unavailable) {
        PaymentView p;
        synchronized (this) {
            p = byId.get(paymentId);
        }
        PaymentView answer = p != null && p.request().terminalId().equals(terminal.terminalId()) ? p : null;
        context.runOnContext(v -> done.accept(answer));
    }

    private <T> void complete(Context context, String txnId, Consumer<T> done, T outcome) {
        long delayMs = delayMsByTxnId.applyAsLong(txnId);
        if (delayMs <= 0) {
            context.runOnContext(v -> done.accept(outcome));
        } else {
            context.owner().setTimer(delayMs, id -> context.runOnContext(v -> done.accept(outcome)));
        }
    }

    private static String key(String terminalId, String txnId) {
        return terminalId + '\u0000' + txnId;
    }
}
