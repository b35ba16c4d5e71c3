package id.lumbung.engine;

import id.lumbung.CiRequirement;
import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disk reserve: at or under {@code journal.disk.reserve.bytes} of free space the engine refuses
 * new writes with 503 JOURNAL_UNAVAILABLE + Retry-After, still answers what it already knows, and
 * resumes by itself once space returns.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DiskReserveTest {
    static final String HUGE = Long.toString(Long.MAX_VALUE / 2);

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("code");
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(code(r)).isEqualTo("JOURNAL_UNAVAILABLE");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }

    /** Polls at most 5 s (500 x 10 ms). */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }

    @Test
    void startingUnderTheReserveRefusesTheVeryFirstWriteThenResumesWhenSpaceReturns(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of(EngineConfig.DISK_RESERVE_BYTES_PROP_NAME, HUGE))) {
            // no wait: the reserve is checked before the writer takes its first command
            assertUnavailable(t.post("T0000001", TestEngine.payment("T0000001", "first", "15000")));
            String batch = "{\"payments\":[" + TestEngine.payment("T0000002", "b1", "1000") + "]}";
            HttpResponse<String> b = t.signed("POST", "/v1/payments/batch", "T0000002", batch.getBytes(StandardCharsets.UTF_8));
            assertThat(b.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(b.body()).getJsonArray("results").getJsonObject(0).getString("code"))
                    .isEqualTo("JOURNAL_UNAVAILABLE");
            assertThat(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(503);
            String scrape = t.ops("GET", "/metrics", null, null).body();
            assertThat(scrape).contains("lumbung_journal_available 0.0");
            // space returns (here: the operator lowers the reserve): intake resumes without a restart
            t.engine.diskReserveBytes(0);
            await(t.engine::journalWritable);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "first", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.ops("GET", "/metrics", null, null).body()).contains("lumbung_journal_available 1.0");
        }
    }

    @Test
    void underTheReserveKnownKeysAreStillAnsweredAndNewWritesRefused(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            String body = TestEngine.payment("T0000001", "known", "15000");
            HttpResponse<String> first = t.post("T0000001", body);
            assertThat(first.statusCode()).isEqualTo(201);
            String paymentId = new JsonObject(first.body()).getString("paymentId");

            t.engine.diskReserveBytes(Long.MAX_VALUE / 2);
            await(() -> !t.engine.journalWritable());
            assertUnavailable(t.post("T0000001", TestEngine.payment("T0000001", "new", "15000")));
            // a retry of the acknowledged payment gets its original answer
            HttpResponse<String> replay = t.post("T0000001", body);
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replay.body()).isEqualTo(first.body());
            // so does a conflict and a status query; a void needs a write
            assertThat(code(t.post("T0000001", TestEngine.payment("T0000001", "known", "16000")))).isEqualTo("IDEMPOTENCY_CONFLICT");
            assertThat(t.signed("GET", "/v1/payments/" + paymentId, "T0000001", new byte[0]).statusCode()).isEqualTo(200);
            assertUnavailable(t.signed("POST", "/v1/payments/" + paymentId + "/void", "T0000001", new byte[0]));

            t.engine.diskReserveBytes(0);
            await(t.engine::journalWritable);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "new", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.signed("POST", "/v1/payments/" + paymentId + "/void", "T0000001", new byte[0]).statusCode()).isEqualTo(200);
        }
    }

    /**
     * A real small file system (tmpfs of 96 MiB, needs root and mount rights; fails without them under {@code CI=true}, skipped elsewhere):
     * a filler file takes the free space under the 16 MiB reserve, deleting it gives it back.
     */
    @Test
    void realSmallFileSystemFillsAndFrees(@TempDir Path dir) throws Exception {
        Path mnt = dir.resolve("mnt");
        Files.createDirectories(mnt);
        CiRequirement.requireOrSkip(run("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mnt.toString()) == 0,
                "mounting a tmpfs is not permitted here");
        try {
            long reserve = 16L << 20;
            Path data = mnt.resolve("data");
            try (TestEngine t = new TestEngine(data, Map.of(EngineConfig.DISK_RESERVE_BYTES_PROP_NAME, Long.toString(reserve)))) {
                String a = TestEngine.payment("T0000001", "a", "1000");
                assertThat(t.post("T0000001", a).statusCode()).isEqualTo(201);
                long free = Files.getFileStore(mnt).getUsableSpace();
                Path filler = mnt.resolve("filler");
                long fill = free - reserve + (1L << 20);
                assertThat(fill).isPositive().isLessThan(96L << 20);
                try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                    byte[] chunk = new byte[1 << 20];
                    for (long written = 0; written < fill; written += chunk.length) {
                        f.write(chunk, 0, (int) Math.min(chunk.length, fill - written));
                    }
                }
                assertThat(Files.getFileStore(mnt).getUsableSpace()).isLessThanOrEqualTo(reserve);
                await(() -> !t.engine.journalWritable());
                assertUnavailable(t.post("T0000001", TestEngine.payment("T0000001", "b", "1000")));
                assertThat(t.post("T0000001", a).statusCode()).isEqualTo(200);
                Files.delete(filler);
                await(t.engine::journalWritable);
                assertThat(t.post("T0000001", TestEngine.payment("T0000001", "b", "1000")).statusCode()).isEqualTo(201);
            }
        } finally {
            run("umount", "-l", mnt.toString());
        }
    }

    private static int run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
