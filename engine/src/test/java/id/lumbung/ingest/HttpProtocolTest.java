package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP/1.x protocol edges of the terminal and ops ports, with the exact bytes a client sends on
 * a raw socket (the JDK client cannot send an odd version): a request's HTTP version, and
 * {@code Expect: 100-continue}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpProtocolTest extends OneEngineTest {
    /** Long enough for any answer of a local engine; a missing answer fails the read, not the suite. */
    private static final int READ_TIMEOUT_MS = 3_000;

    HttpProtocolTest() {
        super(""); // each test names its own txnId prefix: nextTxn("v12-"), nextTxn("continue-"), ...
    }

    @Test
    void http12IsServedAsHttp11OnBothPorts() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn("v12-"), "15000").getBytes(StandardCharsets.UTF_8);
        Response posted = postPayment("HTTP/1.2", false, body);
        assertThat(posted.statusLine).isEqualTo("HTTP/1.1 201 Created");
        assertThat(new JsonObject(posted.body).getString("status")).isEqualTo("ACCEPTED");
        try (Raw raw = new Raw(t.engine.opsPort())) {
            raw.send("GET /health/live HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(r.body).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    void anUnsupportedMajorVersionIs505WithAProblem() throws Exception {
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            for (String version : new String[] {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.1"}) {
                try (Raw raw = new Raw(port)) {
                    raw.send(("GET /health/live " + version + "\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    String what = port + " " + version;
                    assertProblem(raw.read(), what, "HTTP/1.1 505 HTTP Version Not Supported", 505, "HTTP_VERSION_NOT_SUPPORTED");
                    assertThat(raw.closedByServer()).as(what).isTrue();
                }
            }
        }
    }

    @Test
    void nothingAfterARefusedVersionIsAnswered() throws Exception {
        // an HTTP/2 prior-knowledge preface, and a refused version followed by a valid request
        String[] sends = {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "GET /health/live HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\nGET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET /health/live FOO/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"};
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            for (String send : sends) {
                String what = port + " " + send.substring(0, send.indexOf('\r'));
                try (Raw raw = new Raw(port)) {
                    raw.send(send.getBytes(StandardCharsets.US_ASCII));
                    assertThat(raw.read().statusLine).as(what).isIn("HTTP/1.1 505 HTTP Version Not Supported", "HTTP/1.1 400 Bad Request");
                    assertThat(raw.closedByServer()).as(what + ": no second answer").isTrue();
                }
            }
        }
    }

    @Test
    void anyOtherVersionOrBrokenRequestLineIs400WithAProblem() throws Exception {
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            for (String line : new String[] {"GET /health/live FOO/1.1", "GET /health/live HTTP/x", "GET /health/live HTTP/1.1.1",
                "GET /health/live HTTP/12.3", "GET /health/live HTTP/1.10", "GET /health/live HTTP/2"}) {
                try (Raw raw = new Raw(port)) {
                    raw.send((line + "\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertProblem(raw.read(), port + " " + line, "HTTP/1.1 400 Bad Request", 400, "MALFORMED_REQUEST");
                }
            }
        }
    }

    @Test
    void aRequestLineOrHeadersTooLongGetTheirStatusWithAProblem() throws Exception {
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(("GET /v1/payments/P" + "1".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 414 Request-URI Too Long");
            assertThat(new JsonObject(r.body).getString("code")).isEqualTo("URI_TOO_LONG");
        }
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(("GET /v1/payments/P1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
            assertThat(new JsonObject(r.body).getString("code")).isEqualTo("HEADERS_TOO_LARGE");
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn("continue-"), "15000").getBytes(StandardCharsets.UTF_8);
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(signedHead("POST", "/v1/payments", "HTTP/1.1", body, true));
            Response interim = raw.read();
            assertThat(interim.statusLine).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(interim.body).isEmpty();
            raw.send(body);
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 201 Created");
            assertThat(new JsonObject(r.body).getString("status")).isEqualTo("ACCEPTED");
        }
        byte[] batch = ("{\"payments\":[" + TestEngine.payment("T0000001", nextTxn("continue-"), "1000") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(signedHead("POST", "/v1/payments/batch", "HTTP/1.1", batch, true));
            assertThat(raw.read().statusLine).isEqualTo("HTTP/1.1 100 Continue");
            raw.send(batch);
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(new JsonObject(r.body).getJsonArray("results").getJsonObject(0).getInteger("status")).isEqualTo(201);
        }
        try (Raw raw = new Raw(t.engine.opsPort())) {
            raw.send(("POST /admin/v1/settlements/close HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestEngine.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.read().statusLine).isEqualTo("HTTP/1.1 100 Continue");
            raw.send("{}".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.read().statusLine).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void anHttp10ClientGetsNoInterimAnswer() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn("continue-"), "15000").getBytes(StandardCharsets.UTF_8);
        assertThat(postPayment("HTTP/1.0", true, body).statusLine).isEqualTo("HTTP/1.0 201 Created");
    }

    @Test
    void expectContinueWithABodyOverTheLimitGets413WithoutContinue() throws Exception {
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(("POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
            assertThat(new JsonObject(r.body).getString("code")).isEqualTo("BODY_TOO_LARGE");
        }
        // an unknown route is answered at once too: a client need not send a body nobody reads
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(("POST /v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 404 Not Found");
        }
    }

    @Test
    void protocolRefusalsOnTheTerminalPortAreCountedAsRejections() throws Exception {
        double versionBefore = rejected("HTTP_VERSION_NOT_SUPPORTED");
        double malformedBefore = rejected("MALFORMED_REQUEST");
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            for (String version : new String[] {"HTTP/2.0", "FOO/1.1"}) {
                try (Raw raw = new Raw(port)) {
                    raw.send(("GET /health/live " + version + "\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    raw.read();
                }
            }
        }
        // the terminal port's two, not the ops port's (the ops port counts no rejections)
        assertThat(rejected("HTTP_VERSION_NOT_SUPPORTED") - versionBefore).isEqualTo(1.0);
        assertThat(rejected("MALFORMED_REQUEST") - malformedBefore).isEqualTo(1.0);
    }

    @Test
    void aTransferEncodingOtherThanChunkedAloneIsRefusedAndNothingBehindItIsServed() throws Exception {
        // each head is followed by a chunked body and a complete signed payment request that one of
        // the two framings would read as the next request on the connection
        String[][] framings = {
            {"Content-Length: %d", "Transfer-Encoding: chunked"},
            {"Transfer-Encoding: chunked", "Content-Length: %d"},
            {"Transfer-Encoding : chunked", "Content-Length: %d"},
            {"Transfer-Encoding: chunked, identity"},
            {"Transfer-Encoding: gzip, chunked", "Content-Length: %d"},
            {"Transfer-Encoding: gzip"},
            {"Transfer-Encoding: identity"},
            {"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"},
        };
        for (String[] framing : framings) {
            String what = String.join(" | ", framing);
            byte[] outer = TestEngine.payment("T0000001", nextTxn("framing-"), "15000").getBytes(StandardCharsets.UTF_8);
            String innerTxn = nextTxn("framing-inner-");
            byte[] inner = TestEngine.payment("T0000001", innerTxn, "15000").getBytes(StandardCharsets.UTF_8);
            byte[] chunked = concat(("" + Integer.toHexString(outer.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), outer,
                    "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] innerRequest = concat(signedHead("POST", "/v1/payments", "HTTP/1.1", inner, false), inner);
            StringBuilder head = new StringBuilder(new String(signedHead("POST", "/v1/payments", "HTTP/1.1", outer, false),
                    StandardCharsets.US_ASCII).replaceFirst("Content-Length: \\d+\r\n\r\n$", ""));
            for (String h : framing) {
                head.append(String.format(h, chunked.length)).append("\r\n");
            }
            head.append("\r\n");
            try (Raw raw = new Raw(t.engine.httpPort())) {
                raw.send(concat(head.toString().getBytes(StandardCharsets.US_ASCII), chunked, innerRequest));
                Response r = raw.read();
                assertThat(r.statusLine).as(what).isEqualTo("HTTP/1.1 400 Bad Request");
                assertThat(r.headers.get("content-type")).as(what).isEqualTo("application/problem+json");
                assertThat(new JsonObject(r.body).getString("code")).as(what).isEqualTo("MALFORMED_REQUEST");
                assertThat(raw.closedByServer()).as(what).isTrue();
            }
            // neither payment was journaled: each is new when posted plainly
            assertThat(t.post("T0000001", new String(inner, StandardCharsets.UTF_8)).statusCode()).as(what).isEqualTo(201);
            assertThat(t.post("T0000001", new String(outer, StandardCharsets.UTF_8)).statusCode()).as(what).isEqualTo(201);
        }
    }

    @Test
    void aRequestWithoutOneHostOrWithARepeatedCredentialIsRefused() throws Exception {
        String zeros = "X-Signature: " + "0".repeat(64) + "\r\n";
        // each edit of a valid signed head: {what, regex, replacement}
        String[][] edits = {
            {"no Host", "Host: 127\\.0\\.0\\.1\r\n", ""},
            {"two equal Host lines", "Host: 127\\.0\\.0\\.1\r\n", "Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n"},
            {"two Host lines", "Host: 127\\.0\\.0\\.1\r\n", "Host: 127.0.0.1\r\nHost: evil.example\r\n"},
            {"a wrong X-Signature after the right one", "(X-Signature: [0-9a-f]+\r\n)", "$1" + zeros},
            {"the right X-Signature twice", "(X-Signature: [0-9a-f]+\r\n)", "$1$1"},
            {"X-Terminal-Id twice", "(X-Terminal-Id: T0000001\r\n)", "$1$1"},
            {"X-Timestamp twice", "(X-Timestamp: \\d+\r\n)", "$1$1"},
            {"a field line without a name", "(X-Timestamp: \\d+\r\n)", "$1: b\r\n"},
        };
        for (String[] edit : edits) {
            String what = edit[0];
            byte[] body = TestEngine.payment("T0000001", nextTxn("fields-"), "15000").getBytes(StandardCharsets.UTF_8);
            String head = new String(signedHead("POST", "/v1/payments", "HTTP/1.1", body, false), StandardCharsets.US_ASCII);
            String edited = head.replaceFirst(edit[1], edit[2]);
            assertThat(edited).as(what).isNotEqualTo(head);
            try (Raw raw = new Raw(t.engine.httpPort())) {
                raw.send(concat(edited.getBytes(StandardCharsets.US_ASCII), body));
                Response r = raw.read();
                assertThat(r.statusLine).as(what).isEqualTo("HTTP/1.1 400 Bad Request");
                assertThat(new JsonObject(r.body).getString("code")).as(what).isEqualTo("MALFORMED_REQUEST");
                assertThat(raw.closedByServer()).as(what).isTrue();
            }
            assertThat(t.post("T0000001", new String(body, StandardCharsets.UTF_8)).statusCode()).as(what).isEqualTo(201);
        }
        try (Raw raw = new Raw(t.engine.opsPort())) {
            raw.send("GET /health/live HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.read().statusLine).isEqualTo("HTTP/1.1 400 Bad Request");
        }
        // HTTP/1.0 has no Host requirement
        try (Raw raw = new Raw(t.engine.opsPort())) {
            raw.send("GET /health/live HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.read().statusLine).isEqualTo("HTTP/1.0 200 OK");
        }
    }

    @Test
    void aChunkedBodyWithExtensionsAndATrailerIsAccepted() throws Exception {
        byte[] body = TestEngine.payment("T0000001", nextTxn("chunked-"), "15000").getBytes(StandardCharsets.UTF_8);
        String head = new String(signedHead("POST", "/v1/payments", "HTTP/1.1", body, false), StandardCharsets.US_ASCII)
                .replaceFirst("Content-Length: \\d+\r\n\r\n$", "Transfer-Encoding: chunked\r\n\r\n");
        int half = body.length / 2;
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(concat(head.getBytes(StandardCharsets.US_ASCII), (Integer.toHexString(half) + ";a=1\r\n").getBytes(StandardCharsets.US_ASCII),
                    java.util.Arrays.copyOfRange(body, 0, half), ("\r\n" + Integer.toHexString(body.length - half).toUpperCase(Locale.ROOT)
                            + "\r\n").getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(body, half, body.length),
                    "\r\n0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 201 Created");
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code lumbung_payments_total{result="rejected",code}} as scraped, 0 before the first. */
    private double rejected(String code) throws Exception {
        String prefix = "lumbung_payments_total{code=\"" + code + "\",result=\"rejected\"} ";
        for (String line : t.ops("GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(prefix.length()).trim());
            }
        }
        return 0;
    }

    /** The head of a signed terminal request (its body is sent apart). */
    /** An answer with {@code statusLine} and a problem body of that {@code status} and {@code code}. */
    private static void assertProblem(Response r, String what, String statusLine, int status, String code) {
        assertThat(r.statusLine).as(what).isEqualTo(statusLine);
        assertThat(r.headers.get("content-type")).as(what).isEqualTo("application/problem+json");
        JsonObject problem = new JsonObject(r.body);
        assertThat(problem.getInteger("status")).as(what).isEqualTo(status);
        assertThat(problem.getString("code")).as(what).isEqualTo(code);
    }

    /** A payment posted on a connection of its own, head and body sent without waiting, and its answer. */
    private Response postPayment(String version, boolean expectContinue, byte[] body) throws IOException {
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(signedHead("POST", "/v1/payments", version, body, expectContinue));
            raw.send(body);
            return raw.read();
        }
    }

    private byte[] signedHead(String method, String path, String version, byte[] body, boolean expectContinue) {
        String now = Long.toString(t.engine.clock().millis());
        String head = method + " " + path + " " + version + "\r\nHost: 127.0.0.1\r\nX-Terminal-Id: T0000001\r\nX-Timestamp: " + now
                + "\r\nX-Signature: " + TerminalAuth.sign(DemoCredentials.terminalKey("T0000001"), method, path, now, body)
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n";
        return head.getBytes(StandardCharsets.US_ASCII);
    }

    /** One answer: status line, headers (names in lower case), body (by Content-Length). */
    record Response(String statusLine, Map<String, String> headers, String body) {
    }

    /** A client socket on 127.0.0.1 that writes exact bytes and reads HTTP/1.1 answers. */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        Response read() throws IOException {
            String status = line();
            Map<String, String> headers = new HashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("body ended after " + body.length + " of " + length + " bytes");
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        /** True when the server closed the connection (the next read sees the end of the stream). */
        boolean closedByServer() throws IOException {
            return in.read() < 0;
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < 16_384; i++) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed mid-line after: " + b);
                }
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            throw new IOException("line longer than 16 KiB");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
