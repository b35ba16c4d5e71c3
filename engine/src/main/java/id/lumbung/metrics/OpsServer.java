package id.lumbung.metrics;

import id.lumbung.core.digest.Sha256;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;

/**
 * The ops port, never the terminal port: {@code /metrics} (Prometheus text), {@code /health/live},
 * {@code /health/ready}, and the admin API behind a bearer token. Runs on one event loop; the
 * scrape renders in memory, and the admin close hands its work to the journal writer.
 */
public final class OpsServer {
    /** Admin bodies are tiny ({"coopId":"..."}); 4 KiB is ample. */
    public static final int ADMIN_BODY_BYTES_MAX = 4096;

    /** Handles {@code POST /admin/v1/settlements/close}; answers status and JSON body. */
    public interface AdminClose {
        Future<Answer> close(String coopIdOrNull);
    }

    /** An admin answer. */
    public record Answer(int status, String json) {
    }

    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private final byte[] adminTokenSha256;
    private final AdminClose adminClose;
    private HttpServer server;
    /** {@code POST /admin/v1/reference/reload}; absent until {@link #referenceAdmin} is called. */
    private java.util.function.Supplier<Future<Answer>> referenceReload;
    /** {@code GET /admin/v1/reference/history}. */
    private java.util.function.Supplier<Future<Answer>> referenceHistory;

    public OpsServer(Vertx vertx, PrometheusMeterRegistry registry, BooleanSupplier ready, String adminToken,
            AdminClose adminClose) {
        this.vertx = vertx;
        this.registry = registry;
        this.ready = ready;
        this.adminTokenSha256 = Sha256.of(adminToken);
        this.adminClose = adminClose;
    }

    /** Serves the reference admin endpoints with these handlers (both behind the admin token). */
    public OpsServer referenceAdmin(java.util.function.Supplier<Future<Answer>> reload,
            java.util.function.Supplier<Future<Answer>> history) {
        this.referenceReload = reload;
        this.referenceHistory = history;
        return this;
    }

    /** Plain HTTP with the default idle timeout, {@link id.lumbung.config.EngineConfig#HTTP_IDLE_TIMEOUT_SECONDS_DEFAULT}. */
    public Future<HttpServer> listen(String host, int port) {
        return listen(host, port, id.lumbung.config.EngineConfig.HTTP_IDLE_TIMEOUT_SECONDS_DEFAULT,
                java.util.function.UnaryOperator.identity());
    }

    /**
     * Listens on {@code host}:{@code port} with {@code tls} applied to the server options (TLS when
     * configured); a connection idle for {@code idleTimeoutSeconds} (nothing read or written) is closed.
     */
    public Future<HttpServer> listen(String host, int port, int idleTimeoutSeconds,
            java.util.function.UnaryOperator<HttpServerOptions> tls) {
        // admin bodies are at most 4 KiB from operators: 100 Continue is answered at once (HttpIngest
        // answers it only after the checks that come before a terminal's body)
        HttpServerOptions options = tls.apply(id.lumbung.web.HttpProtocol.options()).setHost(host).setPort(port)
                .setHandle100ContinueAutomatically(true)
                .setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
        server = vertx.createHttpServer(options)
                .connectionHandler(connection -> id.lumbung.web.HttpProtocol.guard(connection, options))
                .invalidRequestHandler(id.lumbung.web.HttpProtocol::answerInvalid)
                .requestHandler(this::handle);
        return server.listen();
    }

    public int actualPort() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (req.method() == HttpMethod.GET && path.equals("/metrics")) {
            req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
        } else if (req.method() == HttpMethod.GET && path.equals("/health/live")) {
            req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
        } else if (req.method() == HttpMethod.GET && path.equals("/health/ready")) {
            boolean up = ready.getAsBoolean();
            req.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .end(up ? "{\"status\":\"READY\"}" : "{\"status\":\"NOT_READY\"}");
        } else if (req.method() == HttpMethod.POST && path.equals("/admin/v1/settlements/close")) {
            admin(req);
        } else if (referenceReload != null && req.method() == HttpMethod.POST && path.equals("/admin/v1/reference/reload")) {
            // refused before anything reaches the journal, as strictly as the close
            adminRequest(req, AdminCloseRequest::parseReload, parsed -> referenceReload.get().onComplete(ar -> answer(req,
                    ar.succeeded() ? ar.result() : new Answer(500, id.lumbung.web.Problem.json(500, "RELOAD_FAILED",
                            "Reload failed", String.valueOf(ar.cause().getMessage()))))));
        } else if (referenceHistory != null && req.method() == HttpMethod.GET && path.equals("/admin/v1/reference/history")) {
            if (authorized(req)) {
                referenceHistory.get().onComplete(ar -> answer(req, ar.succeeded() ? ar.result()
                        : new Answer(500, id.lumbung.web.Problem.json(500, "HISTORY_FAILED", "History failed",
                                String.valueOf(ar.cause().getMessage())))));
            }
        } else {
            problem(req, 404, "NOT_FOUND", "no such resource");
        }
    }

    private void admin(HttpServerRequest req) {
        // refused before anything reaches the journal: a close cannot be undone
        adminRequest(req, AdminCloseRequest::parse, parsed -> adminClose.close(parsed.coopId()).onComplete(ar -> {
            if (ar.failed()) {
                problem(req, 500, "CLOSE_FAILED", "the close failed: " + ar.cause().getMessage());
            } else {
                answer(req, ar.result());
            }
        }));
    }

    /**
     * An admin request: the token (401), the body's size (413), then {@code parser}'s checks (a
     * problem answered with its status); {@code then} gets a request that passed them all.
     */
    private void adminRequest(HttpServerRequest req, java.util.function.BiFunction<String, byte[], AdminCloseRequest.Parsed> parser,
            java.util.function.Consumer<AdminCloseRequest.Parsed> then) {
        if (!authorized(req)) {
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(chunk -> {
            if (body.length() + chunk.length() > ADMIN_BODY_BYTES_MAX) {
                over[0] = true;
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            if (over[0]) {
                problem(req, 413, "BODY_TOO_LARGE", "admin body larger than " + ADMIN_BODY_BYTES_MAX + " bytes");
                return;
            }
            AdminCloseRequest.Parsed parsed = parser.apply(req.query(), body.getBytes());
            if (parsed.problem() != null) {
                req.response().setStatusCode(parsed.problem().status).putHeader("Content-Type", "application/problem+json")
                        .end(parsed.problem().json(parsed.detail()));
                return;
            }
            then.accept(parsed);
        });
    }

    /** True when the admin token is given; otherwise answers 401. */
    private boolean authorized(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)
                || !MessageDigest.isEqual(Sha256.of(auth.substring(7).trim()), adminTokenSha256)) {
            problem(req, 401, "UNAUTHENTICATED", "admin bearer token required");
            return false;
        }
        return true;
    }

    /** An answer of the engine's: a problem document for 4xx and 5xx, JSON otherwise. */
    private static void answer(HttpServerRequest req, Answer a) {
        req.response().setStatusCode(a.status())
                .putHeader("Content-Type", a.status() >= 400 ? "application/problem+json" : "application/json")
                .end(a.json());
    }

    private static void problem(HttpServerRequest req, int status, String code, String detail) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(id.lumbung.web.Problem.json(status, code, code, detail));
    }

}
