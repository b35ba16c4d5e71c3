package id.lumbung.cluster;

import id.lumbung.cluster.Forwarder.Origin;
import id.lumbung.web.HeadAnswers;
import id.lumbung.web.HttpProtocol;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A "front" node that forwards every client request to an "owner" node, both Vert.x servers on
 * 127.0.0.1: the owner's answer reaches the client unchanged, the owner sees the request as the
 * client sent it (less its hop-by-hop headers) and signed by the front, and an owner that cannot
 * be reached or stays silent is a 503 with Retry-After.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwarderTest {
    private static final String TOKEN = "the-cluster-admin-token";
    /** Short, so that the silent owner's test takes under a second; the defaults are for real networks. */
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    private static final long ANSWER_IDLE_TIMEOUT_MS = 700;
    private static final String PAYMENT_JSON = "{\"paymentId\":\"P-K1-7\",\"status\":\"ACCEPTED\",\"sequence\":7}";
    private static final String CSV = "batch_id,net\nK1-1,15000\n";

    private static Vertx vertx;
    private static HttpServer owner;
    private static HttpServer front;
    private static Forwarder frontForwarder;
    private static Forwarder ownerForwarder;
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    /** Signs as a third node would, to send the front or the owner a node's request. */
    private static final NodeAuth OTHER_NODE = new NodeAuth(TOKEN, "node-c", Clock.systemUTC());

    private static final AtomicInteger OWNER_REQUESTS = new AtomicInteger();
    /** Forwards the front started; each ends in exactly one counted outcome. */
    private static final AtomicInteger FORWARDS = new AtomicInteger();
    private static volatile Received received;
    private static volatile String ownerUrl;

    /** What the owner received: the request as it arrived and where it says it came from. */
    record Received(HttpMethod method, String uri, MultiMap headers, byte[] body, Origin origin) {
    }

    @BeforeAll
    static void startNodes() throws Exception {
        vertx = Vertx.vertx();
        ownerForwarder = new Forwarder(vertx, new NodeAuth(TOKEN, "owner", Clock.systemUTC()), new SimpleMeterRegistry());
        frontForwarder = new Forwarder(vertx, new NodeAuth(TOKEN, "front", Clock.systemUTC()), REGISTRY,
                CONNECT_TIMEOUT_MS, ANSWER_IDLE_TIMEOUT_MS);
        owner = vertx.createHttpServer(HttpProtocol.options().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(body -> ownerAnswers(req, body.getBytes())))
                .listen().await(5, TimeUnit.SECONDS);
        front = vertx.createHttpServer(HttpProtocol.options().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(body -> frontRoutes(req, body.getBytes())))
                .listen().await(5, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void ownerIsUp() throws InterruptedException {
        ownerUrl = "http://127.0.0.1:" + owner.actualPort();
        received = null;
        awaitEveryForwardCounted();
    }

    /**
     * A forward's outcome is counted when its relay ends, which the client may see just before: a
     * test's "before" figures are read only once every earlier test's forwards are counted.
     */
    private static void awaitEveryForwardCounted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (countedForwards() < FORWARDS.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(countedForwards()).isEqualTo(FORWARDS.get());
    }

    private static double countedForwards() {
        return REGISTRY.find("lumbung.cluster.forwarded").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** What a node that owns no partition does with every request: forward a client's, refuse the rest. */
    private static void frontRoutes(HttpServerRequest req, byte[] body) {
        switch (frontForwarder.forwarded(req, body)) {
            case CLIENT -> {
                FORWARDS.incrementAndGet();
                frontForwarder.forward(req, body, ownerUrl);
            }
            case NODE -> frontForwarder.noReadyOwner(req);
            case UNVERIFIED_NODE -> frontForwarder.refuseUnverified(req);
        }
    }

    private static void ownerAnswers(HttpServerRequest req, byte[] body) {
        Origin origin = ownerForwarder.forwarded(req, body);
        received = new Received(req.method(), req.uri(), HttpHeaders.headers().addAll(req.headers()), body, origin);
        OWNER_REQUESTS.incrementAndGet();
        if (origin == Origin.UNVERIFIED_NODE) {
            ownerForwarder.refuseUnverified(req);
            return;
        }
        HttpServerResponse res = req.response();
        switch (req.path()) {
            case "/v1/payments" -> {
                res.setStatusCode(201).headers()
                        .add("Content-Type", "application/json")
                        .add("Location", "/v1/payments/P-K1-7")
                        .add("X-Multi", "a")
                        .add("X-Multi", "b")
                        .add("X-Multi", "c")
                        .add("ETag", "\"p7\"");
                res.end(PAYMENT_JSON);
            }
            case "/v1/coops/K1/settlements" -> HeadAnswers.end(req, res.setStatusCode(200)
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("X-Seen-Uri", req.uri()), CSV);
            case "/echo" -> res.setStatusCode(200).putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(body));
            case "/v1/payments/P-none" -> res.setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                    .end("{\"status\":404,\"code\":\"NOT_FOUND\"}");
            case "/boom" -> res.setStatusCode(500).setStatusMessage("Owner Broke").putHeader("Content-Type", "text/plain")
                    .end("owner failed");
            case "/chunked" -> {
                res.setChunked(true).putHeader("Content-Type", "text/plain");
                res.write("first,");
                vertx.setTimer(20, t -> res.end("second"));
            }
            case "/dies-mid-body" -> {
                res.setChunked(true).putHeader("Content-Type", "text/plain");
                res.write("first,");
                vertx.setTimer(20, t -> req.connection().close());
            }
            case "/hop" -> res.setStatusCode(200)
                    .putHeader("Connection", "X-Owner-Hop")
                    .putHeader("X-Owner-Hop", "1")
                    .putHeader("Keep-Alive", "timeout=5")
                    .putHeader("Proxy-Authenticate", "Basic realm=\"x\"")
                    .putHeader("X-End-To-End", "kept")
                    .end("ok");
            case "/silent" -> {
                // never answers: the front's idle timeout must
            }
            default -> res.setStatusCode(418).end();
        }
    }

    private static List<String> clientHeaders(String... extra) {
        List<String> lines = new ArrayList<>(List.of("Host: lumbung.example", "X-Terminal-Id: T0000001",
                "X-Timestamp: 1760000000000", "X-Signature: 00ff"));
        lines.addAll(List.of(extra));
        return lines;
    }

    private static RawHttp.Answer viaFront(String method, String target, List<String> headers, byte[] body) throws Exception {
        return RawHttp.exchange(front.actualPort(), RawHttp.request(method, target, headers, body), method.equals("HEAD"));
    }

    private static RawHttp.Answer direct(String method, String target, List<String> headers, byte[] body) throws Exception {
        return RawHttp.exchange(owner.actualPort(), RawHttp.request(method, target, headers, body), method.equals("HEAD"));
    }

    private static double forwarded(String outcome) {
        return REGISTRY.counter("lumbung.cluster.forwarded", "outcome", outcome).count();
    }

    private static long timed(String outcome) {
        return REGISTRY.timer("lumbung.cluster.forward", "outcome", outcome).count();
    }

    private static List<String> withoutTransferEncoding(RawHttp.Answer answer) {
        return answer.headerLines().stream().filter(line -> !line.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)).toList();
    }

    /** A forward's outcome is counted when its relay ends, which the client may see just before: wait for it. */
    private static void awaitForwarded(String outcome, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (forwarded(outcome) < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(forwarded(outcome)).isEqualTo(expected);
    }

    private static void assertSameAnswer(RawHttp.Answer relayed, RawHttp.Answer original) {
        assertThat(relayed.statusLine()).isEqualTo(original.statusLine());
        assertThat(relayed.headerLines()).containsExactlyElementsOf(original.headerLines());
        assertThat(relayed.body()).isEqualTo(original.body());
    }

    @Test
    void relaysA201WithItsJsonAndHeadersByteForByte() throws Exception {
        byte[] body = "{\"txnId\":\"t-1\",\"amount\":15000}".getBytes(StandardCharsets.UTF_8);
        List<String> headers = clientHeaders("Content-Type: application/json", "Content-Length: " + body.length);
        double relayedBefore = forwarded("relayed");
        long timedBefore = timed("relayed");

        RawHttp.Answer original = direct("POST", "/v1/payments", headers, body);
        RawHttp.Answer relayed = viaFront("POST", "/v1/payments", headers, body);

        assertThat(original.statusLine()).isEqualTo("HTTP/1.1 201 Created");
        assertThat(original.headerLines()).containsExactly("Content-Type: application/json", "Location: /v1/payments/P-K1-7",
                "X-Multi: a", "X-Multi: b", "X-Multi: c", "ETag: \"p7\"", "content-length: " + PAYMENT_JSON.length());
        assertThat(original.bodyText()).isEqualTo(PAYMENT_JSON);
        assertSameAnswer(relayed, original);
        // the owner got the client's request, signed by the front
        Received r = received;
        assertThat(r.origin()).isEqualTo(Origin.NODE);
        assertThat(r.method()).isEqualTo(HttpMethod.POST);
        assertThat(r.uri()).isEqualTo("/v1/payments");
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().get(NodeAuth.NODE_HEADER)).isEqualTo("front");
        assertThat(r.headers().get("X-Terminal-Id")).isEqualTo("T0000001");
        assertThat(r.headers().get("X-Timestamp")).isEqualTo("1760000000000");
        assertThat(r.headers().get("X-Signature")).isEqualTo("00ff");
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(r.headers().get("Content-Length")).isEqualTo(Integer.toString(body.length));
        awaitForwarded("relayed", relayedBefore + 1);
        assertThat(timed("relayed")).isEqualTo(timedBefore + 1);
    }

    @Test
    void relaysGetAndHeadWithTheirQueryString() throws Exception {
        String target = "/v1/coops/K1/settlements?from=2025-01-01&to=2025-01-31&q=a%20b";

        RawHttp.Answer originalGet = direct("GET", target, clientHeaders(), new byte[0]);
        RawHttp.Answer get = viaFront("GET", target, clientHeaders(), new byte[0]);
        Received getReceived = received;
        RawHttp.Answer originalHead = direct("HEAD", target, clientHeaders(), new byte[0]);
        RawHttp.Answer head = viaFront("HEAD", target, clientHeaders(), new byte[0]);
        Received headReceived = received;

        assertThat(originalGet.header("X-Seen-Uri")).isEqualTo(target);
        assertThat(originalGet.bodyText()).isEqualTo(CSV);
        assertSameAnswer(get, originalGet);
        assertThat(getReceived.method()).isEqualTo(HttpMethod.GET);
        assertThat(getReceived.uri()).isEqualTo(target);
        assertThat(getReceived.origin()).isEqualTo(Origin.NODE);
        assertThat(getReceived.headers().contains("Content-Length")).as("no body, no Content-Length").isFalse();
        // HEAD: GET's status and headers, Content-Length included, and no body
        assertThat(originalHead.header("Content-Length")).isEqualTo(Integer.toString(CSV.length()));
        assertSameAnswer(head, originalHead);
        assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
        assertThat(head.body()).isEmpty();
        assertThat(headReceived.method()).isEqualTo(HttpMethod.HEAD);
        assertThat(headReceived.uri()).isEqualTo(target);
    }

    @Test
    void forwardsAHalfMebibyteChunkedBodyWholeAndRelaysItsEcho() throws Exception {
        byte[] body = new byte[512 * 1024];
        new Random(18).nextBytes(body);

        RawHttp.Answer relayed = viaFront("POST", "/echo",
                clientHeaders("Content-Type: application/octet-stream", "Transfer-Encoding: chunked"),
                RawHttp.chunked(body, 10_000));

        assertThat(received.body()).isEqualTo(body);
        assertThat(received.headers().get("Content-Length")).isEqualTo("524288");
        assertThat(received.headers().contains("Transfer-Encoding")).isFalse();
        assertThat(received.origin()).isEqualTo(Origin.NODE);
        assertThat(relayed.status()).isEqualTo(200);
        assertThat(relayed.header("Content-Length")).isEqualTo("524288");
        assertThat(relayed.body()).isEqualTo(body);
    }

    @Test
    void relaysTheOwnersFourAndFiveHundredsUnchanged() throws Exception {
        double relayedBefore = forwarded("relayed");
        double unreachableBefore = forwarded("owner_unreachable");

        RawHttp.Answer notFound = viaFront("GET", "/v1/payments/P-none", clientHeaders(), new byte[0]);
        RawHttp.Answer broke = viaFront("GET", "/boom", clientHeaders(), new byte[0]);

        assertSameAnswer(notFound, direct("GET", "/v1/payments/P-none", clientHeaders(), new byte[0]));
        assertThat(notFound.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(notFound.bodyText()).isEqualTo("{\"status\":404,\"code\":\"NOT_FOUND\"}");
        assertSameAnswer(broke, direct("GET", "/boom", clientHeaders(), new byte[0]));
        assertThat(broke.statusLine()).isEqualTo("HTTP/1.1 500 Owner Broke");
        assertThat(broke.bodyText()).isEqualTo("owner failed");
        // the owner answered: these are relayed answers, not unreachable owners
        awaitForwarded("relayed", relayedBefore + 2);
        assertThat(forwarded("owner_unreachable")).isEqualTo(unreachableBefore);
    }

    @Test
    void relaysAChunkedAnswerChunked() throws Exception {
        RawHttp.Answer original = direct("GET", "/chunked", clientHeaders(), new byte[0]);
        RawHttp.Answer relayed = viaFront("GET", "/chunked", clientHeaders(), new byte[0]);

        // the transfer coding belongs to each hop: the front chunks what it streams, as the owner did
        assertThat(original.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(relayed.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(relayed.statusLine()).isEqualTo(original.statusLine());
        assertThat(withoutTransferEncoding(relayed)).containsExactlyElementsOf(withoutTransferEncoding(original))
                .containsExactly("Content-Type: text/plain");
        assertThat(relayed.bodyText()).isEqualTo("first,second");
    }

    @Test
    void resetsTheClientWhenTheOwnerDiesMidBodyRatherThanEndATruncatedAnswer() throws Exception {
        double unreachableBefore = forwarded("owner_unreachable");

        // a chunked answer ended early would read as complete ("first,"): the client must see its connection fail
        assertThatThrownBy(() -> viaFront("GET", "/dies-mid-body", clientHeaders(), new byte[0]))
                .isInstanceOf(java.io.IOException.class);
        awaitForwarded("owner_unreachable", unreachableBefore + 1);
    }

    @Test
    void keepsHopByHopHeadersOnTheirHopBothWays() throws Exception {
        RawHttp.Answer relayed = viaFront("GET", "/hop", clientHeaders("Connection: keep-alive, X-Client-Hop",
                "X-Client-Hop: 1", "Keep-Alive: timeout=5", "Proxy-Authorization: Basic eDp5", "TE: trailers",
                "Trailer: X-Checksum", "Upgrade: example/1", "Expect: 100-continue", "X-End-To-End: sent"), new byte[0]);

        MultiMap seen = received.headers();
        for (String hop : new String[] {"Connection", "X-Client-Hop", "Keep-Alive", "Proxy-Authorization", "TE", "Trailer",
                "Upgrade", "Expect"}) {
            assertThat(seen.contains(hop)).as(hop).isFalse();
        }
        assertThat(seen.get("Host")).isEqualTo("127.0.0.1:" + owner.actualPort());
        assertThat(seen.get("X-End-To-End")).isEqualTo("sent");
        assertThat(seen.get("X-Terminal-Id")).isEqualTo("T0000001");
        assertThat(relayed.status()).isEqualTo(200);
        assertThat(relayed.bodyText()).isEqualTo("ok");
        assertThat(relayed.headerLines()).containsExactly("X-End-To-End: kept", "content-length: 2");
    }

    @Test
    void answers503WithRetryAfterWhenTheOwnersPortIsClosed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ownerUrl = "http://127.0.0.1:" + closedPort;
        double unreachableBefore = forwarded("owner_unreachable");
        long timedBefore = timed("owner_unreachable");
        int ownerRequests = OWNER_REQUESTS.get();

        RawHttp.Answer answer = viaFront("POST", "/v1/payments", clientHeaders("Content-Length: 2"), "{}".getBytes(StandardCharsets.UTF_8));

        assertUnavailable(answer, "the partition's owner did not answer; retry later");
        assertThat(forwarded("owner_unreachable")).isEqualTo(unreachableBefore + 1);
        assertThat(timed("owner_unreachable")).isEqualTo(timedBefore + 1);
        assertThat(OWNER_REQUESTS.get()).isEqualTo(ownerRequests);
    }

    @Test
    void answers503WithinTheIdleTimeoutWhenTheOwnerNeverAnswers() throws Exception {
        double unreachableBefore = forwarded("owner_unreachable");
        long t0 = System.nanoTime();

        RawHttp.Answer answer = viaFront("POST", "/silent", clientHeaders("Content-Length: 2"), "{}".getBytes(StandardCharsets.UTF_8));

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertUnavailable(answer, "the partition's owner did not answer; retry later");
        assertThat(received.origin()).as("the owner got the request").isEqualTo(Origin.NODE);
        // the configured 700 ms, not the 25 s default; the margin is for a loaded machine
        assertThat(elapsedMs).isBetween(ANSWER_IDLE_TIMEOUT_MS, ANSWER_IDLE_TIMEOUT_MS + 4_000);
        assertThat(forwarded("owner_unreachable")).isEqualTo(unreachableBefore + 1);
    }

    @Test
    void aRequestFromANodeIsNeverForwardedAgain() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        MultiMap signed = HttpHeaders.headers();
        OTHER_NODE.sign(signed, "POST", "/v1/payments", body);
        int ownerRequests = OWNER_REQUESTS.get();
        double refusedBefore = REGISTRY.counter("lumbung.cluster.refused", "reason", "no_ready_owner").count();

        RawHttp.Answer answer = viaFront("POST", "/v1/payments", clientHeaders("Content-Length: 2",
                NodeAuth.NODE_HEADER + ": " + signed.get(NodeAuth.NODE_HEADER),
                NodeAuth.TIMESTAMP_HEADER + ": " + signed.get(NodeAuth.TIMESTAMP_HEADER),
                NodeAuth.SIGNATURE_HEADER + ": " + signed.get(NodeAuth.SIGNATURE_HEADER)), body);

        assertUnavailable(answer, "the cooperative's partition has no ready owner; retry later");
        assertThat(OWNER_REQUESTS.get()).as("not forwarded").isEqualTo(ownerRequests);
        assertThat(REGISTRY.counter("lumbung.cluster.refused", "reason", "no_ready_owner").count()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void recognisesWhereARequestCameFrom() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        MultiMap signed = HttpHeaders.headers();
        OTHER_NODE.sign(signed, "POST", "/v1/payments", body);
        List<String> nodeHeaders = List.of(NodeAuth.NODE_HEADER + ": " + signed.get(NodeAuth.NODE_HEADER),
                NodeAuth.TIMESTAMP_HEADER + ": " + signed.get(NodeAuth.TIMESTAMP_HEADER),
                NodeAuth.SIGNATURE_HEADER + ": " + signed.get(NodeAuth.SIGNATURE_HEADER));
        List<String> withNode = clientHeaders("Content-Length: 2");
        withNode.addAll(nodeHeaders);

        direct("POST", "/v1/payments", withNode, body);
        assertThat(received.origin()).isEqualTo(Origin.NODE);
        direct("POST", "/v1/payments", clientHeaders("Content-Length: 2"), body);
        assertThat(received.origin()).isEqualTo(Origin.CLIENT);
        // the same headers over another body, or with a node header left out, do not verify
        RawHttp.Answer otherBody = direct("POST", "/v1/payments", withNode, "[]".getBytes(StandardCharsets.UTF_8));
        assertThat(received.origin()).isEqualTo(Origin.UNVERIFIED_NODE);
        assertThat(otherBody.status()).isEqualTo(401);
        assertThat(otherBody.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(otherBody.bodyText()).contains("\"code\":\"UNAUTHENTICATED\"");
        List<String> noSignature = clientHeaders("Content-Length: 2");
        noSignature.addAll(nodeHeaders.subList(0, 2));
        direct("POST", "/v1/payments", noSignature, body);
        assertThat(received.origin()).isEqualTo(Origin.UNVERIFIED_NODE);
    }

    @Test
    void refusesUnverifiedNodeHeadersWith401AndForwardsNothing() throws Exception {
        int ownerRequests = OWNER_REQUESTS.get();
        double refusedBefore = REGISTRY.counter("lumbung.cluster.refused", "reason", "node_unverified").count();

        RawHttp.Answer answer = viaFront("GET", "/v1/coops/K1/settlements", clientHeaders(
                NodeAuth.NODE_HEADER + ": node-c", NodeAuth.TIMESTAMP_HEADER + ": " + System.currentTimeMillis(),
                NodeAuth.SIGNATURE_HEADER + ": " + "0".repeat(64)), new byte[0]);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(answer.bodyText()).contains("\"code\":\"UNAUTHENTICATED\"");
        assertThat(OWNER_REQUESTS.get()).isEqualTo(ownerRequests);
        assertThat(REGISTRY.counter("lumbung.cluster.refused", "reason", "node_unverified").count()).isEqualTo(refusedBefore + 1);
    }

    private static void assertUnavailable(RawHttp.Answer answer, String detail) {
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("1");
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(answer.bodyText()).isEqualTo("{\"type\":\"https://lumbung.id/problems/journal-unavailable\","
                + "\"title\":\"Journal unavailable\",\"status\":503,\"detail\":\"" + detail + "\",\"code\":\"JOURNAL_UNAVAILABLE\"}");
    }
}
