package id.lumbung.ingest;

import id.lumbung.config.EngineConfig;
import id.lumbung.ledger.Ledger;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.payment.PaymentCommands;
import id.lumbung.reference.ReferenceData;
import id.lumbung.settlement.Settlement;
import java.time.Clock;

/**
 * What every HTTP ingest verticle instance shares: thread-safe collaborators only.
 *
 * @param config limits and ports
 * @param reference terminals, traders and cooperatives
 * @param commands the journal writer's command surface
 * @param settlement closed batches and their files
 * @param ledger settled balances
 * @param rateLimiter per-terminal token buckets
 * @param metrics meters
 * @param clock the engine clock
 */
public record IngestContext(
        EngineConfig config,
        ReferenceData reference,
        PaymentCommands commands,
        Settlement settlement,
        Ledger ledger,
        RateLimiter rateLimiter,
        EngineMetrics metrics,
        Clock clock) {
}
