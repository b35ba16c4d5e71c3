package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http.idle.timeout.seconds} on both HTTP ports: a connection on which nothing is read or
 * written for that long is closed by the server, whether it sent nothing, stopped mid-head,
 * stopped mid-body, or sits kept-alive after an answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpIdleTimeoutTest {
    private static final int IDLE_TIMEOUT_S = 1;
    /** The timeout plus a margin for a loaded 2-core machine; the read gives up well after it. */
    private static final long CLOSE_MS_MAX = IDLE_TIMEOUT_S * 1000L + 2_500;
    TestEngine t;

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        t = new TestEngine(data, Map.of(EngineConfig.HTTP_IDLE_TIMEOUT_SECONDS_PROP_NAME, Integer.toString(IDLE_TIMEOUT_S)));
    }

    @AfterAll
    void stop() {
        t.close();
    }

    @Test
    void aSilentConnectionIsClosedOnBothPorts() throws Exception {
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            try (Socket s = socket(port)) {
                assertClosedWithin(s, "silent on " + port);
            }
        }
    }

    @Test
    void aHeadOrABodyThatStopsComingIsClosed() throws Exception {
        try (Socket s = socket(t.engine.httpPort())) {
            send(s, "POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl");
            assertClosedWithin(s, "head cut");
        }
        try (Socket s = socket(t.engine.httpPort())) {
            send(s, "POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ter");
            assertClosedWithin(s, "body short of its Content-Length");
        }
        try (Socket s = socket(t.engine.opsPort())) {
            send(s, "POST /admin/v1/settlements/close HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestEngine.ADMIN_TOKEN
                    + "\r\nContent-Length: 10\r\n\r\n{");
            assertClosedWithin(s, "admin body short of its Content-Length");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterItsAnswer() throws Exception {
        for (int port : new int[] {t.engine.httpPort(), t.engine.opsPort()}) {
            try (Socket s = socket(port)) {
                send(s, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                byte[] first = new byte[12];
                assertThat(s.getInputStream().readNBytes(first, 0, 12)).isEqualTo(12);
                assertThat(new String(first, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 ");
                // the rest of the answer is read by assertClosedWithin, up to the end of the stream
                assertClosedWithin(s, "kept alive on " + port);
            }
        }
    }

    @Test
    void aHeadTrickledByteByByteIsClosedOnceTheTimeoutPassesWithoutAWholeHead() throws Exception {
        // Vert.x's idle timer sees decoded messages (a whole head, a piece of body), not bytes: a
        // head that takes longer than the timeout is closed even though a byte comes every 50 ms
        byte[] head = ("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket s = socket(t.engine.opsPort())) {
            long t0 = System.nanoTime();
            int sent = 0;
            try {
                for (; sent < head.length; sent++) {
                    s.getOutputStream().write(head[sent]);
                    s.getOutputStream().flush();
                    Thread.sleep(50);
                }
            } catch (java.net.SocketException e) {
                // closed by the server while the head was still coming
            }
            assertThat(sent).as("bytes of the head sent before the close").isLessThan(head.length);
            assertClosedWithin(s, "slow head");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("from the first byte to the close, ms").isLessThan(CLOSE_MS_MAX + 500);
        }
    }

    private static Socket socket(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout((int) CLOSE_MS_MAX * 3);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads to the end of the stream and checks the server ended it within the idle timeout and margin. */
    private static void assertClosedWithin(Socket s, String what) throws IOException {
        long t0 = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            for (int i = 0; i < 1_000_000 && in.read() >= 0; i++) {
                // discard the rest of an answer
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": still open " + (System.nanoTime() - t0) / 1_000_000 + " ms later", e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as(what + ": closed after, ms").isLessThan(CLOSE_MS_MAX);
    }
}
