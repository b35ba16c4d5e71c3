package id.lumbung.core.payment;

import id.lumbung.config.Durability;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention sweep against a closed window that settlement has not read yet (found by the
 * life-cycle simulator, seed 3: payments older than the retention, settled by a close, were
 * forgotten by the writer's sweep while the settlement thread was still reading the window, and
 * the batch missed them). A settled payment is forgotten only once its window has been read.
 */
class RetentionAfterCloseTest {
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    /** A sink that keeps the windows and says how far settlement has read them, as Settlement does. */
    private static final class Sink implements WindowSink {
        final List<ClosedWindow> windows = new ArrayList<>();
        long read;

        @Override
        public void onWindowClosed(ClosedWindow window) {
            windows.add(window);
        }

        // no @Override: the sink's report of the last close whose window settlement has read
        public long settledCloseSequence() {
            return read;
        }
    }

    private final ReferenceData ref;
    private final Terminal t;
    private final PaymentBookTest.MutableClock clock = new PaymentBookTest.MutableClock();
    private final Sink sink = new Sink();

    RetentionAfterCloseTest() throws Exception {
        ref = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        t = ref.terminal("T0000001");
    }

    /** A book on the demo data that retains payments 7 days, at most 1,000 of them. */
    private PaymentBook book(Journal journal) {
        return new PaymentBook(ref, clock, journal, sink, 7 * DAY_MS, 1000);
    }

    /** A payment of T0000001 occurring now on the test's clock. */
    private PaymentRequest request(String txnId, long amount) {
        return new PaymentRequest("T0000001", txnId, amount, "IDR", clock.millis(), 25_200, "QRIS", null, null);
    }

    @Test
    void aSweepBeforeSettlementReadsTheWindowLeavesItsPayments(@TempDir Path dir) throws Exception {
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(journal);
            for (int i = 1; i <= 3; i++) {
                PaymentRequest r = request("old-" + i, 100L * i);
                assertThat(book.post(r, t).result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            }
            // no close for eight days: the first close settles payments already past the retention
            clock.nowMs += 8 * DAY_MS;
            assertThat(book.close(-1, id.lumbung.core.journal.JournalEntry.TRIGGER_ADMIN)).isTrue();
            book.publishWindows();
            long closeSequence = book.lastSequence();

            // the writer's sweep runs (every 10 ms) before the settlement thread has read the window
            assertThat(book.evict(1000)).as("nothing forgotten before its window is read").isZero();
            long[] seen = new long[2];
            sink.windows.get(0).payments().forEach((coop, trader, amount) -> {
                seen[0]++;
                seen[1] += amount;
            });
            assertThat(seen).containsExactly(3, 600);

            sink.read = closeSequence;
            assertThat(book.evict(1000)).as("forgotten once the window is read").isEqualTo(3);
            assertThat(book.retainedPayments()).isZero();
        }
    }

    /**
     * A key forgotten by the retention sweep may be taken again by a new payment (a terminal that
     * reuses its transaction ids after a week): live this is a new payment, so replay, which has no
     * sweep, must forget the earlier payment at that point too rather than call the repeat
     * corruption (found by the life-cycle simulator, seed 3: the engine could not start again).
     */
    @Test
    void aKeyTakenAgainAfterRetentionReplays(@TempDir Path dir) throws Exception {
        sink.read = Long.MAX_VALUE;
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook live = book(journal);
            PaymentRequest first = request("rrn-1", 100);
            PostOutcome a = live.post(first, t);
            assertThat(live.close(-1, id.lumbung.core.journal.JournalEntry.TRIGGER_ADMIN)).isTrue();
            clock.nowMs += 8 * DAY_MS;
            assertThat(live.evict(1000)).isEqualTo(1);
            PaymentRequest again = request("rrn-1", 250);
            PostOutcome b = live.post(again, t);
            assertThat(b.result()).isEqualTo(PostOutcome.Result.ACCEPTED);

            PaymentBook replayed = book(journal);
            Journal.ReplayResult r = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r.lastSequence(), r.discardedTailIndex());
            assertThat(replayed.post(again, t).payment().sequence()).isEqualTo(b.payment().sequence());
            assertThat(replayed.post(again, t).result()).isEqualTo(PostOutcome.Result.REPLAYED);
            assertThat(replayed.status(a.payment().sequence(), t)).as("forgotten, as live").isNull();
            assertThat(replayed.retainedPayments()).isEqualTo(live.retainedPayments()).isEqualTo(1);
        }
    }
}
