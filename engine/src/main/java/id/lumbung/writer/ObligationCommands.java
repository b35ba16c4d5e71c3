package id.lumbung.writer;

import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import io.vertx.core.Context;
import java.time.LocalDate;
import java.util.function.Consumer;

/**
 * The cooperative API's obligation commands over the journal writer. Callers are event loops:
 * every method returns at once; {@code done} runs later on {@code context}, once the change is as
 * durable as the configured durability promises (a replayed {@code PUT} is answered after the same
 * group commit, like a replayed payment). {@code done} gets null when the journal takes no writes.
 */
public interface ObligationCommands {

    /** Creates the obligation, or answers it again for the same terms ({@code PaymentBook#putObligation}). */
    void putObligation(Obligation obligation, Context context, Consumer<ObligationOutcome> done);

    /** Ends the obligation on {@code endDate} ({@code PaymentBook#endObligation}). */
    void endObligation(String coopId, String obligationId, LocalDate endDate, Context context,
            Consumer<ObligationOutcome> done);
}
