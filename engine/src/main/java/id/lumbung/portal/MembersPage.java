package id.lumbung.portal;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.reference.Trader;
import java.util.List;
import java.util.Locale;

/**
 * The members page: the cooperative's settled balance, then each member with its own, searchable by a part
 * of its name or id (case-insensitive), {@link #ROWS_MAX} rows at most. Savings and dues join
 * when member obligations are settled.
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
     */
    static String main(Lang lang, int coopIndex, List<Trader> traders, Ledger ledger, String query) {
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
            rows.append("<tr data-trader-id=\"").append(id).append("\"><td data-label=\"");
            Html.text(rows, Text.MEMBER_ID.in(lang)).append("\">").append(id).append("</td><td data-label=\"");
            Html.text(rows, Text.NAME.in(lang)).append("\">");
            Html.text(rows, t.name()).append("</td><td class=\"num\" data-label=\"");
            Html.text(rows, Text.BALANCE.in(lang)).append("\">").append(lang.rupiah(ledger.memberBalanceRupiah(t.index())))
                    .append("</td></tr>");
        }
        if (matches == 0) {
            return Html.text(sb.append("<p class=\"note\" id=\"no-members\">"), Text.NO_MEMBERS.in(lang)).append("</p>").toString();
        }
        sb.append("<table class=\"cards\" id=\"members\"><thead><tr><th>");
        Html.text(sb, Text.MEMBER_ID.in(lang)).append("</th><th>");
        Html.text(sb, Text.NAME.in(lang)).append("</th><th class=\"num\">");
        Html.text(sb, Text.BALANCE.in(lang)).append("</th></tr></thead><tbody>").append(rows).append("</tbody></table>");
        if (matches > ROWS_MAX) {
            Html.text(sb.append("<p class=\"note\">"), String.format(Text.FIRST_OF.in(lang), ROWS_MAX, matches)).append("</p>");
        }
        return sb.toString();
    }
}
