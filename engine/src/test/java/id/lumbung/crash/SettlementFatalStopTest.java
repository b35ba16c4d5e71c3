package id.lumbung.crash;

import id.lumbung.core.payment.PaymentIds;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close that settlement cannot settle exactly stops the engine process (serve's fatal handler:
 * exit 70) rather than letting it serve on. The failure is made real the way it can happen on a
 * disk: the close's batch file already exists with other bytes.
 */
class SettlementFatalStopTest {
    private static final int FATAL_EXIT = 70;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCloseThatCannotBeSettledStopsTheEngineWithExit70() throws Exception {
        Path data = tmp.resolve("data");
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            HttpResponse<String> posted = client.post("T0000001", Client.paymentBody("T0000001", "FATAL-1", 15_000));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
            long paymentSequence = new JsonObject(posted.body()).getLong("sequence");
            // the close is the next entry; its batch's CSV is already there, with other bytes
            String batchId = PaymentIds.batchId("KSP-BERINGHARJO", paymentSequence + 1);
            Path planted = data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv");
            Files.createDirectories(planted.getParent());
            Files.writeString(planted, "tampered\n");

            // answered before the process halts: the operator learns why the close failed
            HttpResponse<String> close = client.closeAsync().get(60, TimeUnit.SECONDS);
            assertThat(close.statusCode()).as(close.body()).isEqualTo(500);
            assertThat(new JsonObject(close.body()).getString("code")).isEqualTo("SETTLEMENT_FAILED");

            assertThat(engine.process.waitFor(60, TimeUnit.SECONDS)).as("the engine stops").isTrue();
            String out = engine.output();
            assertThat(engine.process.exitValue()).as(out).isEqualTo(FATAL_EXIT);
            assertThat(out).contains("event=settlement_failed close_sequence=" + (paymentSequence + 1))
                    .contains("lumbung: fatal:").contains(batchId + ".csv already exists with different bytes");
            assertThat(planted).hasContent("tampered");
        }
    }
}
