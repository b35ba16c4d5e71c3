package id.lumbung.writer;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalUnavailableException;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal that fails without stopping the process ({@link JournalUnavailableException}): the
 * writer answers every command of the failed group and every command queued behind it exactly once
 * by abandoning it, completes none of them, takes no more, and tells its owner instead of the fatal
 * handler. Any other failure is still fatal, and answers nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalWriterUnavailableTest {
    private static final String WRITER_THREAD = "lumbung-journal-writer";

    /** A command that counts what the writer did with it. */
    private static final class Probe implements JournalWriter.Command {
        final String name;
        final AtomicInteger executed = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();
        final ConcurrentLinkedQueue<String> abandonedOn = new ConcurrentLinkedQueue<>();
        final CountDownLatch answered = new CountDownLatch(1);
        Runnable onExecute = () -> { };

        Probe(String name) {
            this.name = name;
        }

        @Override
        public void execute() {
            executed.incrementAndGet();
            onExecute.run();
        }

        @Override
        public void complete() {
            completed.incrementAndGet();
            answered.countDown();
        }

        @Override
        public void abandon() {
            abandoned.incrementAndGet();
            abandonedOn.add(Thread.currentThread().getName());
            answered.countDown();
        }

        int answers() {
            return completed.get() + abandoned.get();
        }

        @Override
        public String toString() {
            return name + "(executed " + executed + ", completed " + completed + ", abandoned " + abandoned + ")";
        }
    }

    /** What the writer told its owner and its fatal handler. */
    private static final class Owner {
        final AtomicInteger unavailable = new AtomicInteger();
        final CountDownLatch told = new CountDownLatch(1);
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        /** The probes abandoned when the owner was told: every one must be answered before. */
        final List<Probe> watched = new ArrayList<>();
        volatile int abandonedWhenTold = -1;

        JournalWriter writer(GroupCommit commit) {
            return new JournalWriter(commit, new EngineMetrics(new SimpleMeterRegistry()).journalSync,
                    new EngineMetrics(new SimpleMeterRegistry()), 1 << 10, () -> { }, () -> { }, (t, e) -> {
                        fatal.set(e);
                        told.countDown();
                    }, () -> {
                        abandonedWhenTold = watched.stream().mapToInt(p -> p.abandoned.get()).sum();
                        unavailable.incrementAndGet();
                        told.countDown();
                    });
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).as("waited 20 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUnavailableCommitAbandonsItsGroupAndTheQueueOnceAndTellsTheOwnerNotFatal() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        CountDownLatch committingThird = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit commit = () -> {
            if (commits.incrementAndGet() == 3) {
                committingThird.countDown();
                await(release);
                throw new JournalUnavailableException("commit fenced (test)", null);
            }
            return true;
        };
        Owner owner = new Owner();
        JournalWriter writer = owner.writer(commit);
        writer.start();
        try {
            Probe a1 = new Probe("a1");
            Probe a2 = new Probe("a2");
            for (Probe a : List.of(a1, a2)) { // groups 1 and 2, committed
                assertThat(writer.offer(a)).isTrue();
                await(a.answered);
            }
            // group 3: b1 holds the writer in its execution until b2 and b3 are queued, so the three make one group
            CountDownLatch bQueued = new CountDownLatch(1);
            Probe b1 = new Probe("b1");
            b1.onExecute = () -> await(bQueued);
            Probe b2 = new Probe("b2");
            Probe b3 = new Probe("b3");
            List<Probe> group = List.of(b1, b2, b3);
            for (Probe b : group) {
                assertThat(writer.offer(b)).isTrue();
            }
            bQueued.countDown();
            await(committingThird);
            // queued while the writer is in the group's commit
            List<Probe> queued = List.of(new Probe("c1"), new Probe("c2"), new Probe("c3"), new Probe("c4"));
            for (Probe c : queued) {
                assertThat(writer.offer(c)).isTrue();
            }
            assertThat(writer.queuedCommands()).isEqualTo(4);
            owner.watched.addAll(group);
            owner.watched.addAll(queued);
            release.countDown();
            await(owner.told);

            assertThat(owner.fatal.get()).as("fatal").isNull();
            assertThat(owner.unavailable.get()).as("owner told").isEqualTo(1);
            assertThat(owner.abandonedWhenTold).as("abandoned before the owner was told").isEqualTo(7);
            for (Probe a : List.of(a1, a2)) {
                assertThat(a.completed.get()).as(a.name).isEqualTo(1);
                assertThat(a.abandoned.get()).as(a.name).isZero();
            }
            for (Probe b : group) {
                assertThat(b.executed.get()).as(b.name).isEqualTo(1);
                assertThat(b.completed.get()).as(b.name).isZero();
                assertThat(b.abandoned.get()).as(b.name).isEqualTo(1);
                assertThat(b.abandonedOn).as(b.name).containsExactly(WRITER_THREAD);
            }
            for (Probe c : queued) {
                assertThat(c.executed.get()).as(c.name).isZero();
                assertThat(c.completed.get()).as(c.name).isZero();
                assertThat(c.abandoned.get()).as(c.name).isEqualTo(1);
                assertThat(c.abandonedOn).as(c.name).containsExactly(WRITER_THREAD);
            }
            Probe late = new Probe("late");
            assertThat(writer.offer(late)).as("an offer after the journal became unavailable").isFalse();
            assertThat(writer.queuedCommands()).isZero();
            writer.close();
            assertThat(writer.stopped()).isTrue();
            assertThat(late.executed.get() + late.answers()).isZero();
            assertThat(commits.get()).as("no commit after the failed one, not even at stop").isEqualTo(3);
        } finally {
            release.countDown();
            writer.close();
        }
    }

    /**
     * A replicated journal can refuse an append too (its producer already fenced): the command
     * whose execution threw is abandoned with the ones executed before it and the ones queued.
     */
    @Test
    void aCommandWhoseAppendMeetsAnUnavailableJournalIsAbandonedWithItsGroupAndTheQueue() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        Owner owner = new Owner();
        JournalWriter writer = owner.writer(() -> {
            commits.incrementAndGet();
            return true;
        });
        writer.start();
        try {
            CountDownLatch queuedAll = new CountDownLatch(1);
            Probe d1 = new Probe("d1");
            d1.onExecute = () -> await(queuedAll);
            Probe d2 = new Probe("d2");
            d2.onExecute = () -> {
                throw new JournalUnavailableException("send refused: producer fenced (test)", null);
            };
            Probe d3 = new Probe("d3");
            List<Probe> all = List.of(d1, d2, d3);
            owner.watched.addAll(all);
            for (Probe d : all) {
                assertThat(writer.offer(d)).isTrue();
            }
            queuedAll.countDown();
            await(owner.told);

            assertThat(owner.fatal.get()).as("fatal").isNull();
            assertThat(owner.unavailable.get()).isEqualTo(1);
            assertThat(owner.abandonedWhenTold).isEqualTo(3);
            assertThat(all).allSatisfy(d -> {
                assertThat(d.completed.get()).as(d.name).isZero();
                assertThat(d.abandoned.get()).as(d.name).isEqualTo(1);
            });
            assertThat(d3.executed.get()).as("d3 was still queued").isZero();
            assertThat(commits.get()).isZero();
            assertThat(writer.offer(new Probe("late"))).isFalse();
        } finally {
            writer.close();
        }
    }

    /** Any other failure of a commit is fatal as before: nothing of the group or the queue is answered. */
    @Test
    void anotherFailureOfTheCommitIsFatalAndAnswersNothing() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        CountDownLatch committingSecond = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Owner owner = new Owner();
        JournalWriter writer = owner.writer(() -> {
            if (commits.incrementAndGet() == 2) {
                committingSecond.countDown();
                await(release);
                throw new UncheckedIOException(new java.io.IOException("EIO (test)"));
            }
            return true;
        });
        writer.start();
        try {
            Probe a1 = new Probe("a1");
            assertThat(writer.offer(a1)).isTrue();
            await(a1.answered);
            Probe b1 = new Probe("b1");
            assertThat(writer.offer(b1)).isTrue();
            await(committingSecond);
            Probe c1 = new Probe("c1");
            assertThat(writer.offer(c1)).isTrue();
            release.countDown();
            await(owner.told);

            assertThat(owner.fatal.get()).isInstanceOf(UncheckedIOException.class);
            assertThat(owner.unavailable.get()).as("owner told").isZero();
            assertThat(a1.completed.get()).isEqualTo(1);
            assertThat(b1.executed.get()).isEqualTo(1);
            assertThat(b1.answers()).as("b1 answered").isZero();
            assertThat(c1.executed.get() + c1.answers()).as("c1 run or answered").isZero();
            assertThat(writer.offer(new Probe("late"))).isFalse();
        } finally {
            release.countDown();
            writer.close();
        }
    }

    /** A writer built without an owner (Chronicle's) treats even this exception as fatal. */
    @Test
    void withoutAnOwnerAnUnavailableJournalIsFatal(@TempDir Path dir) throws Exception {
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            CountDownLatch fatalCalled = new CountDownLatch(1);
            JournalWriter writer = new JournalWriter(journal, target -> {
                throw new JournalUnavailableException("cannot happen to Chronicle (test)", null);
            }, new EngineMetrics(new SimpleMeterRegistry()), 1 << 10, () -> { }, () -> { }, (t, e) -> {
                fatal.set(e);
                fatalCalled.countDown();
            });
            writer.start();
            Probe p = new Probe("p");
            p.onExecute = () -> journal.append(new byte[64], 64);
            assertThat(writer.offer(p)).isTrue();
            await(fatalCalled);
            writer.close();
            assertThat(fatal.get()).isInstanceOf(JournalUnavailableException.class);
            assertThat(p.answers()).isZero();
        }
    }

    /**
     * Producers keep offering while the journal becomes unavailable: every command an offer took is
     * answered exactly once (completed or abandoned), including one whose offer raced the writer's
     * stop; every other offer was refused.
     */
    @Test
    void everyOfferTakenIsAnsweredExactlyOnceWhileTheJournalBecomesUnavailable() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        Owner owner = new Owner();
        JournalWriter writer = owner.writer(() -> {
            if (commits.incrementAndGet() == 200) {
                throw new JournalUnavailableException("commit failed (test)", null);
            }
            return true;
        });
        writer.start();
        int producers = 4;
        List<ConcurrentLinkedQueue<Probe>> taken = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int p = 0; p < producers; p++) {
                ConcurrentLinkedQueue<Probe> mine = new ConcurrentLinkedQueue<>();
                taken.add(mine);
                int producer = p;
                Thread t = new Thread(() -> {
                    // until the owner is told, then a little longer: offers racing the stop
                    int refusedAfter = 0;
                    for (int i = 0; refusedAfter < 1_000; i++) {
                        Probe probe = new Probe("p" + producer + "-" + i);
                        if (writer.offer(probe)) {
                            mine.add(probe);
                        } else if (owner.told.getCount() == 0) {
                            refusedAfter++;
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            await(owner.told);
            writer.close();
            assertThat(owner.fatal.get()).isNull();
            assertThat(owner.unavailable.get()).isEqualTo(1);
            long abandoned = 0;
            for (ConcurrentLinkedQueue<Probe> mine : taken) {
                for (Probe p : mine) {
                    assertThat(p.answers()).as(p.toString()).isEqualTo(1);
                    abandoned += p.abandoned.get();
                }
            }
            assertThat(abandoned).as("commands abandoned").isPositive();
        } finally {
            writer.close();
        }
    }
}
