package id.lumbung.bench.load;

import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSignerTest {
    @Test
    void signsExactlyAsTerminalAuthForEveryTerminalAndRepeatedUse() {
        String[] ids = {"T0000001", "T0000002", "T0000999"};
        RequestSigner signer = new RequestSigner(ids);
        PaymentBodies bodies = new PaymentBodies("run", 0);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ids.length; i++) {
                byte[] body = bodies.single(ids[i], 1_790_000_000_000L + round);
                String ts = Long.toString(1_790_000_000_000L + round);
                assertThat(signer.sign(i, "POST", "/v1/payments", ts, body))
                        .isEqualTo(TerminalAuth.sign(DemoCredentials.terminalKey(ids[i]), "POST", "/v1/payments", ts, body));
            }
        }
    }

    @Test
    void bodiesCarryUniqueTxnIdsAndWibOccurredAt() {
        PaymentBodies bodies = new PaymentBodies("k1", 3);
        String a = new String(bodies.single("T0000001", 1_790_000_000_000L), StandardCharsets.UTF_8);
        String b = new String(bodies.single("T0000001", 1_790_000_000_000L), StandardCharsets.UTF_8);
        assertThat(a).isEqualTo("{\"terminalId\":\"T0000001\",\"txnId\":\"k1-3-0\",\"amount\":15000,\"currency\":\"IDR\","
                + "\"occurredAt\":\"2026-09-21T21:13:20+07:00\",\"method\":\"QRIS\"}");
        assertThat(b).contains("\"txnId\":\"k1-3-1\"");
    }

    @Test
    void countsBatchItemsByStatusAndCode() {
        ResponseCounts counts = new ResponseCounts();
        int accepted = counts.batch(200, "{\"results\":[{\"index\":0,\"status\":201,\"paymentId\":\"P1\"},"
                + "{\"index\":1,\"status\":200,\"paymentId\":\"P0\"},{\"index\":2,\"status\":400,\"code\":\"INVALID_FIELD\"}]}", 3);
        assertThat(accepted).isEqualTo(1);
        assertThat(counts.byOutcome).containsEntry("item 201", 1L).containsEntry("item 200 REPLAYED", 1L)
                .containsEntry("item 400 INVALID_FIELD", 1L);
    }

    @Test
    void countsSingleProblemByCode() {
        ResponseCounts counts = new ResponseCounts();
        counts.single(429, "{\"type\":\"x\",\"title\":\"t\",\"status\":429,\"detail\":\"d\",\"code\":\"RATE_LIMITED\"}");
        counts.single(201, "{}");
        assertThat(counts.byOutcome).containsEntry("429 RATE_LIMITED", 1L).containsEntry("201", 1L);
    }
}
