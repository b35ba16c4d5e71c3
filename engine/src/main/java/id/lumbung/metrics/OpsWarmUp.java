package id.lumbung.metrics;

import id.lumbung.config.BindAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's own requests to its ops port while it starts: each read-only route
 * ({@link #PATHS}) {@code rounds} times over one kept-alive connection, with the headers of a
 * Prometheus scrape and of curl in turn.
 *
 * <p>Why: the ops port runs the same Netty and Vert.x HTTP code as the terminal port. A first
 * scrape after terminals have loaded the engine loads the scrape's classes on an event loop
 * (46-58 ms on an idle engine, 8-19 ms after, {@code benchmarks/first-scrape.sh}) and takes paths
 * the JIT never saw, so it throws away code compiled for the terminals, which then run slower for
 * about a second (docs/DECISIONS.md, Benchmarks). Taken here, the class loading falls in the start.
 * The JIT's cost of the first scrape under load remains: fifteen requests are too few for it to
 * profile the ops routes. Nothing here writes: the admin routes are never called.
 */
public final class OpsWarmUp {
    /** The read-only routes of the ops port, each answered without the admin token. */
    public static final List<String> PATHS = List.of("/metrics", "/health/live", "/health/ready");

    /** What the warm-up got: each answer's status, in the order of the requests ({@link #path}). */
    public record Result(List<Integer> statuses, long ms) {
        /** The path of request {@code i}: the rounds send {@link #PATHS} in order. */
        public String path(int i) {
            return PATHS.get(i % PATHS.size());
        }

        /** Answers counted by status, for the start's log line: {@code 200x10,503x5}. */
        public String statusCounts() {
            Map<Integer, Integer> counts = new TreeMap<>();
            statuses.forEach(s -> counts.merge(s, 1, Integer::sum));
            StringBuilder b = new StringBuilder();
            counts.forEach((status, n) -> b.append(b.length() == 0 ? "" : ",").append(status).append('x').append(n));
            return b.toString();
        }
    }

    private OpsWarmUp() {
    }

    /**
     * Sends {@link #PATHS} {@code rounds} times to the ops port at {@code bind}:{@code port}, one
     * request at a time over one connection; completes with every answer's status, or fails with
     * the first request that got none. {@code tls}: the port serves TLS (the engine's own
     * certificate, which this client does not check: it connects to its own listener and sends
     * nothing secret).
     */
    public static Future<Result> run(Vertx vertx, String bind, int port, boolean tls, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1: " + rounds);
        }
        long t0 = System.nanoTime();
        String host = BindAddress.connectHost(bind);
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
                .setName("lumbung-ops-warm-up")
                .setKeepAlive(true)
                .setConnectTimeout(5_000)
                .setSsl(tls)
                .setTrustAll(tls)
                .setVerifyHost(false)
                .setDecompressionSupported(true));
        List<Integer> statuses = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int round = 0; round < rounds; round++) {
            boolean prometheus = round % 2 == 0;
            for (String path : PATHS) {
                chain = chain.compose(v -> get(client, host, port, path, prometheus).map(status -> {
                    statuses.add(status);
                    return null;
                }));
            }
        }
        return chain.eventually(() -> client.close())
                .map(v -> new Result(List.copyOf(statuses), (System.nanoTime() - t0) / 1_000_000));
    }

    private static Future<Integer> get(HttpClientAgent client, String host, int port, String path, boolean prometheus) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(path)
                .setTimeout(10_000);
        if (prometheus) {
            options.addHeader("User-Agent", "Prometheus/3.0.0")
                    .addHeader("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2")
                    .addHeader("Accept-Encoding", "gzip")
                    .addHeader("X-Prometheus-Scrape-Timeout-Seconds", "10");
        } else {
            options.addHeader("User-Agent", "curl/7.88.1").addHeader("Accept", "*/*");
        }
        return client.request(options).compose(req -> req.send()).compose(resp -> resp.body().map(body -> resp.statusCode()));
    }
}
