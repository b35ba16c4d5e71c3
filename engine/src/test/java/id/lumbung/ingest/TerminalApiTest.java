package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The terminal API through the real HTTP server, every status and code of DESIGN.md. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalApiTest extends OneEngineTest {
    TerminalApiTest() {
        super("tx-");
    }

    @Test
    void acceptsThenReplaysWithTheSameBody() throws Exception {
        String body = TestEngine.payment("T0000001", nextTxn(), "15000");
        HttpResponse<String> first = t.post("T0000001", body);
        assertThat(first.statusCode()).isEqualTo(201);
        JsonObject j = new JsonObject(first.body());
        assertThat(j.getString("status")).isEqualTo("ACCEPTED");
        assertThat(j.getString("traderId")).isEqualTo("BRH-001");
        assertThat(j.getString("coopId")).isEqualTo("KSP-BERINGHARJO");
        assertThat(j.getString("paymentId")).isEqualTo("P" + j.getLong("sequence"));
        HttpResponse<String> again = t.post("T0000001", body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(first.body());
        // same content, other key order and spacing: still a replay
        JsonObject reordered = new JsonObject(body);
        String spaced = "{ \"method\" : \"QRIS\", \"amount\": 15000, \"txnId\": \"" + reordered.getString("txnId")
                + "\", \"terminalId\":\"T0000001\", \"occurredAt\":\"" + reordered.getString("occurredAt") + "\", \"currency\":\"IDR\" }";
        HttpResponse<String> third = t.post("T0000001", spaced);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.body()).isEqualTo(first.body());
    }

    @Test
    void sameKeyWithDifferentContentIsAConflict() throws Exception {
        String tx = nextTxn();
        assertThat(t.post("T0000001", TestEngine.payment("T0000001", tx, "15000")).statusCode()).isEqualTo(201);
        HttpResponse<String> r = t.post("T0000001", TestEngine.payment("T0000001", tx, "16000"));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(code(r)).isEqualTo("IDEMPOTENCY_CONFLICT");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void authenticationFailuresShareOneCode() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn(), "15000").getBytes(StandardCharsets.UTF_8);
        String now = Long.toString(System.currentTimeMillis());
        HttpResponse<String> badSig = t.signed("POST", "/v1/payments", "T0000001", body, DemoCredentials.terminalKey("T0000002"), now, "application/json");
        HttpResponse<String> stale = t.signed("POST", "/v1/payments", "T0000001", body, DemoCredentials.terminalKey("T0000001"),
                Long.toString(System.currentTimeMillis() - 301_000), "application/json");
        HttpResponse<String> unknown = t.signed("POST", "/v1/payments", "T9999999", body, DemoCredentials.terminalKey("T9999999"), now, "application/json");
        for (HttpResponse<String> r : new HttpResponse[] {badSig, stale, unknown}) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(code(r)).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void rotatedNextKeyIsAcceptedDuringChangeover() throws Exception {
        byte[] body = TestEngine.payment("T0000003", nextTxn(), "15000").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = t.signed("POST", "/v1/payments", "T0000003", body, DemoCredentials.terminalNextKey("T0000003"),
                Long.toString(System.currentTimeMillis()), "application/json");
        assertThat(r.statusCode()).isEqualTo(201);
    }

    @Test
    void blockedTerminalIsForbidden() throws Exception {
        HttpResponse<String> r = t.post("T0000007", TestEngine.payment("T0000007", nextTxn(), "15000"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("TERMINAL_BLOCKED");
    }

    @Test
    void bodyOverTheLimitIs413BeforeAuthentication() throws Exception {
        byte[] big = ("{\"payerRef\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = t.signed("POST", "/v1/payments", "T9999999", big, new byte[32], "0", "application/json");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(code(r)).isEqualTo("BODY_TOO_LARGE");
    }

    @Test
    void wrongMediaTypeIs415() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn(), "15000").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = t.signed("POST", "/v1/payments", "T0000001", body, DemoCredentials.terminalKey("T0000001"),
                Long.toString(System.currentTimeMillis()), "text/plain");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(code(r)).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void malformedBodiesAre400() throws Exception {
        String good = TestEngine.payment("T0000001", nextTxn(), "15000");
        String[] bodies = {
            "not json", good.substring(0, good.length() / 2), "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", good + "{}", "",
            "{\"terminalId\":\"T0000001\",\"terminalId\":\"T0000001\"}",
        };
        for (String b : bodies) {
            HttpResponse<String> r = t.post("T0000001", b);
            assertThat(r.statusCode()).as(b).isEqualTo(400);
        }
        byte[] notUtf8 = good.replace("QRIS", "QR\u00ffS").getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = t.signed("POST", "/v1/payments", "T0000001", notUtf8, DemoCredentials.terminalKey("T0000001"),
                Long.toString(System.currentTimeMillis()), "application/json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(code(r)).isEqualTo("MALFORMED_JSON");
        // a complete, valid payment with one key repeated (a second amount) is refused, not half-read
        String repeated = TestEngine.payment("T0000001", nextTxn(), "15000").replace("}", ",\"amount\":99}");
        HttpResponse<String> dup = t.post("T0000001", repeated);
        assertThat(dup.statusCode()).as(repeated).isEqualTo(400);
        assertThat(code(dup)).isEqualTo("MALFORMED_JSON");
        byte[] utf16 = good.getBytes(StandardCharsets.UTF_16BE);
        assertThat(t.signed("POST", "/v1/payments", "T0000001", utf16, DemoCredentials.terminalKey("T0000001"),
                Long.toString(System.currentTimeMillis()), "application/json").statusCode()).isEqualTo(400);
    }

    @Test
    void amountsThatAreNotWholeRupiahInRangeAreRefused() throws Exception {
        String[] amounts = {"0", "-1", "1500.0", "1.5e3", "\"1500\"", "10000001", "18446744073709551616", "9223372036854775808", "null", "true"};
        for (String a : amounts) {
            HttpResponse<String> r = t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), a));
            assertThat(r.statusCode()).as(a).isEqualTo(400);
            assertThat(code(r)).as(a).isEqualTo("INVALID_AMOUNT");
        }
        assertThat(t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), "10000000")).statusCode()).isEqualTo(201);
        assertThat(t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), "1")).statusCode()).isEqualTo(201);
    }

    @Test
    void fieldErrorsNameTheirCode() throws Exception {
        String tx = nextTxn();
        assertThat(code(t.post("T0000001", TestEngine.payment("T0000001", tx, "15000").replace("\"IDR\"", "\"USD\""))))
                .isEqualTo("INVALID_CURRENCY");
        assertThat(code(t.post("T0000001", TestEngine.payment("T0000001", tx, "15000").replace(",\"method\":\"QRIS\"", ""))))
                .isEqualTo("MISSING_FIELD");
        assertThat(code(t.post("T0000001", TestEngine.payment("T0000002", tx, "15000")))).isEqualTo("INVALID_FIELD");
        String withMerchant = TestEngine.payment("T0000001", tx, "15000").replace("}", ",\"merchantId\":\"KLW-001\"}");
        assertThat(code(t.post("T0000001", withMerchant))).isEqualTo("MERCHANT_MISMATCH");
        String future = "{\"terminalId\":\"T0000001\",\"txnId\":\"" + tx + "\",\"amount\":1,\"currency\":\"IDR\","
                + "\"occurredAt\":\"2099-01-01T00:00:00+07:00\",\"method\":\"QRIS\"}";
        assertThat(code(t.post("T0000001", future))).isEqualTo("INVALID_TIMESTAMP");
        String old = future.replace("2099-01-01", "2020-01-01");
        assertThat(code(t.post("T0000001", old))).isEqualTo("INVALID_TIMESTAMP");
        assertThat(code(t.post("T0000001", future.replace("2099-01-01T00:00:00+07:00", "yesterday")))).isEqualTo("INVALID_TIMESTAMP");
    }

    @Test
    void voidStatusAndSettlementLifecycle() throws Exception {
        String id = new JsonObject(t.post("T0000004", TestEngine.payment("T0000004", nextTxn(), "600000")).body()).getString("paymentId");
        String voidedId = new JsonObject(t.post("T0000004", TestEngine.payment("T0000004", nextTxn(), "700")).body()).getString("paymentId");
        HttpResponse<String> other = t.signed("GET", "/v1/payments/" + id, "T0000001", new byte[0]);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(t.signed("GET", "/v1/payments/" + id, "T0000004", new byte[0]).body()).getString("status"))
                .isEqualTo("ACCEPTED");
        assertThat(t.signed("POST", "/v1/payments/" + voidedId + "/void", "T0000004", new byte[0]).statusCode()).isEqualTo(200);
        HttpResponse<String> again = t.signed("POST", "/v1/payments/" + voidedId + "/void", "T0000004", new byte[0]);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(again.body()).getString("status")).isEqualTo("VOIDED");
        assertThat(t.signed("POST", "/v1/payments/" + id + "/void", "T0000001", new byte[0]).statusCode()).isEqualTo(404);

        HttpResponse<String> close = t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-BERINGHARJO\"}", TestEngine.ADMIN_TOKEN);
        assertThat(close.statusCode()).isEqualTo(200);
        JsonObject batch = new JsonObject(close.body()).getJsonArray("batches").getJsonObject(0);
        assertThat(batch.getString("coopId")).isEqualTo("KSP-BERINGHARJO");

        JsonObject status = new JsonObject(t.signed("GET", "/v1/payments/" + id, "T0000004", new byte[0]).body());
        assertThat(status.getString("status")).isEqualTo("SETTLED");
        assertThat(status.getString("batchId")).isEqualTo(batch.getString("batchId"));
        HttpResponse<String> late = t.signed("POST", "/v1/payments/" + id + "/void", "T0000004", new byte[0]);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(code(late)).isEqualTo("ALREADY_SETTLED");
        assertThat(new JsonObject(t.signed("POST", "/v1/payments/" + voidedId + "/void", "T0000004", new byte[0]).body())
                .getString("status")).isEqualTo("VOIDED");
        assertThat(new JsonObject(t.signed("GET", "/v1/payments/" + voidedId, "T0000004", new byte[0]).body()).getString("status"))
                .isEqualTo("VOIDED");
    }

    @Test
    void batchAnswersEachItemInOrder() throws Exception {
        String tx = nextTxn();
        String body = "{\"payments\":[" + TestEngine.payment("T0000002", tx, "1000") + ","
                + TestEngine.payment("T0000002", nextTxn(), "0") + "," + TestEngine.payment("T0000002", tx, "1000") + ","
                + TestEngine.payment("T0000002", tx, "2000") + "]}";
        HttpResponse<String> r = t.signed("POST", "/v1/payments/batch", "T0000002", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        var results = new JsonObject(r.body()).getJsonArray("results");
        assertThat(results.getJsonObject(0).getInteger("status")).isEqualTo(201);
        assertThat(results.getJsonObject(1).getString("code")).isEqualTo("INVALID_AMOUNT");
        assertThat(results.getJsonObject(2).getInteger("status")).isEqualTo(200);
        assertThat(results.getJsonObject(2).getString("paymentId")).isEqualTo(results.getJsonObject(0).getString("paymentId"));
        assertThat(results.getJsonObject(3).getString("code")).isEqualTo("IDEMPOTENCY_CONFLICT");
        StringBuilder many = new StringBuilder("{\"payments\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append(TestEngine.payment("T0000002", "m" + i, "1"));
        }
        HttpResponse<String> tooMany = t.signed("POST", "/v1/payments/batch", "T0000002",
                many.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        String twice = "{\"payments\":[" + TestEngine.payment("T0000002", nextTxn(), "1") + "],\"payments\":[]}";
        HttpResponse<String> dup = t.signed("POST", "/v1/payments/batch", "T0000002", twice.getBytes(StandardCharsets.UTF_8));
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(code(dup)).isEqualTo("MALFORMED_JSON");
        String dupItem = "{\"payments\":[" + TestEngine.payment("T0000002", nextTxn(), "1").replace("}", ",\"method\":\"CARD\"}")
                + "]}";
        var dupResults = new JsonObject(t.signed("POST", "/v1/payments/batch", "T0000002",
                dupItem.getBytes(StandardCharsets.UTF_8)).body()).getJsonArray("results");
        assertThat(dupResults.getJsonObject(0).getString("code")).isEqualTo("MALFORMED_JSON");
    }

    @Test
    void metricsCountOutcomesWithoutIds() throws Exception {
        t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), "15000"));
        String scrape = t.ops("GET", "/metrics", null, null).body();
        assertThat(scrape).contains("lumbung_payments_total{code=\"none\",result=\"accepted\"}")
                .contains("lumbung_ingest_latency_seconds_bucket{channel=\"http\"")
                .contains("lumbung_journal_sync_latency_seconds_bucket")
                .contains("lumbung_journal_entries_total{type=\"payment\"}")
                .contains("lumbung_unsettled_rupiah").contains("lumbung_http_connections")
                // Vert.x's HTTP server metrics are off: they leave connections accepted during a
                // listen without a connection metric, and those never get an answer (Engine)
                .doesNotContain("vertx_http_server_")
                .doesNotContain("T0000001").doesNotContain("BRH-001").doesNotContain("KSP-");
        assertThat(t.ops("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(t.ops("POST", "/admin/v1/settlements/close", null, "wrong").statusCode()).isEqualTo(401);
    }
}
