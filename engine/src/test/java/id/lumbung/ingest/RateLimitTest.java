package id.lumbung.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-terminal token bucket through the real HTTP server: a noisy terminal is cut off after its
 * burst with 429 RATE_LIMITED and Retry-After, while another terminal in parallel is not affected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitTest {
    static final int RATE = 50;
    static final int BURST = 50;
    static final int NOISY_REQUESTS = 200;
    static final int QUIET_REQUESTS = 40;

    @Test
    void noisyTerminalIsLimitedWhileAnotherTerminalIsServed(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of(
                EngineConfig.RATE_PER_SECOND_PROP_NAME, Integer.toString(RATE),
                EngineConfig.RATE_BURST_PROP_NAME, Integer.toString(BURST),
                EngineConfig.DURABILITY_PROP_NAME, "async"))) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<long[]> noisy = pool.submit(() -> noisy(t));
                Future<List<Integer>> quiet = pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < QUIET_REQUESTS; i++) {
                        statuses.add(t.post("T0000002", TestEngine.payment("T0000002", "quiet-" + i, "1000")).statusCode());
                    }
                    return statuses;
                });
                long[] n = noisy.get(50, TimeUnit.SECONDS);
                long accepted = n[0];
                long limited = n[1];
                long elapsedNs = n[2];
                // the burst passes whole; afterwards at most RATE per second of elapsed time (+1 for rounding)
                long refill = (long) Math.ceil(elapsedNs / 1e9 * RATE) + 1;
                assertThat(accepted).isBetween((long) BURST, BURST + refill);
                assertThat(accepted + limited).isEqualTo(NOISY_REQUESTS);
                assertThat(limited).isGreaterThanOrEqualTo(NOISY_REQUESTS - BURST - refill);
                // the other terminal has its own bucket: every request of it is accepted
                assertThat(quiet.get(50, TimeUnit.SECONDS)).hasSize(QUIET_REQUESTS).containsOnly(201);
            } finally {
                pool.shutdownNow();
            }
            // the bucket refills: after Retry-After the noisy terminal gets through again
            Thread.sleep(1_100);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "after-wait", "1000")).statusCode()).isEqualTo(201);
            String scrape = t.ops("GET", "/metrics", null, null).body();
            assertThat(scrape).contains("lumbung_payments_total{code=\"RATE_LIMITED\",result=\"rejected\"}");
        }
    }

    /** 200 payments from T0000001, eight in flight at a time; returns {accepted, limited, elapsed ns}. */
    private static long[] noisy(TestEngine t) throws Exception {
        long accepted = 0;
        long limited = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < NOISY_REQUESTS; i += 8) {
            List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
            for (int j = i; j < Math.min(NOISY_REQUESTS, i + 8); j++) {
                String body = TestEngine.payment("T0000001", "noisy-" + j, "1000");
                wave.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return t.post("T0000001", body);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<HttpResponse<String>> f : wave) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    accepted++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("RATE_LIMITED");
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    String retryAfter = r.headers().firstValue("Retry-After").orElseThrow();
                    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 2L);
                    limited++;
                }
            }
        }
        return new long[] {accepted, limited, System.nanoTime() - t0};
    }
}
