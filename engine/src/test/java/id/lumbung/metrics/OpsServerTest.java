package id.lumbung.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The ops port on its own: readiness follows the engine, admin needs its token, metrics render. */
class OpsServerTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readinessIs503UntilReadyAndAdminNeedsItsToken() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicBoolean ready = new AtomicBoolean(false);
        AtomicReference<String> closedFor = new AtomicReference<>("never");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new EngineMetrics(registry);
        OpsServer ops = new OpsServer(vertx, registry, ready::get, "s3cret", coopId -> {
            closedFor.set(String.valueOf(coopId));
            return Future.succeededFuture(new OpsServer.Answer(200, "{\"batches\":[]}"));
        });
        try {
            ops.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + ops.actualPort();
            assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/health/ready").statusCode()).as("replaying").isEqualTo(503);
            ready.set(true);
            assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(200);
            ready.set(false);
            assertThat(get(http, base + "/health/ready").statusCode()).as("draining").isEqualTo(503);

            HttpResponse<String> unauthenticated = post(http, base + "/admin/v1/settlements/close", null, "{}");
            assertThat(unauthenticated.statusCode()).isEqualTo(401);
            assertThat(unauthenticated.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/problem+json");
            assertThat(unauthenticated.body()).isEqualTo("{\"type\":\"https://lumbung.id/problems/unauthenticated\","
                    + "\"title\":\"UNAUTHENTICATED\",\"status\":401,\"detail\":\"admin bearer token required\","
                    + "\"code\":\"UNAUTHENTICATED\"}");
            assertThat(post(http, base + "/admin/v1/settlements/close", "wrong", "{}").statusCode()).isEqualTo(401);
            assertThat(closedFor.get()).isEqualTo("never");
            assertThat(post(http, base + "/admin/v1/settlements/close", "s3cret", "{\"coopId\":1}").statusCode()).isEqualTo(400);
            assertThat(post(http, base + "/admin/v1/settlements/close", "s3cret", "not json").statusCode()).isEqualTo(400);
            HttpResponse<String> ok = post(http, base + "/admin/v1/settlements/close", "s3cret", "{\"coopId\":\"KSP-KLEWER\"}");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(closedFor.get()).isEqualTo("KSP-KLEWER");
            assertThat(post(http, base + "/admin/v1/settlements/close", "s3cret", "").statusCode()).isEqualTo(200);
            assertThat(closedFor.get()).isEqualTo("null");

            HttpResponse<String> metrics = get(http, base + "/metrics");
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("# HELP lumbung_journal_sync_latency_seconds")
                    .contains("lumbung_settlement_close_failures_total 0.0");
            HttpResponse<String> missing = get(http, base + "/nothing");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("{\"type\":\"https://lumbung.id/problems/not-found\",\"title\":\"NOT_FOUND\","
                    + "\"status\":404,\"detail\":\"no such resource\",\"code\":\"NOT_FOUND\"}");
        } finally {
            ops.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
