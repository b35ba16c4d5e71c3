package id.lumbung.ingest;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.web.BoundedBody;
import id.lumbung.web.CoopFiles;
import id.lumbung.web.HeadAnswers;
import id.lumbung.web.HeaderValues;
import id.lumbung.web.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The cooperative API on the terminal port: settlement listing, file download, account balances,
 * member obligations ({@link ObligationApi}), member statements and the year-end SHU
 * ({@link MemberReportsApi}).
 * Bearer token per cooperative, compared by SHA-256 in constant time; a cooperative sees only its
 * own data (another's id answers 404, as an unknown one does). Event loop only: files are read with
 * Vert.x's asynchronous file system.
 *
 * <p>With the Kafka journal the cooperative in the path picks the partition: once the token is
 * checked (every node has the same reference), a partition served here answers from its core's
 * settlement, ledger and obligation commands, and any other is forwarded, a write with its body
 * read within the same limit, a read without a body (a GET's body has no meaning here, and the
 * owner would not read it either).
 */
final class CoopApi {
    private static final String PREFIX = "/v1/coops/";
    private static final byte[] NO_BODY = new byte[0];

    private final IngestContext ctx;
    private final ObligationApi obligations;
    private final Vertx vertx;
    private final MemberReportsApi reports;
    /** A single engine's one core and its files; null with the Kafka journal. */
    private final Partitions.Core single;
    private final CoopFiles singleFiles;
    /** With the Kafka journal: the file reader per local partition, and the core each was made for. */
    private Partitions.Core[] filesCores = new Partitions.Core[0];
    private CoopFiles[] files = new CoopFiles[0];

    CoopApi(IngestContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.vertx = vertx;
        this.obligations = new ObligationApi(ctx, vertx);
        this.reports = new MemberReportsApi(ctx, vertx);
        if (ctx.partitions() == null) {
            single = new ContextCore(ctx.commands(), ctx.obligations(), ctx.settlement(), ctx.ledger());
            singleFiles = filesOf(single);
        } else {
            single = null;
            singleFiles = null;
        }
    }

    /** A single engine's core: the context's. */
    private record ContextCore(id.lumbung.writer.PaymentCommands commands, id.lumbung.writer.ObligationCommands obligations,
            id.lumbung.settlement.Settlement settlement, id.lumbung.core.ledger.Ledger ledger) implements Partitions.Core {
    }

    /** True for the routes that change something: {@code PUT .../obligations/{id}} and {@code POST .../obligations/{id}/end}. */
    static boolean writes(HttpMethod method, String path) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        return method == HttpMethod.PUT && parts.length == 3 && parts[1].equals("obligations")
                || method == HttpMethod.POST && parts.length == 4 && parts[1].equals("obligations") && parts[3].equals("end");
    }

    void handle(HttpServerRequest req, String path) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        boolean write = writes(req.method(), path);
        int limit = ctx.config().bodyBytesMax;
        String declared = req.getHeader("Content-Length");
        if (write && declared != null && HeaderValues.declaredOver(declared, limit)) {
            problem(req, Problem.BODY_TOO_LARGE, "body larger than " + limit + " bytes");
            return;
        }
        String token = bearer(req.getHeader("Authorization"));
        if (token == null) {
            problem(req, Problem.UNAUTHENTICATED, "Authorization: Bearer <token> is required");
            return;
        }
        Coop coop = ctx.reference().coop(parts[0]);
        if (coop == null || !ctx.reference().tokenMatches(coop, token)) {
            problem(req, Problem.NOT_FOUND, "no such cooperative for this token");
            return;
        }
        int partition = partitionOf(coop);
        if (write) {
            // the core is looked up once the body is in: it may have changed while the body came
            readBody(req, limit, body -> {
                Partitions.Core core = coreOf(partition);
                if (core == null) {
                    ctx.partitions().forward(req, body, partition);
                } else if (parts.length == 3) {
                    obligations.put(req, core, coop, parts[2], body);
                } else {
                    obligations.end(req, core, coop, parts[2], body);
                }
            });
            return;
        }
        Partitions.Core core = coreOf(partition);
        if (core == null) {
            ctx.partitions().forward(req, NO_BODY, partition);
        } else if (parts.length == 2 && parts[1].equals("obligations")) {
            obligations.list(req, core, coop);
        } else if (parts.length == 2 && parts[1].equals("settlements")) {
            list(req, core, coop);
        } else if (parts.length == 2 && parts[1].equals("accounts")) {
            accounts(req, core, coop);
        } else if (parts.length == 4 && parts[1].equals("settlements")) {
            filesOf(partition, core).serve(req, coop, parts[2], parts[3]);
        } else if (parts.length == 4 && parts[1].equals("members") && parts[3].equals("statement")) {
            reports.statement(req, core.settlement(), coop, parts[2]);
        } else if (parts.length == 2 && parts[1].equals("shu")) {
            reports.shu(req, core.settlement(), coop);
        } else {
            problem(req, Problem.NOT_FOUND, "no such resource");
        }
    }

    /** The cooperative's partition with the Kafka journal; -1 in a single engine. */
    private int partitionOf(Coop coop) {
        if (ctx.partitions() == null) {
            return -1;
        }
        int partition = ctx.partitions().partitionOfCoop(coop.index());
        if (partition < 0) {
            throw new IllegalStateException("no partition for cooperative " + coop.coopId());
        }
        return partition;
    }

    /** The core that serves {@code partition} here (a single engine's one core for -1), or null: forward. */
    private Partitions.Core coreOf(int partition) {
        return partition < 0 ? single : ctx.partitions().local(partition);
    }

    /** The file reader of {@code core}, made again when the partition's core is another object (rebuilt). */
    private CoopFiles filesOf(int partition, Partitions.Core core) {
        if (partition < 0) {
            return singleFiles;
        }
        if (partition >= files.length) {
            // partitions served here only (local() returned a core): bounded by the topic's partitions
            files = java.util.Arrays.copyOf(files, partition + 1);
            filesCores = java.util.Arrays.copyOf(filesCores, partition + 1);
        }
        if (filesCores[partition] != core) {
            files[partition] = filesOf(core);
            filesCores[partition] = core;
        }
        return files[partition];
    }

    private CoopFiles filesOf(Partitions.Core core) {
        return new CoopFiles(core.settlement()::batch, core.settlement().filesDir(), vertx);
    }


    /** Reads the body up to {@code limit} bytes, then hands it on; a longer one is answered 413. */
    private static void readBody(HttpServerRequest req, int limit, java.util.function.Consumer<byte[]> then) {
        BoundedBody.read(req, limit, 256, () -> problem(req, Problem.BODY_TOO_LARGE, "body larger than " + limit + " bytes"),
                then);
    }

    static boolean jsonMediaType(HttpServerRequest req) {
        String ct = req.getHeader("Content-Type");
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().equalsIgnoreCase("application/json");
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private void list(HttpServerRequest req, Partitions.Core core, Coop coop) {
        List<BatchRecord> batches = core.settlement().batchesOf(coop.index());
        int from = 0;
        String since = req.getParam("since");
        if (since != null) {
            from = -1;
            for (int i = 0; i < batches.size(); i++) {
                if (batches.get(i).batch().batchId().equals(since)) {
                    from = i + 1;
                    break;
                }
            }
            if (from < 0) {
                problem(req, Problem.NOT_FOUND, "no such batch for 'since'");
                return;
            }
        }
        StringBuilder sb = new StringBuilder(256).append("{\"batches\":[");
        for (int i = from; i < batches.size(); i++) {
            if (i > from) {
                sb.append(',');
            }
            BatchJson.write(sb, batches.get(i));
        }
        HeadAnswers.end(req, req.response().putHeader("Content-Type", "application/json"), sb.append("]}").toString());
    }

    /**
     * The balances and each member's obligation fields, built on a worker thread: the obligation
     * books are read under their monitors, which settlement holds for a whole close of the
     * cooperative, and an event loop never waits on a lock.
     */
    private void accounts(HttpServerRequest req, Partitions.Core core, Coop coop) {
        vertx.executeBlocking(() -> accountsJson(core, coop), false).onComplete(r -> {
            if (r.succeeded()) {
                HeadAnswers.end(req, req.response().putHeader("Content-Type", "application/json"), r.result());
            } else {
                req.response().setStatusCode(500).end(); // a bug: reading balances throws nothing a client sent
            }
        });
    }

    private String accountsJson(Partitions.Core core, Coop coop) {
        StringBuilder sb = new StringBuilder(256).append("{\"coopId\":\"").append(coop.coopId()).append("\",\"balance\":")
                .append(core.ledger().coopBalanceRupiah(coop.index())).append(",\"members\":[");
        List<Trader> traders = ctx.reference().tradersOf(coop.index());
        for (int i = 0; i < traders.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Trader t = traders.get(i);
            sb.append("{\"traderId\":\"").append(t.traderId()).append("\",\"balance\":")
                    .append(core.ledger().memberBalanceRupiah(t.index()));
            obligations.accountFields(sb, core.settlement(), coop, t);
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    static void problem(HttpServerRequest req, Problem p, String detail) {
        HeadAnswers.end(req, req.response().setStatusCode(p.status).putHeader("Content-Type", "application/problem+json"),
                p.json(detail));
    }
}
