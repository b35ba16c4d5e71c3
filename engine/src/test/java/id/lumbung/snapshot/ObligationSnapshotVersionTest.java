package id.lumbung.snapshot;

import id.lumbung.LogCapture;
import id.lumbung.TestEngine;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot of the format before obligations (version 2) is refused with its version named, and
 * the whole journal replays: the obligations and their deductions are back as they were.
 */
class ObligationSnapshotVersionTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anOlderSnapshotIsRefusedByVersionAndTheJournalReplays(@TempDir Path data) throws Exception {
        String before;
        try (TestEngine t = new TestEngine(data, Map.of())) {
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "v-1", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(200);
            before = t.get("/v1/coops/KSP-BERINGHARJO/obligations", BRH).body();
            assertThat(new JsonObject(before).getJsonArray("obligations").getJsonObject(0).getLong("deducted")).isPositive();
        }
        Path snapshot;
        try (Stream<Path> s = Files.list(data.resolve("snapshot"))) {
            snapshot = s.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
        }
        // the version after the 8-byte magic set to 2, and the trailing CRC32C made right again
        byte[] bytes = Files.readAllBytes(snapshot);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(8)).isEqualTo(3);
        b.putInt(8, 2);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 8);
        b.putLong(bytes.length - 8, crc.getValue());
        Files.write(snapshot, bytes);

        LogCapture log = LogCapture.onRootLogger();
        try (TestEngine t = new TestEngine(data, Map.of())) {
            assertThat(log.text()).contains("event=snapshot_rejected").contains("snapshot format 2, this engine reads 3")
                    .contains("action=replay_whole_journal");
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/obligations", BRH).body()).isEqualTo(before);
        } finally {
            log.detach();
        }
    }
}
