package id.lumbung.portal;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.MemberDues;
import id.lumbung.core.reference.Trader;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The members page: the cooperative's settled balance, then each member with its balance (the sum
 * of its payouts), savings (simpanan wajib collected), loan due and everything due as of the last
 * close, as {@code GET .../accounts} gives them, and a link to its statement; searchable by a part
 * of its name or id (case-insensitive), {@link #ROWS_MAX} rows at most.
 */
final class MembersPage {
    /** Rows shown at most; a larger cooperative narrows with the search. */
    static final int ROWS_MAX = 200;
    /** Search text read at most: longer than any trader id (32) or a useful part of a name. */
    static final int QUERY_CHARS_MAX = 64;

    private MembersPage() {
    }

    /**
     * @param coopIndex the cooperative whose settled balance heads the page
     * @param traders its members, in reference order
     * @param dues a member's savings and dues by trader id
     */
    static String main(Lang lang, int coopIndex, List<Trader> traders, Ledger ledger, Function<String, MemberDues> dues,
            String query) {
        String q = query == null ? "" : query.strip();
        if (q.length() > QUERY_CHARS_MAX) {
            q = q.substring(0, QUERY_CHARS_MAX);
        }
        String needle = q.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(2048);
        Html.text(sb.append("<h1>"), Text.MEMBERS.in(lang)).append("</h1><p id=\"coop-balance\">");
        Html.text(sb, Text.COOP_BALANCE.in(lang)).append(": <strong>").append(lang.rupiah(ledger.coopBalanceRupiah(coopIndex)))
                .append("</strong></p>");
        sb.append("<form class=\"search\" method=\"get\" action=\"").append(Page.MEMBERS.path).append("\" role=\"search\">")
                .append("<label for=\"q\">");
        Html.text(sb, Text.SEARCH_LABEL.in(lang)).append("</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"")
                .append(QUERY_CHARS_MAX).append("\" value=\"");
        Html.text(sb, q).append("\"><button type=\"submit\">");
        Html.text(sb, Text.SEARCH.in(lang)).append("</button></form>");
        StringBuilder rows = new StringBuilder(1024);
        int matches = 0;
        for (Trader t : traders) {
            if (!needle.isEmpty() && !t.traderId().toLowerCase(Locale.ROOT).contains(needle)
                    && !t.name().toLowerCase(Locale.ROOT).contains(needle)) {
                continue;
            }
            if (++matches > ROWS_MAX) {
                continue;
            }
            String id = Html.escape(t.traderId());
            rows.append("<tr data-trader-id=\"").append(id).append("\">");
            Cells.open(rows, lang, Text.MEMBER_ID, false).append("<a href=\"").append(Page.STATEMENT.path).append("?traderId=")
                    .append(id).append("\">").append(id).append("</a></td>");
            Cells.text(rows, lang, Text.NAME, t.name());
            Cells.rupiah(rows, lang, Text.BALANCE, ledger.memberBalanceRupiah(t.index()));
            MemberDues d = dues.apply(t.traderId());
            Cells.rupiah(rows, lang, Text.SAVINGS, d.savingsRupiah());
            Cells.rupiah(rows, lang, Text.LOAN_DUE, d.loanDueRupiah());
            Cells.rupiah(rows, lang, Text.DUE, d.dueRupiah());
            rows.append("</tr>");
        }
        if (matches == 0) {
            return Html.text(sb.append("<p class=\"note\" id=\"no-members\">"), Text.NO_MEMBERS.in(lang)).append("</p>").toString();
        }
        sb.append("<table class=\"cards\" id=\"members\"><thead><tr>");
        Cells.header(sb, lang, Text.MEMBER_ID, false);
        Cells.header(sb, lang, Text.NAME, false);
        Cells.header(sb, lang, Text.BALANCE, true);
        Cells.header(sb, lang, Text.SAVINGS, true);
        Cells.header(sb, lang, Text.LOAN_DUE, true);
        Cells.header(sb, lang, Text.DUE, true);
        sb.append("</tr></thead><tbody>").append(rows).append("</tbody></table>");
        if (matches > ROWS_MAX) {
            Html.text(sb.append("<p class=\"note\">"), String.format(Text.FIRST_OF.in(lang), ROWS_MAX, matches)).append("</p>");
        }
        return sb.toString();
    }
}
