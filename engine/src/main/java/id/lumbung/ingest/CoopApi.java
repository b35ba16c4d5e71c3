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
 */
final class CoopApi {
    private static final String PREFIX = "/v1/coops/";

    private final IngestContext ctx;
    private final CoopFiles files;
    private final ObligationApi obligations;
    private final Vertx vertx;
    private final MemberReportsApi reports;

    CoopApi(IngestContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.vertx = vertx;
        this.files = new CoopFiles(ctx.settlement()::batch, ctx.settlement().filesDir(), vertx);
        this.obligations = new ObligationApi(ctx, vertx);
        this.reports = new MemberReportsApi(ctx, vertx);
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
        if (write) {
            readBody(req, limit, body -> {
                if (parts.length == 3) {
                    obligations.put(req, coop, parts[2], body);
                } else {
                    obligations.end(req, coop, parts[2], body);
                }
            });
        } else if (parts.length == 2 && parts[1].equals("obligations")) {
            obligations.list(req, coop);
        } else if (parts.length == 2 && parts[1].equals("settlements")) {
            list(req, coop);
        } else if (parts.length == 2 && parts[1].equals("accounts")) {
            accounts(req, coop);
        } else if (parts.length == 4 && parts[1].equals("settlements")) {
            files.serve(req, coop, parts[2], parts[3]);
        } else if (parts.length == 4 && parts[1].equals("members") && parts[3].equals("statement")) {
            reports.statement(req, coop, parts[2]);
        } else if (parts.length == 2 && parts[1].equals("shu")) {
            reports.shu(req, coop);
        } else {
            problem(req, Problem.NOT_FOUND, "no such resource");
        }
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

    private void list(HttpServerRequest req, Coop coop) {
        List<BatchRecord> batches = ctx.settlement().batchesOf(coop.index());
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
    private void accounts(HttpServerRequest req, Coop coop) {
        vertx.executeBlocking(() -> accountsJson(coop), false).onComplete(r -> {
            if (r.succeeded()) {
                HeadAnswers.end(req, req.response().putHeader("Content-Type", "application/json"), r.result());
            } else {
                req.response().setStatusCode(500).end(); // a bug: reading balances throws nothing a client sent
            }
        });
    }

    private String accountsJson(Coop coop) {
        StringBuilder sb = new StringBuilder(256).append("{\"coopId\":\"").append(coop.coopId()).append("\",\"balance\":")
                .append(ctx.ledger().coopBalanceRupiah(coop.index())).append(",\"members\":[");
        List<Trader> traders = ctx.reference().tradersOf(coop.index());
        for (int i = 0; i < traders.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Trader t = traders.get(i);
            sb.append("{\"traderId\":\"").append(t.traderId()).append("\",\"balance\":")
                    .append(ctx.ledger().memberBalanceRupiah(t.index()));
            obligations.accountFields(sb, coop, t);
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    static void problem(HttpServerRequest req, Problem p, String detail) {
        HeadAnswers.end(req, req.response().setStatusCode(p.status).putHeader("Content-Type", "application/problem+json"),
                p.json(detail));
    }
}
