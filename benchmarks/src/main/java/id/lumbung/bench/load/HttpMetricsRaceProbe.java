package id.lumbung.bench.load;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Why the engine turns Vert.x's HTTP server metrics off (Engine.startVertxAndOps). Starts a Vert.x
 * HTTP server with Micrometer metrics {@code rounds} times while a thread connects to its port as
 * fast as it can, then sends one request on every connection that was accepted and counts those
 * that get no answer within a second. With the HTTP_SERVER metrics domain on, Vert.x 5.0.7 sets
 * the server's metrics only after the port is bound, so a connection accepted in between has no
 * connection metric and each request on it fails inside the metrics (a NullPointerException in
 * VertxHttpServerMetrics.requestBegin), unanswered.
 *
 * <p>Usage: {@code java -cp benchmarks.jar id.lumbung.bench.load.HttpMetricsRaceProbe 100 [off]}
 * ({@code off}: with the HTTP_SERVER domain disabled, as the engine runs). Bounded: each round
 * connects for 5 ms after the listen and waits at most 1 s per connection.
 */
public final class HttpMetricsRaceProbe {
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: probe\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private HttpMetricsRaceProbe() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        boolean off = args.length > 1 && args[1].equals("off");
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true);
        if (off) {
            metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
        }
        Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).build();
        long answered = 0;
        long unanswered = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                int port;
                try (ServerSocket free = new ServerSocket(0)) {
                    port = free.getLocalPort();
                }
                Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
                AtomicBoolean stop = new AtomicBoolean();
                Thread connector = new Thread(() -> {
                    while (!stop.get()) {
                        Socket s = new Socket();
                        try {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 50);
                            sockets.add(s);
                        } catch (IOException refused) {
                            closeQuietly(s);
                        }
                    }
                }, "probe-connector");
                connector.start();
                HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                        .requestHandler(req -> req.response().end("ok"));
                server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                Thread.sleep(5);
                stop.set(true);
                connector.join();
                for (Socket s : sockets) {
                    s.setSoTimeout(1_000);
                    try {
                        s.getOutputStream().write(REQUEST);
                        if (s.getInputStream().read(new byte[256]) > 0) {
                            answered++;
                        } else {
                            unanswered++;
                        }
                    } catch (SocketTimeoutException e) {
                        unanswered++;
                    } finally {
                        closeQuietly(s);
                    }
                }
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.out.printf("HTTP_SERVER metrics %s, %d listens: %d connections answered, %d without an answer in 1 s%n",
                off ? "off" : "on", rounds, answered, unanswered);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // a probe socket: nothing to do
        }
    }
}
