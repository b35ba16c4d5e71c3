package id.lumbung.crash;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reconcile} agrees with a clean run and names a tampered settlement CSV and ledger postings
 * file; it recomputes with the fee plans of the engine's config file when given it.
 */
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
        assertThat(clean.output()).contains("differences=0").contains("reconcile: data=" + data.toAbsolutePath() + " ");

        // settlement CSV: change one digit of BRH-001's gross (265000 -> 265001)
        Path csv = data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv");
        String csvText = Files.readString(csv);
        assertThat(csvText).contains("BRH-001,2,265000,");
        Files.writeString(csv, csvText.replace("BRH-001,2,265000,", "BRH-001,2,265001,"));
        // ledger postings: change BRH-002's credit figure (1,200,000 less 0.7% = 1,191,600, less the demo
        // data's simpanan wajib of BRH-002 capped at its total of 50,000: 1141600 -> 1141700)
        String closeSequence = batchId.substring(batchId.lastIndexOf('-') + 1);
        Path postings = data.resolve("ledger/close-" + closeSequence + ".postings.csv");
        String postingsText = Files.readString(postings, StandardCharsets.UTF_8);
        assertThat(postingsText).contains(batchId + ",member:BRH-002,0,1141600\n", batchId + ",savings:BRH-002,0,50000\n");
        Files.writeString(postings, postingsText.replace("member:BRH-002,0,1141600", "member:BRH-002,0,1141700"));
        // payouts file: move 1 rupiah of BRH-002's simpanan wajib to its payout (the line still adds up)
        Path payouts = data.resolve("files/KSP-BERINGHARJO/" + batchId + ".payouts.csv");
        String payoutsText = Files.readString(payouts);
        assertThat(payoutsText).contains("BRH-002,1191600,0,0,50000,1141600\n");
        Files.writeString(payouts, payoutsText.replace("BRH-002,1191600,0,0,50000,1141600", "BRH-002,1191600,0,0,49999,1141601"));

        EngineProcess.Run tampered = EngineProcess.reconcile(data);
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output().lines().filter(l -> l.startsWith("DIFFERENCE ")))
                .anySatisfy(l -> assertThat(l).contains(batchId + ".csv").contains("BRH-001"))
                .anySatisfy(l -> assertThat(l).contains("close-" + closeSequence + ".postings.csv").contains("member:BRH-002")
                        .contains("1141600").contains("1141700"))
                .anySatisfy(l -> assertThat(l).contains(batchId + ".payouts.csv").contains("BRH-002,1191600,0,0,50000,1141600")
                        .contains("BRH-002,1191600,0,0,49999,1141601"))
                .hasSize(3);
    }

    /**
     * An engine whose config sets REG at 1% settles with it; {@code reconcile --config} of that file
     * agrees, and so does {@code reconcile} with the default plans (REG 0.7%): the plans the engine
     * settled with are journaled, and the report names them.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recomputesWithTheFeePlansOfTheEnginesConfig() throws Exception {
        Path data = tmp.resolve("data");
        // fee.plan.* replaces the whole default set, so UMI and GOV (the demo traders' other plans)
        // are restated as the defaults; data.dir lets reconcile find the data folder from the file alone
        String configLines = "fee.plan.UMI=500000:0%,*:0.3%\nfee.plan.REG=*:1%\nfee.plan.GOV=*:0%\n"
                + "data.dir=" + data + "\n";
        String batchId;
        try (EngineProcess engine = EngineProcess.start(data, "sync", configLines)) {
            Client client = new Client(engine);
            // BRH-001 (UMI): 15,000 pays 0 either way; BRH-002 (REG): 1,200,000 pays 12,000 at 1%, 8,400 at 0.7%
            assertThat(client.post("T0000001", Client.paymentBody("T0000001", "F-0", 15_000)).statusCode()).isEqualTo(201);
            assertThat(client.post("T0000003", Client.paymentBody("T0000003", "F-1", 1_200_000)).statusCode()).isEqualTo(201);
            HttpResponse<String> close = client.close();
            assertThat(close.statusCode()).isEqualTo(200);
            batchId = new JsonObject(close.body()).getJsonArray("batches").getJsonObject(0).getString("batchId");
            assertThat(engine.stop()).isZero();
        }
        String csv = Files.readString(data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv"));
        assertThat(csv).contains("BRH-002,1,1200000,12000,1188000\n");
        Path config = EngineProcess.configFile(data);

        EngineProcess.Run withConfig = EngineProcess.reconcileWith(tmp, "--config", config.toString());
        assertThat(withConfig.exit()).as(withConfig.output()).isZero();
        assertThat(withConfig.output().lines().findFirst()).hasValue("fee plans from config "
                + config.toAbsolutePath().normalize() + ": GOV=*:0% REG=*:1% UMI=500000:0%,*:0.3%");
        assertThat(withConfig.output()).contains("differences=0");

        assertThat(withConfig.output()).contains("\nfee plans journaled (they price every batch): GOV=*:0% REG=*:1%"
                + " UMI=500000:0%,*:0.3%\n");

        // the plans are journaled history: reconcile with the default plans (REG 0.7%) still
        // recomputes REG at 1%, as the engine settled, and agrees
        EngineProcess.Run defaults = EngineProcess.reconcile(data);
        assertThat(defaults.exit()).as(defaults.output()).isZero();
        assertThat(defaults.output().lines().findFirst())
                .hasValue("fee plans from defaults (no --config): GOV=*:0% REG=*:0.7% UMI=500000:0%,*:0.3%");
        assertThat(defaults.output()).contains("\nfee plans journaled (they price every batch): GOV=*:0% REG=*:1%"
                + " UMI=500000:0%,*:0.3%\n").contains("differences=0");
    }

    /** A data folder without a journal (a wrong path, a config without data.dir) is refused, not reported as agreeing. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void refusesADataFolderWithoutAJournal() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        EngineProcess.Run run = EngineProcess.reconcile(empty);
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("no journal folder " + empty.resolve("journal").toAbsolutePath());
        assertThat(empty.resolve("journal")).doesNotExist();
    }
}
