package id.lumbung.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import id.lumbung.metrics.EngineMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The commit delay: a group of two or more waits for more commands and one commit covers them; a
 * lone command is committed at once; without the delay the same arrivals make two commits; a stop
 * ends the wait; nothing is completed before the commit that covers it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JournalWriterCommitDelayTest {
    /** A group commit that records how many commands executed since the one before. */
    private static final class Groups implements GroupCommit {
        final AtomicInteger executed = new AtomicInteger();
        final AtomicInteger committed = new AtomicInteger();
        final List<Integer> sizes = new CopyOnWriteArrayList<>();

        @Override
        public boolean commit() {
            int n = executed.getAndSet(0);
            if (n == 0) {
                return false;
            }
            committed.addAndGet(n);
            sizes.add(n);
            return true;
        }
    }

    private final Groups groups = new Groups();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    private JournalWriter writer(int delayMicros) {
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        return new JournalWriter(groups, Timer.builder("t").register(new SimpleMeterRegistry()), metrics, 1024, () -> { },
                () -> { }, (t, e) -> fatal.set(e), null).commitDelayMicros(delayMicros);
    }

    private JournalWriter.Command command(CountDownLatch completed) {
        return new JournalWriter.Command() {
            int number;

            @Override
            public void execute() {
                number = groups.executed.incrementAndGet() + groups.committed.get();
            }

            @Override
            public void complete() {
                if (groups.committed.get() < number) {
                    violations.add("command " + number + " completed before a commit covered it");
                }
                completed.countDown();
            }

            @Override
            public void abandon() {
                violations.add("command " + number + " abandoned");
            }
        };
    }

    /** Two commands queued, the writer started, three more offered 100 ms later; all five awaited. */
    private void twoThenThree(JournalWriter writer) throws InterruptedException {
        CountDownLatch completed = new CountDownLatch(5);
        assertThat(writer.offer(command(completed))).isTrue();
        assertThat(writer.offer(command(completed))).isTrue();
        writer.start();
        Thread.sleep(100);
        for (int i = 0; i < 3; i++) {
            assertThat(writer.offer(command(completed))).isTrue();
        }
        assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
        writer.close();
    }

    @Test
    void aGroupOfTwoWaitsAndOneCommitCoversTheCommandsThatCameMeanwhile() throws Exception {
        twoThenThree(writer(1_000_000)); // 1 s: far longer than the 100 ms the three take to come
        assertThat(groups.sizes).containsExactly(5);
        assertThat(violations).isEmpty();
        assertThat(fatal.get()).isNull();
    }

    @Test
    void withoutTheDelayTheSameArrivalsMakeTwoCommits() throws Exception {
        twoThenThree(writer(0));
        assertThat(groups.sizes).containsExactly(2, 3);
        assertThat(violations).isEmpty();
    }

    @Test
    void aLoneCommandIsCommittedAtOnce() throws Exception {
        JournalWriter writer = writer(5_000_000); // 5 s
        writer.start();
        CountDownLatch completed = new CountDownLatch(1);
        long t0 = System.nanoTime();
        assertThat(writer.offer(command(completed))).isTrue();
        assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("ms to the answer").isLessThan(2_000);
        writer.close();
        assertThat(groups.sizes).containsExactly(1);
        assertThat(violations).isEmpty();
    }

    @Test
    void aStopEndsTheWaitAndTheGroupIsCommitted() throws Exception {
        JournalWriter writer = writer(20_000_000); // 20 s
        CountDownLatch completed = new CountDownLatch(2);
        writer.offer(command(completed));
        writer.offer(command(completed));
        writer.start();
        Thread.sleep(100); // the writer is in the delay
        long t0 = System.nanoTime();
        writer.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("ms to stop").isLessThan(5_000);
        assertThat(writer.stopped()).isTrue();
        assertThat(completed.getCount()).isZero();
        assertThat(groups.sizes).containsExactly(2);
        assertThat(violations).isEmpty();
    }

    @Test
    void theDelayIsSetBeforeTheStartAndIsNotNegative() {
        JournalWriter writer = writer(0);
        assertThatThrownBy(() -> writer.commitDelayMicros(-1)).isInstanceOf(IllegalArgumentException.class);
        writer.start();
        try {
            assertThatThrownBy(() -> writer.commitDelayMicros(100)).isInstanceOf(IllegalStateException.class);
        } finally {
            writer.close();
        }
    }
}
