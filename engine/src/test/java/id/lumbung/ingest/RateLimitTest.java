package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-terminal token bucket through the real HTTP server. A noisy terminal posts as fast as
 * eight requests in flight allow; once it is being refused, a quiet terminal posts at 20 per
 * second while the noisy one keeps going. The noisy terminal gets 429 RATE_LIMITED with
 * Retry-After, and no more than its burst plus its rate over the elapsed time is accepted; every
 * quiet request is accepted, the median within {@value #QUIET_LATENCY_MEDIAN_MAX_MS} ms and the
 * 90th percentile within {@value #QUIET_LATENCY_P90_MAX_MS} ms, and the noisy
 * terminal is refused during the quiet one's run, not only before it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RateLimitTest {
    static final int RATE = 50;
    static final int BURST = 50;
    static final int QUIET_REQUESTS = 40;
    /** 20 requests/s, under the quiet terminal's own rate of 50/s. */
    static final long QUIET_INTERVAL_MS = 50;
    /**
     * A quiet request alone takes about 1-3 ms here (async durability, loopback); with the noisy
     * flood beside it on a shared 2-core machine, runs measured a median of 7 ms and a 90th
     * percentile of 63 ms (the slowest few reached 320 ms: scheduling, not the engine, so the
     * maximum is not asserted). The bounds leave several times that margin and still fail a
     * terminal held up behind the noisy one's refusals (one event loop busy with them, or a bucket
     * shared with it).
     */
    static final long QUIET_LATENCY_MEDIAN_MAX_MS = 50;
    static final long QUIET_LATENCY_P90_MAX_MS = 250;
    /** Bounds on the noisy loop: it stops when the quiet terminal is done, or at these. */
    static final int NOISY_REQUESTS_MAX = 50_000;
    static final long NOISY_SECONDS_MAX = 40;

    @Test
    void noisyTerminalIsLimitedWhileAQuietTerminalStaysFast(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of(
                EngineConfig.RATE_PER_SECOND_PROP_NAME, Integer.toString(RATE),
                EngineConfig.RATE_BURST_PROP_NAME, Integer.toString(BURST),
                EngineConfig.DURABILITY_PROP_NAME, "async"))) {
            // warm the server and the client's connections up, outside the buckets under test
            assertThat(t.post("T0000003", TestEngine.payment("T0000003", "warm-up", "1000")).statusCode()).isEqualTo(201);
            CountDownLatch firstLimited = new CountDownLatch(1);
            AtomicBoolean quietDone = new AtomicBoolean();
            AtomicLong limitedSoFar = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<long[]> noisy = pool.submit(() -> noisy(t, firstLimited, quietDone, limitedSoFar));
                Future<long[]> quiet = pool.submit(() -> {
                    try {
                        assertThat(firstLimited.await(30, TimeUnit.SECONDS)).as("noisy terminal limited").isTrue();
                        long limitedAtStart = limitedSoFar.get();
                        long[] latencyNs = new long[QUIET_REQUESTS];
                        for (int i = 0; i < QUIET_REQUESTS; i++) {
                            long t0 = System.nanoTime();
                            int status = t.post("T0000002", TestEngine.payment("T0000002", "quiet-" + i, "1000")).statusCode();
                            latencyNs[i] = System.nanoTime() - t0;
                            assertThat(status).as("quiet request %d", i).isEqualTo(201);
                            Thread.sleep(QUIET_INTERVAL_MS);
                        }
                        long[] result = Arrays.copyOf(latencyNs, QUIET_REQUESTS + 1);
                        result[QUIET_REQUESTS] = limitedSoFar.get() - limitedAtStart;
                        return result;
                    } finally {
                        quietDone.set(true);
                    }
                });
                long[] q = quiet.get(60, TimeUnit.SECONDS);
                long[] n = noisy.get(60, TimeUnit.SECONDS);
                long accepted = n[0];
                long limited = n[1];
                long elapsedNs = n[2];
                assertThat(limited).as("429s to the noisy terminal").isPositive();
                // the burst passes whole; afterwards at most RATE per second of elapsed time (+1 for rounding)
                long refill = (long) Math.ceil(elapsedNs / 1e9 * RATE) + 1;
                assertThat(accepted).isBetween((long) BURST, BURST + refill);
                assertThat(q[QUIET_REQUESTS]).as("429s to the noisy terminal while the quiet one posted").isPositive();
                long[] quietLatencyMs = Arrays.stream(q, 0, QUIET_REQUESTS).map(ns -> ns / 1_000_000).sorted().toArray();
                assertThat(quietLatencyMs[QUIET_REQUESTS / 2]).as("median quiet request, ms (all: %s)",
                        Arrays.toString(quietLatencyMs)).isLessThan(QUIET_LATENCY_MEDIAN_MAX_MS);
                assertThat(quietLatencyMs[QUIET_REQUESTS * 9 / 10]).as("90th percentile quiet request, ms (all: %s)",
                        Arrays.toString(quietLatencyMs)).isLessThan(QUIET_LATENCY_P90_MAX_MS);
            } finally {
                pool.shutdownNow();
            }
            // the bucket refills: after Retry-After the noisy terminal gets through again
            Thread.sleep(1_100);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "after-wait", "1000")).statusCode()).isEqualTo(201);
            String scrape = t.ops("GET", "/metrics", null, null).body();
            assertThat(scrape).containsPattern("lumbung_payments_total\\{code=\"RATE_LIMITED\",result=\"rejected\"} [1-9]");
        }
    }

    /**
     * Payments from T0000001, eight in flight at a time, until the quiet terminal is done (or the
     * bounds); returns {accepted, limited, elapsed ns}. Every refusal is a complete 429.
     */
    private static long[] noisy(TestEngine t, CountDownLatch firstLimited, AtomicBoolean quietDone, AtomicLong limitedSoFar)
            throws Exception {
        long accepted = 0;
        long limited = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(NOISY_SECONDS_MAX);
        for (int i = 0; i < NOISY_REQUESTS_MAX && !quietDone.get() && System.nanoTime() < deadline; i += 8) {
            List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
            for (int j = i; j < i + 8; j++) {
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
                    limitedSoFar.incrementAndGet();
                    firstLimited.countDown();
                }
            }
        }
        return new long[] {accepted, limited, System.nanoTime() - t0};
    }
}
