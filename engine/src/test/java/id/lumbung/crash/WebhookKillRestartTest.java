package id.lumbung.crash;

import id.lumbung.Polling;
import id.lumbung.delivery.DeliveryFixture;
import id.lumbung.delivery.WebhookReceiver.Received;
import id.lumbung.delivery.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch-ready webhook is at least once across a {@code kill -9}: an engine whose receiver keeps
 * failing is killed before any successful delivery, and the restarted engine delivers the event,
 * signed, exactly once. And {@code serve} with a webhook_url but no secret stops with a clear
 * message and exit 2 before it opens anything.
 */
class WebhookKillRestartTest {
    private static final String BRH = DeliveryFixture.BRH;
    private static final String SECRET_HEX = "4a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f506172839";

    @TempDir
    Path tmp;

    private Path reference(String url) throws Exception {
        return DeliveryFixture.webhookReference(tmp.resolve("ref"), url, SECRET_HEX);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void eventKilledBeforeItsSuccessfulDeliveryArrivesAfterTheRestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            receiver.failing = true;
            Path ref = reference(receiver.url());
            // retries from 100 ms (the test setting; 1 s otherwise) so that a few fail before the kill
            String config = "reference.dir=" + ref + "\nwebhook.retry.first.ms=100\n";
            Path data = tmp.resolve("data");
            String batchId;
            try (EngineProcess engine = EngineProcess.start(data, "sync", config)) {
                Client client = new Client(engine);
                HttpResponse<String> paid = client.post("T0000001", Client.paymentBody("T0000001", "k1", 250_000));
                assertThat(paid.statusCode()).isEqualTo(201);
                HttpResponse<String> closed = client.close();
                assertThat(closed.statusCode()).isEqualTo(200);
                batchId = Client.field(closed.body(), "batchId");
                assertThat(receiver.await(() -> receiver.received().size() >= 2, 60_000)).as("tries before the kill").isTrue();
                engine.kill();
            }
            int triesBeforeKill = receiver.received().size();
            assertThat(receiver.received()).allMatch(r -> r.status() == 500 && batchId.equals(r.eventId()));
            assertThat(data.resolve("webhook").resolve("delivered").resolve(batchId)).doesNotExist();

            receiver.failing = false;
            try (EngineProcess engine = EngineProcess.start(data, "sync", config)) {
                assertThat(receiver.await(() -> receiver.delivered().size() == 1, 60_000)).as("delivered after restart").isTrue();
                Thread.sleep(1_000); // a duplicate would come within the first retry waits
                assertThat(receiver.delivered()).hasSize(1);
                Received delivered = receiver.delivered().get(0);
                assertThat(delivered.eventId()).isEqualTo(batchId);
                assertThat(delivered.bodyText()).startsWith("{\"type\":\"settlement.batch.ready\",\"coopId\":\"" + BRH
                        + "\",\"batchId\":\"" + batchId + "\",").contains("\"payments\":1,\"gross\":250000,");
                assertThat(WebhookReceiver.signatureValid(tmp, SECRET_HEX, delivered.signature(), delivered.body())).isTrue();
                assertThat(receiver.received()).hasSize(triesBeforeKill + 1);
                // counted once the engine read the receiver's 2xx and recorded the delivery: waited for
                String line = "lumbung_webhook_deliveries_total{result=\"delivered\"} 1.0";
                assertThat(Polling.until(() -> new Client(engine).metrics(), m -> m.contains(line), java.time.Duration.ofSeconds(10)))
                        .contains(line);
                assertThat(data.resolve("webhook").resolve("delivered").resolve(batchId)).exists();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void serveWithAWebhookAndNoSecretStopsWithAClearMessage() throws Exception {
        Path ref = DeliveryFixture.demoReference(tmp.resolve("ref"));
        DeliveryFixture.webhookUrl(ref, BRH, "https://beringharjo.example/hooks");
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("serve.log");
        Process p = EngineProcess.launch(data, log, "sync", "reference.dir=" + ref + "\n");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("lumbung: cooperative " + BRH + " has a webhook_url in "
                + ref.resolve("coops.csv") + " but no secret in " + ref.resolve("webhook_secrets.csv"));
        assertThat(data.resolve("journal")).doesNotExist();
    }
}
