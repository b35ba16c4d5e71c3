package id.lumbung.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/1.x protocol edges of the terminal and ops ports, with the exact bytes a client sends on
 * a raw socket (the JDK client cannot send an odd version): a request's HTTP version, and
 * {@code Expect: 100-continue}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpProtocolTest {
    /** Long enough for any answer of a local engine; a missing answer fails the read, not the suite. */
    private static final int READ_TIMEOUT_MS = 3_000;
    TestEngine t;
    int txn;

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        t = new TestEngine(data, Map.of());
    }

    @AfterAll
    void stop() {
        t.close();
    }

    @Test
    void http12IsServedAsHttp11OnBothPorts() throws Exception {
        byte[] body = TestEngine.payment("T0000001", "v12-" + (++txn), "15000").getBytes(StandardCharsets.UTF_8);
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(signedHead("POST", "/v1/payments", "HTTP/1.2", body, false));
            raw.send(body);
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 201 Created");
            assertThat(new JsonObject(r.body).getString("status")).isEqualTo("ACCEPTED");
        }
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
                    Response r = raw.read();
                    String what = port + " " + version;
                    assertThat(r.statusLine).as(what).isEqualTo("HTTP/1.1 505 HTTP Version Not Supported");
                    assertThat(r.headers.get("content-type")).as(what).isEqualTo("application/problem+json");
                    JsonObject problem = new JsonObject(r.body);
                    assertThat(problem.getInteger("status")).as(what).isEqualTo(505);
                    assertThat(problem.getString("code")).as(what).isEqualTo("HTTP_VERSION_NOT_SUPPORTED");
                    assertThat(raw.closedByServer()).as(what).isTrue();
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
                    Response r = raw.read();
                    String what = port + " " + line;
                    assertThat(r.statusLine).as(what).isEqualTo("HTTP/1.1 400 Bad Request");
                    assertThat(r.headers.get("content-type")).as(what).isEqualTo("application/problem+json");
                    JsonObject problem = new JsonObject(r.body);
                    assertThat(problem.getInteger("status")).as(what).isEqualTo(400);
                    assertThat(problem.getString("code")).as(what).isEqualTo("MALFORMED_REQUEST");
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
        byte[] body = TestEngine.payment("T0000001", "continue-" + (++txn), "15000").getBytes(StandardCharsets.UTF_8);
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
        byte[] batch = ("{\"payments\":[" + TestEngine.payment("T0000001", "continue-" + (++txn), "1000") + "]}")
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
        byte[] body = TestEngine.payment("T0000001", "continue-" + (++txn), "15000").getBytes(StandardCharsets.UTF_8);
        try (Raw raw = new Raw(t.engine.httpPort())) {
            raw.send(signedHead("POST", "/v1/payments", "HTTP/1.0", body, true));
            raw.send(body);
            Response r = raw.read();
            assertThat(r.statusLine).isEqualTo("HTTP/1.0 201 Created");
        }
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
