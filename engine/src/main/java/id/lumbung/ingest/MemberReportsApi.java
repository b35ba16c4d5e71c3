package id.lumbung.ingest;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.obligation.Shu;
import id.lumbung.core.obligation.Statement;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.MemberReports;
import id.lumbung.settlement.Settlement;
import id.lumbung.files.ReportCsv;
import id.lumbung.web.HeadAnswers;
import id.lumbung.web.HeaderValues;
import id.lumbung.web.Problem;
import id.lumbung.web.ReportQuery;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The member statement ({@code GET /v1/coops/{coopId}/members/{traderId}/statement?from=&to=}) and
 * the year-end SHU ({@code GET /v1/coops/{coopId}/shu?year=&surplus=&servicePct=&capitalPct=}) of
 * the cooperative API, as JSON or, with {@code Accept: text/csv}, as CSV. The parameters are checked
 * on the event loop; {@link MemberReports} reads the cooperative's settled batches on a Vert.x
 * worker thread (a year's SHU reads every one of them), and the answer leaves from the event loop.
 * Each call gets the settlement of the cooperative's journal ({@link CoopApi} routes it).
 */
final class MemberReportsApi {
    private static final System.Logger LOG = System.getLogger(MemberReportsApi.class.getName());

    private final IngestContext ctx;
    private final Vertx vertx;

    MemberReportsApi(IngestContext ctx, Vertx vertx) {
        this.ctx = ctx;
        this.vertx = vertx;
    }

    /** {@code .../members/{traderId}/statement}; another cooperative's or an unknown trader is 404. */
    void statement(HttpServerRequest req, Settlement settlement, Coop coop, String traderId) {
        ReferenceData reference = ctx.reference();
        Trader trader = reference.trader(traderId);
        if (trader == null || trader.coopIndex() != coop.index()) {
            CoopApi.problem(req, Problem.NOT_FOUND, "no such member of this cooperative");
            return;
        }
        LocalDate today = LocalDate.ofInstant(ctx.clock().instant(), JakartaDates.ZONE);
        ReportQuery.Parsed<ReportQuery.Period> period = ReportQuery.period(req.getParam("from"), req.getParam("to"), today);
        if (!period.ok()) {
            CoopApi.problem(req, period.problem(), period.detail());
            return;
        }
        boolean csv = wantsCsv(req.getHeader("Accept"));
        vertx.executeBlocking(() -> {
            List<ObligationView> obligations = settlement.obligations(coop.index(), traderId);
            Statement s = MemberReports.statement(settlement.batchesOf(coop.index()), traderId, period.value().from(),
                    period.value().to(), obligations);
            return csv ? Buffer.buffer(ReportCsv.render(s.csvRows())) : Buffer.buffer(json(s));
        }, false).onComplete(ar -> answer(req, ar.succeeded() ? ar.result() : null, ar.cause(), csv));
    }

    /** {@code .../shu}: every member of the cooperative, shares summing exactly to each pool. */
    void shu(HttpServerRequest req, Settlement settlement, Coop coop) {
        ReportQuery.Parsed<ReportQuery.ShuParams> parsed = ReportQuery.shu(req.getParam("year"), req.getParam("surplus"),
                req.getParam("servicePct"), req.getParam("capitalPct"));
        if (!parsed.ok()) {
            CoopApi.problem(req, parsed.problem(), parsed.detail());
            return;
        }
        ReportQuery.ShuParams p = parsed.value();
        List<String> memberIds = new ArrayList<>();
        for (Trader t : ctx.reference().tradersOf(coop.index())) {
            memberIds.add(t.traderId());
        }
        boolean csv = wantsCsv(req.getHeader("Accept"));
        vertx.executeBlocking(() -> {
            Checked<Shu.Result> r = MemberReports.shu(settlement.batchesOf(coop.index()), memberIds, p.year(),
                    p.surplusRupiah(), p.servicePct(), p.capitalPct());
            if (!r.ok()) {
                // ReportQuery has checked what Shu checks: a refusal here is a bug
                throw new IllegalStateException("SHU refused checked parameters: " + r.rejection().detail());
            }
            return csv ? Buffer.buffer(ReportCsv.render(r.value().csvRows())) : Buffer.buffer(json(r.value()));
        }, false).onComplete(ar -> answer(req, ar.succeeded() ? ar.result() : null, ar.cause(), csv));
    }

    private static void answer(HttpServerRequest req, Buffer body, Throwable failure, boolean csv) {
        if (failure != null) {
            // a batch that does not add up: a broken invariant, the engine's fault, never the client's
            LOG.log(System.Logger.Level.ERROR, "event=member_report_failed path=" + req.path() + " error=\""
                    + failure.getMessage() + "\"", failure);
            HeadAnswers.end(req, req.response().setStatusCode(500).putHeader("Content-Type", "application/problem+json"),
                    Problem.json(500, "INTERNAL_ERROR", "Internal error", "the report could not be built; the operator has been alerted"));
            return;
        }
        HeadAnswers.end(req, req.response().putHeader("Content-Type", csv ? "text/csv; charset=utf-8" : "application/json"),
                body);
    }

    /**
     * True when the {@code Accept} header prefers {@code text/csv} to {@code application/json}: a
     * {@code text/csv} range with a weight above 0 and at least that of an explicit
     * {@code application/json}. Wildcards answer JSON, the API's default.
     */
    static boolean wantsCsv(String accept) {
        if (accept == null) {
            return false;
        }
        double csv = 0;
        double json = 0;
        for (String range : HeaderValues.ranges(accept)) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = HeaderValues.weight(parts);
            if (type.equals("text/csv")) {
                csv = Math.max(csv, q);
            } else if (type.equals("application/json")) {
                json = Math.max(json, q);
            }
        }
        return csv > 0 && csv >= json;
    }

    static String json(Statement s) {
        StringBuilder sb = new StringBuilder(512 + 256 * s.batches().size() + 256 * s.obligations().size());
        sb.append("{\"traderId\":\"").append(s.traderId()).append("\",\"from\":\"").append(s.from()).append("\",\"to\":\"")
                .append(s.to()).append("\",\"batches\":[");
        for (int i = 0; i < s.batches().size(); i++) {
            Statement.Row r = s.batches().get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"batchId\":\"").append(r.batchId()).append("\",\"closedAt\":\"").append(r.closedAt()).append("\",");
            sums(sb, r.payments(), r.grossRupiah(), r.feeRupiah(), r.netRupiah(), r.retribusiRupiah(), r.angsuranRupiah(),
                    r.simpananWajibRupiah(), r.payoutRupiah());
            sb.append('}');
        }
        Statement.Totals t = s.totals();
        sb.append("],\"totals\":{");
        sums(sb, t.payments(), t.grossRupiah(), t.feeRupiah(), t.netRupiah(), t.retribusiRupiah(), t.angsuranRupiah(),
                t.simpananWajibRupiah(), t.payoutRupiah());
        sb.append("},\"obligations\":[");
        for (int i = 0; i < s.obligations().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            ObligationApi.view(sb, s.obligations().get(i));
        }
        return sb.append("]}").toString();
    }

    private static void sums(StringBuilder sb, long payments, long gross, long fee, long net, long retribusi, long angsuran,
            long simpananWajib, long payout) {
        sb.append("\"payments\":").append(payments).append(",\"gross\":").append(gross).append(",\"fee\":").append(fee)
                .append(",\"net\":").append(net).append(",\"retribusi\":").append(retribusi).append(",\"angsuran\":")
                .append(angsuran).append(",\"simpananWajib\":").append(simpananWajib).append(",\"payout\":").append(payout);
    }

    static String json(Shu.Result r) {
        StringBuilder sb = new StringBuilder(256 + 160 * r.members().size());
        sb.append("{\"year\":").append(r.year()).append(",\"surplus\":").append(r.surplusRupiah()).append(",\"servicePool\":")
                .append(r.servicePoolRupiah()).append(",\"capitalPool\":").append(r.capitalPoolRupiah()).append(",\"members\":[");
        for (int i = 0; i < r.members().size(); i++) {
            Shu.Share s = r.members().get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"traderId\":\"").append(s.traderId()).append("\",\"gross\":").append(s.grossRupiah())
                    .append(",\"savings\":").append(s.savingsRupiah()).append(",\"serviceShare\":").append(s.serviceShareRupiah())
                    .append(",\"capitalShare\":").append(s.capitalShareRupiah()).append(",\"total\":").append(s.totalRupiah())
                    .append('}');
        }
        return sb.append("]}").toString();
    }
}
