package id.lumbung.writer;

import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.reference.Terminal;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way payments reach the journal writer, for HTTP (one lane per event loop) and ISO 8583
 * (one lane per connection, on its loop), without allocating per payment (STYLE.md: the hot path
 * allocates nothing once warm). The loop takes a reused slot
 * ({@link #single}, {@link #batch}), fills its {@link PaymentDraft}s, and {@link #submit}s it; the
 * writer posts it into the slot's {@link PostResult}s and, once the group is as durable as
 * configured, hands it back; the loop answers from it in {@link #drain} and the slot returns to the
 * loop's free list.
 *
 * <p>The way back allocates nothing per payment either: the writer pushes finished slots onto an
 * intrusive stack (one compare-and-set, the slot itself is the node) and wakes the loop only when
 * no wake-up is already pending, so the loop gets one task per group, not one per payment. The
 * loop clears the pending flag before it takes the stack, so a slot pushed after the take always
 * brings a new wake-up.
 *
 * <p>Slots, once returned, are reused: a loop has as many as it has posts in flight (bounded by its
 * connections and the writer's queue), allocated while it warms up.
 */
public final class PostLane {
    /** What the loop does with a finished slot (answer the terminal); runs on the loop, before the slot is reused. */
    public interface Answers {
        void answer(Single slot);

        void answer(Batch slot);
    }

    /** Schedules {@link #drain} on the lane's event loop. */
    public interface Wake {
        void wake();
    }

    /**
     * The wake-up of a lane served by event loop {@code loop}: it runs {@code drain} on that loop
     * without allocating. runOnContext would wrap its handler in a new task per call (one per group
     * commit, so per payment under light load); this task is made once and dispatched on the
     * context as runOnContext would (Vert.x's internal API, 5.0.7).
     */
    public static Wake wakeOn(Context loop, Runnable drain) {
        ContextInternal internal = (ContextInternal) loop;
        Runnable drainOnLoop = () -> internal.dispatch(drain);
        return () -> internal.executor().execute(drainOnLoop);
    }

    /** What posts a slot's drafts, on the writer thread: the {@link PaymentBook}. */
    public interface Poster {
        void post(PaymentDraft draft, Terminal terminal, PostResult out);

        void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out);
    }

    /**
     * Where filled slots go: the journal writer's queue, which runs each slot ({@link Slot#execute})
     * and, once its group is as durable as configured, completes it ({@link Slot#complete}), or
     * abandons it when the journal became unavailable first ({@link Slot#abandon}); false when it
     * cannot take the slot (full or stopped).
     */
    public interface Queue {
        boolean offer(Slot slot);
    }

    private final Poster poster;
    private final Queue queue;
    private final Answers answers;
    private final Wake wake;
    /**
     * Free slots kept per lane at most: enough for the posts a loop has in flight in steady state;
     * slots beyond them (a burst of connections) are left to the collector when answered, so a
     * lane does not hold a burst's memory for good (a batch slot of 1,000 items is ~180 KB).
     */
    static final int FREE_SINGLES_MAX = 4096;
    static final int FREE_BATCHES_MAX = 64;
    /** Loop only: free slots, linked through {@link Slot#next}, and how many. */
    private Single freeSingles;
    private Batch freeBatches;
    private int freeSingleCount;
    private int freeBatchCount;
    /** Slots the writer finished, newest first, linked through {@link Slot#next}. */
    private final AtomicReference<Slot> finished = new AtomicReference<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();

    /** A lane posting into {@code book} through {@code writer}: the engine's. */
    public PostLane(PaymentBook book, JournalWriter writer, Answers answers, Wake wake) {
        this(new Poster() {
            @Override
            public void post(PaymentDraft draft, Terminal terminal, PostResult out) {
                book.post(draft, terminal, out);
            }

            @Override
            public void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out) {
                book.postAll(drafts, n, terminal, out);
            }
        }, writer::offer, answers, wake);
    }

    public PostLane(Poster poster, Queue queue, Answers answers, Wake wake) {
        this.poster = poster;
        this.queue = queue;
        this.answers = answers;
        this.wake = wake;
    }

    /** A free slot for one payment of this (authenticated) terminal (loop only). */
    public Single single(Terminal terminal) {
        Single s = freeSingles;
        if (s == null) {
            s = new Single(this);
        } else {
            freeSingles = (Single) s.next;
            s.next = null;
            freeSingleCount--;
        }
        s.terminal = terminal;
        return s;
    }

    /** A free slot for a batch of this terminal with at most {@code capacity} payments (loop only). */
    public Batch batch(Terminal terminal, int capacity) {
        Batch b = freeBatches;
        if (b == null) {
            b = new Batch(this);
        } else {
            freeBatches = (Batch) b.next;
            b.next = null;
            freeBatchCount--;
        }
        b.ensureCapacity(capacity);
        b.size = 0;
        b.items = 0;
        b.terminal = terminal;
        return b;
    }

    /**
     * Hands a filled slot to the writer (loop only). When the writer's queue is full or it has
     * stopped, every payment of the slot is JOURNAL_UNAVAILABLE and the slot is answered at once.
     */
    public void submit(Slot slot) {
        if (slot.nothingToPost()) {
            answerAndFree(slot);
        } else if (!queue.offer(slot)) {
            slot.refuseAll(PostOutcome.Result.JOURNAL_UNAVAILABLE);
            answerAndFree(slot);
        }
    }

    /** Writer thread: a slot whose group is durable, or that was abandoned. */
    void finished(Slot slot) {
        Slot head;
        do {
            head = finished.get();
            slot.next = head;
        } while (!finished.compareAndSet(head, slot));
        if (!wakePending.get() && wakePending.compareAndSet(false, true)) {
            wake.wake();
        }
    }

    /** Answers every slot the writer has finished, oldest first (loop only; what {@link Wake} schedules). */
    public void drain() {
        wakePending.set(false);
        Slot newestFirst = finished.getAndSet(null);
        Slot oldestFirst = null;
        while (newestFirst != null) {
            Slot next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        // one answer that throws must not cost the others theirs: every slot is answered and freed,
        // and the first failure is thrown afterwards (to the loop's exception handler)
        Throwable failure = null;
        while (oldestFirst != null) {
            Slot next = oldestFirst.next;
            oldestFirst.next = null;
            try {
                answerAndFree(oldestFirst);
            } catch (Throwable e) { // an Error too: the slots after it must still be answered
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            oldestFirst = next;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private void answerAndFree(Slot slot) {
        try {
            slot.answerWith(answers);
        } finally {
            slot.terminal = null;
            slot.attachment = null;
            slot.free();
        }
    }

    /** A reusable writer command that belongs to a lane. */
    public abstract static sealed class Slot implements JournalWriter.Command permits Single, Batch {
        final PostLane lane;
        Terminal terminal;
        /** The stack or free list this slot is on. */
        Slot next;
        /** The loop's own state for the answer (its request object, for instance); cleared when the slot is freed. */
        public Object attachment;
        /** When the loop began on this request (System.nanoTime), for its latency. */
        public long startNs;

        Slot(PostLane lane) {
            this.lane = lane;
        }

        public Terminal terminal() {
            return terminal;
        }

        @Override
        public final void complete() {
            lane.finished(this);
        }

        /**
         * The journal became unavailable: every payment of the slot is refused as when the writer's
         * queue is full, and the slot goes back to its loop to be answered and freed.
         */
        @Override
        public final void abandon() {
            refuseAll(PostOutcome.Result.JOURNAL_UNAVAILABLE);
            lane.finished(this);
        }

        abstract void refuseAll(PostOutcome.Result result);

        boolean nothingToPost() {
            return false;
        }

        abstract void answerWith(Answers answers);

        abstract void free();
    }

    /** One payment. */
    public static final class Single extends Slot {
        public final PaymentDraft draft = new PaymentDraft();
        public final PostResult result = new PostResult();

        Single(PostLane lane) {
            super(lane);
        }

        @Override
        public void execute() {
            lane.poster.post(draft, terminal, result);
        }

        @Override
        void refuseAll(PostOutcome.Result r) {
            result.refused(r);
        }

        @Override
        void answerWith(Answers answers) {
            answers.answer(this);
        }

        @Override
        void free() {
            if (lane.freeSingleCount < FREE_SINGLES_MAX) {
                next = lane.freeSingles;
                lane.freeSingles = this;
                lane.freeSingleCount++;
            }
        }
    }

    /**
     * The valid payments of one batch body, in body order, and what the loop keeps per item of the
     * body ({@link #notes}: for instance why an item was refused before posting).
     */
    public static final class Batch extends Slot {
        private PaymentDraft[] drafts = new PaymentDraft[0];
        private PostResult[] results = new PostResult[0];
        /** The loop's note per body item (null for an item that was posted); sized to the body's items. */
        public Object[] notes = new Object[0];
        /** How many items the body had (posted and refused). */
        public int items;
        int size;

        Batch(PostLane lane) {
            super(lane);
        }

        void ensureCapacity(int capacity) {
            if (drafts.length < capacity) {
                int old = drafts.length;
                drafts = java.util.Arrays.copyOf(drafts, capacity);
                results = java.util.Arrays.copyOf(results, capacity);
                notes = java.util.Arrays.copyOf(notes, capacity);
                for (int i = old; i < capacity; i++) {
                    drafts[i] = new PaymentDraft();
                    results[i] = new PostResult();
                }
            }
        }

        /** The next payment's draft to fill; the batch holds it once filled. */
        public PaymentDraft add() {
            return drafts[size++];
        }

        public int size() {
            return size;
        }

        /** The i-th posted payment's result, in the order they were added. */
        public PostResult result(int i) {
            return results[i];
        }

        @Override
        public void execute() {
            lane.poster.postAll(drafts, size, terminal, results);
        }

        /** A batch whose every item was refused before posting is answered without a trip to the writer. */
        @Override
        boolean nothingToPost() {
            return size == 0;
        }

        @Override
        void refuseAll(PostOutcome.Result r) {
            for (int i = 0; i < size; i++) {
                results[i].refused(r);
            }
        }

        @Override
        void answerWith(Answers answers) {
            answers.answer(this);
        }

        @Override
        void free() {
            java.util.Arrays.fill(notes, 0, Math.min(items, notes.length), null);
            if (lane.freeBatchCount < FREE_BATCHES_MAX) {
                next = lane.freeBatches;
                lane.freeBatches = this;
                lane.freeBatchCount++;
            }
        }
    }
}
