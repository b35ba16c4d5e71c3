package id.lumbung.portal;

import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.ObligationView;
import java.util.List;

/**
 * The obligations page: the cooperative's obligations (or one member's, {@code ?traderId=}) as of
 * the last close, each with a form to end it, and a form to add one. Both forms post to the portal
 * ({@link #ADD_PATH}, {@link #END_PATH}), which journals them through the cooperative API's path.
 * {@link #ROWS_MAX} rows at most; a larger cooperative narrows by member.
 */
final class ObligationsPage {
    static final String ADD_PATH = Page.OBLIGATIONS.path;
    static final String END_PATH = Page.OBLIGATIONS.path + "/end";
    /** Rows shown at most: a member holds at most 64, a cooperative up to millions. */
    static final int ROWS_MAX = 500;

    private ObligationsPage() {
    }

    /**
     * @param traderId the member whose obligations are listed, or null for all
     * @param notice a message on what the last form did, already in the page's language, or null
     * @param refused true when {@code notice} is a refusal ({@code role="alert"}), else a confirmation
     */
    static String main(Lang lang, String traderId, List<ObligationView> views, String notice, boolean refused) {
        StringBuilder sb = new StringBuilder(4096 + 400 * Math.min(views.size(), ROWS_MAX));
        Html.text(sb.append("<h1>"), Text.OBLIGATIONS_TITLE.in(lang)).append("</h1>");
        if (notice != null) {
            sb.append(refused ? "<p id=\"obligation-notice\" role=\"alert\">" : "<p id=\"obligation-notice\" role=\"status\" class=\"ok\">");
            Html.text(sb, notice).append("</p>");
        }
        sb.append("<form class=\"search\" method=\"get\" action=\"").append(Page.OBLIGATIONS.path).append("\" role=\"search\">");
        Cells.input(sb, lang, "traderId", Text.MEMBER_ID, "text", traderId, false, Obligation.TRADER_ID_CHARS_MAX);
        sb.append("<button type=\"submit\">");
        Html.text(sb, Text.SEARCH.in(lang)).append("</button></form>");
        Html.text(sb.append("<p class=\"note\">"), Text.OBLIGATIONS_NOTE.in(lang)).append("</p>");
        table(sb, lang, views.size() > ROWS_MAX ? views.subList(0, ROWS_MAX) : views, true);
        if (views.size() > ROWS_MAX) {
            Html.text(sb.append("<p class=\"note\">"), String.format(Text.FIRST_OF.in(lang), ROWS_MAX, views.size())).append("</p>");
        }
        addForm(sb, lang, traderId);
        return sb.toString();
    }

    /** The obligations table; with {@code endForms}, each row carries a form to end the obligation. */
    static void table(StringBuilder sb, Lang lang, List<ObligationView> views, boolean endForms) {
        if (views.isEmpty()) {
            Html.text(sb.append("<p class=\"note\" id=\"no-obligations\">"), Text.NO_OBLIGATIONS.in(lang)).append("</p>");
            return;
        }
        sb.append("<div class=\"wide\"><table class=\"cards\" id=\"obligations\"><thead><tr>");
        Cells.header(sb, lang, Text.OBLIGATION_ID, false);
        Cells.header(sb, lang, Text.MEMBER_ID, false);
        Cells.header(sb, lang, Text.KIND, false);
        Cells.header(sb, lang, Text.DAILY_AMOUNT, true);
        Cells.header(sb, lang, Text.START_DATE, false);
        Cells.header(sb, lang, Text.END_DATE, false);
        Cells.header(sb, lang, Text.TOTAL_LIMIT, true);
        Cells.header(sb, lang, Text.ACCRUED, true);
        Cells.header(sb, lang, Text.DEDUCTED, true);
        Cells.header(sb, lang, Text.DUE, true);
        if (endForms) {
            Cells.header(sb, lang, Text.END, false);
        }
        sb.append("</tr></thead><tbody>");
        for (ObligationView v : views) {
            Obligation o = v.obligation();
            sb.append("<tr data-obligation-id=\"");
            Html.text(sb, o.obligationId()).append("\">");
            Cells.text(sb, lang, Text.OBLIGATION_ID, o.obligationId());
            Cells.open(sb, lang, Text.MEMBER_ID, false).append("<a href=\"").append(Page.STATEMENT.path).append("?traderId=");
            Html.text(sb, o.traderId()).append("\">");
            Html.text(sb, o.traderId()).append("</a></td>");
            Cells.text(sb, lang, Text.KIND, kind(o.kind()).in(lang));
            Cells.rupiah(sb, lang, Text.DAILY_AMOUNT, o.dailyAmountRupiah());
            Cells.text(sb, lang, Text.START_DATE, o.startDate().toString());
            Cells.text(sb, lang, Text.END_DATE, o.endDate() == null ? "–" : o.endDate().toString());
            if (o.totalRupiah() == null) {
                Cells.open(sb, lang, Text.TOTAL_LIMIT, true).append("–</td>");
            } else {
                Cells.rupiah(sb, lang, Text.TOTAL_LIMIT, o.totalRupiah());
            }
            Cells.rupiah(sb, lang, Text.ACCRUED, v.accruedRupiah());
            Cells.rupiah(sb, lang, Text.DEDUCTED, v.deductedRupiah());
            Cells.rupiah(sb, lang, Text.DUE, v.dueRupiah());
            if (endForms) {
                String id = Html.escape(o.obligationId());
                Cells.open(sb, lang, Text.END, false).append("<form class=\"end\" method=\"post\" action=\"").append(END_PATH)
                        .append("\"><input type=\"hidden\" name=\"obligationId\" value=\"").append(id)
                        .append("\"><input type=\"date\" name=\"endDate\" required aria-label=\"");
                Html.text(sb, Text.END_DATE.in(lang)).append(' ').append(id).append("\"><button type=\"submit\">");
                Html.text(sb, Text.END.in(lang)).append("</button></form></td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table></div>");
    }

    private static void addForm(StringBuilder sb, Lang lang, String traderId) {
        Html.text(sb.append("<h2>"), Text.ADD_OBLIGATION.in(lang)).append("</h2>");
        sb.append("<form class=\"entry\" id=\"add-obligation\" method=\"post\" action=\"").append(ADD_PATH).append("\">");
        Cells.input(sb, lang, "obligationId", Text.OBLIGATION_ID, "text", null, true, Obligation.OBLIGATION_ID_CHARS_MAX);
        Cells.input(sb, lang, "new-traderId", "traderId", Text.MEMBER_ID, "text", traderId, true, Obligation.TRADER_ID_CHARS_MAX);
        sb.append("<div class=\"field\"><label for=\"kind\">");
        Html.text(sb, Text.KIND.in(lang)).append("</label><select id=\"kind\" name=\"kind\" required>");
        for (ObligationKind k : ObligationKind.values()) {
            sb.append("<option value=\"").append(k.name()).append("\">");
            Html.text(sb, kind(k).in(lang)).append("</option>");
        }
        sb.append("</select></div>");
        Cells.input(sb, lang, "dailyAmount", Text.DAILY_AMOUNT, "digits", null, true, 10);
        Cells.input(sb, lang, "startDate", Text.START_DATE, "date", null, true, 0);
        Cells.input(sb, lang, "total", Text.TOTAL_CAP, "digits", null, false, 16);
        sb.append("<button id=\"add\" type=\"submit\">");
        Html.text(sb, Text.ADD.in(lang)).append("</button></form>");
    }

    static Text kind(ObligationKind kind) {
        return switch (kind) {
            case RETRIBUSI -> Text.RETRIBUSI;
            case ANGSURAN -> Text.ANGSURAN;
            case SIMPANAN_WAJIB -> Text.SIMPANAN_WAJIB;
        };
    }
}
