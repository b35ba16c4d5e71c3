package id.lumbung.gateway;

import id.lumbung.config.IsoMacMode;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentRules;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 0200 through the gateway's part of the posting path, without a socket: it goes into a slot of
 * the connection's {@link PostLane}, and its 0210 is written only once the writer has completed the
 * slot (after the group's force) and the loop has drained the lane; none of it allocates once warm.
 */
class IsoPurchaseLaneTest {
    private static final Instant NOW = Instant.parse("2026-11-29T03:15:30Z");
    private static final Terminal TERMINAL = new Terminal(0, "T0000001", 0, key(1), null, false);
    private static final String TRADER = "TRADER-001";

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    /** A connection's side: its lane, its MAC, the answers it was told of. */
    private final class Connection implements IsoExchange.Link {
        final IsoMac mac = new IsoMac();
        PostLane lane;
        int answers;
        int wakes;

        @Override
        public Context context() {
            return null;
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
        public PostLane lane(int partition, PaymentCommands commands) {
            return lane;
        }

        @Override
        public boolean fromNode() {
            return false;
        }

        @Override
        public void answered() {
            answers++;
        }
    }

    /** The writer's side: what the lane offered, posted by {@link #post} when the test says. */
    private final List<PostLane.Slot> offered = new ArrayList<>();
    private final List<PaymentRequest> posted = new ArrayList<>();
    private boolean queueFull;
    private long nextSequence = 41;
    /** Record what is posted (the first test); off for the allocation test, whose poster must not allocate. */
    private boolean recording = true;

    private final PaymentCommands commands = new PaymentCommands() {
        @Override
        public PostLane lane(PostLane.Answers answers, PostLane.Wake wake) {
            return new PostLane(new PostLane.Poster() {
                @Override
                public void post(PaymentDraft draft, Terminal terminal, PostResult out) {
                    if (recording) {
                        posted.add(draft.toRequest());
                    }
                    out.accepted(nextSequence++, NOW.toEpochMilli(), TRADER, "KOP001");
                }

                @Override
                public void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out) {
                    throw new AssertionError("the gateway posts no batches");
                }
            }, slot -> {
                if (queueFull) {
                    return false;
                }
                if (recording) {
                    offered.add(slot);
                } else {
                    pending = slot;
                }
                return true;
            }, answers, wake);
        }

        @Override
        public void voidPayment(String paymentId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
            throw new AssertionError();
        }

        @Override
        public void voidByTxnId(String txnId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
            throw new AssertionError();
        }

        @Override
        public void status(String paymentId, Terminal terminal, Context context, Consumer<PaymentView> done, Runnable unavailable) {
            throw new AssertionError();
        }
    };
    private PostLane.Slot pending;

    private final IsoTransactions transactions = new IsoTransactions(IsoRoutes.single(commands), Map.of(TERMINAL.terminalId(), TERMINAL)::get,
            i -> TRADER, Clock.fixed(NOW, ZoneOffset.UTC), new IsoMetrics(new SimpleMeterRegistry()),
            new PaymentRules(10_000_000L), IsoMacMode.REQUIRED);

    private Connection connection() {
        Connection c = new Connection();
        c.lane = transactions.lane(commands, () -> c.wakes++);
        return c;
    }

    /** A signed card purchase of Rp15,000 with RRN {@code rrn}, as a terminal frames it (without the length header). */
    private static byte[] purchase(String rrn) {
        byte[] buf = new byte[256];
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(buf, 200);
        assertThat(w.put(2, "4111111111111111") && w.put(3, "000000") && w.putNumeric(4, 1_500_000L)
                && w.put(7, "1129031530") && w.put(11, "000123") && w.put(12, "101530") && w.put(13, "1129")
                && w.put(37, rrn) && w.put(41, TERMINAL.terminalId()) && w.put(42, TRADER) && w.put(49, "360"))
                .isTrue();
        int macAt = w.reserveMac();
        new IsoMac().sign(TERMINAL.key(), buf, macAt);
        return Arrays.copyOf(buf, w.finish());
    }

    private void receive(IsoExchange exchange, byte[] frame) {
        System.arraycopy(frame, 0, exchange.request().buffer(), 0, frame.length);
        exchange.begin(0, transactions);
        assertThat(Iso87BinaryCodec.decode(exchange.request(), frame.length)).isEqualTo(Iso87BinaryCodec.OK);
        assertThat(transactions.handle(exchange)).isTrue();
    }

    private static Iso8583Message answerOf(IsoExchange exchange) {
        Iso8583Message answer = new Iso8583Message(IsoExchange.RESPONSE_BYTES_MAX);
        System.arraycopy(exchange.response(), 0, answer.buffer(), 0, exchange.responseLength());
        assertThat(Iso87BinaryCodec.decode(answer, exchange.responseLength())).isEqualTo(Iso87BinaryCodec.OK);
        return answer;
    }

    @Test
    void aPurchaseIsAnsweredOnlyOnceTheWriterCompletedItsSlotAndTheLoopDrainedTheLane() {
        Connection c = connection();
        IsoExchange exchange = new IsoExchange(c, IsoGateway.FRAME_BYTES_MAX);
        receive(exchange, purchase("000000000123"));

        assertThat(offered).hasSize(1);
        assertThat(exchange.answered()).isFalse();
        PostLane.Slot slot = offered.get(0);
        slot.execute(); // the writer posts; the group is not forced yet
        assertThat(exchange.answered()).isFalse();
        assertThat(posted).containsExactly(new PaymentRequest("T0000001", "000000000123", 15_000, "IDR",
                Instant.parse("2026-11-29T03:15:30Z").toEpochMilli(), 7 * 3600, "CARD", "411111******1111", TRADER));
        slot.complete(); // the group is durable: the lane wakes the loop
        assertThat(c.wakes).isEqualTo(1);
        assertThat(exchange.answered()).isFalse();
        c.lane.drain(); // the loop answers
        assertThat(exchange.answered()).isTrue();
        assertThat(c.answers).isEqualTo(1);
        Iso8583Message answer = answerOf(exchange);
        assertThat(answer.mti()).isEqualTo(210);
        assertThat(answer.trimmedChars(39)).isEqualTo("00");
        assertThat(answer.trimmedChars(38)).isEqualTo("000041");
    }

    @Test
    void aFullWriterQueueIsAnswered91AtOnceWithNothingPosted() {
        queueFull = true;
        Connection c = connection();
        IsoExchange exchange = new IsoExchange(c, IsoGateway.FRAME_BYTES_MAX);
        receive(exchange, purchase("000000000124"));
        assertThat(posted).isEmpty();
        assertThat(exchange.answered()).isTrue();
        assertThat(answerOf(exchange).trimmedChars(39)).isEqualTo("91");
        assertThat(answerOf(exchange).has(38)).isFalse();
    }

    @Test
    void aWarmConnectionAllocatesNothingPerPurchase() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        recording = false;
        Connection c = connection();
        IsoExchange exchange = new IsoExchange(c, IsoGateway.FRAME_BYTES_MAX);
        byte[] frame = purchase("000000000125");
        for (int i = 0; i < 20_000; i++) { // warm: the lane's slot, the exchange, the JIT
            purchaseThroughTheLane(c, exchange, frame);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int purchases = 10_000;
        for (int i = 0; i < purchases; i++) {
            purchaseThroughTheLane(c, exchange, frame);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // any object per purchase would be >= 16 B each: 160,000 B over the run
        assertThat(allocated).as("bytes allocated over %d purchases", purchases).isLessThan(purchases);
    }

    private void purchaseThroughTheLane(Connection c, IsoExchange exchange, byte[] frame) {
        System.arraycopy(frame, 0, exchange.request().buffer(), 0, frame.length);
        exchange.begin(0, transactions);
        if (Iso87BinaryCodec.decode(exchange.request(), frame.length) != Iso87BinaryCodec.OK || !transactions.handle(exchange)) {
            throw new AssertionError("refused");
        }
        PostLane.Slot slot = pending;
        pending = null;
        slot.execute();
        slot.complete();
        c.lane.drain();
        if (!exchange.answered()) {
            throw new AssertionError("not answered");
        }
    }
}
