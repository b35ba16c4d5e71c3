package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.ingest.HttpIngest;
import id.lumbung.ingest.IngestContext;
import id.lumbung.ingest.RateLimiter;
import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A terminal request reads the reference in effect once and uses that one throughout: a reload
 * published between two reads could authenticate the terminal against one version and find its
 * trader in the next. An ingest over the engine's writer, with a reference source that counts its
 * reads, answers a payment and a batch with one read each.
 */
class IngestReferenceReadsTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTerminalRequestReadsTheReferenceOnce(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            Engine engine = t.engine;
            AtomicInteger reads = new AtomicInteger();
            ReferenceData reference = engine.reference();
            IngestContext ctx = new IngestContext(EngineConfig.of(Map.of(EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1")),
                    () -> {
                        reads.incrementAndGet();
                        return reference;
                    }, engine.service(), engine.settlement(), engine.ledger(),
                    new RateLimiter(reference.terminalCount(), 1_000, 1_000), engine.metrics(), engine.clock());
            HttpIngest ingest = new HttpIngest(ctx, 0);
            String id = engine.vertx().deployVerticle(ingest).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                HttpResponse<String> one = send(t, ingest.actualPort(), "/v1/payments",
                        TestEngine.payment("T0000001", "once-1", "15000"));
                assertThat(one.statusCode()).as(one.body()).isEqualTo(201);
                assertThat(reads.get()).as("reads of one payment").isEqualTo(1);

                HttpResponse<String> batch = send(t, ingest.actualPort(), "/v1/payments/batch", "{\"payments\":["
                        + TestEngine.payment("T0000001", "once-2", "15000") + ","
                        + TestEngine.payment("T0000001", "once-3", "15000") + "]}");
                assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
                assertThat(batch.body()).contains("\"status\":201").doesNotContain("\"status\":4");
                assertThat(reads.get()).as("reads of a payment, then a batch").isEqualTo(2);
            } finally {
                engine.vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<String> send(TestEngine t, int port, String path, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(t.engine.clock().millis());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Terminal-Id", "T0000001")
                .header("X-Timestamp", timestamp)
                .header("X-Signature", TerminalAuth.sign(DemoCredentials.terminalKey("T0000001"), "POST", path, timestamp, body))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return t.http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
