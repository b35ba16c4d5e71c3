package id.lumbung.ingest;

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
 * {@code HEAD} on every {@code GET} route of the cooperative API and on the terminal API's status
 * route answers as {@code GET} would: the same status and headers (Content-Length, ETag,
 * Repr-Digest, Content-Type, Cache-Control), and no body.
 */
class HeadRequestTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";
    private static final List<String> HEADERS = List.of("content-length", "content-type", "etag", "repr-digest", "cache-control");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void headAnswersAsGetWithoutTheBody(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            HttpResponse<String> posted = t.post("T0000001", TestEngine.payment("T0000001", "head-1", "600000"));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
            String paymentId = new JsonObject(posted.body()).getString("paymentId");
            JsonObject batch = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).body())
                    .getJsonArray("batches").getJsonObject(0);
            String batchId = batch.getString("batchId");
            JsonArray files = batch.getJsonArray("files");

            List<String> paths = new ArrayList<>(List.of(
                    "/v1/coops/KSP-BERINGHARJO/settlements",
                    "/v1/coops/KSP-BERINGHARJO/settlements?since=" + batchId,
                    "/v1/coops/KSP-BERINGHARJO/settlements?since=nope",
                    "/v1/coops/KSP-BERINGHARJO/accounts",
                    "/v1/coops/KSP-BERINGHARJO/settlements/" + batchId + "/nope.csv",
                    "/v1/coops/KSP-BERINGHARJO/nothing",
                    "/v1/coops/KSP-NOPE/settlements"));
            for (Object f : files) {
                paths.add("/v1/coops/KSP-BERINGHARJO/settlements/" + batchId + "/" + ((JsonObject) f).getString("name"));
            }
            for (String path : paths) {
                HttpResponse<String> get = coop(t, "GET", path, BRH, null);
                HttpResponse<String> head = coop(t, "HEAD", path, BRH, null);
                assertSameButBody(path, get, head);
            }
            // with a body GET answers 200 and non-empty: the file's exact length is announced
            JsonObject csv = files.getJsonObject(0);
            String csvPath = "/v1/coops/KSP-BERINGHARJO/settlements/" + batchId + "/" + csv.getString("name");
            HttpResponse<String> head = coop(t, "HEAD", csvPath, BRH, null);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).hasValue(Long.toString(csv.getLong("size")));
            assertThat(head.headers().firstValue("ETag")).hasValue("\"" + csv.getString("sha256") + "\"");
            assertThat(head.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
            // conditional, unauthenticated and another cooperative's token
            String etag = "\"" + csv.getString("sha256") + "\"";
            assertSameButBody("If-None-Match", coop(t, "GET", csvPath, BRH, etag), coop(t, "HEAD", csvPath, BRH, etag));
            assertThat(coop(t, "HEAD", csvPath, BRH, etag).statusCode()).isEqualTo(304);
            assertSameButBody("no token", coop(t, "GET", csvPath, null, null), coop(t, "HEAD", csvPath, null, null));
            assertThat(coop(t, "HEAD", csvPath, null, null).statusCode()).isEqualTo(401);
            assertSameButBody("other token", coop(t, "GET", csvPath, "Bearer demo-token-KSP-KLEWER", null),
                    coop(t, "HEAD", csvPath, "Bearer demo-token-KSP-KLEWER", null));

            // the terminal API's status route, signed with the method used
            String status = "/v1/payments/" + paymentId;
            HttpResponse<String> getStatus = t.signed("GET", status, "T0000001", new byte[0]);
            HttpResponse<String> headStatus = t.signed("HEAD", status, "T0000001", new byte[0]);
            assertThat(getStatus.statusCode()).isEqualTo(200);
            assertSameButBody(status, getStatus, headStatus);
            assertSameButBody("unknown payment", t.signed("GET", "/v1/payments/P999", "T0000001", new byte[0]),
                    t.signed("HEAD", "/v1/payments/P999", "T0000001", new byte[0]));
            assertSameButBody("another terminal", t.signed("GET", status, "T0000002", new byte[0]),
                    t.signed("HEAD", status, "T0000002", new byte[0]));
            // a HEAD signed as GET is not authenticated
            HttpResponse<String> signedAsGet = t.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + t.engine.httpPort() + status)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("X-Terminal-Id", "T0000001").header("X-Timestamp", Long.toString(t.engine.clock().millis()))
                    .header("X-Signature", TerminalAuth.sign(id.lumbung.reference.DemoCredentials.terminalKey("T0000001"),
                            "GET", status, Long.toString(t.engine.clock().millis()), new byte[0]))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signedAsGet.statusCode()).isEqualTo(401);
            // HEAD on a POST-only route is what GET on it is: no such resource
            assertSameButBody("payments", t.signed("GET", "/v1/payments", "T0000001", new byte[0]),
                    t.signed("HEAD", "/v1/payments", "T0000001", new byte[0]));
        }
    }

    private static void assertSameButBody(String what, HttpResponse<String> get, HttpResponse<String> head) {
        assertThat(head.statusCode()).as("%s: HEAD status (GET answered %s %s)", what, get.statusCode(), get.body())
                .isEqualTo(get.statusCode());
        for (String h : HEADERS) {
            assertThat(head.headers().firstValue(h)).as("%s: %s", what, h).isEqualTo(get.headers().firstValue(h));
        }
        if (get.statusCode() != 304) {
            assertThat(get.headers().firstValue("content-length")).as("%s: GET's Content-Length", what)
                    .hasValue(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
        assertThat(head.body()).as("%s: HEAD body", what).isEmpty();
    }

    private static HttpResponse<String> coop(TestEngine t, String method, String path, String auth, String ifNoneMatch)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.engine.httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (ifNoneMatch != null) {
            b.header("If-None-Match", ifNoneMatch);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
