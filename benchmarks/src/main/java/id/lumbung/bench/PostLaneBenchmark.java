package id.lumbung.bench;

import id.lumbung.config.Durability;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.ingest.DecodedPayment;
import id.lumbung.ingest.PaymentJsonDecoder;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.PostLane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's whole per-payment path for a new payment posted over HTTP, on one thread, as the
 * event loop and the journal writer run it: the body decoded into the loop's reused holder, copied
 * into a reused {@link PostLane} slot, the writer's post into that slot (idempotency lookup, entry
 * encode, ASYNC journal append, columns and key table), the slot handed back through the lane's
 * finished stack and drained, and the result read from it. Only the threads are missing: the
 * writer's queue offer and poll (a JCTools array queue, allocation-free) and the wake-up task.
 *
 * <p>{@link #postNewKey}: every op posts a new txnId (written into the body's bytes in place), so the book grows as in
 * the engine. That growth is storage, not garbage: the columns' 2^16-slot chunks and the key
 * table's segments. {@link Garbage} therefore reports the thread's own allocation minus the bytes
 * the book says it allocated for storage ({@link PaymentBook#storageBytesAllocated}); the CI guard
 * requires that to stay at zero per post. -prof gc's figure includes the storage (~41 B of columns
 * and the key table's growth per payment) and Chronicle's background threads.
 * {@link #postKnownKey}: a terminal's retry, two known payments alternately.
 */
public class PostLaneBenchmark extends HotPathBenchmark {
    static final int BATCH_ITEMS = 100;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The posting thread's allocation less the book's storage, per iteration (JSON secondary metrics, raw per iteration). */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Garbage {
        public long postGarbageBytes;
        public long posts;
    }

    @State(Scope.Thread)
    public static class Lane implements PostLane.Answers {
        Path refDir;
        Path dir;
        Journal journal;
        PaymentBook book;
        PostLane lane;
        PaymentJsonDecoder decoder;
        Terminal terminal;
        String terminalId;
        byte[] body;
        int txnAt;
        byte[] batchBody;
        final int[] batchTxnAt = new int[BATCH_ITEMS];
        long nextTxn;
        long answered;
        long answeredAtStart;
        long accepted;
        /** postKnownKey: every answer must be REPLAYED. */
        boolean retrying;
        long sinkSequence;
        int wakes;
        private long allocatedAtStart;
        private long storageAtStart;

        ReferenceData ref;

        @Setup(Level.Trial)
        public void reference() throws Exception {
            // without it the thread's allocated bytes read -1, and the garbage figure would be meaningless
            if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
                throw new IllegalStateException("this JVM does not count a thread's allocated bytes");
            }
            refDir = BookFixtures.tempDir("lumbung-jmh-lane-ref-");
            ref = BookFixtures.reference(refDir);
        }

        @Setup(Level.Iteration)
        public void open() throws Exception {
            dir = BookFixtures.tempDir("lumbung-jmh-lane-");
            journal = new Journal(dir, Durability.ASYNC);
            book = BookFixtures.book(ref, journal, window -> { });
            // not started: the benchmark runs the writer's part itself, on this thread
            JournalWriter writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16,
                    () -> { }, () -> { }, (t, e) -> { });
            lane = new PostLane(book, writer, this, () -> wakes++);
            decoder = new PaymentJsonDecoder(Fixtures.AMOUNT_MAX_RUPIAH);
            terminal = ref.terminal(0);
            terminalId = terminal.terminalId();
            // a minute ago, so the payment is inside the accepted window whatever the date
            String occurredAt = OffsetDateTime.now(ZoneOffset.ofHours(7)).minusMinutes(1).truncatedTo(ChronoUnit.SECONDS)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            String json = "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"0000000000\",\"amount\":15000,"
                    + "\"currency\":\"IDR\",\"occurredAt\":\"" + occurredAt + "\",\"method\":\"QRIS\"}";
            body = json.getBytes(StandardCharsets.US_ASCII);
            txnAt = json.indexOf("0000000000");
            StringBuilder batchJson = new StringBuilder("{\"payments\":[");
            for (int i = 0; i < BATCH_ITEMS; i++) {
                batchTxnAt[i] = batchJson.length() + (i > 0 ? 1 : 0) + txnAt;
                batchJson.append(i > 0 ? "," : "").append(json);
            }
            batchBody = batchJson.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
            nextTxn = 0;
            answered = 0;
            accepted = 0;
            retrying = false;
            post(); // the lane's first slot and the decoder's first body: warm-up, not counted
            post(); // payment 1: with payment 0, what postKnownKey retries
            retrying = true;
            retry(); // the retry path's first read-back: warm-up, not counted
            retrying = false;
            postBatch(); // the lane's first batch slot: warm-up, not counted
            answeredAtStart = answered;
            allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
            storageAtStart = book.storageBytesAllocated();
        }

        @TearDown(Level.Iteration)
        public void closeAndDelete(Garbage garbage) {
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart;
            long storage = book.storageBytesAllocated() - storageAtStart;
            long posts = answered - answeredAtStart;
            garbage.postGarbageBytes = allocated - storage;
            garbage.posts = posts;
            System.out.println("  [posting thread: " + allocated + " B, of which book storage " + storage + " B, over "
                    + posts + " posts = " + (posts == 0 ? 0 : (allocated - storage) / (double) posts)
                    + " B of garbage per post; " + wakes + " wake-ups]");
            if (book.retainedPayments() != accepted) {
                throw new IllegalStateException(accepted + " posts answered ACCEPTED but " + book.retainedPayments()
                        + " retained");
            }
            journal.close();
            JournalAppendBenchmark.deleteRecursively(dir);
        }

        @TearDown(Level.Trial)
        public void deleteReference() {
            JournalAppendBenchmark.deleteRecursively(refDir);
        }

        /** One new payment through the lane; returns the sequence it was accepted at. */
        long post() {
            return postTxn(nextTxn++);
        }

        /** A retry of payment 0 or 1, alternately (so each one reads its entry back from the journal); returns its sequence. */
        long retry() {
            return postTxn(answered & 1);
        }

        private long postTxn(long txnNumber) {
            writeTxn(body, txnAt, txnNumber);
            DecodedPayment payment = decoder.readOne(body, body.length);
            PostLane.Single slot = lane.single(terminal);
            payment.copyTo(slot.draft, terminalId, null);
            slot.execute();  // the writer: post into the slot
            slot.complete(); // the writer, after the group's force: hand the slot back
            lane.drain();    // the loop: answer from the slot, free it
            return sinkSequence;
        }

        @Override
        public void answer(PostLane.Single slot) {
            PostOutcome.Result expected = retrying ? PostOutcome.Result.REPLAYED : PostOutcome.Result.ACCEPTED;
            if (slot.result.result() != expected) {
                throw new IllegalStateException("post " + answered + " got " + slot.result.result() + ", not " + expected);
            }
            sinkSequence = slot.result.sequence();
            answered++;
            if (!retrying) {
                accepted++;
            }
        }

        /** Writes {@code txn} as the ten decimal digits of the txnId at {@code at} in a body (no allocation). */
        private static void writeTxn(byte[] into, int at, long txn) {
            for (int i = 9; i >= 0; i--, txn /= 10) {
                into[at + i] = (byte) ('0' + txn % 10);
            }
        }

        /** One batch of new payments through a lane batch slot; returns the last one's sequence. */
        long postBatch() {
            for (int item = 0; item < BATCH_ITEMS; item++) {
                writeTxn(batchBody, batchTxnAt[item], nextTxn++);
            }
            PaymentJsonDecoder.DecodedBatch decoded = decoder.readBatch(batchBody, batchBody.length, BATCH_ITEMS);
            PostLane.Batch slot = lane.batch(terminal, decoded.size());
            for (int i = 0; i < decoded.size(); i++) {
                decoded.item(i).copyTo(slot.add(), terminalId, null);
            }
            slot.items = decoded.size();
            slot.execute();
            slot.complete();
            lane.drain();
            return sinkSequence;
        }

        @Override
        public void answer(PostLane.Batch slot) {
            if (slot.size() != BATCH_ITEMS) {
                throw new IllegalStateException("batch of " + slot.size() + " payments, not " + BATCH_ITEMS);
            }
            for (int i = 0; i < slot.size(); i++) {
                if (slot.result(i).result() != PostOutcome.Result.ACCEPTED) {
                    throw new IllegalStateException("batch item " + i + " got " + slot.result(i).result());
                }
            }
            sinkSequence = slot.result(BATCH_ITEMS - 1).sequence();
            answered += BATCH_ITEMS;
            accepted += BATCH_ITEMS;
        }
    }

    /** A new payment from body bytes to the read answer, through a reused lane slot. */
    @Benchmark
    public long postNewKey(Lane lane) {
        return lane.post();
    }

    /**
     * A batch of 100 new payments from body bytes to the read answers, through a reused lane batch
     * slot (the batch endpoint's path); per payment.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH_ITEMS)
    public long postNewBatch100(Lane lane) {
        return lane.postBatch();
    }

    /**
     * A terminal's retry of a payment the engine already holds, through a reused lane slot: the
     * key found, the original entry read back from the journal and compared as byte slices, the
     * original answer; nothing journaled.
     */
    @Benchmark
    public long postKnownKey(Lane lane) {
        lane.retrying = true;
        return lane.retry();
    }
}
