package id.lumbung.bench.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The HTTP ceiling of the box: answers {@code POST /v1/payments} with a fixed 201 JSON body of the
 * engine's size, and {@code POST /v1/payments/batch} with a fixed 200 batch answer of
 * {@code --batch-items} accepted items in the engine's format, after reading the request body, and
 * does nothing else (no auth, no JSON, no journal). Same Vert.x and the same number of HTTP
 * verticles as the engine (one per CPU), so that engine rate / no-op rate is the share of the
 * box's HTTP capacity the engine keeps.
 */
@Command(name = "noop-server", mixinStandardHelpOptions = true, description = "HTTP server that answers POST /v1/payments with a fixed 201 and POST /v1/payments/batch with a fixed 200.")
public final class NoopServer implements Callable<Integer> {
    /** An engine 201 body with a 7-digit sequence: 165 bytes, the size the engine sends during a run. */
    static final Buffer ACCEPTED_BODY = Buffer.buffer("{\"paymentId\":\"P1234567\",\"status\":\"ACCEPTED\",\"sequence\":1234567,"
            + "\"traderId\":\"TR00000001\",\"coopId\":\"KSP000001\",\"acceptedAt\":\"2026-11-29T18:50:01.123+07:00\"}");

    @Option(names = "--host", description = "Default ${DEFAULT-VALUE}")
    String host = "127.0.0.1";
    @Option(names = "--port", required = true)
    int port;
    @Option(names = "--batch-items", description = "Items in the batch answer; must equal the generator's --batch-size. Default ${DEFAULT-VALUE}")
    int batchItems = 100;
    @Option(names = "--instances", description = "HTTP verticles (event loops); the engine runs one per CPU. Default: CPUs")
    int instances = Runtime.getRuntime().availableProcessors();

    public static void main(String[] args) {
        System.exit(new CommandLine(new NoopServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
        Buffer batchBody = batchAnswer(batchItems);
        vertx.deployVerticle(() -> new Listener(host, port, batchBody), new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("noop-server listening on http://" + host + ":" + port + "/v1/payments and /v1/payments/batch (" + instances + " event loops)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("noop-server: close: " + e);
            }
            stopped.countDown();
        }, "noop-shutdown"));
        stopped.await();
        return 0;
    }

    /** The engine's answer to a batch whose items were all accepted, with 7-digit payment ids. */
    static Buffer batchAnswer(int items) {
        StringBuilder sb = new StringBuilder(16 + items * 48).append("{\"results\":[");
        for (int i = 0; i < items; i++) {
            sb.append(i > 0 ? "," : "").append("{\"index\":").append(i).append(",\"status\":201,\"paymentId\":\"P")
                    .append(1_000_000 + i).append("\"}");
        }
        return Buffer.buffer(sb.append("]}").toString());
    }

    private static final class Listener extends VerticleBase {
        private final String host;
        private final int port;
        private final Buffer batchBody;

        Listener(String host, int port, Buffer batchBody) {
            this.host = host;
            this.port = port;
            this.batchBody = batchBody;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(false))
                    .requestHandler(this::handle)
                    .listen();
        }

        private void handle(HttpServerRequest req) {
            boolean single = req.path().equals(RunPlan.PAYMENTS_PATH);
            if (req.method() != HttpMethod.POST || !(single || req.path().equals(RunPlan.BATCH_PATH))) {
                req.response().setStatusCode(404).end();
                return;
            }
            req.body().onSuccess(body -> req.response().setStatusCode(single ? 201 : 200)
                    .putHeader("Content-Type", "application/json").end(single ? ACCEPTED_BODY : batchBody));
        }
    }
}
