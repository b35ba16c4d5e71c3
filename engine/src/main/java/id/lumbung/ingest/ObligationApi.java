package id.lumbung.ingest;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.MemberDues;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.ObligationRejection;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.Trader;
import id.lumbung.settlement.Settlement;
import id.lumbung.web.HeadAnswers;
import id.lumbung.web.Problem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;

/**
 * The cooperative API's member obligations (DESIGN.md, "Member obligations"): {@code PUT
 * .../obligations/{obligationId}}, {@code POST .../obligations/{obligationId}/end}, {@code GET
 * .../obligations[?traderId=]}, and the obligation fields of {@code GET .../accounts}. The
 * cooperative is already authenticated by {@link CoopApi}.
 *
 * <p>Event loop only. A change is checked here ({@link Obligation#check}), then against the
 * journaled terms and journaled on the journal writer; it is answered once durable and once
 * settlement has applied it, so that a {@code GET} after the answer lists it. Each call gets the
 * core of the cooperative's journal ({@link CoopApi} routes it).
 */
final class ObligationApi {
    private final IngestContext ctx;
    private final Vertx vertx;

    ObligationApi(IngestContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.vertx = vertx;
    }

    /** {@code GET .../obligations[?traderId=]}: the cooperative's obligations as of its last close. */
    void list(HttpServerRequest req, Partitions.Core core, Coop coop) {
        String traderId = req.getParam("traderId");
        if (traderId != null && !member(coop, traderId)) {
            CoopApi.problem(req, Problem.NOT_FOUND, "no such member in this cooperative");
            return;
        }
        // read on a worker thread: the book's monitor may be held by settlement for a whole close
        vertx.executeBlocking(() -> {
            List<ObligationView> views = core.settlement().obligations(coop.index(), traderId);
            StringBuilder sb = new StringBuilder(64 + views.size() * 200).append("{\"obligations\":[");
            for (int i = 0; i < views.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                view(sb, views.get(i));
            }
            return sb.append("]}").toString();
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                HeadAnswers.end(req, req.response().putHeader("Content-Type", "application/json"), r.result());
            } else {
                req.response().setStatusCode(500).end(); // a bug: a listing throws nothing a client sent
            }
        });
    }

    /** {@code PUT .../obligations/{obligationId}} with the body read. */
    void put(HttpServerRequest req, Partitions.Core core, Coop coop, String obligationId, byte[] body) {
        JsonObject json = parse(req, body);
        if (json == null) {
            return;
        }
        String traderId, kind, startDate;
        Long daily, total;
        try {
            traderId = text(json, "traderId");
            kind = text(json, "kind");
            startDate = text(json, "startDate");
        } catch (FieldError e) {
            CoopApi.problem(req, Problem.INVALID_FIELD, e.getMessage());
            return;
        }
        try {
            daily = amount(json, "dailyAmount");
            total = amount(json, "total");
        } catch (FieldError e) {
            CoopApi.problem(req, Problem.INVALID_AMOUNT, e.getMessage());
            return;
        }
        Checked<Obligation> checked = Obligation.check(coop.coopId(), obligationId, traderId, kind, daily, startDate,
                total);
        if (!checked.ok()) {
            rejected(req, checked.rejection());
            return;
        }
        if (!member(coop, traderId)) {
            CoopApi.problem(req, Problem.NOT_FOUND, "no member " + traderId + " in this cooperative");
            return;
        }
        Context context = vertx.getOrCreateContext();
        core.obligations().putObligation(checked.value(), context, outcome -> answer(req, core, context, outcome));
    }

    /** {@code POST .../obligations/{obligationId}/end} with the body read. */
    void end(HttpServerRequest req, Partitions.Core core, Coop coop, String obligationId, byte[] body) {
        if (!Obligation.isId(obligationId, Obligation.OBLIGATION_ID_CHARS_MAX)) {
            CoopApi.problem(req, Problem.INVALID_FIELD, "obligationId must be 1 to " + Obligation.OBLIGATION_ID_CHARS_MAX
                    + " characters of A-Z, a-z, 0-9 and '-'");
            return;
        }
        JsonObject json = parse(req, body);
        if (json == null) {
            return;
        }
        String endDate;
        try {
            endDate = text(json, "endDate");
        } catch (FieldError e) {
            CoopApi.problem(req, Problem.INVALID_FIELD, e.getMessage());
            return;
        }
        Checked<LocalDate> checked = Obligation.checkEndDate(endDate);
        if (!checked.ok()) {
            rejected(req, checked.rejection());
            return;
        }
        Context context = vertx.getOrCreateContext();
        core.obligations().endObligation(coop.coopId(), obligationId, checked.value(), context,
                outcome -> answer(req, core, context, outcome));
    }

    /** The member's obligation fields of {@code GET .../accounts}: {@code ,"savings":..,"loanDue":..,"due":..}. */
    void accountFields(StringBuilder sb, Settlement settlement, Coop coop, Trader trader) {
        MemberDues dues = settlement.dues(coop.index(), trader.traderId());
        sb.append(",\"savings\":").append(dues.savingsRupiah()).append(",\"loanDue\":").append(dues.loanDueRupiah())
                .append(",\"due\":").append(dues.dueRupiah());
    }

    private boolean member(Coop coop, String traderId) {
        Trader t = ctx.reference().trader(traderId);
        return t != null && t.coopIndex() == coop.index();
    }

    private void answer(HttpServerRequest req, Partitions.Core core, Context context, ObligationOutcome outcome) {
        if (outcome == null) {
            HeadAnswers.end(req, req.response().setStatusCode(503).putHeader("Retry-After", "1")
                    .putHeader("Content-Type", "application/problem+json"),
                    Problem.JOURNAL_UNAVAILABLE.json("the journal takes no writes now; retry later"));
            return;
        }
        if (outcome.rejection() != null) {
            rejected(req, outcome.rejection());
            return;
        }
        int status = outcome.status() == ObligationOutcome.Status.CREATED ? 201 : 200;
        StringBuilder sb = new StringBuilder(200);
        terms(sb, outcome.obligation());
        String json = sb.append('}').toString();
        // settlement applies the event after the force that made it durable: once it has, a GET lists it
        core.settlement().applied().whenComplete((v, e) -> context.runOnContext(x -> HeadAnswers.end(req,
                req.response().setStatusCode(status).putHeader("Content-Type", "application/json"), json)));
    }

    private static void rejected(HttpServerRequest req, ObligationRejection r) {
        String code = r.code().name();
        String json;
        try {
            json = Problem.valueOf(code).json(r.detail());
        } catch (IllegalArgumentException e) {
            json = Problem.json(r.code().httpStatus(), code, "Limit reached", r.detail()); // LIMIT_REACHED
        }
        HeadAnswers.end(req, req.response().setStatusCode(r.code().httpStatus())
                .putHeader("Content-Type", "application/problem+json"), json);
    }

    private static JsonObject parse(HttpServerRequest req, byte[] body) {
        if (!CoopApi.jsonMediaType(req)) {
            CoopApi.problem(req, Problem.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
            return null;
        }
        try {
            Object value = Buffer.buffer(body).toJsonValue();
            if (value instanceof JsonObject o) {
                return o;
            }
        } catch (DecodeException | IllegalStateException e) {
            // answered below
        }
        CoopApi.problem(req, Problem.MALFORMED_JSON, "the body must be one JSON object");
        return null;
    }

    /** A field's error: its message is the problem's detail. */
    private static final class FieldError extends Exception {
        FieldError(String message) {
            super(message, null, false, false);
        }
    }

    /** A string field, null when absent or JSON null. */
    private static String text(JsonObject json, String field) throws FieldError {
        Object v = json.getValue(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new FieldError("'" + field + "' must be a string");
    }

    /** A whole-rupiah field written as a JSON integer literal, null when absent or JSON null. */
    private static Long amount(JsonObject json, String field) throws FieldError {
        Object v = json.getValue(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new FieldError("'" + field + "' must be a whole number of rupiah written as a JSON integer");
    }

    /** An obligation as {@code GET .../obligations} and a member statement list it. */
    static void view(StringBuilder sb, ObligationView v) {
        terms(sb, v.obligation());
        sb.append(",\"accrued\":").append(v.accruedRupiah()).append(",\"deducted\":").append(v.deductedRupiah())
                .append(",\"due\":").append(v.dueRupiah()).append('}');
    }

    /** The obligation's fields, without the closing brace. Ids and kinds are {@code [A-Za-z0-9_-]}: no escaping. */
    private static void terms(StringBuilder sb, Obligation o) {
        sb.append("{\"obligationId\":\"").append(o.obligationId()).append("\",\"traderId\":\"").append(o.traderId())
                .append("\",\"kind\":\"").append(o.kind().name()).append("\",\"dailyAmount\":")
                .append(o.dailyAmountRupiah()).append(",\"startDate\":\"").append(o.startDate()).append('"');
        if (o.endDate() != null) {
            sb.append(",\"endDate\":\"").append(o.endDate()).append('"');
        }
        if (o.totalRupiah() != null) {
            sb.append(",\"total\":").append(o.totalRupiah());
        }
    }
}
