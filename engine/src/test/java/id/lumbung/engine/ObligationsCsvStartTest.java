package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceDataException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code obligations.csv} in a reference folder: its rows are journaled at the first start, once
 * (a restart journals nothing more), and a row whose terms differ from the journaled obligation
 * stops the start with the obligation id and the column named.
 */
class ObligationsCsvStartTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void journalsRowsOnceAndRefusesAChangedRow(@TempDir Path tmp) throws Exception {
        Path ref = tmp.resolve("ref");
        Files.createDirectories(ref);
        for (String f : new String[] {"coops.csv", "traders.csv", "terminals.csv"}) {
            try (InputStream in = ObligationsCsvStartTest.class.getResourceAsStream("/demo/" + f)) {
                Files.write(ref.resolve(f), in.readAllBytes());
            }
        }
        Files.writeString(ref.resolve("obligations.csv"), "obligation_id,coop_id,trader_id,kind,daily_amount,start_date,total\n"
                + "O-1,KSP-BERINGHARJO,BRH-003,SIMPANAN_WAJIB,700,2026-01-01,\n"
                + "O-2,KSP-BERINGHARJO,BRH-004,ANGSURAN,1000,2026-01-01,30000\n");
        Path data = tmp.resolve("data");
        Map<String, String> settings = Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString());
        // the folder's reference journals its 38 entries, then the two rows
        String firstClose;
        try (TestEngine t = new TestEngine(data, settings)) {
            assertThat(obligations(t)).hasSize(2);
            firstClose = close(t);
            assertThat(firstClose).isEqualTo("KSP-BERINGHARJO-" + (38 + 2 + 2));
        }
        try (TestEngine t = new TestEngine(data, settings)) {
            JsonArray listed = obligations(t);
            assertThat(listed).hasSize(2);
            assertThat(listed.getJsonObject(1).getString("obligationId")).isEqualTo("O-2");
            assertThat(listed.getJsonObject(1).getLong("total")).isEqualTo(30_000);
            // nothing journaled at this start: the next entries follow the first start's close
            assertThat(close(t)).isEqualTo("KSP-BERINGHARJO-" + (38 + 2 + 2 + 2));
        }

        Files.writeString(ref.resolve("obligations.csv"), "obligation_id,coop_id,trader_id,kind,daily_amount,start_date,total\n"
                + "O-1,KSP-BERINGHARJO,BRH-003,SIMPANAN_WAJIB,700,2026-01-01,\n"
                + "O-2,KSP-BERINGHARJO,BRH-004,ANGSURAN,1500,2026-01-01,30000\n");
        assertThatThrownBy(() -> new TestEngine(data, settings).close())
                .isInstanceOf(ReferenceDataException.class)
                .hasMessageContaining("obligations.csv line 3")
                .hasMessageContaining("obligation O-2: daily_amount differs (file 1500, journal 1000)");
    }

    private static JsonArray obligations(TestEngine t) throws Exception {
        return new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/obligations", BRH).body()).getJsonArray("obligations");
    }

    /** A payment of BRH-003 and a close of its cooperative; the batch id. */
    private static String close(TestEngine t) throws Exception {
        assertThat(t.post("T0000004", TestEngine.payment("T0000004", "p-" + System.nanoTime(), "5000")).statusCode())
                .isEqualTo(201);
        return new JsonObject(t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-BERINGHARJO\"}",
                TestEngine.ADMIN_TOKEN).body()).getJsonArray("batches").getJsonObject(0).getString("batchId");
    }
}
