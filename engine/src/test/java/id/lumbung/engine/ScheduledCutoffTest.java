package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.journal.Journal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The cut-off schedule closes the window by itself: no admin call, the timer and the engine clock alone. */
class ScheduledCutoffTest {
    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    /** The 11:45 default cut-off of a Monday; the one after it is 14:10 the same day. */
    private static final Instant CUTOFF = LocalDateTime.of(2026, 3, 2, 11, 45).atZone(JAKARTA).toInstant();
    private static final Instant FOLLOWING_CUTOFF = LocalDateTime.of(2026, 3, 2, 14, 10).atZone(JAKARTA).toInstant();
    /** What the engine's clock reads while it starts: the 11:45 timer is set for 3 s after the start. */
    private static final Instant HELD_AT = CUTOFF.minusSeconds(3);
    /**
     * Where the clock runs on from once the start is done: 1 s later than held, so that the clock
     * has passed 11:45 when the 3 s timer fires as long as the release follows the timer's setting
     * by under 1 s (it follows within milliseconds: only the end of {@code start} lies between).
     */
    private static final Instant RELEASED_AT = CUTOFF.minusSeconds(2);
    private static final String BATCH_PREFIX = "KSP-BERINGHARJO-";

    /**
     * Reads one instant, unmoving, until released; from then on it runs at the pace of
     * {@link System#nanoTime} from the instant given. The engine sets its cut-off timer from the
     * clock at the end of its start, whose length varies with the machine: held, the clock puts the
     * cut-off exactly 3 s after the start whatever it took. Ticking afterwards, it stamps payments
     * and the close in order and lets the engine schedule the cut-off after this one.
     */
    static final class HeldClock extends Clock {
        private final long heldEpochMs;
        private volatile long baseEpochMs;
        private volatile long releasedAtNanos;
        private volatile boolean released;
        private volatile long skipFromEpochMs = Long.MAX_VALUE;
        private volatile long skipMs;

        HeldClock(Instant held) {
            heldEpochMs = held.toEpochMilli();
        }

        void release(Instant runOnFrom) {
            baseEpochMs = runOnFrom.toEpochMilli();
            releasedAtNanos = System.nanoTime();
            released = true;
        }

        /**
         * From the first reading at or after {@code from} on, the clock reads {@code by} later: a
         * quiet stretch passed at once, so that a cut-off {@code by} after {@code from} less a few
         * seconds comes a few seconds after the one at {@code from}.
         */
        void skip(Instant from, java.time.Duration by) {
            skipMs = by.toMillis();
            skipFromEpochMs = from.toEpochMilli();
        }

        @Override
        public long millis() {
            if (!released) {
                return heldEpochMs;
            }
            long ms = baseEpochMs + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAtNanos);
            return ms >= skipFromEpochMs ? ms + skipMs : ms;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this; // the engine reads instants only
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theDefaultScheduleClosesTheWindowAtItsCutoffAndMovesToTheNext(@TempDir Path data) throws Exception {
        HeldClock clock = new HeldClock(HELD_AT);
        String paymentId;
        try (TestEngine t = new TestEngine(data, Map.of(EngineConfig.CUTOFFS_PROP_NAME, EngineConfig.CUTOFFS_DEFAULT),
                TestEngine.demoReference(), clock)) {
            clock.release(RELEASED_AT);
            assertThat(nextCutoffEpochSeconds(t)).isEqualTo(CUTOFF.getEpochSecond());

            // BRH-001 (UMI), 600,000 pays 0.3% = 1,800
            HttpResponse<String> posted = t.post("T0000001", payment("T0000001", "sched-1", 600_000, clock));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
            paymentId = new JsonObject(posted.body()).getString("paymentId");
            assertThat(status(t, paymentId).getString("status")).isEqualTo("ACCEPTED");

            JsonObject settled = await(() -> status(t, paymentId), s -> "SETTLED".equals(s.getString("status")));
            String batchId = settled.getString("batchId");
            assertThat(batchId).startsWith(BATCH_PREFIX);
            assertThat(await(() -> nextCutoffEpochSeconds(t), s -> s != CUTOFF.getEpochSecond()))
                    .isEqualTo(FOLLOWING_CUTOFF.getEpochSecond());

            JsonArray batches = new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/settlements",
                    "Bearer demo-token-KSP-BERINGHARJO").body()).getJsonArray("batches");
            assertThat(batches).hasSize(1);
            JsonObject batch = batches.getJsonObject(0);
            assertThat(batch.getString("batchId")).isEqualTo(batchId);
            assertThat(batch.getLong("payments")).isEqualTo(1);
            assertThat(batch.getLong("net")).isEqualTo(598_200);
            Instant closedAt = OffsetDateTime.parse(batch.getString("closedAt")).toInstant();
            assertThat(closedAt).isBetween(CUTOFF, CUTOFF.plusSeconds(10));
            assertThat(t.engine.metrics().settlementBatches.count()).isEqualTo(1);
        }

        List<JournalEntry> closes = closeEntries(data.resolve("journal"));
        assertThat(closes).hasSize(1);
        JournalEntry close = closes.get(0);
        assertThat(close.trigger).isEqualTo(JournalEntry.TRIGGER_SCHEDULE);
        assertThat(close.coopId).as("a scheduled close is every cooperative's").isNull();
        assertThat(Instant.ofEpochMilli(close.atEpochMs)).isBetween(CUTOFF, CUTOFF.plusSeconds(10));
        assertThat(paymentId).isEqualTo("P" + (close.sequence - 1));
    }

    /**
     * A cut-off with nothing to settle closes like any other: journaled with the schedule trigger,
     * no batch, the engine stays ready and keeps its schedule, and a payment accepted after it
     * settles at the next cut-off; a start on that journal replays it.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCutoffBeforeAnyPaymentClosesNothingAndTheNextSettles(@TempDir Path data) throws Exception {
        // 11:45 and 11:46; the clock skips 55 s at 11:45, so 11:46 comes about 5 s after 11:45
        Instant following = CUTOFF.plusSeconds(60);
        HeldClock clock = new HeldClock(HELD_AT);
        clock.skip(CUTOFF, java.time.Duration.ofSeconds(55));
        String paymentId;
        try (TestEngine t = new TestEngine(data, Map.of(EngineConfig.CUTOFFS_PROP_NAME, "11:45,11:46"),
                TestEngine.demoReference(), clock)) {
            clock.release(RELEASED_AT);
            assertThat(nextCutoffEpochSeconds(t)).isEqualTo(CUTOFF.getEpochSecond());
            assertThat(await(() -> nextCutoffEpochSeconds(t), s -> s != CUTOFF.getEpochSecond()))
                    .isEqualTo(following.getEpochSecond());
            assertThat(t.engine.ready()).isTrue();
            assertThat(t.ops("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
            assertThat(t.engine.metrics().settlementBatches.count()).isZero();
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/settlements", "Bearer demo-token-KSP-BERINGHARJO").body())
                    .isEqualTo("{\"batches\":[]}");

            HttpResponse<String> posted = t.post("T0000001", payment("T0000001", "after-empty-cutoff", 600_000, clock));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
            paymentId = new JsonObject(posted.body()).getString("paymentId");
            // after the journal's reference entries: the empty cut-off, the payment, the next cut-off
            assertThat(paymentId).isEqualTo("P" + (TestEngine.DEMO_REFERENCE_ENTRIES + 2));
            JsonObject settled = await(() -> status(t, paymentId), s -> "SETTLED".equals(s.getString("status")));
            assertThat(settled.getString("batchId")).isEqualTo(BATCH_PREFIX + (TestEngine.DEMO_REFERENCE_ENTRIES + 3));
            // Asia/Jakarta keeps no daylight saving time: the next is 11:45 a day later
            assertThat(await(() -> nextCutoffEpochSeconds(t), s -> s != following.getEpochSecond()))
                    .isEqualTo(CUTOFF.plusSeconds(86_400).getEpochSecond());
            assertThat(t.engine.metrics().settlementBatches.count()).isEqualTo(1);
        }

        List<JournalEntry> closes = closeEntries(data.resolve("journal"));
        assertThat(closes).extracting(c -> c.sequence).containsExactly(TestEngine.DEMO_REFERENCE_ENTRIES + 1L,
                TestEngine.DEMO_REFERENCE_ENTRIES + 3L);
        assertThat(closes).allSatisfy(c -> {
            assertThat(c.trigger).isEqualTo(JournalEntry.TRIGGER_SCHEDULE);
            assertThat(c.coopId).isNull();
        });
        assertThat(Instant.ofEpochMilli(closes.get(0).atEpochMs)).isBetween(CUTOFF.plusSeconds(55), CUTOFF.plusSeconds(60));
        assertThat(Instant.ofEpochMilli(closes.get(1).atEpochMs)).isBetween(following, following.plusSeconds(10));

        // and a start replays both closes
        HeldClock later = new HeldClock(following.plusSeconds(30));
        try (TestEngine t = new TestEngine(data, Map.of(), TestEngine.demoReference(), later)) {
            later.release(following.plusSeconds(30));
            assertThat(status(t, paymentId).getString("batchId")).isEqualTo(BATCH_PREFIX + (TestEngine.DEMO_REFERENCE_ENTRIES + 3));
            assertThat(new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/settlements", "Bearer demo-token-KSP-BERINGHARJO")
                    .body()).getJsonArray("batches")).hasSize(1);
        }
    }

    /** A payment body whose {@code occurredAt} is the engine clock's now (the engine refuses one far from it). */
    private static String payment(String terminalId, String txnId, long amountRupiah, Clock clock) {
        String occurredAt = OffsetDateTime.ofInstant(clock.instant(), JAKARTA).withNano(0).toString();
        return "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amountRupiah
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + occurredAt + "\",\"method\":\"QRIS\"}";
    }

    private static JsonObject status(TestEngine t, String paymentId) throws Exception {
        HttpResponse<String> r = t.signed("GET", "/v1/payments/" + paymentId, "T0000001", new byte[0]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** The gauge as Prometheus scrapes it from the ops port. */
    private static long nextCutoffEpochSeconds(TestEngine t) throws Exception {
        String name = "lumbung_settlement_next_cutoff_timestamp_seconds ";
        for (String line : t.ops("GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith(name)) {
                return (long) Double.parseDouble(line.substring(name.length()).trim());
            }
        }
        throw new AssertionError("no " + name.trim() + " in /metrics");
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until the value satisfies the condition (at most 10 s: the cut-off is 3 s after the start). */
    private static <T> T await(Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + value + " after 10 s");
            }
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }

    /** Every close entry of the journal, copied out of the reused holder. */
    private static List<JournalEntry> closeEntries(Path journalDir) {
        List<JournalEntry> closes = new ArrayList<>();
        try (Journal journal = new Journal(journalDir, Durability.ASYNC)) {
            journal.replay(e -> {
                if (e.type == JournalEntry.TYPE_CLOSE) {
                    JournalEntry copy = new JournalEntry();
                    copy.sequence = e.sequence;
                    copy.atEpochMs = e.atEpochMs;
                    copy.trigger = e.trigger;
                    copy.coopId = e.coopId;
                    closes.add(copy);
                }
            }, n -> { });
        }
        return closes;
    }
}
