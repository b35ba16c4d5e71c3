package id.lumbung.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import id.lumbung.config.Durability;
import id.lumbung.journal.Journal;
import id.lumbung.journal.JournalWriter;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.Terminal;
import id.lumbung.settlement.FeeSchedule;
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

/**
 * The lane between an event loop and the journal writer: every submitted slot is answered exactly
 * once, on the loop, after the writer posted it; slots are reused instead of allocated; a full
 * writer queue is answered at once; one answer that throws costs no other its answer.
 */
class PostLaneTest {
    @TempDir
    Path dir;

    private static ReferenceData reference() throws Exception {
        return ReferenceData.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    private static PaymentBook book(ReferenceData ref, Journal journal) {
        return new PaymentBook(ref, Clock.systemUTC(), journal, w -> { }, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE,
                new EngineMetrics(new SimpleMeterRegistry()));
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

    @Test
    void answersInOrderWithOneWakePerDrainAndReusesSlots() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, () -> { },
                    () -> { }, (th, e) -> { });
            Recorder answers = new Recorder();
            AtomicInteger wakes = new AtomicInteger();
            PostLane lane = new PostLane(book, writer, answers, wakes::incrementAndGet);
            // the writer's part by hand: execute and complete three slots, as one group would
            List<PostLane.Single> first = new ArrayList<>();
            for (String txn : List.of("a", "b", "a")) {
                PostLane.Single s = lane.single(t);
                fill(s.draft, t, txn);
                s.attachment = txn;
                s.execute();
                first.add(s);
            }
            first.forEach(PostLane.Slot::complete);
            assertThat(wakes.get()).as("one wake-up for the three").isEqualTo(1);
            lane.drain();
            assertThat(answers.answered).containsExactly("a=ACCEPTED@1", "b=ACCEPTED@2", "a=REPLAYED@1");
            assertThat(first.get(0).attachment).as("freed slots drop the loop's state").isNull();

            // freed slots come back instead of new ones
            Set<PostLane.Slot> again = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < 3; i++) {
                again.add(lane.single(t));
            }
            assertThat(again).containsExactlyInAnyOrderElementsOf(first);
            assertThat(lane.single(t)).isNotIn(first);

            // a batch, and a batch slot reused with a smaller body
            PostLane.Batch b = lane.batch(t, 3);
            fill(b.add(), t, "c");
            fill(b.add(), t, "b");
            b.items = 2;
            b.attachment = "batch";
            b.execute();
            b.complete();
            assertThat(wakes.get()).isEqualTo(2);
            lane.drain();
            assertThat(answers.answered.get(3)).isEqualTo("batch: ACCEPTED REPLAYED");
            assertThat(lane.batch(t, 1)).isSameAs(b);
        }
    }

    @Test
    void aFullWriterQueueIsAnsweredAtOnceAndAnEmptyBatchNeverReachesTheWriter() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            // not started: its queue of 16 fills
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, () -> { },
                    () -> { }, (th, e) -> { });
            Recorder answers = new Recorder();
            PostLane lane = new PostLane(book, writer, answers, () -> { });
            for (int i = 0; i < 17; i++) {
                PostLane.Single s = lane.single(t);
                fill(s.draft, t, "q" + i);
                s.attachment = "q" + i;
                lane.submit(s);
            }
            assertThat(answers.answered).containsExactly("q16=JOURNAL_UNAVAILABLE@0");
            assertThat(writer.queuedCommands()).isEqualTo(16);

            PostLane.Batch empty = lane.batch(t, 4);
            empty.items = 4; // every item refused by the loop's own checks
            lane.submit(empty);
            assertThat(answers.answered).last().isEqualTo("batch:");
            assertThat(writer.queuedCommands()).isEqualTo(16);
        }
    }

    @Test
    void anAnswerThatThrowsCostsNoOtherItsAnswer() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, () -> { },
                    () -> { }, (th, e) -> { });
            Recorder answers = new Recorder();
            answers.throwOn = "y";
            PostLane lane = new PostLane(book, writer, answers, () -> { });
            List<PostLane.Single> slots = new ArrayList<>();
            for (String txn : List.of("x", "y", "z")) {
                PostLane.Single s = lane.single(t);
                fill(s.draft, t, txn);
                s.attachment = txn;
                s.execute();
                s.complete();
                slots.add(s);
            }
            assertThatThrownBy(lane::drain).hasMessageContaining("answer of y failed");
            assertThat(answers.answered).containsExactly("x=ACCEPTED@1", "y=ACCEPTED@2", "z=ACCEPTED@3");
            Set<PostLane.Slot> reused = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < 3; i++) {
                reused.add(lane.single(t));
            }
            assertThat(reused).as("all three were freed").containsExactlyInAnyOrderElementsOf(slots);
        }
    }

    @Test
    void anErrorInAnAnswerCostsNoOtherItsAnswerEither() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, () -> { },
                    () -> { }, (th, e) -> { });
            Recorder answers = new Recorder();
            answers.errorOn = "x";
            answers.throwOn = "z";
            PostLane lane = new PostLane(book, writer, answers, () -> { });
            for (String txn : List.of("x", "y", "z")) {
                PostLane.Single s = lane.single(t);
                fill(s.draft, t, txn);
                s.attachment = txn;
                s.execute();
                s.complete();
            }
            assertThatThrownBy(lane::drain).isInstanceOf(AssertionError.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            assertThat(answers.answered).containsExactly("x=ACCEPTED@1", "y=ACCEPTED@2", "z=ACCEPTED@3");
        }
    }

    /** A burst of slots is not kept for good: at most FREE_SINGLES_MAX come back to the free list. */
    @Test
    void keepsAtMostItsCapOfFreeSlots() throws Exception {
        ReferenceData ref = reference();
        Terminal t = ref.terminal("T0000001");
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = book(ref, journal);
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, () -> { },
                    () -> { }, (th, e) -> { });
            PostLane lane = new PostLane(book, writer, new Recorder(), () -> { });
            int burst = PostLane.FREE_SINGLES_MAX + 100;
            Set<PostLane.Slot> first = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < burst; i++) {
                PostLane.Single s = lane.single(t);
                s.attachment = "b" + i;
                s.result.refused(PostOutcome.Result.JOURNAL_UNAVAILABLE);
                first.add(s);
                s.complete();
            }
            lane.drain();
            int reused = 0;
            for (int i = 0; i < burst; i++) {
                if (first.contains(lane.single(t))) {
                    reused++;
                }
            }
            assertThat(reused).isEqualTo(PostLane.FREE_SINGLES_MAX);
        }
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
