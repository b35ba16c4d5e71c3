package id.lumbung.portal;

import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * Daily gross and payouts of a cooperative's settled batches over the last {@link #DAYS} days
 * (today included, by the close's date in the settlement time zone), drawn as a server-rendered
 * SVG bar chart with the same figures in a table. Payouts are what the members are paid: each
 * member's net less the obligations deducted in the batch (the payout column of
 * {@code <batchId>.payouts.csv}).
 */
final class DailyChart {
    static final int DAYS = 30;
    // drawing units of the viewBox; the SVG scales to the page width
    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    /** (640 − 64 − 6) / 30 = 19 units a day, two bars of 8 and a gap of 3. */
    private static final int DAY_WIDTH = (WIDTH - LEFT - 6) / DAYS;
    private static final int BAR_WIDTH = 8;

    /** The figures of one chart: day {@code i} is {@code firstDay + i}. */
    record Days(LocalDate firstDay, long[] grossRupiah, long[] payoutRupiah) {
    }

    private DailyChart() {
    }

    /** Sums the batches closed from {@code today − 29} to {@code today} by their close date. */
    static Days of(List<BatchRecord> batches, LocalDate today, ZoneId zone) {
        LocalDate first = today.minusDays(DAYS - 1);
        long[] gross = new long[DAYS];
        long[] payout = new long[DAYS];
        // batches are listed in journal order, and a close takes the clock's time, so the scan stops at the first older one
        for (int i = batches.size() - 1; i >= 0; i--) {
            Batch b = batches.get(i).batch();
            LocalDate day = Instant.ofEpochMilli(b.closedAtEpochMs()).atZone(zone).toLocalDate();
            if (day.isBefore(first)) {
                break;
            }
            int index = (int) (day.toEpochDay() - first.toEpochDay());
            if (index < DAYS) {
                gross[index] += b.grossRupiah();
                for (PayoutLine line : b.payouts()) {
                    payout[index] += line.payoutRupiah();
                }
            }
        }
        return new Days(first, gross, payout);
    }

    static String main(Lang lang, Days days) {
        StringBuilder sb = new StringBuilder(16_384);
        String title = Text.CHART_TITLE.in(lang);
        Html.text(sb.append("<h1 id=\"chart-title\">"), title).append("</h1><figure class=\"chart\">");
        svg(sb, lang, days);
        sb.append("<figcaption class=\"legend\"><span><span class=\"swatch gross\"></span>");
        Html.text(sb, Text.GROSS.in(lang)).append("</span><span><span class=\"swatch payout\"></span>");
        Html.text(sb, Text.PAYOUTS.in(lang)).append("</span></figcaption></figure>");
        Html.text(sb.append("<p class=\"note\">"), Text.PAYOUTS_NOTE.in(lang)).append("</p>");
        table(sb, lang, days);
        return sb.toString();
    }

    private static void svg(StringBuilder sb, Lang lang, Days days) {
        long max = 0;
        for (int i = 0; i < DAYS; i++) {
            max = Math.max(max, Math.max(days.grossRupiah()[i], days.payoutRupiah()[i]));
        }
        long step = gridStep(max);
        long top = step * GRID_STEPS;
        sb.append("<svg id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\">");
        for (int g = 0; g <= GRID_STEPS; g++) {
            int y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * g / GRID_STEPS;
            sb.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\"/><text x=\"").append(LEFT - 4).append("\" y=\"").append(y + 4)
                    .append("\" text-anchor=\"end\">").append(lang.grouped(step * g)).append("</text>");
        }
        for (int i = 0; i < DAYS; i++) {
            int x = LEFT + 3 + i * DAY_WIDTH;
            LocalDate day = days.firstDay().plusDays(i);
            bar(sb, lang, "gross", x, days.grossRupiah()[i], top, day, Text.GROSS);
            bar(sb, lang, "payout", x + BAR_WIDTH, days.payoutRupiah()[i], top, day, Text.PAYOUTS);
            if (i % 5 == 4 || i == 0) {
                sb.append("<text x=\"").append(x + BAR_WIDTH).append("\" y=\"").append(HEIGHT - 10)
                        .append("\" text-anchor=\"middle\">").append(day.getDayOfMonth()).append('/').append(day.getMonthValue())
                        .append("</text>");
            }
        }
        sb.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH).append("\" y1=\"")
                .append(TOP + PLOT_HEIGHT).append("\" y2=\"").append(TOP + PLOT_HEIGHT).append("\"/></svg>");
    }

    private static void bar(StringBuilder sb, Lang lang, String kind, int x, long amountRupiah, long top, LocalDate day, Text label) {
        if (amountRupiah <= 0) {
            return;
        }
        // at least one unit high, so a small day still shows
        int h = (int) Math.max(1, Math.round((double) PLOT_HEIGHT * amountRupiah / top));
        sb.append("<rect class=\"").append(kind).append("\" x=\"").append(x).append("\" y=\"").append(TOP + PLOT_HEIGHT - h)
                .append("\" width=\"").append(BAR_WIDTH).append("\" height=\"").append(h).append("\"><title>").append(day)
                .append(' ');
        Html.text(sb, label.in(lang)).append(": ").append(lang.rupiah(amountRupiah)).append("</title></rect>");
    }

    /** Grid lines above the axis; the chart's top is this many grid steps. */
    private static final int GRID_STEPS = 4;

    /**
     * The smallest 1, 2 or 5 times a power of ten whose {@link #GRID_STEPS} steps reach {@code max}:
     * round grid labels. Nineteen powers of ten cover every {@code long}.
     */
    static long gridStep(long max) {
        long power = 1;
        for (int k = 0; k < 19; k++) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * power * GRID_STEPS >= max) {
                    return m * power;
                }
            }
            power *= 10;
        }
        throw new IllegalArgumentException("amount too large to chart: " + max);
    }

    private static void table(StringBuilder sb, Lang lang, Days days) {
        long grossTotal = 0;
        long payoutTotal = 0;
        StringBuilder rows = new StringBuilder(1024);
        for (int i = DAYS - 1; i >= 0; i--) {
            long g = days.grossRupiah()[i];
            long p = days.payoutRupiah()[i];
            if (g == 0 && p == 0) {
                continue;
            }
            grossTotal += g;
            payoutTotal += p;
            LocalDate day = days.firstDay().plusDays(i);
            rows.append("<tr data-day=\"").append(day).append("\"><td data-label=\"");
            Html.text(rows, Text.DATE.in(lang)).append("\">").append(day).append("</td>");
            amount(rows, lang, Text.GROSS, g);
            amount(rows, lang, Text.PAYOUTS, p);
            rows.append("</tr>");
        }
        if (rows.isEmpty()) {
            Html.text(sb.append("<p class=\"note\">"), Text.NO_SETTLEMENTS_30.in(lang)).append("</p>");
            return;
        }
        sb.append("<table class=\"cards\" id=\"days\"><thead><tr><th>");
        Html.text(sb, Text.DATE.in(lang)).append("</th><th class=\"num\">");
        Html.text(sb, Text.GROSS.in(lang)).append("</th><th class=\"num\">");
        Html.text(sb, Text.PAYOUTS.in(lang)).append("</th></tr></thead><tbody>").append(rows);
        sb.append("<tr class=\"total\" data-day=\"total\"><td data-label=\"");
        Html.text(sb, Text.DATE.in(lang)).append("\">");
        Html.text(sb, Text.TOTAL.in(lang)).append("</td>");
        amount(sb, lang, Text.GROSS, grossTotal);
        amount(sb, lang, Text.PAYOUTS, payoutTotal);
        sb.append("</tr></tbody></table>");
    }

    private static void amount(StringBuilder sb, Lang lang, Text label, long rupiah) {
        sb.append("<td class=\"num\" data-label=\"");
        Html.text(sb, label.in(lang)).append("\">").append(lang.rupiah(rupiah)).append("</td>");
    }
}
