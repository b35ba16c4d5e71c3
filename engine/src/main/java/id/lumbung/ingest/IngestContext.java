package id.lumbung.ingest;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.settlement.Settlement;
import id.lumbung.writer.PaymentCommands;
import java.time.Clock;

/**
 * What every HTTP ingest verticle instance shares: thread-safe collaborators only.
 *
 * @param config limits and ports
 * @param referenceSource terminals, traders and cooperatives in effect (replaced as a whole when a
 *     change is journaled; indexes are stable across versions)
 * @param commands the journal writer's command surface
 * @param obligations the journal writer's obligation commands
 * @param settlement closed batches and their files
 * @param ledger settled balances
 * @param rateLimiter per-terminal token buckets
 * @param metrics meters
 * @param clock the engine clock
 * @param partitions with the Kafka journal, the partitions this node serves and the way to the
 *     others' owners: each request then uses its partition's core, and {@code commands},
 *     {@code obligations}, {@code settlement} and {@code ledger} are not read (they may be null);
 *     null for a single engine, whose one core they are
 */
public record IngestContext(
        EngineConfig config,
        java.util.function.Supplier<ReferenceData> referenceSource,
        PaymentCommands commands,
        id.lumbung.writer.ObligationCommands obligations,
        Settlement settlement,
        Ledger ledger,
        RateLimiter rateLimiter,
        EngineMetrics metrics,
        Clock clock,
        Partitions partitions) {

    /** A single engine's context: one core serves every request. */
    public IngestContext(EngineConfig config, java.util.function.Supplier<ReferenceData> referenceSource,
            PaymentCommands commands, id.lumbung.writer.ObligationCommands obligations, Settlement settlement,
            Ledger ledger, RateLimiter rateLimiter, EngineMetrics metrics, Clock clock) {
        this(config, referenceSource, commands, obligations, settlement, ledger, rateLimiter, metrics, clock, null);
    }

    /** The reference in effect now: read it once per request and use that one throughout. */
    public ReferenceData reference() {
        return referenceSource.get();
    }
}
