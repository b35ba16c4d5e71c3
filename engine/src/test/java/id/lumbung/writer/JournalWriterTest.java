package id.lumbung.writer;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit: a command is completed only after a force that began after it executed (so its
 * entries, and all before them, are durable), in execution order, with the after-force work run
 * before the group's completions; a failed force stops the writer and acknowledges nothing more.
 */
class JournalWriterTest {
    private static final byte[] ENTRY = new byte[64];

    @TempDir
    Path dir;

    /** Counts executions on the writer and records, per force, how many had executed when it began. */
    private static final class Watch {
        final AtomicLong executed = new AtomicLong();
        /** Executions covered by the last finished force: every command up to it is durable. */
        final AtomicLong durable = new AtomicLong();
        final AtomicInteger forces = new AtomicInteger();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

        Consumer<Journal.SyncTarget> around(Journal journal, Random random) {
            return target -> {
                long upTo = executed.get();
                journal.sync(target);
                if (random.nextInt(4) == 0) {
                    sleepMicros(200 + random.nextInt(800)); // a slow disk now and then
                }
                durable.accumulateAndGet(upTo, Math::max);
                forces.incrementAndGet();
            };
        }
    }

    @Test
    void completesOnlyWhatAForceCoveredAndInOrder() throws Exception {
        Random random = new Random(0x10DB);
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.SYNC)) {
            Watch watch = new Watch();
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            AtomicLong lastCompleted = new AtomicLong();
            AtomicInteger windowsRun = new AtomicInteger();
            int producers = 4;
            int perProducer = 5_000;
            CountDownLatch done = new CountDownLatch(producers * perProducer);
            // the after-force work (closed windows to settlement) runs after the group's force, before its completions
            JournalWriter writer = new JournalWriter(journal, watch.around(journal, random),
                    new EngineMetrics(new SimpleMeterRegistry()), 1 << 20, () -> {
                        long at = watch.executed.get();
                        if (watch.durable.get() < at) {
                            watch.violations.add("after-force work at execution " + at + " ran before its force");
                        }
                        if (lastCompleted.get() >= at && at > 0) {
                            watch.violations.add("after-force work at execution " + at + " ran after the group's completions");
                        }
                        windowsRun.incrementAndGet();
                    }, () -> { }, (t, e) -> fatal.set(e));
            writer.start();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        JournalWriter.Command c = new JournalWriter.Command() {
                            long number;

                            @Override
                            public void execute() {
                                journal.append(ENTRY, ENTRY.length);
                                number = watch.executed.incrementAndGet();
                            }

                            @Override
                            public void complete() {
                                if (watch.durable.get() < number) {
                                    watch.violations.add("command " + number + " completed before a force covered it");
                                }
                                long previous = lastCompleted.getAndSet(number);
                                if (previous >= number) {
                                    watch.violations.add("command " + number + " completed after " + previous);
                                }
                                done.countDown();
                            }

                            @Override
                            public void abandon() {
                                watch.violations.add("command " + number + " abandoned by a journal that cannot be unavailable");
                            }
                        };
                        while (!writer.offer(c)) {
                            Thread.onSpinWait();
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("every command completed").isTrue();
            for (Thread t : threads) {
                t.join();
            }
            writer.close();
            assertThat(writer.stopped()).isTrue();
            assertThat(fatal.get()).isNull();
            assertThat(watch.violations).isEmpty();
            assertThat(lastCompleted.get()).isEqualTo((long) producers * perProducer);
            assertThat(windowsRun.get()).isPositive();
            // group commit: far fewer forces than commands
            assertThat(watch.forces.get()).isLessThan(producers * perProducer / 2);
        }
    }

    @Test
    void inAsyncAGroupWithACloseIsForcedBeforeItsWindowsGoToSettlement() throws Exception {
        // only groups with a close are forced in async (each close may share its group with payments,
        // and under load with another close: one force then covers both)
        assertThat(closesForcedBeforePublication(false)).isBetween(1, 3);
    }

    /**
     * Three closes in one group (the writer held in the group's first command while the rest
     * queue, as a descheduled writer thread under load would): one force covers them all before
     * their windows are published.
     */
    @Test
    void inAsyncSeveralClosesInOneGroupAreForcedOnceBeforeTheirWindowsGoToSettlement() throws Exception {
        assertThat(closesForcedBeforePublication(true)).isEqualTo(1);
    }

    /**
     * Journals 30 entries, every tenth a close, and checks at each publication of closed windows
     * (the after-force work) that the last force began after every close journaled so far.
     *
     * @param oneGroup hold the writer in the first command until all 30 are queued, so that they
     *     make one group; else a pause after each offer makes groups of their own now and then
     * @return the forces
     */
    private int closesForcedBeforePublication(boolean oneGroup) throws Exception {
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            AtomicInteger forced = new AtomicInteger();
            AtomicInteger closesAppended = new AtomicInteger();
            // closes appended when the last forced target was taken: the writer appends, forces and
            // publishes on its own thread, so this is exactly what the last force covers
            AtomicInteger closesForced = new AtomicInteger();
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            Consumer<Journal.SyncTarget> force = target -> {
                if (target != null && target.forcedUnder(Durability.ASYNC)) {
                    closesForced.set(closesAppended.get());
                    forced.incrementAndGet();
                }
                journal.sync(target);
            };
            // the after-force work publishes closed windows: every close journaled so far must be forced by then
            JournalWriter writer = new JournalWriter(journal, force, new EngineMetrics(new SimpleMeterRegistry()), 1 << 10,
                    () -> {
                        if (closesForced.get() < closesAppended.get()) {
                            violations.add("windows published with " + closesAppended.get() + " closes, "
                                    + closesForced.get() + " of them forced");
                        }
                    }, () -> { }, (t, e) -> { });
            writer.start();
            EntryCodec codec = new EntryCodec();
            CountDownLatch done = new CountDownLatch(30);
            CountDownLatch queued = new CountDownLatch(oneGroup ? 1 : 0);
            for (int i = 1; i <= 30; i++) {
                boolean close = i % 10 == 0;
                boolean first = i == 1;
                long sequence = i;
                writer.offer(new JournalWriter.Command() {
                    @Override
                    public void execute() {
                        if (first) {
                            await(queued);
                        }
                        if (close) {
                            journal.append(codec.buffer(), codec.encodeClose(sequence, 0, JournalEntry.TRIGGER_ADMIN, null));
                            closesAppended.incrementAndGet();
                        } else {
                            journal.append(ENTRY, ENTRY.length);
                        }
                    }

                    @Override
                    public void complete() {
                        done.countDown();
                    }

                    @Override
                    public void abandon() {
                        violations.add("a command abandoned by a journal that cannot be unavailable");
                    }
                });
                if (!oneGroup) {
                    Thread.sleep(1); // a group of its own now and then
                }
            }
            queued.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            writer.close();
            assertThat(violations).isEmpty();
            assertThat(closesAppended.get()).isEqualTo(3);
            return forced.get();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailedForceStopsTheWriterAndAcknowledgesNothingMore() throws Exception {
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.SYNC)) {
            AtomicInteger forces = new AtomicInteger();
            CountDownLatch fatalCalled = new CountDownLatch(1);
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            Consumer<Journal.SyncTarget> failing = target -> {
                if (forces.incrementAndGet() >= 3) {
                    throw new UncheckedIOException(new java.io.IOException("EIO (test)"));
                }
                journal.sync(target);
            };
            JournalWriter writer = new JournalWriter(journal, failing, new EngineMetrics(new SimpleMeterRegistry()),
                    1 << 20, () -> { }, () -> { }, (t, e) -> {
                        fatal.set(e);
                        fatalCalled.countDown();
                    });
            writer.start();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger executed = new AtomicInteger();
            AtomicInteger completedAfterFailure = new AtomicInteger();
            AtomicInteger abandoned = new AtomicInteger();
            for (int i = 0; i < 200 && fatalCalled.getCount() > 0; i++) {
                writer.offer(new JournalWriter.Command() {
                    @Override
                    public void execute() {
                        journal.append(ENTRY, ENTRY.length);
                        executed.incrementAndGet();
                    }

                    @Override
                    public void complete() {
                        if (forces.get() >= 3) {
                            completedAfterFailure.incrementAndGet();
                        }
                        completed.incrementAndGet();
                    }

                    @Override
                    public void abandon() {
                        abandoned.incrementAndGet();
                    }
                });
                Thread.sleep(1);
            }
            assertThat(fatalCalled.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fatal.get()).isInstanceOf(UncheckedIOException.class);
            assertThat(writer.offer(new JournalWriter.Command() {
                @Override
                public void execute() {
                }

                @Override
                public void complete() {
                }

                @Override
                public void abandon() {
                }
            })).as("no command taken after a failed force").isFalse();
            writer.close();
            assertThat(writer.stopped()).isTrue();
            assertThat(completedAfterFailure.get()).as("nothing acknowledged by the failed force").isZero();
            assertThat(completed.get()).isLessThan(executed.get());
            assertThat(abandoned.get()).as("a failed force is fatal: nothing is answered").isZero();
        }
    }

    private static void sleepMicros(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
