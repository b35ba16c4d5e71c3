package id.lumbung.crash;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM under load: the engine drains, exits 0 within the bound, and loses nothing it acknowledged. */
class GracefulStopTest {
    /** The drain waits at most 10 s for slow clients (HttpIngest.SHUTDOWN_GRACE_S) plus the journal close. */
    private static final long STOP_BOUND_MS = 15_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermDrainsExitsZeroAndKeepsEveryAcknowledgedPayment(@TempDir Path root) throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Map<String, String> acked = new ConcurrentHashMap<>();
        Map<String, String> bodies = new ConcurrentHashMap<>();
        long stopMs;
        int exit;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread[] senders = new Thread[4];
            for (int s = 0; s < senders.length; s++) {
                String terminal = "T000000" + (s + 1);
                int sender = s;
                senders[s] = new Thread(() -> {
                    for (int i = 0; i < 20_000 && sending.get(); i++) {
                        String txn = "G" + sender + "-" + i;
                        String body = Client.paymentBody(terminal, txn, 1_000 + i);
                        bodies.put(terminal + "/" + txn, body);
                        try {
                            HttpResponse<String> r = client.post(terminal, body);
                            if (r.statusCode() == 201 || r.statusCode() == 200) {
                                acked.put(terminal + "/" + txn, Client.field(r.body(), "paymentId"));
                            }
                        } catch (Exception e) {
                            return; // the engine stopped listening: this request was not acknowledged
                        }
                    }
                });
                senders[s].start();
            }
            Thread.sleep(1_500);
            long t0 = System.nanoTime();
            exit = engine.stop();
            stopMs = (System.nanoTime() - t0) / 1_000_000;
            sending.set(false);
            for (Thread t : senders) {
                t.join(30_000);
            }
            assertThat(engine.output()).contains("event=stopped");
        }
        assertThat(exit).isZero();
        assertThat(stopMs).isLessThan(STOP_BOUND_MS);
        assertThat(acked).isNotEmpty();

        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            for (Map.Entry<String, String> e : acked.entrySet()) {
                String terminal = e.getKey().substring(0, e.getKey().indexOf('/'));
                HttpResponse<String> r = client.postHonouringRateLimit(terminal, bodies.get(e.getKey()));
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(Client.field(r.body(), "paymentId")).isEqualTo(e.getValue());
            }
            assertThat(engine.stop()).isZero();
        }
    }
}
