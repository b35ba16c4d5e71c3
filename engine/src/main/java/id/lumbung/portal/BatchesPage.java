package id.lumbung.portal;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import java.time.ZoneId;
import java.util.List;

/**
 * The batches page: a cooperative's settlement batches, newest first, with their totals and
 * download links ({@code /portal/batches/<batchId>/<file>}), {@link #PAGE_BATCHES_MAX} to a page.
 */
final class BatchesPage {
    /** Batches per page: at five cut-offs a day, ten days' worth. */
    static final int PAGE_BATCHES_MAX = 50;
    static final String FILES_PREFIX = Page.BATCHES.path + "/";

    private BatchesPage() {
    }

    /**
     * The main content for page {@code pageIndex} (0 = the newest batches).
     *
     * @param batches the cooperative's batches, oldest first, as the settlement lists them
     */
    static String main(Lang lang, List<BatchRecord> batches, int pageIndex, ZoneId zone) {
        int count = batches.size();
        int pages = Math.max(1, (count + PAGE_BATCHES_MAX - 1) / PAGE_BATCHES_MAX);
        int page = Math.min(Math.max(pageIndex, 0), pages - 1);
        StringBuilder sb = new StringBuilder(1024 + 600 * Math.min(count, PAGE_BATCHES_MAX));
        Html.text(sb.append("<h1>"), Text.BATCHES_TITLE.in(lang)).append("</h1>");
        if (count == 0) {
            return Html.text(sb.append("<p class=\"note\">"), Text.NO_BATCHES.in(lang)).append("</p>").toString();
        }
        sb.append("<table class=\"cards\" id=\"batches\"><thead><tr>");
        Cells.header(sb, lang, Text.BATCH, false);
        Cells.header(sb, lang, Text.CLOSED_AT, false);
        Cells.header(sb, lang, Text.PAYMENTS, true);
        Cells.header(sb, lang, Text.GROSS, true);
        Cells.header(sb, lang, Text.FEE, true);
        Cells.header(sb, lang, Text.NET, true);
        Cells.header(sb, lang, Text.FILES, false);
        sb.append("</tr></thead><tbody>");
        int newest = count - 1 - page * PAGE_BATCHES_MAX;
        int oldest = Math.max(0, newest - PAGE_BATCHES_MAX + 1);
        for (int i = newest; i >= oldest; i--) {
            row(sb, lang, batches.get(i), zone);
        }
        sb.append("</tbody></table>");
        if (pages > 1) {
            sb.append("<nav class=\"pager\">");
            if (page > 0) {
                sb.append("<a rel=\"prev\" href=\"").append(Page.BATCHES.path).append("?page=").append(page - 1).append("\">");
                Html.text(sb, Text.NEWER.in(lang)).append("</a>");
            }
            Html.text(sb.append("<span>"), Text.PAGE.in(lang)).append(' ').append(page + 1).append(" / ").append(pages).append("</span>");
            if (page < pages - 1) {
                sb.append("<a rel=\"next\" href=\"").append(Page.BATCHES.path).append("?page=").append(page + 1).append("\">");
                Html.text(sb, Text.OLDER.in(lang)).append("</a>");
            }
            sb.append("</nav>");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, Lang lang, BatchRecord record, ZoneId zone) {
        Batch b = record.batch();
        String id = Html.escape(b.batchId());
        sb.append("<tr data-batch-id=\"").append(id).append("\">");
        Cells.open(sb, lang, Text.BATCH, false).append(id).append("</td>");
        Cells.closedAt(sb, lang, b.closedAtEpochMs(), zone);
        Cells.open(sb, lang, Text.PAYMENTS, true).append(lang.grouped(b.payments())).append("</td>");
        Cells.open(sb, lang, Text.GROSS, true).append(lang.rupiah(b.grossRupiah())).append("</td>");
        Cells.open(sb, lang, Text.FEE, true).append(lang.rupiah(b.feeRupiah())).append("</td>");
        Cells.open(sb, lang, Text.NET, true).append(lang.rupiah(b.netRupiah())).append("</td>");
        sb.append("<td class=\"files\" data-label=\"");
        Html.text(sb, Text.FILES.in(lang)).append("\">");
        for (FileDigest f : record.files()) {
            String name = Html.escape(f.name());
            sb.append("<a download href=\"").append(FILES_PREFIX).append(id).append('/').append(name).append("\" title=\"")
                    .append(name).append("\">").append(label(lang, f.name())).append("</a>");
        }
        sb.append("</td></tr>");
    }


    /** A file's short link text: its kind, from the name's ending. */
    static String label(Lang lang, String name) {
        if (name.endsWith(".camt053.xml")) {
            return "camt.053";
        }
        if (name.endsWith(".payouts.csv")) {
            return Html.escape(Text.PAYOUTS.in(lang));
        }
        int dot = name.indexOf('.');
        return dot < 0 ? Html.escape(name) : Html.escape(name.substring(dot + 1)).toUpperCase(java.util.Locale.ROOT);
    }
}
