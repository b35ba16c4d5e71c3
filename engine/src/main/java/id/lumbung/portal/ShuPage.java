package id.lumbung.portal;

import id.lumbung.core.obligation.Shu;
import id.lumbung.core.reference.Trader;
import java.util.Map;

/**
 * The year-end SHU table: the form (year, surplus, service and capital percents) and, once
 * filled, both pools and every member's shares, which add up exactly to the pools (the cooperative
 * API's SHU, built by the same code).
 */
final class ShuPage {
    private ShuPage() {
    }

    /**
     * @param form the form's values as given (null ones are empty)
     * @param result the shares, or null before the form is filled or when it is refused
     * @param names member names by trader id
     * @param alert a refusal's message, already in the page's language, or null
     */
    static String main(Lang lang, String[] form, Shu.Result result, Map<String, String> names, String alert) {
        StringBuilder sb = new StringBuilder(4096);
        Html.text(sb.append("<h1>"), Text.SHU_TITLE.in(lang)).append("</h1>");
        sb.append("<form class=\"entry\" id=\"shu-form\" method=\"get\" action=\"").append(Page.SHU.path).append("\">");
        Cells.input(sb, lang, "year", Text.YEAR, "digits", form[0], true, 4);
        Cells.input(sb, lang, "surplus", Text.SURPLUS, "digits", form[1], true, 18);
        Cells.input(sb, lang, "servicePct", Text.SERVICE_PCT, "digits", form[2], true, 3);
        Cells.input(sb, lang, "capitalPct", Text.CAPITAL_PCT, "digits", form[3], true, 3);
        sb.append("<button id=\"compute\" type=\"submit\">");
        Html.text(sb, Text.COMPUTE.in(lang)).append("</button></form>");
        Html.text(sb.append("<p class=\"note\">"), Text.SHU_NOTE.in(lang)).append("</p>");
        if (alert != null) {
            Html.text(sb.append("<p role=\"alert\">"), alert).append("</p>");
        }
        if (result == null) {
            return sb.toString();
        }
        sb.append("<p id=\"pools\"><span id=\"service-pool\" data-rupiah=\"").append(result.servicePoolRupiah()).append("\">");
        Html.text(sb, Text.SERVICE_POOL.in(lang)).append(": <strong>").append(lang.rupiah(result.servicePoolRupiah()))
                .append("</strong></span> · <span id=\"capital-pool\" data-rupiah=\"").append(result.capitalPoolRupiah()).append("\">");
        Html.text(sb, Text.CAPITAL_POOL.in(lang)).append(": <strong>").append(lang.rupiah(result.capitalPoolRupiah()))
                .append("</strong></span></p>");
        sb.append("<table class=\"cards\" id=\"shu\"><thead><tr>");
        Cells.header(sb, lang, Text.MEMBER_ID, false);
        Cells.header(sb, lang, Text.NAME, false);
        Cells.header(sb, lang, Text.GROSS, true);
        Cells.header(sb, lang, Text.SAVINGS, true);
        Cells.header(sb, lang, Text.SERVICE_SHARE, true);
        Cells.header(sb, lang, Text.CAPITAL_SHARE, true);
        Cells.header(sb, lang, Text.TOTAL, true);
        sb.append("</tr></thead><tbody>");
        long gross = 0, savings = 0, service = 0, capital = 0, total = 0;
        for (Shu.Share s : result.members()) {
            sb.append("<tr data-trader-id=\"");
            Html.text(sb, s.traderId()).append("\">");
            Cells.text(sb, lang, Text.MEMBER_ID, s.traderId());
            Cells.text(sb, lang, Text.NAME, names.getOrDefault(s.traderId(), ""));
            Cells.rupiah(sb, lang, Text.GROSS, s.grossRupiah());
            Cells.rupiah(sb, lang, Text.SAVINGS, s.savingsRupiah());
            Cells.rupiah(sb, lang, Text.SERVICE_SHARE, s.serviceShareRupiah());
            Cells.rupiah(sb, lang, Text.CAPITAL_SHARE, s.capitalShareRupiah());
            Cells.rupiah(sb, lang, Text.TOTAL, s.totalRupiah());
            sb.append("</tr>");
            gross = Math.addExact(gross, s.grossRupiah());
            savings = Math.addExact(savings, s.savingsRupiah());
            service = Math.addExact(service, s.serviceShareRupiah());
            capital = Math.addExact(capital, s.capitalShareRupiah());
            total = Math.addExact(total, s.totalRupiah());
        }
        sb.append("<tr class=\"total\" data-trader-id=\"total\">");
        Cells.text(sb, lang, Text.MEMBER_ID, Text.TOTAL.in(lang));
        Cells.text(sb, lang, Text.NAME, "");
        Cells.rupiah(sb, lang, Text.GROSS, gross);
        Cells.rupiah(sb, lang, Text.SAVINGS, savings);
        Cells.rupiah(sb, lang, Text.SERVICE_SHARE, service);
        Cells.rupiah(sb, lang, Text.CAPITAL_SHARE, capital);
        Cells.rupiah(sb, lang, Text.TOTAL, total);
        return sb.append("</tr></tbody></table>").toString();
    }

    /** Names of the cooperative's members by trader id. */
    static Map<String, String> names(java.util.List<Trader> traders) {
        Map<String, String> names = new java.util.HashMap<>(traders.size() * 2);
        for (Trader t : traders) {
            names.put(t.traderId(), t.name());
        }
        return names;
    }
}
