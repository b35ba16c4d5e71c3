package id.lumbung.crash;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start from the snapshot a clean stop wrote answers exactly like a start that replays the
 * whole journal: every payment's status and batch, every cooperative's batch listing and
 * accounts, the unsettled gauges. Also after more payments and a SIGKILL (snapshot plus the
 * journal's tail), and when the snapshot is damaged (rejected, whole journal replayed).
 */
class SnapshotRestartTest {
    private static final String[] TERMINALS = SettlementCrashTest.TERMINALS;

    record Paid(String terminalId, String paymentId) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void snapshotStartsAnswerExactlyLikeAWholeJournalReplay(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        Random random = new Random(Long.getLong("lumbung.crash.seed", 20261129L));
        List<Paid> paid = new ArrayList<>();
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            pay(client, random, 60, "A", paid);
            voidAt(client, paid, 59, 55, 50, 45, 40);
            assertThat(client.close().statusCode()).isEqualTo(200);
            pay(client, random, 40, "B", paid);
            voidAt(client, paid, 99, 90, 80);
            assertThat(client.close().statusCode()).isEqualTo(200);
            pay(client, random, 30, "C", paid); // left open: not yet settled
            voidAt(client, paid, 129, 120);
            assertThat(engine.stop()).isZero();
            assertThat(engine.output()).contains("event=snapshot_written");
        }
        assertThat(snapshots(data)).hasSize(1);

        Path whole = wholeJournalCopy(data, root.resolve("whole-1"));
        Map<String, String> fromSnapshot = observe(data, paid, "snapshot_loaded");
        assertThat(fromSnapshot).isEqualTo(observe(whole, paid, null));

        // more payments and voids after the snapshot, then SIGKILL: the next start loads the
        // snapshot and replays only the tail
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            pay(new Client(engine), random, 10, "D", paid); // open when the snapshot is taken
            assertThat(engine.stop()).isZero();
        }
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            Client client = new Client(engine);
            voidAt(client, paid, 135); // open in the snapshot, voided in the tail
            pay(client, random, 25, "E", paid);
            voidAt(client, paid, 164, 150);
            engine.kill();
        }
        whole = wholeJournalCopy(data, root.resolve("whole-2"));
        Path damaged = root.resolve("damaged");
        SettlementCrashTest.copyTree(data, damaged);
        Path badIndex = root.resolve("bad-index");
        SettlementCrashTest.copyTree(data, badIndex);
        Map<String, String> tail = observe(data, paid, "snapshot_loaded");
        assertThat(tail).isEqualTo(observe(whole, paid, null));
        assertThat(tail).isNotEqualTo(fromSnapshot);

        // a damaged snapshot is rejected, counted, and the whole journal replays to the same answers
        Path snapshot = snapshots(damaged).get(0);
        try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        try (EngineProcess engine = EngineProcess.start(damaged, "sync")) {
            assertThat(engine.output()).contains("event=snapshot_rejected").doesNotContain("event=snapshot_loaded");
            assertThat(new Client(engine).metrics()).contains("lumbung_snapshot_rejected_total 1.0");
            Map<String, String> before = new LinkedHashMap<>(tail);
            before.keySet().removeIf(k -> k.startsWith("after close") || k.equals("close"));
            assertThat(observeRunning(new Client(engine), damaged, paid)).isEqualTo(before);
            assertThat(engine.stop()).isZero();
        }

        // a header whose journal index is garbage (bytes 52-59: after magic, version, digest and
        // sequence) is rejected too, whatever Chronicle makes of that index, and the CRC is not
        // needed to notice
        Path withBadIndex = snapshots(badIndex).get(0);
        try (RandomAccessFile f = new RandomAccessFile(withBadIndex.toFile(), "rw")) {
            f.seek(52);
            f.write(new byte[] {(byte) 0xFF, 0x7F, 0x3A, (byte) 0x91, 0x05, 0x22, 0x44, 0x7E});
        }
        try (EngineProcess engine = EngineProcess.start(badIndex, "sync")) {
            assertThat(engine.output()).contains("event=snapshot_rejected").doesNotContain("event=snapshot_loaded");
            Map<String, String> before = new LinkedHashMap<>(tail);
            before.keySet().removeIf(k -> k.startsWith("after close") || k.equals("close"));
            assertThat(observeRunning(new Client(engine), badIndex, paid)).isEqualTo(before);
            assertThat(engine.stop()).isZero();
        }
    }

    /** Starts an engine on {@code data}, records what it answers, and stops it. */
    private static Map<String, String> observe(Path data, List<Paid> paid, String expectedEvent) throws Exception {
        try (EngineProcess engine = EngineProcess.start(data, "sync")) {
            if (expectedEvent == null) {
                assertThat(engine.output()).doesNotContain("event=snapshot_");
            } else {
                assertThat(engine.output()).contains("event=" + expectedEvent);
            }
            Client client = new Client(engine);
            Map<String, String> seen = observeRunning(client, data, paid);
            // and the same again after one more close, which settles the open windows from the
            // restored state (its time differs between runs, so only time-free fields are kept)
            HttpResponse<String> close = client.close();
            assertThat(close.statusCode()).isEqualTo(200);
            seen.put("close", withoutTimes(close.body()));
            observeRunning(client, data, paid).forEach((k, v) -> seen.put("after close " + k, withoutTimes(v)));
            assertThat(engine.stop()).isZero();
            return seen;
        }
    }

    private static Map<String, String> observeRunning(Client client, Path data, List<Paid> paid) throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        for (Paid p : paid) {
            HttpResponse<String> r = client.status(p.terminalId(), p.paymentId());
            assertThat(r.statusCode()).as("status of %s: %s", p.paymentId(), r.body()).isEqualTo(200);
            seen.put("status " + p.paymentId(), r.body());
        }
        SettlementCrashTest.listedBatches(client, data); // each batch once, files match the listing
        for (String coop : SettlementCrashTest.COOPS) {
            seen.put("settlements " + coop, client.settlements(coop).body());
            seen.put("accounts " + coop, client.accounts(coop).body());
        }
        for (String line : client.metrics().split("\n")) {
            if (line.startsWith("lumbung_unsettled_") || line.startsWith("lumbung_idempotency_retained_payments ")) {
                seen.put("metric", seen.getOrDefault("metric", "") + line + "\n");
            }
        }
        return seen;
    }

    /** A JSON answer without what depends on when the close ran: times, and the files' sizes and digests. */
    private static String withoutTimes(String body) {
        if (!body.startsWith("{")) {
            return body.replaceAll("(?m)^lumbung_settlement_lag_seconds.*$", "");
        }
        return ((io.vertx.core.json.JsonObject) strip(new io.vertx.core.json.JsonObject(body))).encode();
    }

    private static Object strip(Object o) {
        if (o instanceof io.vertx.core.json.JsonObject j) {
            io.vertx.core.json.JsonObject out = new io.vertx.core.json.JsonObject();
            j.forEach(e -> {
                if (!e.getKey().endsWith("At") && !e.getKey().equals("files")) {
                    out.put(e.getKey(), strip(e.getValue()));
                }
            });
            return out;
        }
        if (o instanceof io.vertx.core.json.JsonArray a) {
            io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
            a.forEach(v -> out.add(strip(v)));
            return out;
        }
        return o;
    }

    /** A copy of the data folder without its snapshot, so that a start replays the whole journal. */
    private static Path wholeJournalCopy(Path data, Path to) throws Exception {
        SettlementCrashTest.copyTree(data, to);
        try (Stream<Path> s = Files.walk(to.resolve("snapshot"))) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return to;
    }

    private static List<Path> snapshots(Path data) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("snapshot"))) {
            return s.toList();
        }
    }

    private static void pay(Client client, Random random, int count, String prefix, List<Paid> paid) throws Exception {
        for (int i = 0; i < count; i++) {
            String terminal = TERMINALS[random.nextInt(TERMINALS.length)];
            long amount = random.nextInt(4) == 0 ? 500_000 + random.nextInt(2_000_000) : 1 + random.nextInt(500_000);
            HttpResponse<String> r = client.post(terminal, Client.paymentBody(terminal, prefix + "-" + i, amount));
            assertThat(r.statusCode()).as("POST %s-%s: %s", prefix, i, r.body()).isEqualTo(201);
            paid.add(new Paid(terminal, Client.field(r.body(), "paymentId")));
        }
    }

    /** Voids the payments at these positions of {@code paid} (none of them settled yet). */
    private static void voidAt(Client client, List<Paid> paid, int... positions) throws Exception {
        for (int i : positions) {
            Paid p = paid.get(i);
            HttpResponse<String> r = client.voidPayment(p.terminalId(), p.paymentId());
            assertThat(r.statusCode()).as("void %s: %s", p.paymentId(), r.body()).isEqualTo(200);
        }
    }
}
