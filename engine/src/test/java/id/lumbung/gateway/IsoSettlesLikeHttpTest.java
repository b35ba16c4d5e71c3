package id.lumbung.gateway;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** ISO 8583 and HTTP payments go through one journal, one idempotency index and one settlement. */
class IsoSettlesLikeHttpTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void approvedIsoPaymentsSettleInTheSameBatchAsHttpOnes(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of());
                IsoGatewayTest.Client iso = new IsoGatewayTest.Client(new Socket("127.0.0.1", t.engine.isoPort()),
                        DemoCredentials::terminalKey)) {
            ISOMsg purchase = IsoTerminal.purchaseNow("T0000001", "BRH-001", "RRN000000001", 2_500_000, "4111111111111111");
            ISOMsg approved = iso.exchange(purchase);
            assertThat(approved.getMTI()).isEqualTo("0210");
            assertThat(approved.getString(39)).isEqualTo("00");
            String approvalCode = approved.getString(38);
            // the same purchase again: the same approval; the same RRN from HTTP with other content: a conflict
            assertThat(iso.exchange(purchase).getString(38)).isEqualTo(approvalCode);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "RRN000000001", "99")).statusCode()).isEqualTo(422);

            assertThat(t.post("T0000002", TestEngine.payment("T0000002", "http-1", "15000")).statusCode()).isEqualTo(201);
            ISOMsg reversed = IsoTerminal.purchaseNow("T0000001", "BRH-001", "RRN000000002", 100_000, null);
            assertThat(iso.exchange(reversed).getString(39)).isEqualTo("00");
            assertThat(iso.exchange(IsoGatewayTest.reversal("T0000001", "RRN000000002")).getString(39)).isEqualTo("00");

            JsonObject batch = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-BERINGHARJO\"}",
                    TestEngine.ADMIN_TOKEN).body()).getJsonArray("batches").getJsonObject(0);
            // Rp25,000 by ISO (UMI, 0%) + Rp15,000 by HTTP; the reversed Rp1,000 is not settled
            assertThat(batch.getLong("payments")).isEqualTo(2);
            assertThat(batch.getLong("gross")).isEqualTo(40_000);
            assertThat(batch.getLong("fee")).isZero();
            String csv = t.get("/v1/coops/KSP-BERINGHARJO/settlements/" + batch.getString("batchId") + "/"
                    + batch.getString("batchId") + ".csv", "Bearer demo-token-KSP-BERINGHARJO").body();
            assertThat(csv).isEqualTo("trader_id,payments,gross,fee,net\nBRH-001,2,40000,0,40000\nTOTAL,2,40000,0,40000\n");
            // a reversal after settlement is refused with 12
            assertThat(iso.exchange(IsoGatewayTest.reversal("T0000001", "RRN000000001")).getString(39)).isEqualTo("12");
        }
    }
}
