package id.lumbung.writer;

import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.Terminal;
import io.vertx.core.Context;
import java.util.function.Consumer;

/**
 * The engine's command surface for terminals, used by the HTTP ingest and the ISO 8583 gateway.
 * Callers are event loops: every method returns at once; the journal writer thread does the work
 * and {@code done} runs later on {@code context}, only once the entries are as durable as the
 * configured durability promises. The caller has already authenticated {@code terminal} and
 * checked it is not blocked, and validated every request field.
 */
public interface PaymentCommands {

    /**
     * A lane to post payments and batches through reused slots, allocating nothing per payment
     * ({@link PostLane}): the one way payments are posted, for HTTP and ISO 8583 alike. Its owner
     * (an event loop, or one ISO 8583 connection on its loop) uses it on that loop only; {@code
     * wake} must schedule {@link PostLane#drain} there.
     */
    PostLane lane(PostLane.Answers answers, PostLane.Wake wake);

    /** Void a payment by its id. */
    void voidPayment(String paymentId, Terminal terminal, Context context, Consumer<VoidOutcome> done);

    /** Void a payment by its idempotency key (ISO 8583 reversal: terminal id + RRN). */
    void voidByTxnId(String txnId, Terminal terminal, Context context, Consumer<VoidOutcome> done);

    /**
     * Look up a payment by id, as the terminal that posted it: {@code done} gets it, or {@code null}
     * when there is no such payment for this terminal; {@code unavailable} runs instead when the
     * lookup could not be made (the writer's queue full, or its journal unavailable), which says
     * nothing about whether the payment exists. Either runs on {@code context}.
     */
    void status(String paymentId, Terminal terminal, Context context, Consumer<PaymentView> done, Runnable unavailable);
}
