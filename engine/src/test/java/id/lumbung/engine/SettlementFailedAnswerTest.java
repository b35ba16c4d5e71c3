package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.core.payment.PaymentIds;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees when a journaled close cannot be settled (here: its batch file is already on
 * disk with other bytes): the close answers 500 SETTLEMENT_FAILED naming the cause (not the retryable
 * 503 of a journal that cannot take writes), the engine reports not ready, and a further close is
 * refused with 500 ENGINE_FAILED. In production the fatal handler then stops the process (exit 70,
 * SettlementFatalStopTest).
 */
class SettlementFailedAnswerTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCloseThatCannotBeSettledAnswers500AndTheEngineIsNoLongerReady(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "sf-1", "15000")).statusCode()).isEqualTo(201);
            // the close will be the sequence after the demo reference and the payment; its CSV is already
            // there with other bytes
            Path planted = data.resolve("files").resolve("KSP-BERINGHARJO")
                    .resolve(PaymentIds.batchId("KSP-BERINGHARJO", TestEngine.DEMO_REFERENCE_ENTRIES + 2) + ".csv");
            Files.createDirectories(planted.getParent());
            Files.writeString(planted, "not this batch\n");
            assertThat(t.ops("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);

            HttpResponse<String> close = t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN);
            assertThat(close.statusCode()).as(close.body()).isEqualTo(500);
            JsonObject problem = new JsonObject(close.body());
            assertThat(problem.getString("code")).isEqualTo("SETTLEMENT_FAILED");
            assertThat(problem.getString("detail")).contains("journaled").contains(planted.getFileName().toString());

            assertThat(t.ops("GET", "/health/ready", null, null).statusCode()).isEqualTo(503);
            String metrics = t.ops("GET", "/metrics", null, null).body();
            assertThat(metrics).as("one failed close, counted once").contains("lumbung_settlement_close_failures_total 1.0")
                    .contains("lumbung_ready 0.0");
            HttpResponse<String> again = t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN);
            assertThat(again.statusCode()).isEqualTo(500);
            assertThat(new JsonObject(again.body()).getString("code")).isEqualTo("ENGINE_FAILED");
            assertThat(Files.readString(planted)).as("the file on disk is left as found").isEqualTo("not this batch\n");
        }
    }
}
