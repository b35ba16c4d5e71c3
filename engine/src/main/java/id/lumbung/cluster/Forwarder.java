package id.lumbung.cluster;

import id.lumbung.web.HeadAnswers;
import id.lumbung.web.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Forwards a request to the node that owns its cooperative's partition and relays the owner's
 * answer unchanged: the same method, path, query, end-to-end headers and body go out, signed with
 * {@link NodeAuth}; the owner's status, end-to-end headers and body bytes come back. An owner that
 * cannot be reached, or does not answer in time, is {@code 503 JOURNAL_UNAVAILABLE} with
 * {@code Retry-After}: the client retries with the same key and gets the one true answer from
 * whichever node owns the partition then.
 *
 * <p>A request that arrives from a node ({@link #forwarded}) is never forwarded again: a node that
 * gets one for a partition it does not own answers {@link #noReadyOwner} itself, so a stale view
 * of the owners cannot bounce a request between nodes.
 *
 * <p>One HTTP client, keep-alive and pooled, shared by every event loop; each forward runs on the
 * event loop of the request it forwards.
 */
public final class Forwarder {
    /**
     * An owner on the same network accepts a connection in well under 10 ms; one that takes 2 s is
     * gone or swamped, and the client is better served by a 503 now and a retry, which the next
     * owner can take (DESIGN: a killed node's partitions serve again within 20 s).
     */
    public static final int CONNECT_TIMEOUT_MS_DEFAULT = 2_000;
    /**
     * How long the owner may stay silent, before its answer and between its parts. The owner
     * answers only after its journal commit returns, and DESIGN lets a broker kill add up to 20 s
     * of latency that a terminal sees as latency, never as a 5xx; so the front waits 20 s plus 5 s
     * of margin for that commit rather than turn the owner's late 201 into its own 503.
     */
    public static final long ANSWER_IDLE_TIMEOUT_MS_DEFAULT = 25_000;
    /**
     * Connections to one owner. Forwards in flight = rate × round trip (Little's law): 2,000
     * forwarded requests a second at a 10 ms commit are 20 connections; 64 leave room for a slow
     * commit's burst.
     */
    public static final int CONNECTIONS_PER_OWNER_MAX = 64;
    /**
     * Forwards waiting for one of those connections; beyond them a forward fails at once (503),
     * and so does one that waited {@link #CONNECT_TIMEOUT_MS_DEFAULT} for a connection.
     */
    public static final int WAITING_FORWARDS_MAX = 1_024;
    /**
     * An idle pooled connection is closed after 30 s, half the terminal port's default idle timeout
     * (60 s, {@code http.idle.timeout.seconds}): the front closes it before the owner does, so a
     * forward is not written into a connection the owner is closing.
     */
    static final int KEEP_ALIVE_SECONDS = 30;
    /** A rebalance or a restarting owner takes seconds; a retry after one second finds the next owner soonest. */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    /** Where a request a node received came from, by its node headers. */
    public enum Origin {
        /** No node header: a terminal's, a cooperative's or an operator's request, which this node may forward. */
        CLIENT,
        /** Signed by a node with the shared token: never forwarded again. */
        NODE,
        /** Node headers that do not verify: answered {@link #refuseUnverified} (401). */
        UNVERIFIED_NODE
    }

    private final HttpClientAgent client;
    private final NodeAuth auth;
    private final long connectTimeoutMs;
    private final long answerIdleTimeoutMs;
    private final Outcome relayed;
    private final Outcome ownerUnreachable;
    private final Outcome clientClosed;
    private final Counter refusedUnverified;
    private final Counter refusedNoOwner;

    /** A forwarder with the default timeouts. */
    public Forwarder(Vertx vertx, NodeAuth auth, MeterRegistry registry) {
        this(vertx, auth, registry, CONNECT_TIMEOUT_MS_DEFAULT, ANSWER_IDLE_TIMEOUT_MS_DEFAULT);
    }

    /**
     * @param connectTimeoutMs the most a forward waits for a connection to the owner (a new one or one from the pool)
     * @param answerIdleTimeoutMs the most the owner may stay silent before its answer or between its parts
     */
    public Forwarder(Vertx vertx, NodeAuth auth, MeterRegistry registry, int connectTimeoutMs, long answerIdleTimeoutMs) {
        if (connectTimeoutMs <= 0 || answerIdleTimeoutMs <= 0) {
            throw new IllegalArgumentException("forward timeouts must be positive: connect " + connectTimeoutMs
                    + " ms, answer " + answerIdleTimeoutMs + " ms");
        }
        this.auth = auth;
        this.connectTimeoutMs = connectTimeoutMs;
        this.answerIdleTimeoutMs = answerIdleTimeoutMs;
        // bytes as sent: no decompression, no redirects followed, HTTP/1.1 like the terminal port
        HttpClientOptions options = new HttpClientOptions()
                .setName("lumbung-forward")
                .setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setConnectTimeout(connectTimeoutMs)
                .setDecompressionSupported(false)
                .setMaxRedirects(0);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_OWNER_MAX).setMaxWaitQueueSize(WAITING_FORWARDS_MAX);
        this.client = vertx.httpClientBuilder().with(options).with(pool).build();
        this.relayed = new Outcome(registry, "relayed");
        this.ownerUnreachable = new Outcome(registry, "owner_unreachable");
        this.clientClosed = new Outcome(registry, "client_closed");
        this.refusedUnverified = refused(registry, "node_unverified");
        this.refusedNoOwner = refused(registry, "no_ready_owner");
    }

    /**
     * Sends {@code req} with {@code body} (the request's whole body, already read) to the owner at
     * {@code ownerBaseUrl} ({@code http://HOST:PORT}, its advertised terminal port) and relays the
     * answer into {@code req.response()}, or answers 503 when the owner does not answer.
     */
    public void forward(HttpServerRequest req, byte[] body, String ownerBaseUrl) {
        long t0 = System.nanoTime();
        Owner owner = Owner.of(ownerBaseUrl);
        String target = pathAndQuery(req);
        MultiMap headers = HttpHeaders.headers();
        copyEndToEnd(req.headers(), headers);
        headers.remove(HttpHeaders.EXPECT); // the front has answered any 100-continue; the body goes whole
        boolean hasBody = body.length > 0 || req.headers().contains(HttpHeaders.CONTENT_LENGTH)
                || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (hasBody) {
            headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
        }
        auth.sign(headers, req.method().name(), target, body);
        RequestOptions options = new RequestOptions()
                .setMethod(req.method())
                .setHost(owner.host())
                .setPort(owner.port())
                .setURI(target)
                .setHeaders(headers)
                .setConnectTimeout(connectTimeoutMs)
                .setIdleTimeout(answerIdleTimeoutMs);
        client.request(options)
                .compose(request -> hasBody ? request.send(Buffer.buffer(body)) : request.send())
                .onComplete(answer -> {
                    if (answer.succeeded()) {
                        relay(req, answer.result(), t0);
                    } else {
                        unreachable(req, answer.cause(), t0);
                    }
                });
    }

    /** An answer of another node to {@link #call}: its status and whole body. */
    public record Answer(int status, Buffer bytes) {
        /** The body as UTF-8 text (a JSON answer). */
        public String body() {
            return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** {@link #call(String, HttpMethod, String, String, byte[])} with a JSON body. */
    public Future<Answer> call(String nodeBaseUrl, HttpMethod method, String path, byte[] body) {
        return call(nodeBaseUrl, method, path, "application/json", body);
    }

    /**
     * Sends a request of this node's own to another node ({@code http://HOST:PORT}, its advertised
     * terminal port), signed, with {@code body} of {@code contentType}, and completes with its whole
     * answer; fails when the node cannot be reached or does not answer in time.
     */
    public Future<Answer> call(String nodeBaseUrl, HttpMethod method, String path, String contentType, byte[] body) {
        Owner owner = Owner.of(nodeBaseUrl);
        MultiMap headers = HttpHeaders.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
        auth.sign(headers, method.name(), path, body);
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(owner.host())
                .setPort(owner.port())
                .setURI(path)
                .setHeaders(headers)
                .setConnectTimeout(connectTimeoutMs)
                .setIdleTimeout(answerIdleTimeoutMs);
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(answer -> answer.body().map(b -> new Answer(answer.statusCode(), b)));
    }

    /**
     * Where {@code req} came from: {@link Origin#CLIENT} without node headers, {@link Origin#NODE}
     * when they sign it ({@code body} is the request's whole body), else
     * {@link Origin#UNVERIFIED_NODE}.
     */
    public Origin forwarded(HttpServerRequest req, byte[] body) {
        String sender = req.getHeader(NodeAuth.NODE_HEADER);
        String timestamp = req.getHeader(NodeAuth.TIMESTAMP_HEADER);
        String signature = req.getHeader(NodeAuth.SIGNATURE_HEADER);
        if (sender == null && timestamp == null && signature == null) {
            return Origin.CLIENT;
        }
        return auth.verify(req.method().name(), pathAndQuery(req), sender, timestamp, signature, body, body.length)
                ? Origin.NODE : Origin.UNVERIFIED_NODE;
    }

    /** Answers a request whose node headers do not verify: {@code 401 UNAUTHENTICATED}. */
    public void refuseUnverified(HttpServerRequest req) {
        refusedUnverified.increment();
        HttpServerResponse res = req.response().setStatusCode(Problem.UNAUTHENTICATED.status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
        HeadAnswers.end(req, res, Problem.UNAUTHENTICATED.json("node request signature does not verify"));
    }

    /**
     * Answers a request whose partition has no ready owner here: a rebalance, or a request a node
     * forwarded to this one, which does not own the partition either. {@code 503} with
     * {@code Retry-After}.
     */
    public void noReadyOwner(HttpServerRequest req) {
        refusedNoOwner.increment();
        unavailable(req, "the cooperative's partition has no ready owner; retry later");
    }

    /** Closes the client; forwards in flight fail (503). */
    public Future<Void> close() {
        return client.close();
    }

    private void relay(HttpServerRequest req, HttpClientResponse answer, long t0) {
        HttpServerResponse res = req.response();
        if (res.closed()) {
            answer.request().reset();
            clientClosed.record(t0);
            return;
        }
        res.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
        copyEndToEnd(answer.headers(), res.headers());
        int status = answer.statusCode();
        boolean bodyAllowed = req.method() != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
        if (bodyAllowed && !answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            res.setChunked(true); // the owner sent its body chunked: so does the front, as it streams it
        }
        // streamed, not buffered: a settlement file can be megabytes, and the front holds none of it.
        // A failure mid-body must not end the answer (a chunked one would look complete): reset it.
        answer.pipe().endOnFailure(false).to(res).onComplete(done -> {
            if (done.succeeded()) {
                relayed.record(t0);
            } else if (res.closed()) {
                answer.request().reset();
                clientClosed.record(t0);
            } else {
                res.reset();
                ownerUnreachable.record(t0);
                logFailure(done.cause());
            }
        });
    }

    private void unreachable(HttpServerRequest req, Throwable cause, long t0) {
        ownerUnreachable.record(t0);
        logFailure(cause);
        if (!req.response().closed()) {
            unavailable(req, "the partition's owner did not answer; retry later");
        }
    }

    private static void unavailable(HttpServerRequest req, String detail) {
        HttpServerResponse res = req.response().setStatusCode(Problem.JOURNAL_UNAVAILABLE.status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        HeadAnswers.end(req, res, Problem.JOURNAL_UNAVAILABLE.json(detail));
    }

    private static void logFailure(Throwable cause) {
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "event=forward_failed cause=" + cause);
        }
    }

    /**
     * The request target as the front received it, in origin form; the receiver computes the same
     * for the signature. An absolute-form target (a proxy's) is sent as its path and query.
     */
    static String pathAndQuery(HttpServerRequest req) {
        String uri = req.uri();
        if (uri.startsWith("/")) {
            return uri;
        }
        return req.query() == null ? req.path() : req.path() + '?' + req.query();
    }

    /**
     * Copies every header but the hop-by-hop ones (RFC 9110 section 7.6.1): those that describe one
     * connection, {@code Host} (the client sets the owner's) and any named in {@code Connection}.
     * Names keep their case and repeated headers their order.
     */
    static void copyEndToEnd(MultiMap from, MultiMap to) {
        String connection = from.get(HttpHeaders.CONNECTION);
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey();
            if (!hopByHop(name) && !listedIn(connection, name)) {
                to.add(name, header.getValue());
            }
        }
    }

    static boolean hopByHop(String name) {
        return name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive")
                || name.regionMatches(true, 0, "Proxy-", 0, 6) || name.equalsIgnoreCase("TE")
                || name.equalsIgnoreCase("Trailer") || name.equalsIgnoreCase("Transfer-Encoding")
                || name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("Host");
    }

    /** Whether {@code name} is one of the comma-separated tokens of a {@code Connection} value. */
    private static boolean listedIn(String connection, String name) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (token.trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** An owner's address, from its base URL {@code http://HOST[:PORT][/]}: what {@code --advertised-url} names. */
    private record Owner(String host, int port) {
        /** Anything but such a URL is a bug upstream: advertised URLs are checked where they are configured. */
        static Owner of(String baseUrl) {
            URI uri = URI.create(baseUrl);
            String path = uri.getRawPath();
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !(path == null || path.isEmpty() || path.equals("/"))) {
                throw new IllegalArgumentException("an owner's URL is http://HOST:PORT, not " + baseUrl);
            }
            String host = uri.getHost();
            // an IPv6 literal comes bracketed, as in the URL; a socket address wants it bare
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            return new Owner(host, uri.getPort() < 0 ? 80 : uri.getPort());
        }
    }

    private static Counter refused(MeterRegistry registry, String reason) {
        return Counter.builder("lumbung.cluster.refused")
                .description("Requests a node refused instead of serving or forwarding them, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    /** One outcome of a forward: counted, and timed from the forward's start to its end. */
    private static final class Outcome {
        private final Counter count;
        private final Timer time;

        Outcome(MeterRegistry registry, String outcome) {
            count = Counter.builder("lumbung.cluster.forwarded")
                    .description("Requests forwarded to their partition's owner, by outcome")
                    .tag("outcome", outcome)
                    .register(registry);
            time = Timer.builder("lumbung.cluster.forward")
                    .description("Time from forwarding a request to the end of its relayed answer (or its 503), by outcome")
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
        }

        /** Timed before it is counted: whoever sees the count sees the time too. */
        void record(long t0) {
            time.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            count.increment();
        }
    }
}
