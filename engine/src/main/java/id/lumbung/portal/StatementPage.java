package id.lumbung.portal;

import id.lumbung.core.obligation.Statement;
import id.lumbung.core.reference.Trader;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A member's statement: the form (member id, from, to), then the member's batches in the period,
 * oldest first, with their totals, a link to the same statement as CSV ({@link #CSV_PATH}), and the
 * member's obligations. The figures are the cooperative API's statement, built by the same code.
 */
final class StatementPage {
    static final String CSV_PATH = Page.STATEMENT.path + ".csv";

    private StatementPage() {
    }

    /**
     * @param traderId the member asked for, or null before one is
     * @param trader the member, or null when none is asked for or the id is not a member
     * @param statement its statement, or null when there is none to show
     * @param alert a refusal's message, already in the page's language, or null
     */
    static String main(Lang lang, String traderId, Trader trader, LocalDate from, LocalDate to, Statement statement,
            String alert, ZoneId zone) {
        StringBuilder sb = new StringBuilder(4096);
        Html.text(sb.append("<h1>"), Text.STATEMENT_TITLE.in(lang)).append("</h1>");
        sb.append("<form class=\"search\" method=\"get\" action=\"").append(Page.STATEMENT.path).append("\">");
        Cells.input(sb, lang, "traderId", Text.MEMBER_ID, "text", traderId, true, 32);
        Cells.input(sb, lang, "from", Text.FROM, "date", from == null ? null : from.toString(), false, 0);
        Cells.input(sb, lang, "to", Text.TO, "date", to == null ? null : to.toString(), false, 0);
        sb.append("<button id=\"show\" type=\"submit\">");
        Html.text(sb, Text.SHOW.in(lang)).append("</button></form>");
        if (alert != null) {
            Html.text(sb.append("<p role=\"alert\">"), alert).append("</p>");
        }
        if (statement == null) {
            if (alert == null) {
                Html.text(sb.append("<p class=\"note\">"), Text.CHOOSE_MEMBER.in(lang)).append("</p>");
            }
            return sb.toString();
        }
        sb.append("<h2 id=\"statement-member\">");
        Html.text(sb, trader.name()).append(" · ");
        Html.text(sb, trader.traderId()).append("</h2><p id=\"statement-period\">");
        Html.text(sb, Text.PERIOD.in(lang)).append(": ").append(statement.from()).append(" – ").append(statement.to())
                .append(" · <a id=\"statement-csv\" download href=\"").append(CSV_PATH).append("?traderId=");
        Html.text(sb, statement.traderId()).append("&amp;from=").append(statement.from()).append("&amp;to=").append(statement.to())
                .append("\">");
        Html.text(sb, Text.DOWNLOAD_CSV.in(lang)).append("</a></p>");
        if (statement.batches().isEmpty()) {
            Html.text(sb.append("<p class=\"note\" id=\"no-statement-batches\">"), Text.NO_STATEMENT_BATCHES.in(lang)).append("</p>");
        } else {
            table(sb, lang, statement, zone);
        }
        Html.text(sb.append("<h2>"), Text.OBLIGATIONS.in(lang)).append("</h2>");
        ObligationsPage.table(sb, lang, statement.obligations(), false);
        return sb.toString();
    }

    private static void table(StringBuilder sb, Lang lang, Statement s, ZoneId zone) {
        sb.append("<div class=\"wide\"><table class=\"cards\" id=\"statement\"><thead><tr>");
        Cells.header(sb, lang, Text.BATCH, false);
        Cells.header(sb, lang, Text.CLOSED_AT, false);
        Cells.header(sb, lang, Text.PAYMENTS, true);
        Cells.header(sb, lang, Text.GROSS, true);
        Cells.header(sb, lang, Text.FEE, true);
        Cells.header(sb, lang, Text.NET, true);
        Cells.header(sb, lang, Text.RETRIBUSI, true);
        Cells.header(sb, lang, Text.ANGSURAN, true);
        Cells.header(sb, lang, Text.SIMPANAN_WAJIB, true);
        Cells.header(sb, lang, Text.PAYOUT, true);
        sb.append("</tr></thead><tbody>");
        for (Statement.Row r : s.batches()) {
            sb.append("<tr data-batch-id=\"");
            Html.text(sb, r.batchId()).append("\">");
            Cells.text(sb, lang, Text.BATCH, r.batchId());
            Cells.closedAt(sb, lang, r.closedAtEpochMs(), zone);
            amounts(sb, lang, r.payments(), r.grossRupiah(), r.feeRupiah(), r.netRupiah(), r.retribusiRupiah(),
                    r.angsuranRupiah(), r.simpananWajibRupiah(), r.payoutRupiah());
            sb.append("</tr>");
        }
        Statement.Totals t = s.totals();
        sb.append("<tr class=\"total\" data-batch-id=\"total\">");
        Cells.text(sb, lang, Text.BATCH, Text.TOTAL.in(lang));
        Cells.text(sb, lang, Text.CLOSED_AT, "");
        amounts(sb, lang, t.payments(), t.grossRupiah(), t.feeRupiah(), t.netRupiah(), t.retribusiRupiah(), t.angsuranRupiah(),
                t.simpananWajibRupiah(), t.payoutRupiah());
        sb.append("</tr></tbody></table></div>");
    }

    private static void amounts(StringBuilder sb, Lang lang, long payments, long gross, long fee, long net, long retribusi,
            long angsuran, long simpananWajib, long payout) {
        Cells.count(sb, lang, Text.PAYMENTS, payments);
        Cells.rupiah(sb, lang, Text.GROSS, gross);
        Cells.rupiah(sb, lang, Text.FEE, fee);
        Cells.rupiah(sb, lang, Text.NET, net);
        Cells.rupiah(sb, lang, Text.RETRIBUSI, retribusi);
        Cells.rupiah(sb, lang, Text.ANGSURAN, angsuran);
        Cells.rupiah(sb, lang, Text.SIMPANAN_WAJIB, simpananWajib);
        Cells.rupiah(sb, lang, Text.PAYOUT, payout);
    }
}
