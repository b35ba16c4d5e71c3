package id.lumbung.writer;

import id.lumbung.core.journal.JournalUnavailableException;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * The one thread that owns the journal appender, with group commit: it drains every command that
 * arrived (up to {@link #GROUP_COMMANDS_MAX}), executes each (which may append entries), makes the
 * whole group durable at once ({@link GroupCommit#commit}: for Chronicle an fdatasync of the cycle
 * file), and only then completes them. One force therefore covers every entry that arrived while the
 * previous one ran, which is what keeps {@code sync} durability fast. A commit that fails throws: the
 * group is never completed, the writer stops and the fatal handler stops the engine.
 *
 * <p>With a {@linkplain #commitDelayMicros commit delay}, a group of two or more commands (others
 * are posting at the same moment) waits that long for more before its commit, as PostgreSQL's
 * {@code commit_delay} with {@code commit_siblings}: fewer, larger forces for the same payments,
 * which on two cores leaves more CPU to the event loops (docs/DECISIONS.md, Journal). A lone
 * command is committed at once; nothing is completed before its commit either way.
 *
 * <p>A journal that can fail without stopping the process (a replicated one whose commit was fenced
 * or failed) throws {@link JournalUnavailableException} instead. Then every command of the group and
 * every command still queued is {@linkplain Command#abandon abandoned} (answered as unavailable,
 * exactly once), later offers are refused, the writer stops and tells its owner ({@code
 * onUnavailable}), which rebuilds the core; the fatal handler is not told.
 *
 * <p>Event loops call {@link #offer}: lock-free, bounded by {@code queueCommandsMax}; a full queue
 * is answered at once as a retryable 503 by the caller. The queue is JCTools' bounded MPSC array
 * queue (the field-updater variant, no {@code sun.misc.Unsafe}), so an offer allocates nothing; its
 * array is allocated up front (the bound rounded up to a power of two: 256 KB at the default 65,536).
 * A command that throws is a bug or corruption: the writer stops and the fatal handler stops the
 * engine.
 */
public final class JournalWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JournalWriter.class.getName());
    /** Bounds one group: 4096 payments × ~100 bytes = 400 KB per force, still well under a millisecond to copy. */
    public static final int GROUP_COMMANDS_MAX = 4096;
    /** Idle work (disk check, retention sweep, gauges) runs at most this often: 10 ms keeps it far from the hot path. */
    private static final long IDLE_WORK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Busy-spin this long before parking: a new command usually arrives within a few microseconds under load. */
    private static final long SPIN_NS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);

    /** Work for the writer thread. */
    public interface Command {
        /** Runs on the writer thread; may append to the journal. */
        void execute();

        /** Runs on the writer thread once the group's entries are as durable as configured. */
        void complete();

        /**
         * Runs on the writer thread instead of {@link #complete} when the journal became unavailable
         * ({@link JournalUnavailableException}) before this command's group was durable, whether it
         * executed or not: nothing it appended is acknowledged. Answer as when the writer's queue is
         * full (JOURNAL_UNAVAILABLE, retryable). Abstract on purpose: a command with no answer here
         * would leave its caller waiting.
         */
        void abandon();
    }

    private final GroupCommit groupCommit;
    /** Times each group commit that forced or committed something. */
    private final Timer commitTimer;
    private final EngineMetrics metrics;
    private final Runnable afterForce;
    private final Runnable idleWork;
    private final Thread.UncaughtExceptionHandler fatal;
    /** Told once the journal became unavailable and every command was abandoned; null: that is fatal too. */
    private final Runnable onUnavailable;
    private final int queueCommandsMax;
    private final MpscAtomicArrayQueue<Command> queue;
    private final AtomicInteger queued = new AtomicInteger();
    private final Command[] group = new Command[GROUP_COMMANDS_MAX];
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;
    /** Set before {@link #start}; 0 commits each group as soon as it is drained. */
    private long commitDelayNs;

    /**
     * A writer over the Chronicle journal, its groups forced by {@link Journal#sync} and timed into
     * {@code lumbung.journal.sync.latency}.
     *
     * @param afterForce runs after each force, before completions (publishes closed windows)
     * @param idleWork runs at most every 10 ms on the writer thread
     * @param fatal told when a command throws; the writer has stopped by then
     */
    public JournalWriter(Journal journal, EngineMetrics metrics, int queueCommandsMax, Runnable afterForce,
            Runnable idleWork, Thread.UncaughtExceptionHandler fatal) {
        this(new ChronicleGroupCommit(journal), metrics.journalSync, metrics, queueCommandsMax, afterForce, idleWork,
                fatal, null);
    }

    /** @param force forces one target: {@link Journal#sync}, or in tests a wrapper that watches the forces */
    JournalWriter(Journal journal, Consumer<Journal.SyncTarget> force, EngineMetrics metrics, int queueCommandsMax,
            Runnable afterForce, Runnable idleWork, Thread.UncaughtExceptionHandler fatal) {
        this(new ChronicleGroupCommit(journal, force), metrics.journalSync, metrics, queueCommandsMax, afterForce,
                idleWork, fatal, null);
    }

    /**
     * A writer over any journal.
     *
     * @param groupCommit makes each group durable; made once, called once per group and once more at stop
     * @param commitTimer times each commit that forced or committed something
     * @param afterForce runs after each commit, before completions (publishes closed windows)
     * @param idleWork runs at most every 10 ms on the writer thread
     * @param fatal told when a command or a commit throws; the writer has stopped by then
     * @param onUnavailable told, on the writer thread, when the journal threw {@link
     *     JournalUnavailableException} and every command was abandoned; the writer has stopped taking
     *     commands by then, and its thread ends when this returns (so this must not wait for that
     *     thread: {@link #close} joins it). Null for a journal whose every failure stops the process
     *     (Chronicle's): that exception then goes to {@code fatal} like any other
     */
    public JournalWriter(GroupCommit groupCommit, Timer commitTimer, EngineMetrics metrics, int queueCommandsMax,
            Runnable afterForce, Runnable idleWork, Thread.UncaughtExceptionHandler fatal, Runnable onUnavailable) {
        this.groupCommit = groupCommit;
        this.commitTimer = commitTimer;
        this.metrics = metrics;
        this.queueCommandsMax = queueCommandsMax;
        // at least as large as the bound the counter enforces, so an offer the counter admitted always fits
        this.queue = new MpscAtomicArrayQueue<>(queueCommandsMax);
        this.afterForce = afterForce;
        this.idleWork = idleWork;
        this.fatal = fatal;
        this.onUnavailable = onUnavailable;
        this.thread = new Thread(this::run, "lumbung-journal-writer");
    }

    /**
     * Sets the commit delay (see the class comment): how long a group of two or more commands
     * waits for more before its commit. Before {@link #start} only.
     */
    public JournalWriter commitDelayMicros(int micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("commit delay must be >= 0 µs: " + micros);
        }
        if (thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("the commit delay is set before the writer starts");
        }
        commitDelayNs = TimeUnit.MICROSECONDS.toNanos(micros);
        return this;
    }

    public void start() {
        thread.start();
    }

    /**
     * Hands a command to the writer; false when the queue is full or the writer has stopped (answer
     * 503, retry later). A command it takes is completed or abandoned exactly once.
     */
    public boolean offer(Command command) {
        // counted before running is read: once the writer has cleared running, it sees every offer that
        // still read it set in this count, and waits for that command instead of leaving it unanswered
        if (queued.incrementAndGet() > queueCommandsMax || !running) {
            queued.decrementAndGet();
            return false;
        }
        if (!queue.offer(command)) { // cannot happen: the array holds at least queueCommandsMax, and the count bounds what is in it
            queued.decrementAndGet();
            return false;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    public int queuedCommands() {
        return queued.get();
    }

    public boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        long lastIdleNs = System.nanoTime();
        long idleSinceNs = -1;
        try {
            while (running || queued.get() > 0) {
                int n = drain(0);
                if (n > 0) {
                    if (n >= 2 && n < GROUP_COMMANDS_MAX && commitDelayNs > 0) {
                        n = gather(n);
                    }
                    commit(n);
                    idleSinceNs = -1;
                } else {
                    long now = System.nanoTime();
                    if (idleSinceNs < 0) {
                        idleSinceNs = now;
                    } else if (now - idleSinceNs > SPIN_NS) {
                        parked = true;
                        if (queue.isEmpty() && running) {
                            LockSupport.parkNanos(PARK_NS);
                        }
                        parked = false;
                    } else {
                        Thread.onSpinWait();
                    }
                }
                long now = System.nanoTime();
                if (now - lastIdleNs > IDLE_WORK_INTERVAL_NS) {
                    lastIdleNs = now;
                    idleWork.run();
                }
            }
            groupCommit.commit();
        } catch (Throwable t) {
            running = false;
            if (t instanceof JournalUnavailableException unavailable && onUnavailable != null) {
                abandonAll(unavailable);
            } else {
                fail(t);
            }
        }
    }

    private void fail(Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "event=journal_writer_failed error=\"" + t + "\"", t);
        fatal.uncaughtException(thread, t);
    }

    /**
     * Waits the commit delay (parked: an offer unparks only an idle writer, so no event loop pays
     * for a wake-up meanwhile; a stop ends the wait), then drains what arrived into the group after
     * its first {@code n}.
     */
    private int gather(int n) {
        long until = System.nanoTime() + commitDelayNs;
        for (long left = commitDelayNs; left > 0 && running; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return drain(n);
    }

    /** Takes queued commands into the group from index {@code from} and executes each; returns the group's size. */
    private int drain(int from) {
        int n = from;
        Command c;
        while (n < GROUP_COMMANDS_MAX && (c = queue.poll()) != null) {
            queued.decrementAndGet();
            group[n] = c; // before it executes: a command whose append meets an unavailable journal is abandoned too
            c.execute();
            n++;
        }
        return n;
    }

    /**
     * Abandons the group (its commands fill {@link #group} from the start up to the first null) and
     * every command an offer took, then tells the owner. Runs once {@code running} is cleared: an
     * offer that still read it set has already counted itself in {@link #queued}, so waiting for the
     * count to reach zero also abandons a command that is on its way into the queue. A command whose
     * abandon throws (a bug) costs no other its answer; the first such failure then goes to fatal.
     */
    private void abandonAll(JournalUnavailableException cause) {
        Throwable failure = null;
        int abandoned = 0;
        for (int i = 0; i < GROUP_COMMANDS_MAX && group[i] != null; i++) {
            failure = abandon(group[i], failure);
            group[i] = null;
            abandoned++;
        }
        while (queued.get() > 0) {
            Command c = queue.poll();
            if (c == null) { // counted by an offer, not yet in the queue
                Thread.onSpinWait();
                continue;
            }
            queued.decrementAndGet();
            failure = abandon(c, failure);
            abandoned++;
        }
        LOG.log(System.Logger.Level.WARNING, "event=journal_unavailable commands_abandoned=" + abandoned
                + " error=\"" + cause + "\"", cause);
        try {
            onUnavailable.run();
        } catch (Throwable t) {
            failure = first(failure, t);
        }
        if (failure != null) {
            fail(failure);
        }
    }

    private static Throwable abandon(Command c, Throwable failure) {
        try {
            c.abandon();
            return failure;
        } catch (Throwable t) { // an Error too: the commands after it must still be answered
            return first(failure, t);
        }
    }

    private static Throwable first(Throwable failure, Throwable t) {
        if (failure == null) {
            return t;
        }
        failure.addSuppressed(t);
        return failure;
    }

    /** Makes the group's entries durable (a commit that fails throws: nothing of the group is completed), then completes it. */
    private void commit(int n) {
        long t0 = System.nanoTime();
        if (groupCommit.commit()) {
            commitTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
        metrics.groupCommitEntries.record(n);
        afterForce.run();
        for (int i = 0; i < n; i++) {
            group[i].complete();
            group[i] = null;
        }
    }

    /** True once the writer thread has ended (after {@link #close}, unless it timed out). */
    public boolean stopped() {
        return !thread.isAlive();
    }

    /** Stops taking commands, finishes what is queued, commits the journal and waits for the thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
