package id.lumbung.gateway;

import id.lumbung.Polling;
import id.lumbung.config.IsoMacMode;
import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PaymentCommands;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways as two nodes of the Kafka journal see them: the front serves no partition and
 * forwards every request, the owner serves partition 0 (terminal T0000001's) and nothing else. The
 * forward is a direct call of {@link IsoGateway#answerForwarded}, what the owner's node does with
 * the frame a signed node request carries (the cluster test drives the real one).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IsoForwardTest {
    private Vertx vertx;
    private InMemoryPaymentCommands ownerCommands;
    private PrometheusMeterRegistry frontRegistry;
    private IsoGateway front;
    private IsoGateway owner;
    private volatile boolean ownerAnswers = true;
    private final AtomicInteger forwardsByOwner = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        ownerCommands = new InMemoryPaymentCommands();
        frontRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        owner = gateway(new Routes(ownerCommands) {
            @Override
            public Future<Buffer> forward(int partition, byte[] frame, String certifiedTerminalId) {
                forwardsByOwner.incrementAndGet();
                return Future.failedFuture(new AssertionError("a forwarded request is never forwarded again"));
            }
        }, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        front = gateway(new Routes(null) {
            @Override
            public Future<Buffer> forward(int partition, byte[] frame, String certifiedTerminalId) {
                return ownerAnswers ? owner.answerForwarded(frame, certifiedTerminalId)
                        : Future.failedFuture(new IllegalStateException("the owner did not answer"));
            }
        }, frontRegistry);
        await(owner.start());
        await(front.start());
    }

    @AfterEach
    void stop() throws Exception {
        await(front.close());
        await(owner.close());
        await(vertx.close());
    }

    @Test
    void aPurchaseThroughANodeThatDoesNotServeItGetsTheOwnersSignedAnswer() throws Exception {
        try (IsoGatewayTest.Client c = client(front)) {
            ISOMsg answer = c.exchange(IsoGatewayTest.purchase("T0000001", "000000000777", 1_500_000L, null)); // checks the MAC
            assertThat(answer.getMTI()).isEqualTo("0210");
            assertThat(answer.getString(39)).isEqualTo("00");
            assertThat(answer.getString(38)).isEqualTo("000001");
        }
        assertThat(ownerCommands.received()).hasSize(1);
        assertThat(ownerCommands.received().get(0).txnId()).isEqualTo("000000000777");
        // counted on the event loop once the answer is written, so a moment after the client reads it
        String relayed = "lumbung_iso_forwarded_total{outcome=\"relayed\"} 1.0";
        assertThat(Polling.until(() -> frontRegistry.scrape(), s -> s.contains(relayed), Duration.ofSeconds(5))).contains(relayed);
    }

    @Test
    void noAnswerFromTheOwnerIs91SignedByTheFront() throws Exception {
        ownerAnswers = false;
        try (IsoGatewayTest.Client c = client(front)) {
            ISOMsg answer = c.exchange(IsoGatewayTest.purchase("T0000001", "000000000778", 1_500_000L, null)); // checks the MAC
            assertThat(answer.getString(39)).isEqualTo("91");
            assertThat(answer.hasField(64)).isTrue();
            ISOMsg reversal = c.exchange(IsoGatewayTest.reversal("T0000001", "000000000778"));
            assertThat(reversal.getMTI()).isEqualTo("0410");
            assertThat(reversal.getString(39)).isEqualTo("91");
        }
        assertThat(ownerCommands.received()).isEmpty();
        assertThat(frontRegistry.scrape()).contains("lumbung_iso_forwarded_total{outcome=\"owner_unavailable\"} 2.0");
    }

    @Test
    void aForwardedRequestOfAPartitionTheReceiverDoesNotServeIs91AndGoesNoFurther() throws Exception {
        try (IsoGatewayTest.Client c = client(front)) {
            ISOMsg answer = c.exchange(IsoGatewayTest.purchase("T0000002", "000000000779", 1_500_000L, null));
            assertThat(answer.getString(39)).isEqualTo("91");
        }
        assertThat(forwardsByOwner).hasValue(0);
        assertThat(ownerCommands.received()).isEmpty();
    }

    @Test
    void theOwnerChecksFieldFortyOneAgainstTheFrontsCertifiedTerminal() throws Exception {
        byte[] signed = IsoGatewayTest.signed(IsoGatewayTest.purchase("T0000001", "000000000780", 1_500_000L, null));
        Buffer refused = onLoop(() -> owner.answerForwarded(signed, "T0000002"));
        assertThat(IsoTerminal.unpack(refused.getBytes()).getString(39)).isEqualTo("03");
        Buffer approved = onLoop(() -> owner.answerForwarded(signed, "T0000001"));
        assertThat(IsoTerminal.unpack(approved.getBytes()).getString(39)).isEqualTo("00");
        assertThat(ownerCommands.received()).hasSize(1);
    }

    @Test
    void aFrameNoTerminalWouldSendIsRefusedNotAnswered() throws Exception {
        assertThat(owner.answerForwarded(new byte[0], null).failed()).isTrue();
        ISOMsg response = IsoGatewayTest.purchase("T0000001", "000000000781", 1_500_000L, null);
        response.setMTI("0210");
        byte[] packed = response.pack();
        Future<Buffer> answered = onLoopFuture(() -> owner.answerForwarded(packed, null));
        assertThat(answered.failed()).as("a response type from a node").isTrue();
        assertThat(ownerCommands.received()).isEmpty();
    }

    /** Routes of a node that serves partition 0 with {@code commands} (none when null); a terminal's partition is its index. */
    private abstract static class Routes implements IsoRoutes {
        private final PaymentCommands commands;

        Routes(PaymentCommands commands) {
            this.commands = commands;
        }

        @Override
        public int partitionOf(Terminal terminal) {
            return terminal.index();
        }

        @Override
        public PaymentCommands local(int partition) {
            return partition == 0 ? commands : null;
        }
    }

    private IsoGateway gateway(IsoRoutes routes, PrometheusMeterRegistry registry) {
        return new IsoGateway(vertx, "127.0.0.1", 0, routes, IsoGatewayTest.TERMINALS::get, IsoGatewayTest.TRADERS::get,
                Clock.fixed(IsoGatewayTest.NOW, ZoneOffset.UTC), registry, IsoGatewayTest.AMOUNT_MAX_RUPIAH, IsoMacMode.REQUIRED);
    }

    private static IsoGatewayTest.Client client(IsoGateway g) throws Exception {
        return new IsoGatewayTest.Client(new Socket("127.0.0.1", g.actualPort()), IsoGatewayTest::keyOf);
    }

    /** What {@code call} completes with, called on an event loop as a node request is. */
    private Buffer onLoop(java.util.function.Supplier<Future<Buffer>> call) throws Exception {
        return await(onLoopFuture(call));
    }

    private Future<Buffer> onLoopFuture(java.util.function.Supplier<Future<Buffer>> call) throws Exception {
        Promise<Buffer> done = Promise.promise();
        vertx.runOnContext(v -> call.get().onComplete(done));
        Future<Buffer> f = done.future();
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            // the caller looks at the failure
        }
        return f;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
