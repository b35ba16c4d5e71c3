package id.lumbung.core.payment;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The payment book on its own: idempotency bound, retention, replay determinism. */
class PaymentBookTest {
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        long nowMs = Instant.parse("2026-11-29T03:00:00Z").toEpochMilli();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs);
        }
    }

    private final MutableClock clock = new MutableClock();
    private final List<ClosedWindow> windows = new ArrayList<>();

    private ReferenceData reference() throws Exception {
        return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    private PaymentBook book(Journal journal, ReferenceData ref, int retainedMax) {
        return new PaymentBook(ref, clock, journal, windows::add, 7 * DAY_MS, retainedMax);
    }

    private PaymentRequest request(String terminalId, String txnId, long amount) {
        return new PaymentRequest(terminalId, txnId, amount, "IDR", clock.millis(), 25_200, "QRIS", null, null);
    }

    @Test
    void refusesNewPaymentsAtTheRetainedBoundButStillAnswersKnownKeys(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(journal, ref, 2);
            assertThat(book.post(request("T0000001", "a", 100), t).result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            assertThat(book.post(request("T0000001", "b", 100), t).result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            assertThat(book.post(request("T0000001", "c", 100), t).result()).isEqualTo(PostOutcome.Result.JOURNAL_UNAVAILABLE);
            assertThat(book.post(request("T0000001", "a", 100), t).result()).isEqualTo(PostOutcome.Result.REPLAYED);
            assertThat(book.retainedPayments()).isEqualTo(2);
        }
    }

    /**
     * A batch posted with {@link PaymentBook#postAll} (keys hashed and their slots read first) gets
     * exactly the outcomes of posting its items one by one, including keys repeated inside the
     * batch, conflicts, keys known from earlier batches, and the retained bound reached mid-batch.
     */
    @Test
    void postAllAnswersExactlyAsPostingOneByOne(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        java.util.Random random = new java.util.Random(20261130);
        try (Journal a = new Journal(dir.resolve("a"), Durability.ASYNC);
                Journal b = new Journal(dir.resolve("b"), Durability.ASYNC)) {
            PaymentBook batched = book(a, ref, 5_000);
            PaymentBook single = book(b, ref, 5_000);
            int accepted = 0;
            for (int round = 0; round < 120; round++) {
                List<PaymentRequest> batch = new ArrayList<>();
                int n = 1 + random.nextInt(150);
                for (int i = 0; i < n; i++) {
                    // a small key space, so that repeats inside a batch and across batches are common
                    String txn = "k" + random.nextInt(20_000);
                    long amount = random.nextInt(10) == 0 ? 999 : 1_000; // same key, other amount: a conflict
                    batch.add(request("T0000001", txn, amount));
                }
                List<PostOutcome> got = batched.postAll(batch, t);
                assertThat(got).hasSize(n);
                for (int i = 0; i < n; i++) {
                    PostOutcome want = single.post(batch.get(i), t);
                    PostOutcome have = got.get(i);
                    assertThat(have.result()).as("round %d item %d", round, i).isEqualTo(want.result());
                    if (want.payment() != null) {
                        assertThat(have.payment().sequence()).isEqualTo(want.payment().sequence());
                        assertThat(have.payment().paymentId()).isEqualTo(want.payment().paymentId());
                    }
                    if (want.result() == PostOutcome.Result.ACCEPTED) {
                        accepted++;
                    }
                }
            }
            assertThat(accepted).as("the retained bound was reached mid-run").isEqualTo(5_000);
            assertThat(batched.retainedPayments()).isEqualTo(single.retainedPayments());
        }
    }

    @Test
    void forgetsSettledPaymentsAfterRetentionAndARetryThenFailsTheTimeWindow(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(journal, ref, 1000);
            PaymentRequest settledOne = request("T0000001", "settled", 100);
            book.post(settledOne, t);
            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            PaymentRequest open = request("T0000001", "open", 100);
            book.post(open, t);

            clock.nowMs += 7 * DAY_MS;
            assertThat(book.evict(1000)).as("inside retention").isZero();
            clock.nowMs += DAY_MS;
            assertThat(book.evict(1000)).as("settled one past retention").isEqualTo(1);
            assertThat(book.retainedPayments()).isEqualTo(1);
            // the unsettled payment is kept whatever its age, and blocks the sweep behind it
            assertThat(book.post(open, t).result()).isEqualTo(PostOutcome.Result.REPLAYED);
            // the forgotten key cannot be accepted twice: its occurredAt is now outside the 7-day window
            assertThat(book.post(settledOne, t).result()).isEqualTo(PostOutcome.Result.INVALID_TIMESTAMP);
        }
    }

    /**
     * A close before the first payment, of all cooperatives and of one, back to back, is an ordinary
     * close with no batch; the journal holding those closes replays, and payments after them settle.
     */
    @Test
    void closesBeforeAnyPaymentCloseNothingAndReplay(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(journal, ref, 1000);
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            assertThat(book.close(-1, JournalEntry.TRIGGER_SCHEDULE)).isTrue();
            assertThat(book.close(ref.coop("KSP-KLEWER").index(), JournalEntry.TRIGGER_ADMIN)).isTrue();
            book.publishWindows();
            assertThat(windows).hasSize(3).allSatisfy(w -> assertThat(w.coops()).isEmpty());
            book.post(request("T0000001", "after", 1000), t);
            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            book.publishWindows();
            assertThat(windows.get(3).coops()).hasSize(1);
        }
        windows.clear();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook replayed = book(journal, ref, 1000);
            Journal.ReplayResult r = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r.lastSequence(), r.discardedTailIndex());
            assertThat(windows).hasSize(4);
            assertThat(windows.subList(0, 3)).allSatisfy(w -> assertThat(w.coops()).isEmpty());
            long[] settled = {0};
            windows.get(3).payments().forEach((coop, trader, amount) -> settled[0] += amount);
            assertThat(settled[0]).isEqualTo(1000);
        }
    }

    @Test
    void replayRebuildsTheSameStatusesIdsAndWindows(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t1 = ref.terminal("T0000001");
        Terminal t6 = ref.terminal("T0000006");
        List<String> before = new ArrayList<>();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(journal, ref, 1000);
            for (int i = 0; i < 50; i++) {
                Terminal t = i % 2 == 0 ? t1 : t6;
                PostOutcome o = book.post(request(t.terminalId(), "r" + i, 1000 + i), t);
                if (i % 7 == 0) {
                    book.voidBySequence(o.payment().sequence(), t);
                }
                if (i == 20) {
                    book.close(-1, JournalEntry.TRIGGER_ADMIN);
                }
                if (i == 35) {
                    book.close(ref.coop("KSP-KLEWER").index(), JournalEntry.TRIGGER_ADMIN);
                }
            }
            book.publishWindows();
            for (long s = 1; s <= book.lastSequence(); s++) {
                PaymentView v = book.status(s, s % 2 == 0 ? t6 : t1);
                PaymentView w = v != null ? v : book.status(s, s % 2 == 0 ? t1 : t6);
                before.add(w == null ? "-" : w.paymentId() + "/" + w.status() + "/" + w.batchId());
            }
        }
        int windowsLive = windows.size();
        windows.clear();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook replayed = book(journal, ref, 1000);
            Journal.ReplayResult r = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r.lastSequence(), r.discardedTailIndex());
            List<String> after = new ArrayList<>();
            for (long s = 1; s <= replayed.lastSequence(); s++) {
                PaymentView v = replayed.status(s, s % 2 == 0 ? t6 : t1);
                PaymentView w = v != null ? v : replayed.status(s, s % 2 == 0 ? t1 : t6);
                after.add(w == null ? "-" : w.paymentId() + "/" + w.status() + "/" + w.batchId());
            }
            assertThat(after).isEqualTo(before);
            assertThat(windows).hasSize(windowsLive);
            assertThat(before).anyMatch(x -> x.contains("/SETTLED/KSP-")).anyMatch(x -> x.contains("/VOIDED/"))
                    .anyMatch(x -> x.contains("/ACCEPTED/null"));
        }
    }

    @Test
    void replayRefusesAVoidOfAnythingButAnOpenEarlierPayment(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        Terminal t1 = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook live = book(journal, ref, 1000);
            for (int i = 0; i < 4; i++) {
                live.post(request(t1.terminalId(), "v" + i, 1000 + i), t1);
            }
            live.voidBySequence(2, t1);
            live.close(-1, JournalEntry.TRIGGER_ADMIN); // settles 1, 3 and 4; sequence 6
            live.publishWindows();
        }
        // 3544421225411707137: what a version 1 close of "KSP-1" reads as when its type bit flips to void
        for (long voided : new long[] {3_544_421_225_411_707_137L, 0, 7, 8, 2, 3}) {
            try (Journal journal = new Journal(dir, Durability.ASYNC)) {
                PaymentBook replayed = book(journal, ref, 1000);
                journal.replay(replayed::replay, n -> { });
                JournalEntry v = new JournalEntry();
                v.type = JournalEntry.TYPE_VOID;
                v.sequence = 7;
                v.voidedSequence = voided;
                assertThatThrownBy(() -> replayed.replay(v)).as("void of %d", voided)
                        .isInstanceOf(JournalCorruptException.class).hasMessageContaining("voids payment " + voided);
            }
        }
        // the one void the writer can journal: an open payment (none is left open here, so post one)
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook replayed = book(journal, ref, 1000);
            Journal.ReplayResult r = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r.lastSequence(), r.discardedTailIndex());
            long open = replayed.post(request(t1.terminalId(), "v9", 999), t1).payment().sequence();
            JournalEntry v = new JournalEntry();
            v.type = JournalEntry.TYPE_VOID;
            v.sequence = open + 1;
            v.voidedSequence = open;
            replayed.replay(v);
            assertThat(replayed.status(open, t1).status().name()).isEqualTo("VOIDED");
        }
    }

    /**
     * A book loaded from a snapshot taken mid-stream, plus the journal's tail, equals a book that
     * replayed the whole journal: 120,000 payments over every demo terminal (several column chunks
     * and key-segment growth), voids, closes of all and of one cooperative, retention evictions.
     */
    @Test
    void snapshotPlusTailEqualsAWholeReplay(@TempDir Path dir) throws Exception {
        ReferenceData ref = reference();
        java.util.Random random = new java.util.Random(20261130L);
        id.lumbung.snapshot.Snapshots snapshots = new id.lumbung.snapshot.Snapshots(dir.resolve("data"));
        java.util.Map<Long, Terminal> terminalOf = new java.util.HashMap<>();
        List<PaymentRequest> posted = new ArrayList<>();
        int total = 120_000;
        int snapshotAt = 70_000 + random.nextInt(30_000);
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            PaymentBook live = book(journal, ref, 1_000_000);
            for (int i = 0; i < total; i++) {
                Terminal t = ref.terminal(random.nextInt(ref.terminalCount()));
                if (t.blocked()) {
                    continue;
                }
                PaymentRequest r = request(t.terminalId(), "s" + i, 1 + random.nextInt(3_000_000));
                PostOutcome o = live.post(r, t);
                assertThat(o.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
                terminalOf.put(o.payment().sequence(), t);
                posted.add(r);
                int dice = random.nextInt(1000);
                if (dice < 30) {
                    long s = 1 + random.nextInt((int) live.lastSequence());
                    if (terminalOf.containsKey(s)) {
                        live.voidBySequence(s, terminalOf.get(s));
                    }
                } else if (dice < 32) {
                    live.close(dice == 30 ? -1 : random.nextInt(ref.coopCount()), JournalEntry.TRIGGER_ADMIN);
                } else if (dice == 33) {
                    clock.nowMs += DAY_MS;
                    live.evict(Integer.MAX_VALUE);
                }
                if (i == snapshotAt) {
                    live.publishWindows();
                    snapshots.write(new id.lumbung.snapshot.Snapshots.Position(live.lastSequence(), live.lastEntryIndex()),
                            journal, live::writeTo);
                }
            }
            live.publishWindows();
            live.evict(Integer.MAX_VALUE);
            List<String> expected = describe(ref, live, terminalOf, posted);

            PaymentBook whole = book(journal, ref, 1_000_000);
            Journal.ReplayResult r = journal.replay(whole::replay, n -> { });
            whole.afterReplay(r.lastSequence(), r.discardedTailIndex());
            whole.evict(Integer.MAX_VALUE);

            PaymentBook restored = book(journal, ref, 1_000_000);
            id.lumbung.snapshot.Snapshots.Position at = snapshots.load(snapshots.newest(), journal, restored::readFrom);
            assertThat(at.sequence()).isLessThan(live.lastSequence());
            Journal.ReplayResult tail = journal.replayAfter(at.journalIndex(), at.sequence(), restored::replay, n -> { });
            restored.afterReplay(tail.lastSequence(), tail.discardedTailIndex());
            restored.evict(Integer.MAX_VALUE);
            assertThat(tail.entries()).isEqualTo(live.lastSequence() - at.sequence());

            assertThat(describe(ref, whole, terminalOf, posted)).isEqualTo(expected);
            assertThat(describe(ref, restored, terminalOf, posted)).isEqualTo(expected);
            assertThat(expected).anyMatch(x -> x.contains("/SETTLED/")).anyMatch(x -> x.contains("/VOIDED/"))
                    .anyMatch(x -> x.contains("/ACCEPTED/")).anyMatch(x -> x.equals("-"));
        }
    }

    /** Every sequence's status as its terminal sees it, every key's retry, and the book's totals. */
    private static List<String> describe(ReferenceData ref, PaymentBook book, java.util.Map<Long, Terminal> terminalOf,
            List<PaymentRequest> posted) {
        List<String> out = new ArrayList<>();
        for (long s = 1; s <= book.lastSequence(); s++) {
            Terminal t = terminalOf.get(s);
            PaymentView v = t == null ? null : book.status(s, t);
            out.add(v == null ? "-" : v.paymentId() + "/" + v.status() + "/" + v.batchId() + "/" + v.request());
        }
        for (PaymentRequest r : posted) {
            PostOutcome o = book.post(r, ref.terminal(r.terminalId()));
            out.add(o.result() + "/" + (o.payment() == null ? "" : o.payment().paymentId()));
        }
        out.add("unsettled " + book.unsettledPayments() + " " + book.unsettledRupiah() + " oldest "
                + book.oldestUnsettledEpochMs() + " retained " + book.retainedPayments() + " last " + book.lastSequence());
        return out;
    }
}
