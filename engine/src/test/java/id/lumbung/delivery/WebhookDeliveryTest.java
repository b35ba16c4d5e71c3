package id.lumbung.delivery;

import id.lumbung.LogCapture;
import id.lumbung.MovableClock;
import id.lumbung.Polling;
import id.lumbung.TestBytes;
import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.WebhookReceiver.Received;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.delivery.DeliveryFixture.BRH;
import static id.lumbung.delivery.DeliveryFixture.KLW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batch-ready webhook against a receiver on 127.0.0.1: the exact body and headers, every
 * signature checked by OpenSSL and by a separate javax.crypto computation, a receiver that fails
 * twice then succeeds gets exactly one successful delivery per batch (with the backoff's doubling
 * visible), a delivered event is not sent again after a restart, an event is given up 3 days after
 * its batch closed, and a cooperative with a webhook_url and no secret stops the start.
 *
 * <p>Retries start at 50 ms instead of 1 s through {@code webhook.retry.first.ms}, the setting that
 * exists for tests (ops/RUNBOOK.md).
 */
@Timeout(120)
class WebhookDeliveryTest {
    static final String SECRET_HEX = "8f1c2e3d4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
    private static final Pattern LISTED = Pattern.compile(
            "\\{\"batchId\":\"([A-Za-z0-9-]+)\",\"coopId\":\"([A-Za-z0-9-]+)\",\"firstSequence\":\\d+,\"lastSequence\":\\d+,"
            + "\"closedAt\":\"([^\"]+)\",(\"payments\":\\d+,\"gross\":\\d+,\"fee\":\\d+,\"net\":\\d+,\"files\":\\[[^\\]]*\\])\\}");

    @TempDir
    Path dir;

    private Path reference(String url) throws Exception {
        return DeliveryFixture.webhookReference(dir.resolve("ref"), url, SECRET_HEX);
    }

    private TestEngine engine(Path ref, Path data, Clock clock) throws Exception {
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        return new TestEngine(data, Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString(),
                EngineConfig.WEBHOOK_RETRY_FIRST_MS_PROP_NAME, "50"), reference, clock);
    }

    /** The body the contract prescribes for a batch, built from the cooperative API's listing of it. */
    private static String expectedBody(TestEngine t, String batchId) throws Exception {
        String listing = t.get("/v1/coops/" + BRH + "/settlements", "Bearer " + DemoCredentials.coopToken(BRH)).body();
        Matcher m = LISTED.matcher(listing);
        while (m.find()) {
            if (m.group(1).equals(batchId)) {
                return "{\"type\":\"settlement.batch.ready\",\"coopId\":\"" + m.group(2) + "\",\"batchId\":\"" + m.group(1)
                        + "\",\"closedAt\":\"" + m.group(3) + "\"," + m.group(4) + "}";
            }
        }
        throw new AssertionError(batchId + " not in " + listing);
    }

    private static String javaxHmacHex(String t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HexFormat.of().parseHex(SECRET_HEX), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    /**
     * Runs the README's receiver-side verification snippet (the bash block of "Receiving the
     * batch-ready webhook") on a received request.
     */
    private DeliveryFixture.Run readmeVerifier(String signature, byte[] body) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md").toAbsolutePath().normalize(), StandardCharsets.UTF_8);
        int section = readme.indexOf("### Receiving the batch-ready webhook");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        String script = readme.substring(start, readme.indexOf("```", start));
        Path scriptFile = Files.writeString(Files.createTempFile(dir, "verify-webhook", ".sh"), script);
        Path bodyFile = Files.write(Files.createTempFile(dir, "body", ".json"), body);
        return DeliveryFixture.run(dir, List.of("bash", scriptFile.toString(), SECRET_HEX, signature, bodyFile.toString()));
    }

    private static double metric(TestEngine t, String result) throws Exception {
        String scrape = t.ops("GET", "/metrics", null, null).body();
        Matcher m = Pattern.compile("(?m)^lumbung_webhook_deliveries_total\\{result=\"" + result + "\"\\} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /**
     * {@link #metric} once it reaches {@code atLeast}, or after 10 s: the engine counts a 2xx once
     * it has read the answer, a moment after the receiver recorded the request and sent it.
     */
    private static double metricOnceAtLeast(TestEngine t, String result, double atLeast) throws Exception {
        return Polling.until(() -> metric(t, result), v -> v >= atLeast, Duration.ofSeconds(10));
    }

    @Test
    void receiverFailingTwiceGetsExactlyOneSignedDeliveryPerBatch() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(2)) {
            Path ref = reference(receiver.url());
            Path data = dir.resolve("data");
            List<String> brhBatches = new java.util.ArrayList<>();
            long startedAtSeconds = Instant.now().getEpochSecond();
            try (TestEngine t = engine(ref, data, Clock.systemUTC())) {
                assertThat(t.engine.sftpPort()).isEqualTo(-1); // SFTP is off unless its port is given
                assertThat(data.resolve("ssh_host_ed25519_key")).doesNotExist();
                DeliveryFixture.pay(t, "T0000001", "w1", 600_000);
                DeliveryFixture.pay(t, "T0000006", "w2", 5_000); // Klewer has no webhook
                List<String> first = DeliveryFixture.close(t);
                DeliveryFixture.pay(t, "T0000003", "w3", 15_000);
                List<String> second = DeliveryFixture.close(t);
                first.stream().filter(b -> b.startsWith(BRH)).forEach(brhBatches::add);
                brhBatches.addAll(second);
                assertThat(brhBatches).hasSize(2);
                assertThat(receiver.await(() -> receiver.delivered().size() == 2, 30_000)).as("two deliveries").isTrue();
                // the longest wait a duplicate could come after: well past the next retry (≤ 240 ms)
                Thread.sleep(1_000);
                List<Received> all = receiver.received();
                assertThat(all).hasSize(6);
                for (String batchId : brhBatches) {
                    List<Received> tries = all.stream().filter(r -> batchId.equals(r.eventId())).toList();
                    assertThat(tries).extracting(Received::status).containsExactly(500, 500, 204);
                    // waits double from 50 ms, ±20%: ≥ 40 ms, then ≥ 80 ms
                    assertThat(TimeUnit.NANOSECONDS.toMillis(tries.get(1).atNanos() - tries.get(0).atNanos())).isGreaterThanOrEqualTo(40);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(tries.get(2).atNanos() - tries.get(1).atNanos())).isGreaterThanOrEqualTo(80);
                    String expected = expectedBody(t, batchId);
                    for (Received r : tries) {
                        assertThat(r.method()).isEqualTo("POST");
                        assertThat(r.path()).isEqualTo("/hooks/lumbung");
                        assertThat(r.contentType()).isEqualTo("application/json");
                        assertThat(r.bodyText()).isEqualTo(expected);
                        assertThat(r.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
                        long ts = Long.parseLong(r.signature().substring(2, r.signature().indexOf(',')));
                        assertThat(ts).isBetween(startedAtSeconds, Instant.now().getEpochSecond());
                        assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX, r.signature(), r.body())).isTrue();
                        assertThat(r.signature()).endsWith(",v1=" + javaxHmacHex(Long.toString(ts), r.body()));
                        // a signature under another secret, or over other bytes, does not verify
                        assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX.replace('8', '9'), r.signature(), r.body())).isFalse();
                        assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX, r.signature(),
                                r.bodyText().replace("\"net\":", "\"net\":1").getBytes(StandardCharsets.UTF_8))).isFalse();
                    }
                }
                Received sample = all.get(all.size() - 1);
                assertThat(readmeVerifier(sample.signature(), sample.body()).exit()).isZero();
                DeliveryFixture.Run forged = readmeVerifier(sample.signature(), sample.bodyText().replace("\"fee\":", "\"fee\":0")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(forged.exit()).isEqualTo(1);
                assertThat(forged.err()).isEqualTo("bad signature\n");
                assertThat(readmeVerifier("t=1000000000" + sample.signature().substring(sample.signature().indexOf(',')),
                        sample.body()).err()).isEqualTo("stale timestamp\n");
                assertThat(metricOnceAtLeast(t, "delivered", 2.0)).isEqualTo(2.0);
                assertThat(metric(t, "retrying")).isEqualTo(4.0);
                assertThat(metric(t, "failed")).isEqualTo(0.0);
                for (String batchId : brhBatches) {
                    assertThat(data.resolve("webhook").resolve("delivered").resolve(batchId)).exists();
                }
            }
            // a restart sends no delivered event again; a batch closed after it is delivered like the others
            try (TestEngine t = engine(ref, data, Clock.systemUTC())) {
                Thread.sleep(1_000);
                assertThat(receiver.received()).hasSize(6);
                DeliveryFixture.pay(t, "T0000001", "w4", 20_000);
                String third = DeliveryFixture.close(t).get(0);
                assertThat(receiver.await(() -> receiver.delivered().size() == 3, 30_000)).isTrue();
                Thread.sleep(500);
                assertThat(receiver.received().stream().filter(r -> third.equals(r.eventId())).map(Received::status).toList())
                        .containsExactly(500, 500, 204);
                assertThat(receiver.received()).hasSize(9);
                // events are independent: their jittered retries may deliver them in any order
                assertThat(receiver.delivered()).extracting(Received::eventId).containsExactlyInAnyOrder(
                        brhBatches.get(0), brhBatches.get(1), third);
            }
        }
    }

    @Test
    void givesUpThreeDaysAfterTheBatchClosedAndNotAgainAfterARestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            receiver.failing = true;
            Path ref = reference(receiver.url());
            Path data = dir.resolve("data");
            MovableClock clock = new MovableClock();
            String batchId;
            try (TestEngine t = engine(ref, data, clock)) {
                DeliveryFixture.pay(t, "T0000001", "g1", 600_000);
                batchId = DeliveryFixture.close(t).get(0);
                assertThat(receiver.await(() -> receiver.received().size() >= 2, 30_000)).isTrue();
                assertThat(metric(t, "failed")).isEqualTo(0.0);
                clock.offsetMs.set(TimeUnit.DAYS.toMillis(3));
                assertThat(Polling.until(() -> metric(t, "failed"), v -> v == 1.0, Duration.ofSeconds(30))).isEqualTo(1.0);
                int tries = receiver.received().size();
                Thread.sleep(1_000);
                assertThat(receiver.received()).hasSize(tries);
                assertThat(metric(t, "retrying")).isEqualTo(tries - 1.0);
                assertThat(metric(t, "delivered")).isEqualTo(0.0);
            }
            int tries = receiver.received().size();
            receiver.failing = false;
            try (TestEngine t = engine(ref, data, clock)) {
                Thread.sleep(1_000);
                assertThat(receiver.received()).hasSize(tries); // past its window: not sent again
                assertThat(data.resolve("webhook").resolve("delivered").resolve(batchId)).doesNotExist();
            }
        }
    }

    @Test
    void aReloadedSecretSignsTheNextTryAndAFaultyReloadChangesNothing() throws Exception {
        String newSecretHex = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeef1";
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            receiver.failing = true;
            Path ref = reference(receiver.url());
            try (TestEngine t = engine(ref, dir.resolve("data"), Clock.systemUTC())) {
                DeliveryFixture.pay(t, "T0000001", "r1", 600_000);
                DeliveryFixture.close(t);
                assertThat(receiver.await(() -> receiver.received().size() >= 1, 30_000)).isTrue();
                Received first = receiver.received().get(0);
                assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX, first.signature(), first.body())).isTrue();

                // a webhook without a secret: refused, the secret in effect stays
                Path secrets = ref.resolve("webhook_secrets.csv");
                Files.writeString(secrets, "coop_id,secret_hex\n");
                java.net.http.HttpResponse<String> refused = DeliveryFixture.reload(t);
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(refused.body()).contains("has a webhook_url");
                int seen = receiver.received().size();
                assertThat(receiver.await(() -> receiver.received().size() > seen, 30_000)).isTrue();
                Received afterRefusedReload = receiver.received().get(seen);
                assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX, afterRefusedReload.signature(),
                        afterRefusedReload.body())).isTrue();

                Files.writeString(secrets, "coop_id,secret_hex\n" + BRH + "," + newSecretHex + "\n");
                assertThat(DeliveryFixture.reload(t).statusCode()).isEqualTo(200);
                // tries of one event go one after another: once one is signed with the new secret, all later ones are
                assertThat(receiver.await(() -> receiver.received().stream().anyMatch(r -> validUnder(newSecretHex, r)), 30_000))
                        .isTrue();
                receiver.failing = false;
                assertThat(receiver.await(() -> receiver.delivered().size() == 1, 30_000)).isTrue();
                Received delivered = receiver.delivered().get(0);
                assertThat(WebhookReceiver.signatureValid(dir, newSecretHex, delivered.signature(), delivered.body())).isTrue();
                assertThat(WebhookReceiver.signatureValid(dir, SECRET_HEX, delivered.signature(), delivered.body())).isFalse();
            }
        }
    }

    private boolean validUnder(String secretHex, Received r) {
        try {
            return WebhookReceiver.signatureValid(dir, secretHex, r.signature(), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTryUnansweredForTenSecondsIsAbandonedAndRetried() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            receiver.holdFirstTryMs = 15_000;
            try (TestEngine t = engine(reference(receiver.url()), dir.resolve("data"), Clock.systemUTC())) {
                DeliveryFixture.pay(t, "T0000001", "h1", 600_000);
                String batchId = DeliveryFixture.close(t).get(0);
                assertThat(receiver.await(() -> receiver.delivered().size() == 1, 40_000)).isTrue();
                List<Received> tries = receiver.received();
                assertThat(tries).extracting(Received::status).containsExactly(0, 204);
                assertThat(tries).extracting(Received::eventId).containsOnly(batchId);
                // the 10 s try timeout, then the first retry wait (50 ms ± 20%)
                long gapMs = TimeUnit.NANOSECONDS.toMillis(tries.get(1).atNanos() - tries.get(0).atNanos());
                assertThat(gapMs).isBetween(9_900L, 12_500L);
                assertThat(metricOnceAtLeast(t, "delivered", 1.0)).isEqualTo(1.0);
                assertThat(metric(t, "retrying")).isEqualTo(1.0);
            }
        }
    }

    @Test
    void theSecretIsNeverInTheLogMetricsOrDataFiles() throws Exception {
        LogCapture capture = LogCapture.onRootLogger();
        Path data = dir.resolve("data");
        String scrape;
        try (WebhookReceiver receiver = new WebhookReceiver(2)) {
            Path ref = reference(receiver.url());
            try (TestEngine t = engine(ref, data, Clock.systemUTC())) {
                DeliveryFixture.pay(t, "T0000001", "x1", 600_000);
                DeliveryFixture.close(t);
                assertThat(receiver.await(() -> receiver.delivered().size() == 1, 30_000)).isTrue();
                // a faulty secret in a reload: its message must not carry it either
                Files.writeString(ref.resolve("webhook_secrets.csv"), "coop_id,secret_hex\n" + BRH + "," + SECRET_HEX + "0\n");
                java.net.http.HttpResponse<String> refused = DeliveryFixture.reload(t);
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(refused.body()).contains("secret_hex must be").doesNotContain(SECRET_HEX);
                Thread.sleep(200);
                scrape = t.ops("GET", "/metrics", null, null).body();
            }
        } finally {
            capture.detach();
        }
        String log = capture.text();
        assertThat(log).contains("event=webhook_retrying").contains("event=webhook_delivered");
        byte[] secret = HexFormat.of().parseHex(SECRET_HEX);
        List<byte[]> forms = List.of(SECRET_HEX.getBytes(StandardCharsets.US_ASCII),
                SECRET_HEX.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII), secret,
                java.util.Base64.getEncoder().encode(secret));
        List<String> leaks = new java.util.ArrayList<>();
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anyMatch(f -> f.startsWith(data.resolve("webhook")));
        for (byte[] form : forms) {
            if (contains(log.getBytes(StandardCharsets.UTF_8), form)) {
                leaks.add("log");
            }
            if (contains(scrape.getBytes(StandardCharsets.UTF_8), form)) {
                leaks.add("/metrics");
            }
            for (Path f : files) {
                if (contains(Files.readAllBytes(f), form)) {
                    leaks.add(data.relativize(f).toString());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return TestBytes.indexOf(haystack, needle) >= 0;
    }

    @Test
    void webhookWithoutSecretStopsTheStart() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        DeliveryFixture.webhookUrl(ref, KLW, "https://klewer.example/hooks");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        assertThatThrownBy(() -> new TestEngine(dir.resolve("data"), Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME,
                ref.toString()), reference, Clock.systemUTC()))
                .isInstanceOf(ReferenceDataException.class)
                .hasMessage("cooperative " + KLW + " has a webhook_url in " + ref.resolve("coops.csv") + " but no secret in "
                        + ref.resolve("webhook_secrets.csv") + ": add a row coop_id,secret_hex (32 bytes as 64 hex characters)"
                        + " or remove the webhook_url");
        assertThat(dir.resolve("data").resolve("journal")).doesNotExist();
    }
}
