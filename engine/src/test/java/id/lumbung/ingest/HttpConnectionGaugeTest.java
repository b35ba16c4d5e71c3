package id.lumbung.ingest;

import id.lumbung.TestEngine;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lumbung_http_connections counts the terminal API's open connections, and Vert.x's own HTTP
 * server metrics stay off (docs/DECISIONS.md, Ops). An engine of its own, so that no other
 * test's pooled connection opens or closes while it counts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpConnectionGaugeTest {
    private static final byte[] REQUEST = "GET /v1/payments/none HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void gaugeFollowsOpenConnections(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            assertThat(httpConnections(t)).isZero();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", t.engine.httpPort());
                    s.setSoTimeout(5_000);
                    // a request answered on each: the connection is accepted and handled, not only queued
                    s.getOutputStream().write(REQUEST);
                    assertThat(s.getInputStream().read(new byte[512])).isPositive();
                    sockets.add(s);
                }
                assertThat(httpConnections(t)).isEqualTo(3);
            } finally {
                for (Socket s : sockets) {
                    closeQuietly(s);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (httpConnections(t) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(httpConnections(t)).isZero();
            assertThat(t.ops("GET", "/metrics", null, null).body()).doesNotContain("vertx_http_server_");
        }
    }

    private static double httpConnections(TestEngine t) throws Exception {
        for (String line : t.ops("GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith("lumbung_http_connections ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("lumbung_http_connections missing from /metrics");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a test socket: nothing to do
        }
    }
}
