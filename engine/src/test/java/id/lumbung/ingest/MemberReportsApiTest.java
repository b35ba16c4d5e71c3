package id.lumbung.ingest;

import id.lumbung.MovableClock;
import id.lumbung.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The member statement and the year-end SHU of the cooperative API, over real batches: payments
 * posted through the engine, obligations put through the API, windows closed by the admin API, on
 * a clock held at each close's instant.
 *
 * <p>Beringharjo's BRH-003 (UMI), a member without the demo data's obligations, owes retribusi
 * Rp2,000 a day and simpanan wajib Rp5,000 a day up to Rp7,000, both from 10 March 2026:
 * <ul>
 * <li>10 March: BRH-003 600,000 (fee 0.3% = 1,800, net 598,200): retribusi 2,000, simpanan wajib
 *     5,000, payout 591,200.
 * <li>11 March: BRH-003 3,000 (net 3,000): retribusi due 2,000, simpanan wajib due 2,000 (capped
 *     at 7,000): 2,000 and 1,000, payout 0, 1,000 short. BRH-004 (GOV, no obligation) 15,000.
 * <li>1 April: BRH-003 1,000 (net 1,000): retribusi due 21 days × 2,000 = 42,000 takes all of it.
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemberReportsApiTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";
    private static final String KLW = "Bearer demo-token-KSP-KLEWER";
    private static final String STATEMENT = "/v1/coops/KSP-BERINGHARJO/members/BRH-003/statement";
    /** 10:00 in Jakarta (03:00 UTC) on each day. */
    private static final long MARCH_10 = Instant.parse("2026-03-10T03:00:00Z").toEpochMilli();
    private static final long MARCH_11 = Instant.parse("2026-03-11T03:00:00Z").toEpochMilli();
    private static final long APRIL_1 = Instant.parse("2026-04-01T03:00:00Z").toEpochMilli();

    @TempDir
    static Path data;
    static final MovableClock clock = new MovableClock();
    static TestEngine t;

    @BeforeAll
    static void settleThreeDays() throws Exception {
        clock.heldEpochMs.set(MARCH_10);
        t = new TestEngine(data, Map.of(), TestEngine.demoReference(), clock);
        assertThat(put("KSP-BERINGHARJO", "RET-1", "{\"traderId\":\"BRH-003\",\"kind\":\"RETRIBUSI\",\"dailyAmount\":2000,"
                + "\"startDate\":\"2026-03-10\"}", BRH).statusCode()).isEqualTo(201);
        assertThat(put("KSP-BERINGHARJO", "SW-1", "{\"traderId\":\"BRH-003\",\"kind\":\"SIMPANAN_WAJIB\",\"dailyAmount\":5000,"
                + "\"startDate\":\"2026-03-10\",\"total\":7000}", BRH).statusCode()).isEqualTo(201);
        post("T0000004", "m10", 600_000);
        post("T0000006", "k10", 5_000); // Klewer's own batch, never in Beringharjo's reports
        close();
        clock.heldEpochMs.set(MARCH_11);
        post("T0000004", "m11", 3_000);
        post("T0000005", "n11", 15_000);
        close();
        clock.heldEpochMs.set(APRIL_1);
        post("T0000004", "a01", 1_000);
        close();
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static void post(String terminalId, String txnId, long amountRupiah) throws Exception {
        String occurredAt = clock.instant().atOffset(ZoneOffset.ofHours(7)).toString();
        assertThat(t.post(terminalId, "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amountRupiah
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + occurredAt + "\",\"method\":\"QRIS\"}").statusCode()).isEqualTo(201);
    }

    private static void close() throws Exception {
        assertThat(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> put(String coopId, String obligationId, String body, String auth) throws Exception {
        return t.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.engine.httpPort() + "/v1/coops/" + coopId
                + "/obligations/" + obligationId)).header("Authorization", auth).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String auth, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.engine.httpPort() + path))
                .header("Authorization", auth);
        if (accept != null) {
            b.header("Accept", accept);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> batchIds() throws Exception {
        return new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/settlements", BRH).body()).getJsonArray("batches").stream()
                .map(o -> ((JsonObject) o).getString("batchId")).toList();
    }

    @Test
    void statementOfMarchListsEachBatchWithItsDeductionsAndTheMembersObligations() throws Exception {
        HttpResponse<String> r = get(STATEMENT + "?from=2026-03-01&to=2026-03-31", BRH, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        List<String> ids = batchIds();
        assertThat(ids).hasSize(3);
        JsonObject s = new JsonObject(r.body());
        assertThat(s.getString("traderId")).isEqualTo("BRH-003");
        assertThat(s.getString("from")).isEqualTo("2026-03-01");
        assertThat(s.getString("to")).isEqualTo("2026-03-31");
        assertThat(s.getJsonArray("batches")).isEqualTo(new JsonArray()
                .add(row(ids.get(0), "2026-03-10T10:00:00.000+07:00", 1, 600_000, 1_800, 598_200, 2_000, 0, 5_000, 591_200))
                .add(row(ids.get(1), "2026-03-11T10:00:00.000+07:00", 1, 3_000, 0, 3_000, 2_000, 0, 1_000, 0)));
        JsonObject totals = row(null, null, 2, 603_000, 1_800, 601_200, 4_000, 0, 6_000, 591_200);
        assertThat(s.getJsonObject("totals")).isEqualTo(totals);
        // the obligations as GET .../obligations?traderId= lists them, as of the last close (1 April)
        JsonArray obligations = new JsonObject(get("/v1/coops/KSP-BERINGHARJO/obligations?traderId=BRH-003", BRH, null).body())
                .getJsonArray("obligations");
        assertThat(s.getJsonArray("obligations")).isEqualTo(obligations).hasSize(2);
        JsonObject ret = obligations.getJsonObject(0);
        assertThat(ret.getString("obligationId")).isEqualTo("RET-1");
        // 23 days from 10 March to 1 April: 46,000 accrued, 2,000 + 2,000 + 1,000 collected
        assertThat(ret.getLong("accrued")).isEqualTo(46_000);
        assertThat(ret.getLong("deducted")).isEqualTo(5_000);
        assertThat(ret.getLong("due")).isEqualTo(41_000);
        assertThat(obligations.getJsonObject(1).getLong("deducted")).isEqualTo(6_000);
        assertThat(s.fieldNames()).containsExactly("traderId", "from", "to", "batches", "totals", "obligations");
    }

    private static JsonObject row(String batchId, String closedAt, long payments, long gross, long fee, long net, long retribusi,
            long angsuran, long simpananWajib, long payout) {
        JsonObject o = new JsonObject();
        if (batchId != null) {
            o.put("batchId", batchId).put("closedAt", closedAt);
        }
        return o.put("payments", payments).put("gross", gross).put("fee", fee).put("net", net).put("retribusi", retribusi)
                .put("angsuran", angsuran).put("simpananWajib", simpananWajib).put("payout", payout);
    }

    @Test
    void statementAsCsvHasTheRowsAndATotalLine() throws Exception {
        List<String> ids = batchIds();
        HttpResponse<String> r = get(STATEMENT + "?from=2026-03-11&to=2026-04-30", BRH, "text/csv");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(r.body()).isEqualTo("batch_id,closed_at,payments,gross,fee,net,retribusi,angsuran,simpanan_wajib,payout\n"
                + ids.get(1) + ",2026-03-11T10:00:00.000+07:00,1,3000,0,3000,2000,0,1000,0\n"
                + ids.get(2) + ",2026-04-01T10:00:00.000+07:00,1,1000,0,1000,1000,0,0,0\n"
                + "TOTAL,,2,4000,0,4000,3000,0,1000,0\n");
        // JSON is preferred when the client weighs it higher
        assertThat(get(STATEMENT, BRH, "text/csv;q=0.5, application/json").headers().firstValue("Content-Type"))
                .hasValue("application/json");
    }

    @Test
    void statementDefaultsToTheCurrentMonthInJakarta() throws Exception {
        JsonObject s = new JsonObject(get(STATEMENT, BRH, null).body());
        assertThat(s.getString("from")).isEqualTo("2026-04-01");
        assertThat(s.getString("to")).isEqualTo("2026-04-30");
        assertThat(s.getJsonArray("batches")).hasSize(1);
        assertThat(s.getJsonArray("batches").getJsonObject(0).getString("batchId")).isEqualTo(batchIds().get(2));
        // only "to" given: from is still the month's first day
        JsonObject toOnly = new JsonObject(get(STATEMENT + "?to=2026-04-15", BRH, null).body());
        assertThat(toOnly.getString("from")).isEqualTo("2026-04-01");
        // a member without payments in the period: no batch, totals zero, its obligations (none) listed
        JsonObject quiet = new JsonObject(get("/v1/coops/KSP-BERINGHARJO/members/BRH-004/statement", BRH, null).body());
        assertThat(quiet.getJsonArray("batches")).isEmpty();
        assertThat(quiet.getJsonObject("totals")).isEqualTo(row(null, null, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(quiet.getJsonArray("obligations")).isEmpty();
    }

    @Test
    void statementRefusesBadDatesAndAnotherCooperativesMember() throws Exception {
        for (String query : List.of("?from=2026-3-01", "?to=2026-02-30", "?from=2026-04-02&to=2026-04-01", "?from=", "?to=+2026-04-01")) {
            HttpResponse<String> r = get(STATEMENT + query, BRH, null);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("code")).as(query).isEqualTo("INVALID_FIELD");
        }
        assertThat(get("/v1/coops/KSP-BERINGHARJO/members/KLW-001/statement", BRH, null).statusCode()).isEqualTo(404);
        assertThat(get("/v1/coops/KSP-BERINGHARJO/members/NOBODY/statement", BRH, null).statusCode()).isEqualTo(404);
        assertThat(get(STATEMENT, KLW, null).statusCode()).isEqualTo(404);
        assertThat(get("/v1/coops/KSP-KLEWER/members/BRH-003/statement", KLW, null).statusCode()).isEqualTo(404);
        assertThat(new JsonObject(get("/v1/coops/KSP-KLEWER/members/KLW-001/statement?from=2026-03-01", KLW, null).body())
                .getJsonArray("batches")).hasSize(1);
    }

    @Test
    void shuSharesEachPoolByGrossAndSavingsToTheLastRupiah() throws Exception {
        HttpResponse<String> r = get("/v1/coops/KSP-BERINGHARJO/shu?year=2026&surplus=1000001&servicePct=40&capitalPct=30", BRH, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject shu = new JsonObject(r.body());
        // pools: 1,000,001 × 40% = 400,000.4 and × 30% = 300,000.3, rounded down
        assertThat(shu.getInteger("year")).isEqualTo(2026);
        assertThat(shu.getLong("surplus")).isEqualTo(1_000_001);
        assertThat(shu.getLong("servicePool")).isEqualTo(400_000);
        assertThat(shu.getLong("capitalPool")).isEqualTo(300_000);
        // gross 604,000 and 15,000 of 619,000: quotas 390,306.94 and 9,693.05, the one rupiah left goes to .94;
        // savings: only BRH-003 has any (5,000 + 1,000), so the whole capital pool is its; BRH-001 and BRH-002
        // (the demo data's obligations, no payment here) are listed with nothing
        assertThat(shu.getJsonArray("members")).isEqualTo(new JsonArray()
                .add(share("BRH-001", 0, 0, 0, 0))
                .add(share("BRH-002", 0, 0, 0, 0))
                .add(share("BRH-003", 604_000, 6_000, 390_307, 300_000))
                .add(share("BRH-004", 15_000, 0, 9_693, 0)));
        HttpResponse<String> csv = get("/v1/coops/KSP-BERINGHARJO/shu?year=2026&surplus=1000001&servicePct=40&capitalPct=30", BRH,
                "text/csv");
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.body()).isEqualTo("trader_id,gross,savings,service_share,capital_share,total\n"
                + "BRH-001,0,0,0,0,0\n"
                + "BRH-002,0,0,0,0,0\n"
                + "BRH-003,604000,6000,390307,300000,690307\n"
                + "BRH-004,15000,0,9693,0,9693\n");
        // a year without batches: no weight, nothing shared; savings count by the year's end, so 2025 has none
        JsonObject before = new JsonObject(get("/v1/coops/KSP-BERINGHARJO/shu?year=2025&surplus=1000&servicePct=50&capitalPct=50",
                BRH, null).body());
        for (Object m : before.getJsonArray("members")) {
            assertThat(((JsonObject) m).getLong("total")).isZero();
        }
        // the savings collected by the end of 2026 still weigh in 2027, with no gross that year
        JsonObject next = new JsonObject(get("/v1/coops/KSP-BERINGHARJO/shu?year=2027&surplus=100&servicePct=0&capitalPct=100",
                BRH, null).body());
        assertThat(next.getJsonArray("members").getJsonObject(2)).isEqualTo(share("BRH-003", 0, 6_000, 0, 100));
    }

    private static JsonObject share(String traderId, long gross, long savings, long service, long capital) {
        return new JsonObject().put("traderId", traderId).put("gross", gross).put("savings", savings).put("serviceShare", service)
                .put("capitalShare", capital).put("total", service + capital);
    }

    @Test
    void shuRefusesBadParametersAndAnotherCooperative() throws Exception {
        String base = "/v1/coops/KSP-BERINGHARJO/shu?";
        Map<String, String> refused = Map.of(
                "year=2026&surplus=100&servicePct=60&capitalPct=41", "INVALID_FIELD",
                "year=2026&surplus=100&servicePct=101&capitalPct=0", "INVALID_FIELD",
                "year=26&surplus=100&servicePct=10&capitalPct=10", "INVALID_FIELD",
                "year=2026&surplus=1.5&servicePct=10&capitalPct=10", "INVALID_AMOUNT",
                "year=2026&surplus=-1&servicePct=10&capitalPct=10", "INVALID_AMOUNT",
                "year=2026&servicePct=10&capitalPct=10", "MISSING_FIELD",
                "year=2026&surplus=100&servicePct=10", "MISSING_FIELD");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            HttpResponse<String> r = get(base + e.getKey(), BRH, null);
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("code")).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(get(base + "year=2026&surplus=100&servicePct=60&capitalPct=40", BRH, null).statusCode()).isEqualTo(200);
        assertThat(get(base + "year=2026&surplus=100&servicePct=10&capitalPct=10", KLW, null).statusCode()).isEqualTo(404);
        // Klewer's SHU lists its own members only, with Klewer's gross
        JsonArray klw = new JsonObject(get("/v1/coops/KSP-KLEWER/shu?year=2026&surplus=100&servicePct=100&capitalPct=0", KLW, null)
                .body()).getJsonArray("members");
        assertThat(klw.stream().map(o -> ((JsonObject) o).getString("traderId")).toList())
                .containsExactly("KLW-001", "KLW-002", "KLW-003", "KLW-004");
        assertThat(klw.getJsonObject(0).getLong("gross")).isEqualTo(5_000);
        assertThat(klw.getJsonObject(0).getLong("serviceShare")).isEqualTo(100);
    }
}
