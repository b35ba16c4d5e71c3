package id.lumbung.engine;

import id.lumbung.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin close reads its request as strictly as the terminal API reads a payment: a mistyped
 * or unknown field, a query parameter, a duplicate key, a body that is not one JSON object, a
 * {@code coopId} that is not a string, or an unknown cooperative is refused with a problem
 * document and closes nothing (no close is journaled); no body, or {@code {}}, closes every
 * cooperative.
 */
class AdminCloseRequestTest {
    private static final String CLOSE = "/admin/v1/settlements/close";
    private static final String[] COOPS = {"KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG"};
    /** One terminal of each cooperative of the demo data, in the order of {@link #COOPS}. */
    private static final String[] TERMINALS = {"T0000001", "T0000006", "T0000011"};

    record Refused(String query, String body, int status, String code) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRequestThatDoesNotSayExactlyWhatToCloseClosesNothing(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            List<String> paymentIds = new ArrayList<>();
            for (int i = 0; i < TERMINALS.length; i++) {
                HttpResponse<String> r = t.post(TERMINALS[i], TestEngine.payment(TERMINALS[i], "admin-" + i, "15000"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                paymentIds.add(new JsonObject(r.body()).getString("paymentId"));
            }
            List<Refused> refused = List.of(
                    new Refused(null, "{\"coopID\":\"KSP-KLEWER\"}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coop_id\":\"KSP-KLEWER\"}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":\"KSP-KLEWER\",\"dryRun\":true}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":\"KSP-BERINGHARJO\",\"coopId\":\"KSP-KLEWER\"}", 400, "MALFORMED_JSON"),
                    new Refused("coopId=KSP-KLEWER", null, 400, "INVALID_FIELD"),
                    new Refused("coopId=KSP-KLEWER", "{\"coopId\":\"KSP-KLEWER\"}", 400, "INVALID_FIELD"),
                    new Refused("all=true", "{}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":1}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":null}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":[\"KSP-KLEWER\"]}", 400, "INVALID_FIELD"),
                    new Refused(null, "{\"coopId\":{\"id\":\"KSP-KLEWER\"}}", 400, "INVALID_FIELD"),
                    new Refused(null, "[]", 400, "MALFORMED_JSON"),
                    new Refused(null, "[{\"coopId\":\"KSP-KLEWER\"}]", 400, "MALFORMED_JSON"),
                    new Refused(null, "\"KSP-KLEWER\"", 400, "MALFORMED_JSON"),
                    new Refused(null, "null", 400, "MALFORMED_JSON"),
                    new Refused(null, "KSP-KLEWER", 400, "MALFORMED_JSON"),
                    new Refused(null, "coopId=KSP-KLEWER", 400, "MALFORMED_JSON"),
                    new Refused(null, " ", 400, "MALFORMED_JSON"),
                    new Refused(null, "{", 400, "MALFORMED_JSON"),
                    new Refused(null, "{\"coopId\":\"KSP-KLEWER\"} x", 400, "MALFORMED_JSON"),
                    new Refused(null, "{\"coopId\":\"KSP-KLEWER\"}{}", 400, "MALFORMED_JSON"),
                    new Refused(null, "{}{}", 400, "MALFORMED_JSON"),
                    new Refused(null, "{\"coopId\":\"KSP-NOPE\"}", 404, "NOT_FOUND"),
                    new Refused(null, "{\"coopId\":\"\"}", 404, "NOT_FOUND"));
            for (Refused r : refused) {
                HttpResponse<String> answer = close(t, r.query(), r.body());
                assertThat(answer.statusCode()).as("%s -> %s", r, answer.body()).isEqualTo(r.status());
                assertThat(answer.headers().firstValue("Content-Type")).as("%s", r).hasValue("application/problem+json");
                JsonObject problem = new JsonObject(answer.body());
                assertThat(problem.getString("code")).as("%s", r).isEqualTo(r.code());
                assertThat(problem.getInteger("status")).as("%s", r).isEqualTo(r.status());
                assertThat(problem.getString("type")).as("%s", r)
                        .isEqualTo("https://lumbung.id/problems/" + r.code().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            // a body that is not UTF-8 (Latin-1 "é" in the cooperative's name)
            HttpResponse<String> latin1 = t.http.send(request(t, null).POST(HttpRequest.BodyPublishers.ofByteArray(
                    new byte[] {'{', '"', 'c', 'o', 'o', 'p', 'I', 'd', '"', ':', '"', (byte) 0xE9, '"', '}'})).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(latin1.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(latin1.body()).getString("code")).isEqualTo("MALFORMED_JSON");

            // nothing was journaled: no close entry, no batch, every payment still open
            assertThat(t.engine.metrics().closeEntries.count()).isZero();
            assertThat(t.engine.metrics().settlementBatches.count()).isZero();
            for (int i = 0; i < COOPS.length; i++) {
                assertThat(listing(t, COOPS[i])).isEmpty();
                assertThat(status(t, TERMINALS[i], paymentIds.get(i))).isEqualTo("ACCEPTED");
            }

            // one cooperative, spelled right (whitespace around the object is JSON's own)
            HttpResponse<String> one = close(t, null, " {\"coopId\" : \"KSP-KLEWER\"}\n");
            assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
            assertThat(one.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonArray batches = new JsonObject(one.body()).getJsonArray("batches");
            assertThat(batches).hasSize(1);
            assertThat(batches.getJsonObject(0).getString("coopId")).isEqualTo("KSP-KLEWER");
            assertThat(listing(t, "KSP-BERINGHARJO")).isEmpty();
            assertThat(listing(t, "KSP-TANAHABANG")).isEmpty();

            // {} closes every cooperative
            HttpResponse<String> all = close(t, null, "{}");
            assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
            assertThat(new JsonObject(all.body()).getJsonArray("batches")).extracting(b -> ((JsonObject) b).getString("coopId"))
                    .containsExactly("KSP-BERINGHARJO", "KSP-TANAHABANG");
            assertThat(t.engine.metrics().closeEntries.count()).isEqualTo(2);

            // so does no body at all
            HttpResponse<String> r = t.post("T0000006", TestEngine.payment("T0000006", "admin-after", "20000"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            HttpResponse<String> none = close(t, null, null);
            assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
            assertThat(new JsonObject(none.body()).getJsonArray("batches")).extracting(b -> ((JsonObject) b).getString("coopId"))
                    .containsExactly("KSP-KLEWER");
            assertThat(t.engine.metrics().closeEntries.count()).isEqualTo(3);
            for (int i = 0; i < COOPS.length; i++) {
                assertThat(status(t, TERMINALS[i], paymentIds.get(i))).isEqualTo("SETTLED");
            }
        }
    }

    private static HttpRequest.Builder request(TestEngine t, String query) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.engine.opsPort() + CLOSE
                + (query == null ? "" : "?" + query))).header("Authorization", "Bearer " + TestEngine.ADMIN_TOKEN)
                .header("Content-Type", "application/json");
    }

    private static HttpResponse<String> close(TestEngine t, String query, String body) throws Exception {
        HttpRequest.Builder b = request(t, query);
        b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonArray listing(TestEngine t, String coop) throws Exception {
        HttpResponse<String> r = t.get("/v1/coops/" + coop + "/settlements", "Bearer demo-token-" + coop);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("batches");
    }

    private static String status(TestEngine t, String terminal, String paymentId) throws Exception {
        HttpResponse<String> r = t.signed("GET", "/v1/payments/" + paymentId, terminal, new byte[0]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("status");
    }
}
