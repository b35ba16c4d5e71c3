package id.lumbung.ingest;

import id.lumbung.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cooperative API's member obligations end to end on a running engine: each answer code of
 * {@code PUT} and {@code end}, the deductions of a close in the payouts file and the postings,
 * {@code GET .../obligations} and the accounts fields after it.
 */
class ObligationApiTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";
    private static final String OBLIGATIONS = "/v1/coops/KSP-BERINGHARJO/obligations";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void deductsInTheBatchAndAnswersEveryCode(@TempDir Path data) throws Exception {
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Jakarta"));
        try (TestEngine t = new TestEngine(data, Map.of())) {
            String rtb = "{\"traderId\":\"BRH-004\",\"kind\":\"RETRIBUSI\",\"dailyAmount\":1000,\"startDate\":\""
                    + today.minusDays(2) + "\",\"total\":2000}";
            HttpResponse<String> created = send(t, "PUT", OBLIGATIONS + "/RTB-1", rtb, BRH);
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(new JsonObject(created.body())).isEqualTo(new JsonObject(rtb).put("obligationId", "RTB-1"));
            // the same content, other key order and spacing
            String again = "{ \"total\" : 2000, \"startDate\":\"" + today.minusDays(2)
                    + "\", \"dailyAmount\":1000, \"kind\":\"RETRIBUSI\", \"traderId\":\"BRH-004\" }";
            assertThat(send(t, "PUT", OBLIGATIONS + "/RTB-1", again, BRH).statusCode()).isEqualTo(200);
            assertProblem(send(t, "PUT", OBLIGATIONS + "/RTB-1", rtb.replace("1000", "1500"), BRH), 422, "IDEMPOTENCY_CONFLICT");
            // another cooperative's trader, and another cooperative's token
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("BRH-004", "KLW-001"), BRH), 404, "NOT_FOUND");
            assertThat(send(t, "PUT", OBLIGATIONS + "/X-1", rtb, "Bearer demo-token-KSP-KLEWER").statusCode()).isEqualTo(404);
            assertThat(send(t, "PUT", OBLIGATIONS + "/X-1", rtb, null).statusCode()).isEqualTo(401);
            // 400 per field
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("1000", "0"), BRH), 400, "INVALID_AMOUNT");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("1000", "1000.0"), BRH), 400, "INVALID_AMOUNT");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("1000", "\"1000\""), BRH), 400, "INVALID_AMOUNT");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("2000}", "0}"), BRH), 400, "INVALID_AMOUNT");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("RETRIBUSI", "DONASI"), BRH), 400, "INVALID_FIELD");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace(today.minusDays(2).toString(), "2026-02-30"), BRH),
                    400, "INVALID_FIELD");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X_1", rtb, BRH), 400, "INVALID_FIELD");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", rtb.replace("\"traderId\":\"BRH-004\",", ""), BRH), 400,
                    "MISSING_FIELD");
            assertProblem(send(t, "PUT", OBLIGATIONS + "/X-1", "{\"traderId\":", BRH), 400, "MALFORMED_JSON");
            HttpResponse<String> plain = t.http.send(HttpRequest.newBuilder(uri(t, OBLIGATIONS + "/X-1"))
                    .header("Authorization", BRH).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString(rtb)).build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(plain, 415, "UNSUPPORTED_MEDIA_TYPE");

            assertThat(send(t, "PUT", OBLIGATIONS + "/ANG-1", "{\"traderId\":\"BRH-004\",\"kind\":\"ANGSURAN\","
                    + "\"dailyAmount\":5000,\"startDate\":\"" + today + "\",\"total\":100000}", BRH).statusCode()).isEqualTo(201);
            // BRH-003 has no payment in the batch: its savings accrue, nothing is deducted
            assertThat(send(t, "PUT", OBLIGATIONS + "/SW-1", "{\"traderId\":\"BRH-003\",\"kind\":\"SIMPANAN_WAJIB\","
                    + "\"dailyAmount\":500,\"startDate\":\"" + today + "\"}", BRH).statusCode()).isEqualTo(201);
            // before any close nothing has accrued
            JsonObject sw = obligation(t, "SW-1");
            assertThat(sw.getLong("accrued")).isZero();
            assertThat(sw.getLong("due")).isZero();

            // BRH-004 (GOV) via T0000005: 15,000 pays no fee, net 15,000
            assertThat(t.post("T0000005", TestEngine.payment("T0000005", "o1", "15000")).statusCode()).isEqualTo(201);
            JsonArray batches = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN)
                    .body()).getJsonArray("batches");
            JsonObject batch = batches.getJsonObject(0);
            String batchId = batch.getString("batchId");
            assertThat(batch.getLong("net")).isEqualTo(15_000);
            // net 15,000 = retribusi 2,000 (capped at its total) + angsuran 5,000 (one day) + payout 8,000
            String payouts = "trader_id,net,retribusi,angsuran,simpanan_wajib,payout\n"
                    + "BRH-004,15000,2000,5000,0,8000\n"
                    + "TOTAL,15000,2000,5000,0,8000\n";
            Path file = data.resolve("files/KSP-BERINGHARJO/" + batchId + ".payouts.csv");
            assertThat(Files.readString(file)).isEqualTo(payouts);
            JsonObject listed = batch.getJsonArray("files").getJsonObject(2);
            assertThat(listed.getString("name")).isEqualTo(batchId + ".payouts.csv");
            assertThat(listed.getLong("size")).isEqualTo(payouts.length());
            assertThat(listed.getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(payouts.getBytes(StandardCharsets.UTF_8))));
            HttpResponse<String> served = t.get("/v1/coops/KSP-BERINGHARJO/settlements/" + batchId + "/" + batchId
                    + ".payouts.csv", BRH);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(payouts);
            // the settlement CSV still gives the net
            assertThat(Files.readString(data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv"))).contains("BRH-004,1,15000,0,15000");
            String postings;
            try (var s = Files.list(data.resolve("ledger"))) {
                postings = Files.readString(s.filter(p -> p.toString().endsWith(".postings.csv")).findFirst().orElseThrow());
            }
            assertThat(postings).contains(batchId + ",member:BRH-004,0,8000\n", batchId + ",loan-receivable,0,5000\n",
                    batchId + ",market-fee-payable,0,2000\n");

            JsonObject rtbView = obligation(t, "RTB-1");
            assertThat(rtbView.getLong("accrued")).isEqualTo(2000);
            assertThat(rtbView.getLong("deducted")).isEqualTo(2000);
            assertThat(rtbView.getLong("due")).isZero();
            sw = obligation(t, "SW-1");
            assertThat(sw.getLong("accrued")).isEqualTo(500);
            assertThat(sw.getLong("deducted")).isZero();
            assertThat(sw.getLong("due")).isEqualTo(500);
            JsonArray mine = new JsonObject(t.get(OBLIGATIONS + "?traderId=BRH-003", BRH).body()).getJsonArray("obligations");
            assertThat(mine).hasSize(1);
            assertThat(mine.getJsonObject(0).getString("obligationId")).isEqualTo("SW-1");
            assertThat(t.get(OBLIGATIONS + "?traderId=KLW-001", BRH).statusCode()).isEqualTo(404);
            assertThat(t.get(OBLIGATIONS, "Bearer demo-token-KSP-KLEWER").statusCode()).isEqualTo(404);

            JsonObject accounts = new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/accounts", BRH).body());
            assertThat(accounts.getLong("balance")).isEqualTo(15_000);
            JsonArray members = accounts.getJsonArray("members");
            assertThat(members).hasSize(4); // every member of the demo cooperative, also those who never sold
            // BRH-001 never sold: the demo's retribusi (2,000) and angsuran (10,000) are due
            assertThat(members.getJsonObject(0).getMap()).containsEntry("traderId", "BRH-001").containsEntry("balance", 0)
                    .containsEntry("savings", 0).containsEntry("loanDue", 10_000).containsEntry("due", 12_000);
            assertThat(members.getJsonObject(2).getMap()).containsEntry("traderId", "BRH-003").containsEntry("balance", 0)
                    .containsEntry("savings", 0).containsEntry("loanDue", 0).containsEntry("due", 500);
            assertThat(members.getJsonObject(3).getMap()).containsEntry("traderId", "BRH-004").containsEntry("balance", 8000)
                    .containsEntry("savings", 0).containsEntry("loanDue", 0).containsEntry("due", 0);

            // end: before the last close's date, unknown, then on it
            assertProblem(send(t, "POST", OBLIGATIONS + "/SW-1/end", "{\"endDate\":\"" + today.minusDays(1) + "\"}", BRH),
                    400, "INVALID_FIELD");
            assertProblem(send(t, "POST", OBLIGATIONS + "/NOPE/end", "{\"endDate\":\"" + today + "\"}", BRH), 404, "NOT_FOUND");
            assertProblem(send(t, "POST", OBLIGATIONS + "/SW-1/end", "{}", BRH), 400, "MISSING_FIELD");
            HttpResponse<String> ended = send(t, "POST", OBLIGATIONS + "/SW-1/end", "{\"endDate\":\"" + today + "\"}", BRH);
            assertThat(ended.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ended.body()).getString("endDate")).isEqualTo(today.toString());
            assertThat(obligation(t, "SW-1").getString("endDate")).isEqualTo(today.toString());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void demoDataDeductsFromThePaymentOfTheFirstTerminal(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            // obligations.csv of the bundled demo was journaled at start
            assertThat(new JsonObject(t.get(OBLIGATIONS, BRH).body()).getJsonArray("obligations")).hasSize(3);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "demo-1", "15000")).statusCode()).isEqualTo(201);
            JsonObject batch = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN)
                    .body()).getJsonArray("batches").getJsonObject(0);
            String batchId = batch.getString("batchId");
            assertThat(batchId).isEqualTo("KSP-BERINGHARJO-" + (TestEngine.DEMO_REFERENCE_ENTRIES + 2));
            assertThat(Files.readString(data.resolve("files/KSP-BERINGHARJO/" + batchId + ".payouts.csv")))
                    .isEqualTo("trader_id,net,retribusi,angsuran,simpanan_wajib,payout\n"
                            + "BRH-001,15000,2000,10000,0,3000\n"
                            + "TOTAL,15000,2000,10000,0,3000\n");
        }
    }

    private static JsonObject obligation(TestEngine t, String id) throws Exception {
        HttpResponse<String> r = t.get(OBLIGATIONS, BRH);
        assertThat(r.statusCode()).isEqualTo(200);
        for (Object o : new JsonObject(r.body()).getJsonArray("obligations")) {
            if (((JsonObject) o).getString("obligationId").equals(id)) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError("no obligation " + id + " in " + r.body());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo(code);
    }

    private static URI uri(TestEngine t, String path) {
        return URI.create("http://127.0.0.1:" + t.engine.httpPort() + path);
    }

    private static HttpResponse<String> send(TestEngine t, String method, String path, String body, String auth)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(t, path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
