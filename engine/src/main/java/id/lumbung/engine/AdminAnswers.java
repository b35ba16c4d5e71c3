package id.lumbung.engine;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.sftp.SftpServer;
import id.lumbung.metrics.OpsServer;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.web.Problem;
import id.lumbung.writer.PaymentService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The ops port's admin answers ({@code POST /admin/v1/close}, {@code POST /admin/v1/reference/reload},
 * {@code GET /admin/v1/reference/history}): JSON bodies and problem answers over the engine's
 * writer, settlement and reference. Beside the wiring, not in {@code metrics}: they reach the
 * writer, settlement, intake's batch JSON and the reference files, each of which depends on
 * {@code metrics}.
 */
final class AdminAnswers {
    private final Engine engine;
    private final EngineConfig config;
    private final FeeSchedule fees;

    AdminAnswers(Engine engine, EngineConfig config, FeeSchedule fees) {
        this.engine = engine;
        this.config = config;
        this.fees = fees;
    }

    /**
     * The reference files and delivery credentials a reload read, both checked, and the SSH keys as
     * the check decoded them (put in effect as they are: decoded once).
     */
    private record Reloaded(ReferenceData files, DeliveryCredentials credentials, SftpServer.Keys sshKeys) {
    }

    /**
     * {@code POST /admin/v1/reference/reload}: reads the reference files again (off the event loop),
     * then the journal writer journals and applies each change, or refuses them all (409 naming
     * file, line and field). Event loops see the old reference or the new one, never a mix: the
     * writer publishes the new one whole once it has journaled it.
     */
    Future<OpsServer.Answer> adminReload() {
        Vertx vertx = engine.vertx();
        if (!engine.started() || engine.failed()) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting or stopping")));
        }
        io.vertx.core.Context context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> {
            try {
                ReferenceData files = ReferenceFiles.loadOrBundledDemo(config.referenceDir, fees.toConfig().keySet());
                // the delivery credentials are checked with the rest: a faulty one refuses the whole reload
                DeliveryCredentials credentials = DeliveryCredentials.load(config.referenceDir, config.webhookSecretsPath, files);
                SftpServer.Keys sshKeys = SftpServer.checkKeys(credentials);
                return new Reloaded(files, credentials, sshKeys);
            } catch (id.lumbung.core.reference.ReferenceDataException | IllegalStateException e) {
                return e;
            }
        }).compose(loaded -> {
            if (loaded instanceof Exception e) {
                return Future.succeededFuture(refused(e.getMessage()));
            }
            ReferenceData next = ((Reloaded) loaded).files();
            DeliveryCredentials nextDelivery = ((Reloaded) loaded).credentials();
            SftpServer.Keys nextKeys = ((Reloaded) loaded).sshKeys();
            Promise<OpsServer.Answer> answer = Promise.promise();
            engine.reloadReference(next, context, update -> {
                if (update.refusal() != null) {
                    answer.complete(refused(update.refusal()));
                } else if (update.journalUnavailable()) {
                    answer.complete(new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                            Problem.JOURNAL_UNAVAILABLE.json("the reference changes could not be journaled")));
                } else {
                    Engine.logChanges(update.changes());
                    engine.useDeliveryCredentials(nextDelivery, nextKeys);
                    answer.complete(new OpsServer.Answer(200, changesJson(update.changes(), -1)));
                }
            });
            return answer.future();
        });
    }

    private static OpsServer.Answer refused(String message) {
        return new OpsServer.Answer(409, Problem.json(409, "REFERENCE_REFUSED", "Reference change refused",
                "nothing journaled: " + message));
    }

    /** {@code GET /admin/v1/reference/history}: read on the writer, which owns the history. */
    Future<OpsServer.Answer> adminReferenceHistory() {
        Vertx vertx = engine.vertx();
        PaymentService service = engine.service();
        if (!engine.started() || engine.failed()) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting or stopping")));
        }
        io.vertx.core.Context context = vertx.getOrCreateContext();
        Promise<OpsServer.Answer> answer = Promise.promise();
        service.referenceHistory((changes, total) -> context.runOnContext(v -> answer.complete(total < 0
                ? new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                        Problem.JOURNAL_UNAVAILABLE.json("the journal writer's queue is full"))
                : new OpsServer.Answer(200, changesJson(changes, total)))));
        return answer.future();
    }

    /** {@code {"changes":[{"what","from","to","sequence","at"}],"total"?}}, {@code at} in ISO 8601 UTC. */
    private static String changesJson(List<id.lumbung.core.reference.JournaledReference.Change> changes, long total) {
        io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
        for (id.lumbung.core.reference.JournaledReference.Change c : changes) {
            items.add(new io.vertx.core.json.JsonObject().put("what", c.what()).put("from", c.from()).put("to", c.to())
                    .put("sequence", c.sequence()).put("at", java.time.Instant.ofEpochMilli(c.atEpochMs()).toString()));
        }
        io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("changes", items);
        if (total >= 0) {
            body.put("total", total);
        }
        return body.encode();
    }

    /** An admin close's answer: {@code {"batches":[...]}}, each batch as its settlement lists it. */
    static String batchesJson(List<id.lumbung.core.settlement.Batch> batches,
            java.util.function.Function<id.lumbung.core.settlement.Batch, id.lumbung.core.settlement.BatchRecord> record) {
        StringBuilder sb = new StringBuilder("{\"batches\":[");
        for (int i = 0; i < batches.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            id.lumbung.ingest.BatchJson.write(sb, record.apply(batches.get(i)));
        }
        return sb.append("]}").toString();
    }

    Future<OpsServer.Answer> adminClose(String coopId) {
        ReferenceData reference = engine.reference();
        Settlement settlement = engine.settlement();
        if (!engine.started()) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting")));
        }
        int coopIndex = -1;
        if (coopId != null) {
            Coop coop = reference.coop(coopId);
            if (coop == null) {
                return Future.succeededFuture(new OpsServer.Answer(Problem.NOT_FOUND.status,
                        Problem.NOT_FOUND.json("no such cooperative")));
            }
            coopIndex = coop.index();
        }
        if (engine.failed()) {
            return Future.succeededFuture(new OpsServer.Answer(500, Problem.json(500, "ENGINE_FAILED", "Engine failed",
                    "the engine hit a fatal error and is stopping; see its log (event=settlement_failed or journal_writer_failed)")));
        }
        return engine.closeWindow(coopIndex, JournalEntry.TRIGGER_ADMIN).map(batches ->
                new OpsServer.Answer(200, batchesJson(batches, b -> settlement.batch(b.batchId())))).recover(e -> Future.succeededFuture(settlement.failure() != null
                // journaled, but its batches could not be settled: not a condition to retry
                ? new OpsServer.Answer(500, Problem.json(500, "SETTLEMENT_FAILED", "Settlement failed",
                        "the close was journaled but could not be settled (" + settlement.failure().getMessage()
                        + "); the engine is stopping; see ops/RUNBOOK.md, \"Re-run a failed close\""))
                : new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                        Problem.JOURNAL_UNAVAILABLE.json("the close could not be journaled"))));
    }
}
