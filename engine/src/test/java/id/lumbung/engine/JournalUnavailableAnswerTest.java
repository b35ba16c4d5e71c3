package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalUnavailableException;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.ingest.HttpIngest;
import id.lumbung.ingest.IngestContext;
import id.lumbung.ingest.RateLimiter;
import id.lumbung.ingest.TerminalAuth;
import id.lumbung.journal.Journal;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.writer.ChronicleGroupCommit;
import id.lumbung.writer.GroupCommit;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.PaymentService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a terminal sees when the journal becomes unavailable while its requests wait for the
 * writer: the answer a full writer queue gets (503 JOURNAL_UNAVAILABLE with Retry-After; in a batch,
 * each item; for a status lookup too, never 404), never a hang; and the same at once for any request after. An HTTP ingest over the
 * test engine's event loops, posting into a book and writer of the test's whose group commit the
 * test makes fail with {@link JournalUnavailableException}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JournalUnavailableAnswerTest {

    @Test
    void requestsWaitingForAGroupThatCannotCommitAre503WithRetryAfterAndSoIsTheNextOne(@TempDir Path tmp) throws Exception {
        try (TestEngine t = new TestEngine(tmp.resolve("data"), Map.of());
                Journal journal = new Journal(tmp.resolve("journal"), Durability.ASYNC)) {
            Engine engine = t.engine;
            ReferenceData reference = engine.reference();
            PaymentBook book = new PaymentBook(reference, engine.clock(), journal, w -> { }, TimeUnit.DAYS.toMillis(7),
                    Integer.MAX_VALUE);
            GroupCommit chronicle = new ChronicleGroupCommit(journal);
            AtomicBoolean fail = new AtomicBoolean();
            CountDownLatch committing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            GroupCommit failing = () -> {
                if (fail.get()) {
                    committing.countDown();
                    awaitOrFail(release);
                    throw new JournalUnavailableException("commit fenced (test)", null);
                }
                return chronicle.commit();
            };
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            AtomicInteger unavailable = new AtomicInteger();
            JournalWriter writer = new JournalWriter(failing, engine.metrics().journalSync, engine.metrics(), 64, () -> { },
                    () -> { }, (th, e) -> fatal.set(e), unavailable::incrementAndGet);
            writer.start();
            PaymentService service = new PaymentService(book, writer);
            IngestContext ctx = new IngestContext(EngineConfig.of(Map.of(EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1")),
                    () -> reference, service, service, engine.settlement(), engine.ledger(),
                    new RateLimiter(reference.terminalCount(), 1_000, 1_000), engine.metrics(), engine.clock());
            HttpIngest ingest = new HttpIngest(ctx, 0);
            String id = engine.vertx().deployVerticle(ingest).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                int port = ingest.actualPort();
                HttpResponse<String> ok = send(t, port, "/v1/payments", TestEngine.payment("T0000001", "ok-1", "15000")).get();
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
                String paymentId = new JsonObject(ok.body()).getString("paymentId");

                fail.set(true);
                CompletableFuture<HttpResponse<String>> inGroup = send(t, port, "/v1/payments",
                        TestEngine.payment("T0000001", "held-1", "15000"));
                awaitOrFail(committing);
                CompletableFuture<HttpResponse<String>> batch = send(t, port, "/v1/payments/batch", "{\"payments\":["
                        + TestEngine.payment("T0000001", "held-2", "15000") + ","
                        + TestEngine.payment("T0000001", "held-3", "16000") + "]}");
                CompletableFuture<HttpResponse<String>> voided = send(t, port, "/v1/payments/" + paymentId + "/void", "");
                CompletableFuture<HttpResponse<String>> looked = status(t, port, paymentId);
                for (int i = 0; i < 2_000 && writer.queuedCommands() < 3; i++) {
                    Thread.sleep(5);
                }
                assertThat(writer.queuedCommands()).as("the batch, the void and the lookup queued behind the group").isEqualTo(3);
                release.countDown();

                assertUnavailable(inGroup.get(20, TimeUnit.SECONDS));
                HttpResponse<String> b = batch.get(20, TimeUnit.SECONDS);
                assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
                JsonArray results = new JsonObject(b.body()).getJsonArray("results");
                assertThat(results).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    assertThat(results.getJsonObject(i).getInteger("status")).isEqualTo(503);
                    assertThat(results.getJsonObject(i).getString("code")).isEqualTo("JOURNAL_UNAVAILABLE");
                }
                assertUnavailable(voided.get(20, TimeUnit.SECONDS));
                // a payment that exists, looked up when the journal cannot answer: never "not found"
                assertUnavailable(looked.get(20, TimeUnit.SECONDS));
                assertThat(unavailable.get()).isEqualTo(1);
                assertThat(fatal.get()).isNull();

                // a request after it: refused at once by the stopped writer, the same answer
                assertUnavailable(send(t, port, "/v1/payments", TestEngine.payment("T0000001", "after-1", "15000"))
                        .get(20, TimeUnit.SECONDS));
                assertUnavailable(status(t, port, paymentId).get(20, TimeUnit.SECONDS));
            } finally {
                release.countDown();
                engine.vertx().undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                writer.close();
            }
        }
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("JOURNAL_UNAVAILABLE");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).as("waited 20 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(TestEngine t, int port, String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(t.engine.clock().millis());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Terminal-Id", "T0000001")
                .header("X-Timestamp", timestamp)
                .header("X-Signature", TerminalAuth.sign(DemoCredentials.terminalKey("T0000001"), "POST", path, timestamp, body));
        if (body.length > 0) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.POST(HttpRequest.BodyPublishers.noBody());
        }
        return t.http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> status(TestEngine t, int port, String paymentId) {
        String path = "/v1/payments/" + paymentId;
        String timestamp = Long.toString(t.engine.clock().millis());
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Terminal-Id", "T0000001")
                .header("X-Timestamp", timestamp)
                .header("X-Signature", TerminalAuth.sign(DemoCredentials.terminalKey("T0000001"), "GET", path, timestamp, new byte[0]))
                .GET().build();
        return t.http.sendAsync(get, HttpResponse.BodyHandlers.ofString());
    }
}
