package id.lumbung.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code reconcile} agrees with a clean run and names a tampered settlement CSV and ledger postings file. */
class ReconcileTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void namesATamperedSettlementFileAndLedgerAccount() throws Exception {
        Path data = tmp.resolve("data");
        String batchId;
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            long[] amounts = {15_000, 250_000, 1_200_000};
            String[] terminals = {"T0000001", "T0000001", "T0000003"}; // BRH-001 (UMI) twice, BRH-002 (REG)
            for (int i = 0; i < amounts.length; i++) {
                HttpResponse<String> r = client.post(terminals[i], Client.paymentBody(terminals[i], "R-" + i, amounts[i]));
                assertThat(r.statusCode()).isEqualTo(201);
            }
            HttpResponse<String> close = client.close();
            assertThat(close.statusCode()).isEqualTo(200);
            batchId = new JsonObject(close.body()).getJsonArray("batches").getJsonObject(0).getString("batchId");
            assertThat(engine.stop()).isZero();
        }
        EngineProcess.Run clean = EngineProcess.reconcile(data);
        assertThat(clean.exit()).as(clean.output()).isZero();
        assertThat(clean.output()).contains("differences=0");

        // settlement CSV: change one digit of BRH-001's gross (265000 -> 265001)
        Path csv = data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv");
        String csvText = Files.readString(csv);
        assertThat(csvText).contains("BRH-001,2,265000,");
        Files.writeString(csv, csvText.replace("BRH-001,2,265000,", "BRH-001,2,265001,"));
        // ledger postings: change BRH-002's credit figure (1,200,000 less 0.7% = 1191600 -> 1191700)
        String closeSequence = batchId.substring(batchId.lastIndexOf('-') + 1);
        Path postings = data.resolve("ledger/close-" + closeSequence + ".postings.csv");
        String postingsText = Files.readString(postings, StandardCharsets.UTF_8);
        assertThat(postingsText).contains(batchId + ",member:BRH-002,0,1191600\n");
        Files.writeString(postings, postingsText.replace("member:BRH-002,0,1191600", "member:BRH-002,0,1191700"));

        EngineProcess.Run tampered = EngineProcess.reconcile(data);
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output().lines().filter(l -> l.startsWith("DIFFERENCE ")))
                .anySatisfy(l -> assertThat(l).contains(batchId + ".csv").contains("BRH-001"))
                .anySatisfy(l -> assertThat(l).contains("close-" + closeSequence + ".postings.csv").contains("member:BRH-002")
                        .contains("1191600").contains("1191700"))
                .hasSize(2);
    }
}
