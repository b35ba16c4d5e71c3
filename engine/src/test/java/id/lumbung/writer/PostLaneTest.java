package id.lumbung.writer;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lane between an event loop and the journal writer: every submitted slot is answered exactly
 * once, on the loop, after the writer posted it; slots are reused instead of allocated; a full
 * writer queue is answered at once; a journal that becomes unavailable answers every waiting slot
 * as a full queue would; one answer that throws costs no other its answer.
 */
class PostLaneTest {
    @TempDir
    Path dir;

    private static ReferenceData reference() throws Exception {
        return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    private static PaymentBook book(ReferenceData ref, Journal journal) {
        return new PaymentBook(ref, Clock.systemUTC(), journal, w -> { }, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
    }

    /** A minute before the test: inside the accepted window, and the same for a retry of the same payment. */
    private static final long OCCURRED_AT_MS = System.currentTimeMillis() - 60_000;

    private static void fill(PaymentDraft d, Terminal t, String txnId) {
        char[] txn = txnId.toCharArray();
        d.set(t.terminalId(), txn, txn.length, 15_000, "IDR", OCCURRED_AT_MS, 25_200, "QRIS",
                null, -1, null);
    }

    /** The loop's answers, recorded. */
    private static final class Recorder implements PostLane.Answers {
        final List<String> answered = new ArrayList<>();
        final List<PostLane.Slot> slots = new ArrayList<>();
        String throwOn;
        String errorOn;

        @Override
        public void answer(PostLane.Single slot) {
            String txn = (String) slot.attachment;
            slots.add(slot);
            answered.add(txn + "=" + slot.result.result() + "@" + slot.result.sequence());
            if (txn.equals(throwOn)) {
                throw new IllegalStateException("answer of " + txn + " failed");
            }
            if (txn.equals(errorOn)) {
                throw new AssertionError("answer of " + txn + " hit an Error");
            }
        }

        @Override
        public void answer(PostLane.Batch slot) {
            slots.add(slot);
            StringBuilder sb = new StringBuilder("batch:");
            for (int i = 0; i < slot.size(); i++) {
                sb.append(' ').append(slot.result(i).result());
            }
            answered.add(sb.toString());
        }
    }

    /**
     * A lane over a real book and journal, with a writer that is not started: the tests run the
     * writer's part (execute, then complete) by hand, or let its queue of 16 fill.
     */
    private final class Rig implements AutoCloseable {
        final ReferenceData ref = reference();
        final Terminal t = ref.terminal("T0000001");
        final Journal journal = new Journal(dir, Durability.ASYNC);
        final PaymentBook book = book(ref, journal);
        final JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16,
                () -> { }, () -> { }, (th, e) -> { });
        final Recorder answers = new Recorder();
        final AtomicInteger wakes = new AtomicInteger();
        final PostLane lane = new PostLane(book, writer, answers, wakes::incrementAndGet);

        Rig() throws Exception {
        }

        /** One slot per txnId, each executed and completed as the writer would, in order. */
        List<PostLane.Single> postedByHand(String... txnIds) {
            List<PostLane.Single> slots = new ArrayList<>();
            for (String txn : txnIds) {
                PostLane.Single s = lane.single(t);
                fill(s.draft, t, txn);
                s.attachment = txn;
                s.execute();
                slots.add(s);
            }
            slots.forEach(PostLane.Slot::complete);
            return slots;
        }

        /** The next n single slots the lane hands out. */
        Set<PostLane.Slot> take(int n) {
            Set<PostLane.Slot> taken = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < n; i++) {
                taken.add(lane.single(t));
            }
            return taken;
        }

        @Override
        public void close() {
            journal.close();
        }
    }

    @Test
    void answersInOrderWithOneWakePerDrainAndReusesSlots() throws Exception {
        try (Rig rig = new Rig()) {
            List<PostLane.Single> first = rig.postedByHand("a", "b", "a");
            assertThat(rig.wakes.get()).as("one wake-up for the three").isEqualTo(1);
            rig.lane.drain();
            assertThat(rig.answers.answered).containsExactly("a=ACCEPTED@1", "b=ACCEPTED@2", "a=REPLAYED@1");
            assertThat(first.get(0).attachment).as("freed slots drop the loop's state").isNull();

            // freed slots come back instead of new ones
            assertThat(rig.take(3)).containsExactlyInAnyOrderElementsOf(first);
            assertThat(rig.lane.single(rig.t)).isNotIn(first);

            // a batch, and a batch slot reused with a smaller body
            PostLane.Batch b = rig.lane.batch(rig.t, 3);
            fill(b.add(), rig.t, "c");
            fill(b.add(), rig.t, "b");
            b.items = 2;
            b.attachment = "batch";
            b.execute();
            b.complete();
            assertThat(rig.wakes.get()).isEqualTo(2);
            rig.lane.drain();
            assertThat(rig.answers.answered.get(3)).isEqualTo("batch: ACCEPTED REPLAYED");
            assertThat(rig.lane.batch(rig.t, 1)).isSameAs(b);
        }
    }

    @Test
    void aFullWriterQueueIsAnsweredAtOnceAndAnEmptyBatchNeverReachesTheWriter() throws Exception {
        try (Rig rig = new Rig()) {
            for (int i = 0; i < 17; i++) {
                PostLane.Single s = rig.lane.single(rig.t);
                fill(s.draft, rig.t, "q" + i);
                s.attachment = "q" + i;
                rig.lane.submit(s);
            }
            assertThat(rig.answers.answered).containsExactly("q16=JOURNAL_UNAVAILABLE@0");
            assertThat(rig.writer.queuedCommands()).isEqualTo(16);

            PostLane.Batch empty = rig.lane.batch(rig.t, 4);
            empty.items = 4; // every item refused by the loop's own checks
            rig.lane.submit(empty);
            assertThat(rig.answers.answered).last().isEqualTo("batch:");
            assertThat(rig.writer.queuedCommands()).isEqualTo(16);
        }
    }

    @Test
    void anAnswerThatThrowsCostsNoOtherItsAnswer() throws Exception {
        try (Rig rig = new Rig()) {
            rig.answers.throwOn = "y";
            List<PostLane.Single> slots = rig.postedByHand("x", "y", "z");
            assertThatThrownBy(rig.lane::drain).hasMessageContaining("answer of y failed");
            assertThat(rig.answers.answered).containsExactly("x=ACCEPTED@1", "y=ACCEPTED@2", "z=ACCEPTED@3");
            assertThat(rig.take(3)).as("all three were freed").containsExactlyInAnyOrderElementsOf(slots);
        }
    }

    @Test
    void anErrorInAnAnswerCostsNoOtherItsAnswerEither() throws Exception {
        try (Rig rig = new Rig()) {
            rig.answers.errorOn = "x";
            rig.answers.throwOn = "z";
            List<PostLane.Single> slots = rig.postedByHand("x", "y", "z");
            assertThatThrownBy(rig.lane::drain).isInstanceOf(AssertionError.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            assertThat(rig.answers.answered).containsExactly("x=ACCEPTED@1", "y=ACCEPTED@2", "z=ACCEPTED@3");
            assertThat(rig.take(3)).as("all three were freed").containsExactlyInAnyOrderElementsOf(slots);
        }
    }

    /** A burst of slots is not kept for good: at most FREE_SINGLES_MAX come back to the free list. */
    @Test
    void keepsAtMostItsCapOfFreeSlots() throws Exception {
        try (Rig rig = new Rig()) {
            int burst = PostLane.FREE_SINGLES_MAX + 100;
            Set<PostLane.Slot> first = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < burst; i++) {
                PostLane.Single s = rig.lane.single(rig.t);
                s.attachment = "b" + i;
                s.result.refused(PostOutcome.Result.JOURNAL_UNAVAILABLE);
                first.add(s);
                s.complete();
            }
            rig.lane.drain();
            Set<PostLane.Slot> again = rig.take(burst);
            again.retainAll(first);
            assertThat(again).hasSize(PostLane.FREE_SINGLES_MAX);
        }
    }

    /**
     * A running writer whose journal becomes unavailable while one slot is in its group and a batch
     * and another single wait in its queue: each payment is answered JOURNAL_UNAVAILABLE, as the
     * full-queue path answers it (HttpIngest: 503 with Retry-After, per item in a batch), exactly
     * once, on the loop; every slot comes back to the lane; and a payment submitted afterwards is
     * refused at once without reaching the writer.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aJournalThatBecomesUnavailableAnswersEveryWaitingPaymentAndTheLaneThenRefusesAtOnce() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            GroupCommit chronicle = new ChronicleGroupCommit(journal);
            java.util.concurrent.CountDownLatch committing = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean();
            GroupCommit failing = () -> {
                if (fail.get()) {
                    committing.countDown();
                    awaitOrFail(release);
                    throw new id.lumbung.core.journal.JournalUnavailableException("commit fenced (test)", null);
                }
                return chronicle.commit();
            };
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            java.util.concurrent.CountDownLatch unavailable = new java.util.concurrent.CountDownLatch(1);
            EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
            JournalWriter writer = new JournalWriter(failing, metrics.journalSync, metrics, 16, () -> { }, () -> { },
                    (th, e) -> fatal.set(e), unavailable::countDown);
            Recorder answers = new Recorder();
            AtomicInteger wakes = new AtomicInteger();
            // this test's thread is the loop: it drains once the writer has woken it
            PostLane lane = new PostLane(book, writer, answers, wakes::incrementAndGet);
            writer.start();
            try {
                submitSingle(lane, t, "p0");
                awaitWakes(wakes, 1);
                lane.drain();
                assertThat(answers.answered).containsExactly("p0=ACCEPTED@1");

                fail.set(true);
                PostLane.Single s1 = submitSingle(lane, t, "s1");
                awaitOrFail(committing); // s1 is in the group being committed
                PostLane.Batch b = lane.batch(t, 3);
                fill(b.add(), t, "b1");
                fill(b.add(), t, "b2");
                b.items = 3; // the third item refused by the loop's own checks
                b.attachment = "batch";
                lane.submit(b);
                PostLane.Single s2 = submitSingle(lane, t, "s2");
                assertThat(writer.queuedCommands()).isEqualTo(2);
                release.countDown();
                awaitOrFail(unavailable);
                awaitWakes(wakes, 2);
                lane.drain();

                assertThat(fatal.get()).isNull();
                assertThat(answers.answered).containsExactly("p0=ACCEPTED@1", "s1=JOURNAL_UNAVAILABLE@0",
                        "batch: JOURNAL_UNAVAILABLE JOURNAL_UNAVAILABLE", "s2=JOURNAL_UNAVAILABLE@0");
                // every slot is back on the lane's free lists (s1 is p0's, reused)
                Set<PostLane.Slot> singles = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (int i = 0; i < 2; i++) {
                    singles.add(lane.single(t));
                }
                assertThat(singles).containsExactlyInAnyOrder(s1, s2);
                assertThat(lane.batch(t, 1)).isSameAs(b);

                // afterwards: refused at once, on the loop, without a trip to the writer
                int wakesBefore = wakes.get();
                submitSingle(lane, t, "s3");
                assertThat(answers.answered).last().isEqualTo("s3=JOURNAL_UNAVAILABLE@0");
                assertThat(writer.queuedCommands()).isZero();
                assertThat(wakes.get()).isEqualTo(wakesBefore);
            } finally {
                release.countDown();
                writer.close();
            }
        }
    }

    private static PostLane.Single submitSingle(PostLane lane, Terminal t, String txn) {
        PostLane.Single s = lane.single(t);
        fill(s.draft, t, txn);
        s.attachment = txn;
        lane.submit(s);
        return s;
    }

    private static void awaitOrFail(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).as("waited 20 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitWakes(AtomicInteger wakes, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (wakes.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(wakes.get()).as("wake-ups").isGreaterThanOrEqualTo(n);
    }

    /**
     * Real threads: a running writer and a single-threaded "loop" posting 20,000 payments with at
     * most 64 in flight; every payment is answered exactly once, on the loop, and the loop never
     * holds more slots than it had in flight (no slot leaks, no lost wake-up).
     */
    @Test
    void everyPostIsAnsweredOnceOnTheLoopUnderARunningWriter() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        int total = 20_000;
        int inFlightMax = 64;
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 1024, () -> { },
                    () -> { }, (th, e) -> fatal.set(e));
            writer.start();
            Set<Long> sequences = new HashSet<>();
            Set<PostLane.Slot> distinctSlots = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            AtomicReference<String> wrong = new AtomicReference<>();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(total);
            int[] posted = {0};
            int[] inFlight = {0};
            PostLane[] lane = new PostLane[1];
            Runnable[] postMore = new Runnable[1];
            PostLane.Answers answers = new PostLane.Answers() {
                @Override
                public void answer(PostLane.Single slot) {
                    if (!Thread.currentThread().getName().equals("test-loop")) {
                        wrong.set("answered on " + Thread.currentThread().getName());
                    }
                    if (slot.result.result() != PostOutcome.Result.ACCEPTED || !sequences.add(slot.result.sequence())) {
                        wrong.set("slot " + slot.attachment + ": " + slot.result.result() + " " + slot.result.sequence());
                    }
                    inFlight[0]--;
                    done.countDown();
                }

                @Override
                public void answer(PostLane.Batch slot) {
                    wrong.set("no batch was posted");
                }
            };
            postMore[0] = () -> {
                while (inFlight[0] < inFlightMax && posted[0] < total) {
                    PostLane.Single s = lane[0].single(t);
                    distinctSlots.add(s);
                    String txn = "p" + posted[0]++;
                    fill(s.draft, t, txn);
                    s.attachment = txn;
                    inFlight[0]++;
                    lane[0].submit(s);
                }
            };
            lane[0] = new PostLane(book, writer, answers, () -> loop.execute(() -> {
                lane[0].drain();
                postMore[0].run();
            }));
            loop.execute(postMore[0]);
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all answered; %s left", done.getCount()).isTrue();
            writer.close();
            assertThat(fatal.get()).isNull();
            assertThat(wrong.get()).isNull();
            assertThat(sequences).hasSize(total);
            assertThat(distinctSlots.size()).as("slots allocated").isLessThanOrEqualTo(inFlightMax);
            assertThat(book.retainedPayments()).isEqualTo(total);
        } finally {
            loop.shutdownNow();
        }
    }
}
