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
 * The reference an HTTP ingest reads, seen through an ingest over the engine's writer with a
 * reference source of the test's: a terminal request reads it once and uses that one throughout
 * (a reload published between two reads could authenticate the terminal against one version and
 * find its trader in the next); and a request checked against the reference before a reload that
 * blocked or removed its terminal is refused by the writer, which posts against the reference at
 * the post's journal position.
 */
class IngestReferenceReadsTest {

    /** An ingest on a free port over {@code engine}'s writer, reading the reference from {@code reference}. */
    private static HttpIngest ingest(Engine engine, java.util.function.Supplier<ReferenceData> reference) {
        ReferenceData now = engine.reference();
        IngestContext ctx = new IngestContext(EngineConfig.of(Map.of(EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1")),
                reference, engine.service(), engine.service(), engine.settlement(), engine.ledger(),
                new RateLimiter(now.terminalCount(), 1_000, 1_000), engine.metrics(), engine.clock());
        return new HttpIngest(ctx, 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPostCheckedBeforeAReloadThatBlocksOrRemovesItsTerminalIsRefused(@TempDir Path tmp) throws Exception {
        Path ref = id.lumbung.delivery.DeliveryFixture.demoReference(tmp.resolve("ref"));
        ReferenceData files = id.lumbung.reference.ReferenceFiles.load(ref,
                id.lumbung.core.settlement.FeeSchedule.defaults().toConfig().keySet());
        try (TestEngine t = new TestEngine(tmp.resolve("data"), Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString()),
                files, java.time.Clock.systemUTC())) {
            Engine engine = t.engine;
            ReferenceData before = engine.reference();
            HttpIngest stale = ingest(engine, () -> before); // an event loop that has not seen the reload yet
            String id = engine.vertx().deployVerticle(stale).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                String terminals = java.nio.file.Files.readString(ref.resolve("terminals.csv"));
                String t1 = "T0000001,BRH-001,310990ee2047696f818cea1a211b84e67bf0633fd532b3d0b5f61ffe482fad36,";
                assertThat(terminals).contains(t1 + "ACTIVE,");
                java.nio.file.Files.writeString(ref.resolve("terminals.csv"), terminals.replace(t1 + "ACTIVE,", t1 + "BLOCKED,"));
                HttpResponse<String> reload = t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
                assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);

                HttpResponse<String> blocked = send(t, stale.actualPort(), "/v1/payments",
                        TestEngine.payment("T0000001", "late-1", "15000"));
                assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(403);
                assertThat(new io.vertx.core.json.JsonObject(blocked.body()).getString("code")).isEqualTo("TERMINAL_BLOCKED");
                HttpResponse<String> batch = send(t, stale.actualPort(), "/v1/payments/batch", "{\"payments\":["
                        + TestEngine.payment("T0000001", "late-2", "15000") + "]}");
                assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
                assertThat(batch.body()).contains("\"status\":403,\"code\":\"TERMINAL_BLOCKED\"");

                int lines = (int) terminals.lines().filter(l -> l.startsWith("T0000001,")).count();
                assertThat(lines).isEqualTo(1);
                java.nio.file.Files.writeString(ref.resolve("terminals.csv"), terminals.lines()
                        .filter(l -> !l.startsWith("T0000001,")).collect(java.util.stream.Collectors.joining("\n", "", "\n")));
                reload = t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
                assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
                HttpResponse<String> removed = send(t, stale.actualPort(), "/v1/payments",
                        TestEngine.payment("T0000001", "late-3", "15000"));
                assertThat(removed.statusCode()).as(removed.body()).isEqualTo(401);
                assertThat(new io.vertx.core.json.JsonObject(removed.body()).getString("code")).isEqualTo("UNAUTHENTICATED");
            } finally {
                engine.vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTerminalRequestReadsTheReferenceOnce(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            Engine engine = t.engine;
            AtomicInteger reads = new AtomicInteger();
            ReferenceData reference = engine.reference();
            HttpIngest ingest = ingest(engine, () -> {
                reads.incrementAndGet();
                return reference;
            });
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
