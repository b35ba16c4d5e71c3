package id.lumbung.gateway;

import id.lumbung.bench.BookFixtures;
import id.lumbung.bench.HotPathBenchmark;
import id.lumbung.bench.JournalAppendBenchmark;
import id.lumbung.config.Durability;
import id.lumbung.config.IsoMacMode;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.journal.Journal;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's whole per-message path for an ISO 8583 purchase, on one thread, as a connection's
 * event loop and the journal writer run it: the frame body copied into a reused exchange and
 * decoded, the gateway's checks (terminal, MAC under the terminal's key, content), the payment
 * copied into a reused {@link PostLane} slot, the writer's post into that slot (idempotency lookup,
 * entry encode, ASYNC journal append), the slot handed back through the lane and drained, and the
 * 0210 answer encoded and signed. Only the socket and the threads are missing: the writer's queue
 * (a JCTools array queue, allocation-free) and the wake-up task. In this package for the
 * gateway's package-private classes (as payment.KeyTableBenchmark is in its own).
 *
 * <p>{@link #purchaseNewKey}: every op is a new RRN, written into the frame in place and signed
 * again, as a terminal would; the MAC the terminal computes is part of the op. The book grows as
 * in the engine, and that growth is storage, not garbage: {@link Garbage} reports the thread's
 * allocation less the bytes the book allocated for storage, as PostLaneBenchmark does; the CI guard
 * requires it to stay at zero per purchase. {@link #purchaseKnownKey}: a terminal's retry, two
 * known purchases alternately (answered with their original approval code, nothing journaled).
 */
public class IsoPurchaseBenchmark extends HotPathBenchmark {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int FIELD_RRN = 37;
    private static final int FIELD_RESPONSE_CODE = 39;

    /** The posting thread's allocation less the book's storage, per iteration (JSON secondary metrics, raw per iteration). */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Garbage {
        public long postGarbageBytes;
        public long posts;
    }

    @State(Scope.Thread)
    public static class Gateway implements IsoExchange.Link {
        Path refDir;
        ReferenceData ref;
        Path dir;
        Journal journal;
        PaymentBook book;
        PostLane lane;
        IsoTransactions transactions;
        final IsoMac mac = new IsoMac();
        /** The terminal's own MAC calculator: it signs each new frame. */
        final IsoMac terminalMac = new IsoMac();
        IsoExchange exchange;
        final Iso8583Message answer = new Iso8583Message(IsoExchange.RESPONSE_BYTES_MAX);
        Terminal terminal;
        byte[] frame;
        int rrnAt;
        int macAt;
        /** Two signed frames a terminal retries: RRN 0 and 1. */
        byte[][] known;
        long nextRrn;
        /** The slot the lane offered to the writer's queue, run by the op. */
        PostLane.Slot offered;
        long answered;
        long answeredAtStart;
        long accepted;
        private long allocatedAtStart;
        private long storageAtStart;

        @Setup(Level.Trial)
        public void reference() throws Exception {
            if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
                throw new IllegalStateException("this JVM does not count a thread's allocated bytes");
            }
            refDir = BookFixtures.tempDir("lumbung-jmh-iso-ref-");
            ref = BookFixtures.reference(refDir);
        }

        @Setup(Level.Iteration)
        public void open() throws Exception {
            dir = BookFixtures.tempDir("lumbung-jmh-iso-");
            journal = new Journal(dir, Durability.ASYNC);
            book = BookFixtures.book(ref, journal, window -> { });
            terminal = ref.terminal(0);
            String traderId = ref.trader(terminal.traderIndex()).traderId();
            Commands commands = new Commands();
            transactions = new IsoTransactions(IsoRoutes.single(commands), ref::terminal, i -> ref.trader(i).traderId(),
                    Clock.systemUTC(), new IsoMetrics(new SimpleMeterRegistry()),
                    new id.lumbung.core.payment.PaymentRules(10_000_000L), IsoMacMode.REQUIRED);
            lane = transactions.lane(commands, () -> { });
            exchange = new IsoExchange(this, IsoGateway.FRAME_BYTES_MAX);
            frame = purchase(terminal.terminalId(), traderId);
            known = new byte[][] {signed(0), signed(1)};
            nextRrn = 2;
            answered = 0;
            accepted = 0;
            purchase(known[0]); // the lane's first slot and the exchange's first answer: warm-up, not counted
            purchase(known[1]);
            purchase(known[0]); // the retry path's first read-back
            accepted = 2;
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
                    + posts + " purchases = " + (posts == 0 ? 0 : (allocated - storage) / (double) posts)
                    + " B of garbage per purchase]");
            if (book.retainedPayments() != accepted) {
                throw new IllegalStateException(accepted + " purchases approved as new but " + book.retainedPayments()
                        + " retained");
            }
            journal.close();
            JournalAppendBenchmark.deleteRecursively(dir);
        }

        @TearDown(Level.Trial)
        public void deleteReference() {
            JournalAppendBenchmark.deleteRecursively(refDir);
        }

        /** A card purchase of Rp15,000 made a minute ago (Jakarta time), with room for its MAC; RRN and MAC written per op. */
        private byte[] purchase(String terminalId, String traderId) {
            ZonedDateTime at = ZonedDateTime.now(ZoneOffset.ofHours(7)).minusMinutes(1);
            byte[] buf = new byte[256];
            Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(buf, 200);
            boolean ok = w.put(2, "4111111111111111")
                    && w.put(3, "000000")
                    && w.putNumeric(4, 1_500_000L)
                    && w.put(7, String.format("%02d%02d%02d%02d%02d", at.getMonthValue(), at.getDayOfMonth(),
                            at.getHour(), at.getMinute(), at.getSecond()))
                    && w.put(11, "000123")
                    && w.put(12, String.format("%02d%02d%02d", at.getHour(), at.getMinute(), at.getSecond()))
                    && w.put(13, String.format("%02d%02d", at.getMonthValue(), at.getDayOfMonth()))
                    && w.put(22, "051")
                    && w.put(25, "00")
                    && w.put(37, "000000000000")
                    && w.put(41, terminalId)
                    && w.put(42, traderId)
                    && w.put(49, "360");
            macAt = w.reserveMac();
            if (!ok || macAt < 0) {
                throw new IllegalStateException("0200 fixture does not fit the ISO87B field table");
            }
            byte[] body = Arrays.copyOf(buf, w.finish());
            Iso8583Message m = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
            System.arraycopy(body, 0, m.buffer(), 0, body.length);
            if (Iso87BinaryCodec.decode(m, body.length) != Iso87BinaryCodec.OK) {
                throw new IllegalStateException("0200 fixture does not decode");
            }
            rrnAt = m.contentOffset(FIELD_RRN);
            return body;
        }

        /** A copy of the frame with RRN {@code rrn}, signed. */
        private byte[] signed(long rrn) {
            writeRrn(rrn);
            return frame.clone();
        }

        /** Writes the RRN's twelve digits into the frame in place and signs it again, as the terminal (no allocation). */
        private void writeRrn(long rrn) {
            for (int i = 11; i >= 0; i--, rrn /= 10) {
                frame[rrnAt + i] = (byte) ('0' + rrn % 10);
            }
            terminalMac.sign(terminal.key(), frame, macAt);
        }

        /** A new purchase from frame bytes to its read answer; returns the answer's length. */
        int purchaseNew() {
            writeRrn(nextRrn++);
            int length = purchase(frame);
            accepted++;
            return length;
        }

        /** The retry of purchase 0 or 1, alternately. */
        int retry() {
            return purchase(known[(int) (answered & 1)]);
        }

        /** The connection's part, the writer's part, and the answer read back. */
        private int purchase(byte[] body) {
            System.arraycopy(body, 0, exchange.request().buffer(), 0, body.length);
            exchange.begin(0, transactions);
            if (Iso87BinaryCodec.decode(exchange.request(), body.length) != Iso87BinaryCodec.OK
                    || !transactions.handle(exchange)) {
                throw new IllegalStateException("0200 refused by the connection");
            }
            PostLane.Slot slot = offered;
            offered = null;
            if (slot == null || exchange.answered()) {
                throw new IllegalStateException("0200 answered before it was posted");
            }
            slot.execute();  // the writer: post into the slot
            slot.complete(); // the writer, after the group's force: hand the slot back
            lane.drain();    // the loop: answer from the slot, free it
            if (!exchange.answered()) {
                throw new IllegalStateException("0200 not answered after the drain");
            }
            int length = exchange.responseLength();
            System.arraycopy(exchange.response(), 0, answer.buffer(), 0, length);
            if (Iso87BinaryCodec.decode(answer, length) != Iso87BinaryCodec.OK
                    || !answer.charsEqual(FIELD_RESPONSE_CODE, IsoTransactions.APPROVED)) {
                throw new IllegalStateException("0200 not approved");
            }
            answered++;
            return length;
        }

        @Override
        public Context context() {
            return null; // purchases never need it: their answer comes through the lane
        }

        @Override
        public String certifiedTerminalId() {
            return null;
        }

        @Override
        public IsoMac mac() {
            return mac;
        }

        @Override
        public PostLane lane(int partition, id.lumbung.writer.PaymentCommands commands) {
            return lane;
        }

        @Override
        public boolean fromNode() {
            return false;
        }

        @Override
        public void answered() {
        }

        /** The engine's lane over this book, whose queue holds the offered slot for the op to run. */
        private final class Commands implements PaymentCommands {
            @Override
            public PostLane lane(PostLane.Answers answers, PostLane.Wake wake) {
                return new PostLane(new PostLane.Poster() {
                    @Override
                    public void post(PaymentDraft draft, Terminal t, PostResult out) {
                        book.post(draft, t, out);
                    }

                    @Override
                    public void postAll(PaymentDraft[] drafts, int n, Terminal t, PostResult[] out) {
                        book.postAll(drafts, n, t, out);
                    }
                }, slot -> {
                    offered = slot;
                    return true;
                }, answers, wake);
            }

            @Override
            public void voidPayment(String paymentId, Terminal t, Context context, Consumer<VoidOutcome> done) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void voidByTxnId(String txnId, Terminal t, Context context, Consumer<VoidOutcome> done) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void status(String paymentId, Terminal t, Context context, Consumer<PaymentView> done, Runnable unavailable) {
                throw new UnsupportedOperationException();
            }
        }
    }

    /** A new purchase from frame bytes to the read answer: decode, MAC, checks, post through a reused lane slot, answer. */
    @Benchmark
    public int purchaseNewKey(Gateway gateway) {
        return gateway.purchaseNew();
    }

    /** A terminal's retry of a purchase the engine holds: the original entry read back and compared, the original approval. */
    @Benchmark
    public int purchaseKnownKey(Gateway gateway) {
        return gateway.retry();
    }
}
