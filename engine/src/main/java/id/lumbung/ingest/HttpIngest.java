package id.lumbung.ingest;

import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.web.HeadAnswers;
import id.lumbung.web.HeaderValues;
import id.lumbung.web.HttpProtocol;
import id.lumbung.web.Problem;
import id.lumbung.web.RequestTimestamp;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Instant;

/**
 * The terminal port (HTTP/JSON): payments, batches, voids, status, the cooperative API and the
 * cooperative portal ({@code /portal/}, {@link id.lumbung.portal.Portal}). Runs on
 * its event loop only: it reads the body within its limit, authenticates, decodes and validates,
 * hands the work to the journal writer and answers when the writer calls back. Nothing here touches
 * a file, a lock or a blocking call (cooperative files are read with Vert.x's async file system).
 *
 * <p>Order of checks (DESIGN.md): body size 413, authentication 401/403, media type 415, content
 * 400, idempotency 422, state 409. The rate limit (429) comes after authentication so that an
 * unknown caller cannot drain a real terminal's bucket.
 *
 * <p>With the Kafka journal ({@link IngestContext#partitions()} set) a request goes to its
 * partition once its body is read within its limit: a post or a batch to the partition of the
 * {@code X-Terminal-Id} terminal's cooperative, a void or a status to the partition its payment id
 * names (a trader that moved cooperative leaves its payments where they were). A partition served
 * here is served exactly as in a single engine, with its core; any other is forwarded with the
 * exact body, and its owner authenticates. A request of no partition (an unknown terminal, an id
 * of no partition) is answered here: 401, or 404 after authentication.
 */
public final class HttpIngest extends VerticleBase {
    private static final String PAYMENTS = "/v1/payments";
    private static final String BATCH = "/v1/payments/batch";
    private static final String COOPS = "/v1/coops/";

    /** The portal's 404 detail with the Kafka journal: its pages read one settlement and ledger for every cooperative. */
    static final String PORTAL_UNAVAILABLE = "the portal is served by a single engine; with the Kafka journal it is not available yet";
    /** An answer waits at most one group commit (about a millisecond); 10 s is for slow clients. */
    public static final long SHUTDOWN_GRACE_S = 10;
    private final IngestContext ctx;
    private final int port;
    private PaymentJsonDecoder decoder;
    private TerminalAuth auth;
    private CoopApi coopApi;
    private id.lumbung.portal.Portal portal;
    private HttpServer server;
    /** This loop's reused posting slots (no allocation per payment); answers come back through {@link #drainLane}. */
    private PostLane lane;
    private final Runnable drainLane = () -> lane.drain();
    private final LaneAnswers laneAnswers = new LaneAnswers();
    /** With the Kafka journal: this loop's lane per local partition. */
    private id.lumbung.writer.PartitionLanes lanes;
    /** This loop's answer text, reused (the loop builds one answer at a time). */
    private final StringBuilder answer = new StringBuilder(1024);

    public HttpIngest(IngestContext ctx, int port) {
        this.ctx = ctx;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        decoder = new PaymentJsonDecoder(ctx.config().amountMaxRupiah);
        auth = new TerminalAuth();
        coopApi = new CoopApi(ctx, vertx);
        lanes = new id.lumbung.writer.PartitionLanes(laneAnswers, context);
        if (ctx.partitions() == null) {
            portal = new id.lumbung.portal.Portal(ctx.config(), ctx.referenceSource(), ctx.settlement(), ctx.ledger(),
                    ctx.obligations(), ctx.clock(), ctx.metrics().registry(), vertx);
            lane = ctx.commands().lane(laneAnswers, PostLane.wakeOn(context, drainLane));
        }
        HttpServerOptions options = id.lumbung.config.Tls.apply(HttpProtocol.options(), ctx.config())
                .setHost(ctx.config().httpHost)
                .setPort(port)
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192)
                .setIdleTimeout(ctx.config().httpIdleTimeoutSeconds)
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
                .setCompressionSupported(false);
        server = vertx.createHttpServer(options)
                .connectionHandler(connection -> {
                    ctx.metrics().httpConnectionOpened();
                    connection.closeHandler(closed -> ctx.metrics().httpConnectionClosed());
                    HttpProtocol.guard(connection, options);
                })
                .invalidRequestHandler(this::invalidRequest)
                .requestHandler(this::handle);
        return server.listen();
    }

    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        // graceful: stop accepting, let requests in flight get their answer (the journal writer is
        // still running during this), then close; 10 s bounds a stuck client
        return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_S, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest req) {
        long t0 = System.nanoTime();
        String path = req.path();
        HttpMethod method = req.method();
        // HEAD answers as GET: Vert.x sends a HEAD's status and headers (Content-Length included) without the body
        if (path.startsWith(COOPS) && (method == HttpMethod.GET || method == HttpMethod.HEAD
                || CoopApi.writes(method, path))) {
            coopApi.handle(req, path);
            return;
        }
        if (ctx.partitions() != null && method == HttpMethod.POST && path.startsWith(Partitions.NODE_PATH_PREFIX)) {
            // between nodes only (the node checks the signature): small bodies, no terminal or cooperative auth
            id.lumbung.web.BoundedBody.read(req, ctx.config().bodyBytesMax, 256, () -> tooLarge(req, t0, ctx.config().bodyBytesMax),
                    body -> ctx.partitions().nodeRequest(req, path, body));
            return;
        }
        if (id.lumbung.portal.Portal.owns(path)) {
            if (portal == null) {
                HeadAnswers.end(req, req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json"),
                        Problem.NOT_FOUND.json(PORTAL_UNAVAILABLE));
            } else {
                portal.handle(req, path);
            }
            return;
        }
        Route route = route(method, path);
        if (route == null) {
            HeadAnswers.end(req, req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json"),
                    Problem.NOT_FOUND.json("no such resource"));
            return;
        }
        int limit = route == Route.BATCH ? ctx.config().batchBodyBytesMax : ctx.config().bodyBytesMax;
        String declared = req.getHeader("Content-Length");
        if (declared != null && HeaderValues.declaredOver(declared, limit)) {
            tooLarge(req, t0, limit);
            return;
        }
        if (expectsContinue(req)) {
            // the checks that need no body passed (route, declared size); authentication needs the body
            req.response().writeContinue();
        }
        Buffer body = Buffer.buffer(Math.min(limit, 1024));
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                tooLarge(req, t0, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!over[0]) {
                onBody(req, route, path, body.getBytes(), t0);
            }
        });
    }

    /**
     * {@code Expect: 100-continue} (RFC 9110 section 10.1.1; an HTTP/1.0 client gets no interim
     * answer). The server answers it itself, after the checks that come before the body, so a body
     * over its limit or to no route is refused without being sent.
     */
    private static boolean expectsContinue(HttpServerRequest req) {
        return req.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(req.getHeader("Expect"));
    }

    /** A request Netty or {@link HttpProtocol} refused before routing: answered, counted as a rejection. */
    private void invalidRequest(HttpServerRequest req) {
        long t0 = System.nanoTime();
        Problem problem = HttpProtocol.problemOf(req);
        ctx.metrics().payment("rejected", problem.name());
        HttpProtocol.answer(req, problem);
        ctx.metrics().httpLatency(System.nanoTime() - t0);
    }

    private enum Route { POST, BATCH, VOID, STATUS }

    private static Route route(HttpMethod method, String path) {
        if (method == HttpMethod.POST) {
            if (path.equals(PAYMENTS)) {
                return Route.POST;
            }
            if (path.equals(BATCH)) {
                return Route.BATCH;
            }
            if (path.startsWith(PAYMENTS + "/") && path.endsWith("/void") && path.length() > PAYMENTS.length() + 6) {
                return Route.VOID;
            }
        } else if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && path.startsWith(PAYMENTS + "/")
                && path.indexOf('/', PAYMENTS.length() + 1) < 0) {
            return Route.STATUS;
        }
        return null;
    }


    private void tooLarge(HttpServerRequest req, long t0, int limit) {
        ctx.metrics().payment("rejected", Problem.BODY_TOO_LARGE.name());
        HttpServerResponse res = req.response();
        if (!res.ended()) {
            res.setStatusCode(413).putHeader("Content-Type", "application/problem+json").putHeader("Connection", "close")
                    .end(Problem.BODY_TOO_LARGE.json("body larger than " + limit + " bytes"))
                    .onComplete(x -> req.connection().close());
        }
        ctx.metrics().httpLatency(System.nanoTime() - t0);
    }

    private void onBody(HttpServerRequest req, Route route, String path, byte[] body, long t0) {
        // one reference for the whole request: a reload between two reads could authenticate the
        // terminal against one version and find its trader in the next
        ReferenceData reference = ctx.reference();
        if (ctx.partitions() != null) {
            routed(req, route, path, body, reference, t0);
            return;
        }
        serve(req, route, path, body, reference, lane, ctx.commands(), t0);
    }

    /**
     * The Kafka journal: serves the request with its partition's core when this node serves that
     * partition, else forwards it with its exact body.
     */
    private void routed(HttpServerRequest req, Route route, String path, byte[] body, ReferenceData reference, long t0) {
        int partition = partitionOf(req, route, path, reference);
        if (partition < 0) {
            // an unknown terminal (401 here) or an id of no partition (404 after authentication)
            serve(req, route, path, body, reference, null, null, t0);
            return;
        }
        Partitions.Core core = ctx.partitions().local(partition);
        if (core == null) {
            ctx.partitions().forward(req, body, partition);
            return;
        }
        serve(req, route, path, body, reference, lanes.lane(partition, core.commands()), core.commands(), t0);
    }

    /**
     * A post's or a batch's partition: that of the {@code X-Terminal-Id} terminal's cooperative, or
     * -1 for no such terminal. A void's or a status's: the one its payment id names, or -1.
     */
    private int partitionOf(HttpServerRequest req, Route route, String path, ReferenceData reference) {
        if (route == Route.VOID) {
            return PaymentIds.partitionOf(voidId(path));
        }
        if (route == Route.STATUS) {
            return PaymentIds.partitionOf(statusId(path));
        }
        String terminalId = req.getHeader("X-Terminal-Id");
        Terminal terminal = terminalId == null ? null : reference.terminal(terminalId);
        if (terminal == null) {
            return -1;
        }
        int coopIndex = reference.trader(terminal.traderIndex()).coopIndex();
        int partition = ctx.partitions().partitionOfCoop(coopIndex);
        if (partition < 0) {
            throw new IllegalStateException("no partition for cooperative index " + coopIndex + " of the reference in effect");
        }
        return partition;
    }

    private static String voidId(String path) {
        return path.substring(PAYMENTS.length() + 1, path.length() - "/void".length());
    }

    private static String statusId(String path) {
        return path.substring(PAYMENTS.length() + 1);
    }

    /**
     * Authenticates, rate-limits and serves with {@code lane} and {@code commands}: the one core's,
     * or the request's partition's; null for a request of no partition, answered 401 or 404.
     */
    private void serve(HttpServerRequest req, Route route, String path, byte[] body, ReferenceData reference,
            PostLane lane, PaymentCommands commands, long t0) {
        Terminal terminal = authenticate(req, path, body, reference);
        if (terminal == null) {
            reject(req, t0, Problem.UNAUTHENTICATED, "missing or invalid terminal credentials");
            return;
        }
        if (terminal.blocked()) {
            reject(req, t0, Problem.TERMINAL_BLOCKED, "terminal is blocked");
            return;
        }
        long waitNs = ctx.rateLimiter().acquire(terminal.index(), System.nanoTime());
        if (waitNs > 0) {
            long retryAfterS = Math.max(1, (waitNs + 999_999_999L) / 1_000_000_000L);
            req.response().putHeader("Retry-After", Long.toString(retryAfterS));
            reject(req, t0, Problem.RATE_LIMITED, "over " + ctx.config().ratePerSecond + " requests per second");
            return;
        }
        switch (route) {
            case POST -> post(req, terminal, reference, body, lane, t0);
            case BATCH -> batch(req, terminal, reference, body, lane, t0);
            case VOID -> voidPayment(req, terminal, voidId(path), commands, t0);
            case STATUS -> status(req, terminal, statusId(path), commands, t0);
            default -> throw new IllegalStateException("route " + route);
        }
    }

    private Terminal authenticate(HttpServerRequest req, String path, byte[] body, ReferenceData reference) {
        String terminalId = req.getHeader("X-Terminal-Id");
        String timestamp = req.getHeader("X-Timestamp");
        if (terminalId == null || !RequestTimestamp.fresh(timestamp, ctx.clock().millis())) {
            return null;
        }
        Terminal terminal = reference.terminal(terminalId);
        if (terminal == null) {
            return null;
        }
        // mutual TLS: the client certificate must name this terminal (CN = terminal id)
        if (ctx.config().tlsClientAuthRequired
                && !terminalId.equals(id.lumbung.config.Tls.peerCommonName(req.connection().sslSession()))) {
            return null;
        }
        boolean ok = auth.verify(terminal, req.method().name(), path, timestamp, body, body.length,
                req.getHeader("X-Signature"));
        return ok ? terminal : null;
    }

    private void post(HttpServerRequest req, Terminal terminal, ReferenceData reference, byte[] body, PostLane lane, long t0) {
        if (!CoopApi.jsonMediaType(req)) {
            reject(req, t0, Problem.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
            return;
        }
        DecodedPayment payment = decoder.readOne(body, body.length);
        String traderId = reference.trader(terminal.traderIndex()).traderId();
        DecodeError error = checked(payment, terminal, traderId);
        if (error != null) {
            reject(req, t0, error.problem(), error.detail());
            return;
        }
        PostLane.Single slot = lane.single(terminal);
        copy(payment, terminal, traderId, slot.draft);
        slot.attachment = req;
        slot.startNs = t0;
        lane.submit(slot);
    }

    private static final DecodeError TERMINAL_MISMATCH = new DecodeError(Problem.INVALID_FIELD, "terminalId differs from X-Terminal-Id");
    private static final DecodeError MERCHANT_MISMATCH = new DecodeError(Problem.MERCHANT_MISMATCH, "merchantId is not this terminal's trader");

    /** The decode error, or the checks that need the authenticated terminal: body terminalId and merchantId. */
    private static DecodeError checked(DecodedPayment payment, Terminal terminal, String traderId) {
        if (payment.error() != null) {
            return payment.error();
        }
        if (!payment.terminalIdIs(terminal.terminalId())) {
            return TERMINAL_MISMATCH;
        }
        if (payment.hasMerchantId() && !payment.merchantIdIs(traderId)) {
            return MERCHANT_MISMATCH;
        }
        return null;
    }

    /**
     * Copies a checked payment into the draft that crosses to the journal writer, with the terminal's
     * and trader's own id Strings (checked equal above), so the payment book shares them.
     */
    private static void copy(DecodedPayment payment, Terminal terminal, String traderId, PaymentDraft into) {
        payment.copyTo(into, terminal.terminalId(), payment.hasMerchantId() ? traderId : null);
    }

    /** Answers posts and batches when the journal writer hands their slots back (on this loop). */
    private final class LaneAnswers implements PostLane.Answers {
        @Override
        public void answer(PostLane.Single slot) {
            answerPost((HttpServerRequest) slot.attachment, slot.result, slot.startNs);
        }

        @Override
        public void answer(PostLane.Batch slot) {
            json((HttpServerRequest) slot.attachment, 200, batchResults(slot), slot.startNs);
        }
    }

    private void answerPost(HttpServerRequest req, PostResult result, long t0) {
        switch (result.result()) {
            case ACCEPTED -> {
                ctx.metrics().payment("accepted", "none");
                json(req, 201, accepted(answer, result), t0);
            }
            case REPLAYED -> {
                ctx.metrics().payment("replayed", "none");
                req.response().putHeader("Idempotent-Replayed", "true");
                json(req, 200, accepted(answer, result), t0);
            }
            case IDEMPOTENCY_CONFLICT -> reject(req, t0, Problem.IDEMPOTENCY_CONFLICT,
                    "this terminalId and txnId were already used for a different payment");
            case INVALID_TIMESTAMP -> reject(req, t0, Problem.INVALID_TIMESTAMP,
                    "occurredAt must be at most 5 minutes ahead and 7 days behind the engine clock");
            case JOURNAL_UNAVAILABLE -> unavailable(req, t0);
            // a reload journaled between the request's authentication and its post
            case TERMINAL_BLOCKED -> reject(req, t0, Problem.TERMINAL_BLOCKED, "terminal is blocked");
            case UNAUTHENTICATED -> reject(req, t0, Problem.UNAUTHENTICATED, "missing or invalid terminal credentials");
            default -> throw new IllegalStateException("outcome " + result.result());
        }
    }

    private void batch(HttpServerRequest req, Terminal terminal, ReferenceData reference, byte[] body, PostLane lane, long t0) {
        if (!CoopApi.jsonMediaType(req)) {
            reject(req, t0, Problem.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
            return;
        }
        PaymentJsonDecoder.DecodedBatch decoded = decoder.readBatch(body, body.length, ctx.config().batchItemsMax);
        if (decoded.error() != null) {
            reject(req, t0, decoded.error().problem(), decoded.error().detail());
            return;
        }
        // the decoder's holders are reused by the next request on this loop, so what the answer
        // needs is taken now into the slot: the valid payments, and the refused items' errors
        int n = decoded.size();
        String traderId = reference.trader(terminal.traderIndex()).traderId();
        PostLane.Batch slot = lane.batch(terminal, n);
        for (int i = 0; i < n; i++) {
            DecodedPayment payment = decoded.item(i);
            DecodeError error = checked(payment, terminal, traderId);
            if (error != null) {
                slot.notes[i] = error;
            } else {
                copy(payment, terminal, traderId, slot.add());
            }
        }
        slot.items = n;
        slot.attachment = req;
        slot.startNs = t0;
        lane.submit(slot);
    }

    /** The batch answer: item i is refused when its note is set, else it has the next result. */
    private String batchResults(PostLane.Batch slot) {
        int n = slot.items;
        StringBuilder sb = answer;
        sb.setLength(0);
        sb.append("{\"results\":[");
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"index\":").append(i).append(",\"status\":");
            DecodeError error = (DecodeError) slot.notes[i];
            if (error != null) {
                ctx.metrics().payment("rejected", error.problem().name());
                sb.append(error.problem().status).append(",\"code\":\"").append(error.problem().name()).append("\"}");
                continue;
            }
            PostResult o = slot.result(next++);
            switch (o.result()) {
                case ACCEPTED -> {
                    ctx.metrics().payment("accepted", "none");
                    PaymentIds.appendPaymentId(sb.append("201,\"paymentId\":\""), o.partition(), o.sequence()).append("\"}");
                }
                case REPLAYED -> {
                    ctx.metrics().payment("replayed", "none");
                    PaymentIds.appendPaymentId(sb.append("200,\"paymentId\":\""), o.partition(), o.sequence()).append("\"}");
                }
                default -> {
                    Problem p = Problem.valueOf(o.result().name());
                    ctx.metrics().payment("rejected", p.name());
                    sb.append(p.status).append(",\"code\":\"").append(p.name()).append("\"}");
                }
            }
        }
        return sb.append("]}").toString();
    }

    private void voidPayment(HttpServerRequest req, Terminal terminal, String paymentId, PaymentCommands commands, long t0) {
        if (commands == null) {
            reject(req, t0, Problem.NOT_FOUND, "no such payment for this terminal");
            return;
        }
        commands.voidPayment(paymentId, terminal, context, outcome -> {
            switch (outcome.result()) {
                case VOIDED -> json(req, 200, "{\"paymentId\":\"" + outcome.payment().paymentId() + "\",\"status\":\"VOIDED\"}", t0);
                case NOT_FOUND -> reject(req, t0, Problem.NOT_FOUND, "no such payment for this terminal");
                case ALREADY_SETTLED -> reject(req, t0, Problem.ALREADY_SETTLED,
                        "payment is settled in batch " + outcome.payment().batchId());
                case JOURNAL_UNAVAILABLE -> unavailable(req, t0);
                default -> throw new IllegalStateException("outcome " + outcome.result());
            }
        });
    }

    private void status(HttpServerRequest req, Terminal terminal, String paymentId, PaymentCommands commands, long t0) {
        if (commands == null) {
            reject(req, t0, Problem.NOT_FOUND, "no such payment for this terminal");
            return;
        }
        commands.status(paymentId, terminal, context, view -> {
            if (view == null) {
                reject(req, t0, Problem.NOT_FOUND, "no such payment for this terminal");
            } else {
                json(req, 200, statusJson(view), t0);
            }
        }, () -> unavailable(req, t0));
    }

    /**
     * The 201 body of an ACCEPTED or REPLAYED {@code r}, built in {@code sb} (cleared first); a
     * replay answers exactly the same bytes.
     */
    static String accepted(StringBuilder sb, PostResult r) {
        sb.setLength(0);
        PaymentIds.appendPaymentId(sb.append("{\"paymentId\":\""), r.partition(), r.sequence())
                .append("\",\"status\":\"ACCEPTED\",\"sequence\":").append(r.sequence())
                .append(",\"traderId\":\"").append(r.traderId())
                .append("\",\"coopId\":\"").append(r.coopId()).append("\",\"acceptedAt\":\"");
        OffsetTimestamp.appendJakarta(sb, r.acceptedAtEpochMs());
        return sb.append("\"}").toString();
    }

    static String statusJson(PaymentView p) {
        PaymentRequest r = p.request();
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"paymentId\":\"").append(p.paymentId()).append("\",\"status\":\"").append(p.status().name()).append('"');
        if (p.batchId() != null) {
            sb.append(",\"batchId\":\"").append(p.batchId()).append('"');
        }
        sb.append(",\"sequence\":").append(p.sequence())
                .append(",\"terminalId\":\"").append(r.terminalId()).append("\",\"txnId\":\"").append(r.txnId())
                .append("\",\"traderId\":\"").append(p.traderId()).append("\",\"coopId\":\"").append(p.coopId())
                .append("\",\"amount\":").append(r.amountRupiah()).append(",\"currency\":\"").append(r.currency())
                .append("\",\"method\":\"").append(r.method()).append("\",\"occurredAt\":\"")
                .append(java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.occurredAtEpochMs()),
                        java.time.ZoneOffset.ofTotalSeconds(r.occurredAtOffsetSeconds())))
                .append("\",\"acceptedAt\":\"");
        OffsetTimestamp.appendJakarta(sb, p.acceptedAtEpochMs());
        return sb.append("\"}").toString();
    }

    private void unavailable(HttpServerRequest req, long t0) {
        req.response().putHeader("Retry-After", "1");
        reject(req, t0, Problem.JOURNAL_UNAVAILABLE, "the journal cannot take writes now; retry later");
    }

    private void reject(HttpServerRequest req, long t0, Problem problem, String detail) {
        ctx.metrics().payment("rejected", problem.name());
        HttpServerResponse res = req.response();
        HeadAnswers.end(req, res.setStatusCode(problem.status).putHeader("Content-Type", "application/problem+json"),
                problem.json(detail));
        ctx.metrics().httpLatency(System.nanoTime() - t0);
    }

    private void json(HttpServerRequest req, int status, String body, long t0) {
        HeadAnswers.end(req, req.response().setStatusCode(status).putHeader("Content-Type", "application/json"), body);
        ctx.metrics().httpLatency(System.nanoTime() - t0);
    }
}
