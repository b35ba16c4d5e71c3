package id.lumbung.portal;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.MemberDues;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.MemberTotals;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The portal's pure parts: escaping, number grouping, the language order, the chart's days and grid. */
class PortalFormatTest {
    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    @Test
    void escapesEveryCharacterThatCouldLeaveTextOrAnAttribute() {
        assertThat(Html.escape("<a href=\"x\" onclick='y'>&amp;</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
        assertThat(Html.escape("Batik Sekar Jagad, Los A")).isEqualTo("Batik Sekar Jagad, Los A");
    }

    @Test
    void groupsThousandsAsEachLanguageWritesThem() {
        assertThat(Lang.ID.rupiah(1_234_567)).isEqualTo("Rp\u00a01.234.567");
        assertThat(Lang.EN.rupiah(1_234_567)).isEqualTo("Rp\u00a01,234,567");
        assertThat(Lang.ID.grouped(0)).isEqualTo("0");
        assertThat(Lang.ID.grouped(999)).isEqualTo("999");
        assertThat(Lang.ID.grouped(1_000)).isEqualTo("1.000");
        assertThat(Lang.EN.grouped(100_000)).isEqualTo("100,000");
        assertThat(Lang.ID.grouped(-12_345)).isEqualTo("-12.345");
    }

    @Test
    void choosesTheQueryThenTheCookieThenTheBestWeightedAcceptLanguage() {
        assertThat(Lang.choose("en", "id", "id")).isEqualTo(Lang.EN);
        assertThat(Lang.choose(null, "en", "id")).isEqualTo(Lang.EN);
        assertThat(Lang.choose("xx", "yy", "en-AU")).isEqualTo(Lang.EN);
        assertThat(Lang.choose(null, null, null)).isEqualTo(Lang.ID);
        assertThat(Lang.choose(null, null, "fr-FR, de;q=0.9")).isEqualTo(Lang.ID);
        assertThat(Lang.fromAcceptLanguage("en;q=0.5, id-ID;q=0.8")).isEqualTo(Lang.ID);
        assertThat(Lang.fromAcceptLanguage("in")).isEqualTo(Lang.ID);
        assertThat(Lang.fromAcceptLanguage("id;q=0, en;q=0.1")).isEqualTo(Lang.EN);
        assertThat(Lang.fromAcceptLanguage("id;q=abc, en")).isEqualTo(Lang.EN);
        assertThat(Lang.fromAcceptLanguage("EN-us")).isEqualTo(Lang.EN);
    }

    @Test
    void gridStepsAreOneTwoOrFiveTimesAPowerOfTenReachingTheLargestDay() {
        assertThat(DailyChart.gridStep(0)).isEqualTo(1);
        assertThat(DailyChart.gridStep(4)).isEqualTo(1);
        assertThat(DailyChart.gridStep(5)).isEqualTo(2);
        assertThat(DailyChart.gridStep(615_000)).isEqualTo(200_000);
        assertThat(DailyChart.gridStep(800_000)).isEqualTo(200_000);
        assertThat(DailyChart.gridStep(800_001)).isEqualTo(500_000);
        assertThat(DailyChart.gridStep(2_000_001)).isEqualTo(1_000_000);
    }

    @Test
    void sumsTheLastThirtyDaysByTheClosesJakartaDate() {
        LocalDate today = LocalDate.of(2026, 12, 6);
        List<BatchRecord> batches = new ArrayList<>();
        // 30 days back is outside; 29 days back is the first day; 23:30 and 00:30 Jakarta fall on two days
        batches.add(batch(1, today.minusDays(30).atTime(12, 0).atZone(JAKARTA), 7_000, 70));
        batches.add(batch(2, today.minusDays(29).atTime(0, 5).atZone(JAKARTA), 1_000, 10));
        batches.add(batch(3, today.minusDays(1).atTime(23, 30).atZone(JAKARTA), 2_000, 20));
        batches.add(batch(4, today.atTime(0, 30).atZone(JAKARTA), 3_000, 30));
        batches.add(batch(5, today.atTime(19, 10).atZone(JAKARTA), 4_000, 0));
        DailyChart.Days days = DailyChart.of(batches, today, JAKARTA);
        assertThat(days.firstDay()).isEqualTo(today.minusDays(29));
        long[] gross = new long[DailyChart.DAYS];
        long[] payout = new long[DailyChart.DAYS];
        gross[0] = 1_000;
        payout[0] = 990;
        gross[28] = 2_000;
        payout[28] = 1_980;
        gross[29] = 7_000;
        payout[29] = 2_970 + 4_000;
        assertThat(days.grossRupiah()).containsExactly(gross);
        assertThat(days.payoutRupiah()).containsExactly(payout);
        String main = DailyChart.main(Lang.EN, days);
        assertThat(main).contains("<tr class=\"total\" data-day=\"total\"><td data-label=\"Date\">Total</td>"
                + "<td class=\"num\" data-label=\"Gross\">Rp\u00a010,000</td><td class=\"num\" data-label=\"Payouts\">Rp\u00a09,940</td>");
        assertThat(DailyChart.main(Lang.ID, DailyChart.of(List.of(), today, JAKARTA)))
                .contains("Tidak ada setelmen dalam 30 hari terakhir.").doesNotContain("<rect");
    }

    @Test
    void batchesComeNewestFirstFiftyToAPage() {
        List<BatchRecord> batches = new ArrayList<>();
        ZonedDateTime start = LocalDate.of(2026, 11, 1).atTime(4, 10).atZone(JAKARTA);
        for (int i = 1; i <= 120; i++) {
            batches.add(batch(i, start.plusHours(i), 1_000L * i, 0));
        }
        assertThat(ids(BatchesPage.main(Lang.EN, batches, 0, JAKARTA))).hasSize(50).startsWith("C-120").endsWith("C-71");
        assertThat(ids(BatchesPage.main(Lang.EN, batches, 1, JAKARTA))).hasSize(50).startsWith("C-70").endsWith("C-21");
        String last = BatchesPage.main(Lang.EN, batches, 2, JAKARTA);
        assertThat(ids(last)).hasSize(20).startsWith("C-20").endsWith("C-1");
        assertThat(last).contains("href=\"/portal/batches?page=1\">Newer</a>", "Page 3 / 3").doesNotContain("Older");
        // a page past the last shows the last
        assertThat(ids(BatchesPage.main(Lang.EN, batches, 9, JAKARTA))).isEqualTo(ids(last));
        assertThat(BatchesPage.main(Lang.ID, batches, 0, JAKARTA)).contains("href=\"/portal/batches?page=1\">Lebih lama</a>")
                .doesNotContain("Lebih baru");
        assertThat(BatchesPage.main(Lang.ID, List.of(), 0, JAKARTA)).contains("Belum ada batch setelmen.").doesNotContain("<table");
    }

    private static List<String> ids(String html) {
        return java.util.regex.Pattern.compile("data-batch-id=\"([^\"]+)\"").matcher(html).results().map(m -> m.group(1)).toList();
    }

    @Test
    void fileLinksNameEachFilesKind() {
        assertThat(BatchesPage.label(Lang.EN, "B-1.csv")).isEqualTo("CSV");
        assertThat(BatchesPage.label(Lang.EN, "B-1.camt053.xml")).isEqualTo("camt.053");
        assertThat(BatchesPage.label(Lang.EN, "B-1.payouts.csv")).isEqualTo("Payouts");
        assertThat(BatchesPage.label(Lang.ID, "B-1.payouts.csv")).isEqualTo("Pembayaran");
    }

    @Test
    void obligationsShowFiveHundredRowsAtMostEachWithAnEndForm() {
        List<ObligationView> views = new ArrayList<>();
        for (int i = 0; i < 520; i++) {
            Obligation o = new Obligation(String.format("O-%04d", i), "C", "M-1", ObligationKind.ANGSURAN, 1_000,
                    java.time.LocalDate.of(2026, 1, 1), i == 0 ? java.time.LocalDate.of(2026, 2, 1) : null, i == 1 ? 5_000L : null);
            views.add(new ObligationView(o, 3_000, 1_000, 2_000));
        }
        String page = ObligationsPage.main(Lang.EN, null, views, null, false);
        assertThat(page.split("data-obligation-id=", -1)).hasSize(ObligationsPage.ROWS_MAX + 1);
        assertThat(page.split("<form class=\"end\"", -1)).hasSize(ObligationsPage.ROWS_MAX + 1);
        assertThat(page).contains("Showing the first 500 of 520; narrow the search.",
                "<td data-label=\"End date\">2026-02-01</td>", "<td class=\"num\" data-label=\"Total\">Rp\u00a05,000</td>",
                "<td class=\"num\" data-label=\"Due\">Rp\u00a02,000</td>", "href=\"/portal/statement?traderId=M-1\"");
        // a refusal is an alert, a confirmation a status; the notice text is escaped
        assertThat(ObligationsPage.main(Lang.EN, "<b>", List.of(), "x < y", true))
                .contains("role=\"alert\">x &lt; y</p>", "value=\"&lt;b&gt;\"", "No obligations yet.").doesNotContain("<b>");
        assertThat(ObligationsPage.main(Lang.ID, null, List.of(), "ok", false)).contains("role=\"status\" class=\"ok\">ok</p>");
    }

    @Test
    void membersShowTwoHundredRowsAtMostAndSayHowManyMatch() {
        List<Trader> traders = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            traders.add(new Trader(i, String.format("M-%03d", i), 0, i % 2 == 0 ? "Warung " + i : "Toko " + i, "UMI"));
        }
        Ledger ledger = new Ledger(1, traders.size());
        String all = MembersPage.main(Lang.EN, 0, traders, ledger, id -> MemberDues.NONE, null);
        assertThat(all.split("data-trader-id=", -1)).hasSize(MembersPage.ROWS_MAX + 1);
        assertThat(all).contains("Showing the first 200 of 250; narrow the search.");
        String warung = MembersPage.main(Lang.ID, 0, traders, ledger, id -> MemberDues.NONE, "  WARUNG ");
        assertThat(warung.split("data-trader-id=", -1)).hasSize(126);
        assertThat(warung).contains("value=\"WARUNG\"").doesNotContain("Ditampilkan");
        // the search text is cut at 64 characters
        assertThat(MembersPage.main(Lang.EN, 0, traders, ledger, id -> MemberDues.NONE, "x".repeat(100))).contains("value=\"" + "x".repeat(64) + "\"");
    }

    private static BatchRecord batch(long sequence, ZonedDateTime closedAt, long grossRupiah, long feeRupiah) {
        long net = grossRupiah - feeRupiah;
        return new BatchRecord(new Batch("C-" + sequence, "C", sequence, sequence, closedAt.toInstant().toEpochMilli(),
                List.of(new MemberTotals("T-1", 1, grossRupiah, feeRupiah, net)), 1, grossRupiah, feeRupiah, net, 0), 0, List.of(), "0000000000");
    }
}
