package id.lumbung.crash;

import id.lumbung.CiRequirement;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A truly full disk: the engine's data folder on a 16 MiB tmpfs, the disk reserve off, and a filler
 * file written until the file system itself answers ENOSPC (to the last byte). Chronicle writes the
 * journal through a shared mapping; a page of it with no backing space raises SIGBUS, which kills
 * the JVM or the journal writer. The engine must refuse instead: {@code 503 JOURNAL_UNAVAILABLE}
 * with {@code Retry-After}, known payments still answered, nothing acknowledged lost (checked after
 * a restart), and payments taken again once the filler is deleted, without a restart. Runs as root
 * (mount); fails under {@code CI=true} when it cannot mount, is skipped elsewhere.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskFullTest {
    private static final String TMPFS_SIZE = "16m";
    /** Payments per batch while the disk is full. */
    private static final int BATCH_ITEMS = 500;
    /**
     * Batches posted at most while the disk is full, until one has refusals: the journal's room
     * ahead (2 MiB, Journal.ROOM_AHEAD_BYTES) holds about 13,000 payments, 26 batches; 200 is the bound.
     */
    private static final int BATCHES_WHILE_FULL_MAX = 200;
    private static final String CONFIG = "journal.disk.reserve.bytes=0\nterminal.rate.per.second=1000000\nterminal.rate.burst=1000000\n";

    @TempDir
    static Path tmp;
    private static Path mnt;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        mnt = tmp.resolve("mnt");
        Files.createDirectories(mnt);
        PowerCutFs.Run r = PowerCutFs.run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mnt.toString());
        CiRequirement.requireOrSkip(r.exit() == 0, "cannot mount a tmpfs (needs root): " + r.output());
    }

    @AfterAll
    static void unmountTmpfs() throws Exception {
        if (mnt != null) {
            PowerCutFs.run("umount", "-l", mnt.toString());
        }
    }

    /** Writes a file until the file system refuses (ENOSPC): 64 KiB at a time, then single bytes. */
    static long fill(Path filler) throws IOException {
        long written = 0;
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) 0x55);
            int size = chunk.length;
            while (size > 0) {
                try {
                    f.write(chunk, 0, size);
                    written += size;
                } catch (IOException e) {
                    assertThat(e.getMessage()).contains("No space left on device");
                    size = size == 1 ? 0 : Math.max(1, size / 16);
                }
            }
        }
        return written;
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("JOURNAL_UNAVAILABLE");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void aFullFileSystemIsRefusedWith503NothingAcknowledgedIsLostAndServiceReturnsWithSpace() throws Exception {
        Map<String, String> acked = new LinkedHashMap<>(); // txnId -> paymentId
        Map<String, String> bodies = new LinkedHashMap<>();
        EngineProcess engine = EngineProcess.start(mnt, "sync", CONFIG);
        try {
            Client client = new Client(engine);
            for (int i = 0; i < 20; i++) {
                post(client, "before-" + i, acked, bodies);
            }
            assertThat(acked).hasSize(20);
            long filled = fill(mnt.resolve("filler"));
            assertThat(Files.getFileStore(mnt).getUsableSpace()).as("free bytes after the filler").isZero();
            int refused = 0;
            for (int b = 0; b < BATCHES_WHILE_FULL_MAX && refused == 0 && engine.process.isAlive(); b++) {
                refused = postBatch(client, "full-" + b + "-", acked, bodies);
            }
            assertThat(engine.process.isAlive()).as("engine alive after payments on a full disk:\n%s", engine.output()).isTrue();
            assertThat(refused).as("payments refused with JOURNAL_UNAVAILABLE while full (filler %d bytes)", filled).isPositive();
            assertUnavailable(client.post("T0000001", Client.paymentBody("T0000001", "single-while-full", 5_000)));
            // known payments are still answered while full
            String first = "before-0";
            HttpResponse<String> replay = client.postHonouringRateLimit("T0000001", bodies.get(first));
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(Client.field(replay.body(), "paymentId")).isEqualTo(acked.get(first));

            Files.delete(mnt.resolve("filler"));
            HttpResponse<String> after = null;
            for (int i = 0; i < 500; i++) { // at most 5 s: the writer looks at the disk every 10 ms
                after = client.post("T0000001", Client.paymentBody("T0000001", "after-space", 77_000));
                if (after.statusCode() != 503) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
            acked.put("after-space", Client.field(after.body(), "paymentId"));
            bodies.put("after-space", Client.paymentBody("T0000001", "after-space", 77_000));
            System.out.println("disk-full filler_bytes=" + filled + " acknowledged=" + acked.size() + " refused_503=" + refused
                    + " engine_alive=true");
            engine.kill();
            engine = EngineProcess.start(mnt, "sync", CONFIG);
            Client again = new Client(engine);
            int found = 0;
            for (Map.Entry<String, String> a : acked.entrySet()) {
                HttpResponse<String> r = again.postHonouringRateLimit("T0000001", bodies.get(a.getKey()));
                assertThat(r.statusCode()).as("%s after restart: %s", a.getKey(), r.body()).isEqualTo(200);
                assertThat(Client.field(r.body(), "paymentId")).isEqualTo(a.getValue());
                found++;
            }
            System.out.println("disk-full restart acknowledged=" + acked.size() + " found=" + found + " lost=" + (acked.size() - found));
        } finally {
            engine.close();
        }
    }

    /**
     * Posts one batch; every item answered 201 is acknowledged, every other must be
     * JOURNAL_UNAVAILABLE. A batch with no answer (the engine died) counts as none refused.
     *
     * @return items refused
     */
    private static int postBatch(Client client, String prefix, Map<String, String> acked, Map<String, String> bodies)
            throws Exception {
        StringBuilder batch = new StringBuilder("{\"payments\":[");
        String[] items = new String[BATCH_ITEMS];
        for (int k = 0; k < BATCH_ITEMS; k++) {
            items[k] = Client.paymentBody("T0000001", prefix + k, 1_000 + k);
            batch.append(k == 0 ? "" : ",").append(items[k]);
        }
        HttpResponse<String> r;
        try {
            r = client.postBatch("T0000001", batch.append("]}").toString());
        } catch (IOException e) {
            return 0;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        io.vertx.core.json.JsonArray results = new JsonObject(r.body()).getJsonArray("results");
        int refused = 0;
        for (int k = 0; k < BATCH_ITEMS; k++) {
            JsonObject item = results.getJsonObject(k);
            if (item.getInteger("status") == 201) {
                acked.put(prefix + k, item.getString("paymentId"));
                bodies.put(prefix + k, items[k]);
            } else {
                assertThat(item.getString("code")).as(item.encode()).isEqualTo("JOURNAL_UNAVAILABLE");
                refused++;
            }
        }
        return refused;
    }

    private static void post(Client client, String txnId, Map<String, String> acked, Map<String, String> bodies) throws Exception {
        String body = Client.paymentBody("T0000001", txnId, 15_000);
        HttpResponse<String> r = client.postHonouringRateLimit("T0000001", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        acked.put(txnId, Client.field(r.body(), "paymentId"));
        bodies.put(txnId, body);
    }
}
