package id.lumbung.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ops port's warm-up: every read-only route answered, in order, and no admin route touched. */
class OpsWarmUpTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void getsEachReadOnlyRouteRoundsTimesAndNeverAnAdminOne() throws Exception {
        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new EngineMetrics(registry);
        AtomicInteger closes = new AtomicInteger();
        OpsServer ops = new OpsServer(vertx, registry, () -> false, "s3cret", coopId -> {
            closes.incrementAndGet();
            return Future.succeededFuture(new OpsServer.Answer(200, "{}"));
        });
        try {
            ops.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            OpsWarmUp.Result r = OpsWarmUp.run(vertx, "0.0.0.0", ops.actualPort(), false, 2)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(java.util.stream.IntStream.range(0, 6).mapToObj(r::path)).containsExactly("/metrics", "/health/live",
                    "/health/ready", "/metrics", "/health/live", "/health/ready");
            // not ready yet: readiness answers 503, the others 200
            assertThat(r.statuses()).containsExactly(200, 200, 503, 200, 200, 503);
            assertThat(r.statusCounts()).isEqualTo("200x4,503x2");
            assertThat(closes).hasValue(0);
        } finally {
            ops.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void failsWhenNothingListens() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            assertThatThrownBy(() -> OpsWarmUp.run(vertx, "127.0.0.1", port, false, 1)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThatThrownBy(() -> OpsWarmUp.run(vertx, "127.0.0.1", port, false, 0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
