package id.lumbung.ingest;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentStatus;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.PaymentService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A book whose journal is a Kafka partition answers ids that name the partition, from the post's
 * answer to status and void, and reads no id of another partition nor a Chronicle id; a Chronicle
 * book (partition -1) answers and reads {@code P<sequence>} only.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartitionPaymentIdsTest {
    /** A minute before the test: inside the accepted window. */
    private static final long OCCURRED_AT_MS = System.currentTimeMillis() - 60_000;

    @TempDir
    Path dir;
    private Vertx vertx;
    private Context context;
    private final ReferenceData ref = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    private final Terminal terminal = ref.terminal("T0000001");

    PartitionPaymentIdsTest() throws Exception {
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBookOfPartition3AnswersAndFindsOnlyItsOwnIds() throws Exception {
        try (Rig rig = new Rig(3)) {
            PostResult first = rig.post("a");
            assertThat(first.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            assertThat(first.partition()).isEqualTo(3);
            assertThat(HttpIngest.accepted(new StringBuilder(), first)).startsWith("{\"paymentId\":\"P3-1\",\"status\":\"ACCEPTED\",\"sequence\":1,");
            PostResult second = rig.post("b");
            assertThat(HttpIngest.accepted(new StringBuilder(), second)).startsWith("{\"paymentId\":\"P3-2\",\"status\":\"ACCEPTED\",\"sequence\":2,");
            PostResult retry = rig.post("b");
            assertThat(retry.result()).isEqualTo(PostOutcome.Result.REPLAYED);
            assertThat(HttpIngest.accepted(new StringBuilder(), retry)).as("a retry answers the same bytes")
                    .isEqualTo(HttpIngest.accepted(new StringBuilder(), second));

            PaymentView found = rig.status("P3-2");
            assertThat(found).isNotNull();
            assertThat(found.partition()).isEqualTo(3);
            assertThat(found.sequence()).isEqualTo(2);
            assertThat(found.paymentId()).isEqualTo("P3-2");
            assertThat(HttpIngest.statusJson(found)).startsWith("{\"paymentId\":\"P3-2\",\"status\":\"ACCEPTED\",\"sequence\":2,");
            assertThat(rig.status("P2")).as("a Chronicle id").isNull();
            assertThat(rig.status("P2-2")).as("an id of partition 2").isNull();
            assertThat(rig.status("P03-2")).as("another spelling").isNull();

            assertThat(rig.voidPayment("P2").result()).isEqualTo(VoidOutcome.Result.NOT_FOUND);
            assertThat(rig.voidPayment("P2-2").result()).isEqualTo(VoidOutcome.Result.NOT_FOUND);
            assertThat(rig.status("P3-2").status()).as("untouched by the refused voids").isEqualTo(PaymentStatus.ACCEPTED);
            VoidOutcome voided = rig.voidPayment("P3-2");
            assertThat(voided.result()).isEqualTo(VoidOutcome.Result.VOIDED);
            assertThat(voided.payment().paymentId()).isEqualTo("P3-2");
            assertThat(rig.status("P3-2").status()).isEqualTo(PaymentStatus.VOIDED);
            assertThat(rig.status("P3-1").status()).as("the other payment").isEqualTo(PaymentStatus.ACCEPTED);
        }
    }

    @Test
    void aChronicleBookAnswersAndFindsOnlyChronicleIds() throws Exception {
        try (Rig rig = new Rig(-1)) {
            PostResult first = rig.post("a");
            assertThat(first.partition()).isEqualTo(-1);
            assertThat(HttpIngest.accepted(new StringBuilder(), first)).startsWith("{\"paymentId\":\"P1\",\"status\":\"ACCEPTED\",\"sequence\":1,");
            PostResult second = rig.post("b");
            assertThat(HttpIngest.accepted(new StringBuilder(), second)).startsWith("{\"paymentId\":\"P2\",\"status\":\"ACCEPTED\",\"sequence\":2,");

            PaymentView found = rig.status("P2");
            assertThat(found.partition()).isEqualTo(-1);
            assertThat(found.paymentId()).isEqualTo("P2");
            assertThat(rig.status("P3-2")).as("a Kafka id").isNull();
            assertThat(rig.voidPayment("P3-2").result()).isEqualTo(VoidOutcome.Result.NOT_FOUND);
            assertThat(rig.voidPayment("P2").payment().paymentId()).isEqualTo("P2");
        }
    }

    /** A book over a real journal, the writer and the service over it, as the engine wires them. */
    private final class Rig implements AutoCloseable {
        final Journal journal = new Journal(dir, Durability.ASYNC);
        final PaymentBook book;
        final JournalWriter writer;
        final PaymentService service;
        final CompletableFuture<Throwable> failed = new CompletableFuture<>();

        Rig(int idPartition) {
            book = new PaymentBook(ref, Clock.systemUTC(), journal, w -> { }, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE,
                    idPartition);
            writer = new JournalWriter(journal, new EngineMetrics(new SimpleMeterRegistry()), 16, book::publishWindows,
                    () -> { }, (th, e) -> failed.complete(e));
            service = new PaymentService(book, writer);
            writer.start();
        }

        /** Posts one payment of {@code txnId} on the writer (the journal's appender belongs to its thread). */
        PostResult post(String txnId) throws Exception {
            char[] txn = txnId.toCharArray();
            PaymentDraft d = new PaymentDraft();
            d.set(terminal.terminalId(), txn, txn.length, 15_000, "IDR", OCCURRED_AT_MS, 25_200, "QRIS", null, -1, null);
            PostResult out = new PostResult();
            CompletableFuture<PostResult> done = new CompletableFuture<>();
            assertThat(writer.offer(new JournalWriter.Command() {
                @Override
                public void execute() {
                    book.post(d, terminal, out);
                }

                @Override
                public void complete() {
                    done.complete(out);
                }

                @Override
                public void abandon() {
                    done.completeExceptionally(new IllegalStateException("the journal became unavailable"));
                }
            })).isTrue();
            return done.get(10, TimeUnit.SECONDS);
        }

        PaymentView status(String paymentId) throws Exception {
            CompletableFuture<PaymentView> done = new CompletableFuture<>();
            service.status(paymentId, terminal, context, done::complete,
                    () -> done.completeExceptionally(new IllegalStateException("the journal took no lookup")));
            return done.get(10, TimeUnit.SECONDS);
        }

        VoidOutcome voidPayment(String paymentId) throws Exception {
            CompletableFuture<VoidOutcome> done = new CompletableFuture<>();
            service.voidPayment(paymentId, terminal, context, done::complete);
            return done.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            writer.close();
            journal.close();
            assertThat(failed.getNow(null)).as("the writer failed").isNull();
        }
    }
}
