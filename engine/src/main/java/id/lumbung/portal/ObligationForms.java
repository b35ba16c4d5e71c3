package id.lumbung.portal;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.ObligationRejection;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.settlement.Settlement;
import id.lumbung.web.ReportQuery;
import id.lumbung.writer.ObligationCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.LocalDate;

/**
 * The obligation forms of the portal (add, end), journaled exactly as the cooperative API's
 * {@code PUT .../obligations/{id}} and {@code POST .../obligations/{id}/end}: the same checks
 * ({@link Obligation#check}, {@link Obligation#checkEndDate}, membership), the same journal writer
 * commands, answered once settlement has applied the change, with the status and code the API
 * would answer. Event loop only.
 */
final class ObligationForms {
    /** Digits of a form's rupiah field at most: 18 always fit a {@code long}. */
    private static final int AMOUNT_DIGITS_MAX = 18;

    /**
     * What a form did: {@code code} and {@code field} are set when it was refused.
     *
     * @param status the page's HTTP status: 200 when done, else the status the cooperative API
     *     answers for the same refusal
     */
    record Answer(int status, String code, String field, ObligationOutcome.Status outcome) {
        boolean refused() {
            return code != null;
        }

        static Answer refused(int status, String code, String field) {
            return new Answer(status, code, field, null);
        }
    }

    private final ObligationCommands commands;
    private final Settlement settlement;
    private final Vertx vertx;

    ObligationForms(ObligationCommands commands, Settlement settlement, Vertx vertx) {
        this.commands = commands;
        this.settlement = settlement;
        this.vertx = vertx;
    }

    /** The add form: the fields as posted (null when empty). */
    Future<Answer> put(ReferenceData reference, Coop coop, String obligationId, String traderId, String kind,
            String dailyAmount, String startDate, String total) {
        Long daily = amount(dailyAmount);
        Long cap = amount(total);
        if (daily != null && daily < 0) {
            return Future.succeededFuture(Answer.refused(400, "INVALID_AMOUNT", "dailyAmount"));
        }
        if (cap != null && cap < 0) {
            return Future.succeededFuture(Answer.refused(400, "INVALID_AMOUNT", "total"));
        }
        Checked<Obligation> checked = Obligation.check(coop.coopId(), obligationId, traderId, kind, daily, startDate, cap);
        if (!checked.ok()) {
            return Future.succeededFuture(refused(checked.rejection()));
        }
        Trader trader = reference.trader(traderId);
        if (trader == null || trader.coopIndex() != coop.index()) {
            return Future.succeededFuture(Answer.refused(404, "NOT_FOUND", "traderId"));
        }
        Promise<Answer> answer = Promise.promise();
        Context context = vertx.getOrCreateContext();
        commands.putObligation(checked.value(), context, outcome -> answered(outcome, context, answer));
        return answer.future();
    }

    /** The end form of one obligation. */
    Future<Answer> end(Coop coop, String obligationId, String endDate) {
        if (!Obligation.isId(obligationId, Obligation.OBLIGATION_ID_CHARS_MAX)) {
            return Future.succeededFuture(Answer.refused(400, "INVALID_FIELD", "obligationId"));
        }
        Checked<LocalDate> checked = Obligation.checkEndDate(endDate);
        if (!checked.ok()) {
            return Future.succeededFuture(refused(checked.rejection()));
        }
        Promise<Answer> answer = Promise.promise();
        Context context = vertx.getOrCreateContext();
        commands.endObligation(coop.coopId(), obligationId, checked.value(), context,
                outcome -> answered(outcome, context, answer));
        return answer.future();
    }

    private void answered(ObligationOutcome outcome, Context context, Promise<Answer> answer) {
        if (outcome == null) {
            answer.complete(Answer.refused(503, "JOURNAL_UNAVAILABLE", null));
        } else if (outcome.rejection() != null) {
            answer.complete(refused(outcome.rejection()));
        } else {
            // the page lists the obligation as settlement holds it: answered once settlement has applied the event
            settlement.applied().whenComplete((v, e) -> context.runOnContext(x ->
                    answer.complete(new Answer(200, null, null, outcome.status()))));
        }
    }

    private static Answer refused(ObligationRejection r) {
        return Answer.refused(r.code().httpStatus(), r.code().name(), r.field());
    }

    /** A form's whole-rupiah field: null when empty, -1 when it is not 1 to 18 digits. */
    private static Long amount(String text) {
        return text == null ? null : ReportQuery.digits(text, AMOUNT_DIGITS_MAX);
    }
}
