package id.lumbung.ingest;

import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.config.FilesSync;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.DeliveryFixture;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.ObligationCommands;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PaymentService;
import id.lumbung.writer.PostLane;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Intake with the Kafka journal's partitions: one HTTP ingest over two real partition cores
 * (journal, writer, payment book naming its partition in ids, settlement, ledger) of the three the
 * demo cooperatives map to. Beringharjo is partition 0 and Klewer 1, both served here; Tanah Abang
 * is partition 2, served elsewhere: its requests reach {@link Partitions#forward}, which records
 * what it was given and answers {@link #FORWARDED}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PartitionRoutingTest {
    /** The test owner's answer to a forwarded request, a status the engine itself never gives. */
    private static final int FORWARDED = 299;
    private static final Map<String, Integer> PARTITION_OF_COOP = Map.of("KSP-BERINGHARJO", 0, "KSP-KLEWER", 1,
            "KSP-TANAHABANG", 2);
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;
    private Vertx vertx;
    private final ReferenceData ref = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    private final EngineConfig config = EngineConfig.of(Map.of(EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1"));
    private final EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
    private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cores = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final TestPartitions partitions = new TestPartitions();
    /** The reference the ingest reads; a test may replace it (a reload). */
    private volatile ReferenceData reference = ref;
    private int port;

    PartitionRoutingTest() throws Exception {
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        partitions.serve(0, core(0, "a", false));
        partitions.serve(1, core(1, "a", false));
        IngestContext ctx = new IngestContext(config, () -> reference, null, null, null, null,
                new RateLimiter(ref.terminalCount(), 1_000, 1_000), metrics, Clock.systemUTC(), partitions);
        HttpIngest ingest = new HttpIngest(ctx, 0);
        vertx.deployVerticle(ingest).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = ingest.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (AutoCloseable core : cores) {
            core.close();
        }
        assertThat(fatal).as("a writer or settlement failed").isEmpty();
    }

    @Test
    void postsGoToTheTerminalsPartitionAndVoidsAndStatusToTheIdsPartition() throws Exception {
        JsonObject first = new JsonObject(post("T0000001", payment("T0000001", "a-1", "15000")).body());
        assertThat(first.getString("paymentId")).isEqualTo("P0-1");
        assertThat(first.getString("coopId")).isEqualTo("KSP-BERINGHARJO");
        assertThat(new JsonObject(post("T0000006", payment("T0000006", "b-1", "20000")).body()).getString("paymentId"))
                .isEqualTo("P1-1");
        HttpResponse<String> second = post("T0000006", payment("T0000006", "b-2", "21000"));
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(second.body()).getString("paymentId")).isEqualTo("P1-2");
        assertThat(new JsonObject(second.body()).getString("coopId")).isEqualTo("KSP-KLEWER");
        assertThat(partitions.core(0).book.lastSequence()).as("partition 0's book holds its one payment only").isEqualTo(1);
        assertThat(partitions.core(1).book.lastSequence()).isEqualTo(2);

        // Klewer's trader KLW-001 moves to Beringharjo (a reload): its terminal's posts would now go to
        // partition 0, but its payments stay where they were journaled, and their ids say where
        reference = movedTrader("KLW-001", "KSP-BERINGHARJO");
        HttpResponse<String> status = signed("GET", "/v1/payments/P1-2", "T0000006", new byte[0]);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(new JsonObject(status.body()).getString("paymentId")).isEqualTo("P1-2");
        assertThat(new JsonObject(status.body()).getLong("amount")).isEqualTo(21_000);
        HttpResponse<String> voided = signed("POST", "/v1/payments/P1-2/void", "T0000006", new byte[0]);
        assertThat(voided.statusCode()).as(voided.body()).isEqualTo(200);
        assertThat(voided.body()).isEqualTo("{\"paymentId\":\"P1-2\",\"status\":\"VOIDED\"}");
        assertThat(partitions.core(1).book.lastSequence()).as("the void is journaled in partition 1").isEqualTo(3);
        assertThat(partitions.core(0).book.lastSequence()).isEqualTo(1);
        reference = ref;

        // an id of partition 2 is forwarded, whoever asks, with its exact body
        byte[] reason = "{\"reason\":\"customer changed mind\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> remoteVoid = signed("POST", "/v1/payments/P2-5/void", "T0000001", reason);
        assertThat(remoteVoid.statusCode()).isEqualTo(FORWARDED);
        HttpResponse<String> remoteStatus = signed("GET", "/v1/payments/P2-5", "T0000011", new byte[0]);
        assertThat(remoteStatus.statusCode()).isEqualTo(FORWARDED);
        assertThat(partitions.forwarded).hasSize(2);
        Forwarded v = partitions.forwarded.get(0);
        assertThat(v.partition()).isEqualTo(2);
        assertThat(v.method() + " " + v.uri()).isEqualTo("POST /v1/payments/P2-5/void");
        assertThat(v.body()).isEqualTo(reason);
        assertThat(v.terminalId()).isEqualTo("T0000001");
        Forwarded s = partitions.forwarded.get(1);
        assertThat(s.method() + " " + s.uri() + " " + s.partition()).isEqualTo("GET /v1/payments/P2-5 2");
        assertThat(s.body()).isEmpty();

        // ids of no partition are answered here: 404 after authentication, 401 before
        assertThat(signed("GET", "/v1/payments/P7", "T0000001", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(signed("POST", "/v1/payments/P07-1/void", "T0000001", new byte[0]).statusCode()).isEqualTo(404);
        assertThat(signed("GET", "/v1/payments/P7", "T0000001", new byte[0], DemoCredentials.terminalKey("T0000002"))
                .statusCode()).isEqualTo(401);
        assertThat(partitions.forwarded).hasSize(2);
    }

    @Test
    void aBatchOfARemoteTerminalIsForwardedByteForByteAndALocalOneServedHere() throws Exception {
        byte[] remote = ("{\"payments\":[" + payment("T0000011", "c-1", "1000") + ",\n  "
                + payment("T0000011", "c-2", "0") + "]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> forwarded = signed("POST", "/v1/payments/batch", "T0000011", remote);
        assertThat(forwarded.statusCode()).isEqualTo(FORWARDED);
        assertThat(partitions.forwarded).hasSize(1);
        Forwarded f = partitions.forwarded.get(0);
        assertThat(f.method() + " " + f.uri() + " " + f.partition()).isEqualTo("POST /v1/payments/batch 2");
        assertThat(f.body()).isEqualTo(remote);
        assertThat(f.terminalId()).isEqualTo("T0000011");

        String local = "{\"payments\":[" + payment("T0000009", "c-1", "1000") + "," + payment("T0000009", "c-2", "0") + "]}";
        HttpResponse<String> served = signed("POST", "/v1/payments/batch", "T0000009", local.getBytes(StandardCharsets.UTF_8));
        assertThat(served.statusCode()).isEqualTo(200);
        JsonArray results = new JsonObject(served.body()).getJsonArray("results");
        assertThat(results.getJsonObject(0).getString("paymentId")).isEqualTo("P1-1");
        assertThat(results.getJsonObject(1).getString("code")).isEqualTo("INVALID_AMOUNT");
        // an unknown terminal has no partition: 401 here, nothing forwarded
        assertThat(signed("POST", "/v1/payments/batch", "T9999999", local.getBytes(StandardCharsets.UTF_8), new byte[32])
                .statusCode()).isEqualTo(401);
        assertThat(partitions.forwarded).hasSize(1);
    }

    @Test
    void aBodyOverItsLimitIs413AndIsNotForwarded() throws Exception {
        byte[] big = ("{\"payerRef\":\"" + "x".repeat(config.bodyBytesMax) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> declared = signed("POST", "/v1/payments", "T0000011", big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(declared.body()).getString("code")).isEqualTo("BODY_TOO_LARGE");
        assertThat(chunkedStatusLine("/v1/payments", "X-Terminal-Id: T0000011\r\n", big)).contains(" 413 ");
        byte[] bigBatch = new byte[config.batchBodyBytesMax + 1];
        java.util.Arrays.fill(bigBatch, (byte) ' ');
        assertThat(chunkedStatusLine("/v1/payments/batch", "X-Terminal-Id: T0000011\r\n", bigBatch)).contains(" 413 ");
        assertThat(chunkedStatusLine("/v1/coops/KSP-TANAHABANG/obligations/O-1", "Authorization: Bearer "
                + DemoCredentials.coopToken("KSP-TANAHABANG") + "\r\n", big)).contains(" 413 ");
        assertThat(partitions.forwarded).isEmpty();
    }

    @Test
    void theCooperativeApiUsesThePathsCooperativesCoreOrForwards() throws Exception {
        assertThat(post("T0000006", payment("T0000006", "d-1", "20000")).statusCode()).isEqualTo(201);
        TestCore klewer = partitions.core(1);
        CompletableFuture<Long> closed = new CompletableFuture<>();
        klewer.service.close(ref.coop("KSP-KLEWER").index(), JournalEntry.TRIGGER_ADMIN, vertx.getOrCreateContext(),
                closed::complete);
        long closeSequence = closed.get(10, TimeUnit.SECONDS);
        assertThat(klewer.settlement.batchesOfClose(closeSequence).get(30, TimeUnit.SECONDS)).hasSize(1);
        String batchId = "KSP-KLEWER-" + closeSequence;

        HttpResponse<String> list = coop("GET", "KSP-KLEWER", "/settlements", null);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonArray batches = new JsonObject(list.body()).getJsonArray("batches");
        assertThat(batches).hasSize(1);
        assertThat(batches.getJsonObject(0).getString("batchId")).isEqualTo(batchId);
        assertThat(batches.getJsonObject(0).getLong("gross")).isEqualTo(20_000);
        HttpResponse<String> file = coop("GET", "KSP-KLEWER", "/settlements/" + batchId + "/" + batchId + ".csv", null);
        assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(Files.readString(klewer.settlement.filesDir().resolve("KSP-KLEWER")
                .resolve(batchId + ".csv")));
        JsonObject accounts = new JsonObject(coop("GET", "KSP-KLEWER", "/accounts", null).body());
        assertThat(accounts.getLong("balance")).isEqualTo(klewer.ledger.coopBalanceRupiah(ref.coop("KSP-KLEWER").index()))
                .isPositive();
        assertThat(new JsonObject(coop("GET", "KSP-BERINGHARJO", "/settlements", null).body()).getJsonArray("batches"))
                .as("partition 0 has closed nothing").isEmpty();

        String terms = "{\"traderId\":\"BRH-002\",\"kind\":\"RETRIBUSI\",\"dailyAmount\":1000,\"startDate\":\"2026-01-01\"}";
        HttpResponse<String> put = coop("PUT", "KSP-BERINGHARJO", "/obligations/O-1", terms);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(new JsonObject(coop("GET", "KSP-BERINGHARJO", "/obligations", null).body()).getJsonArray("obligations")
                .getJsonObject(0).getString("obligationId")).isEqualTo("O-1");
        assertThat(partitions.core(0).book.lastSequence()).as("journaled in partition 0").isEqualTo(1);

        assertThat(partitions.forwarded).isEmpty();
        assertThat(coop("GET", "KSP-TANAHABANG", "/settlements?since=x", null).statusCode()).isEqualTo(FORWARDED);
        String remoteTerms = terms.replace("BRH-002", "TNA-002");
        assertThat(coop("PUT", "KSP-TANAHABANG", "/obligations/O-2", remoteTerms).statusCode()).isEqualTo(FORWARDED);
        assertThat(partitions.forwarded).hasSize(2);
        Forwarded read = partitions.forwarded.get(0);
        assertThat(read.method() + " " + read.uri() + " " + read.partition())
                .isEqualTo("GET /v1/coops/KSP-TANAHABANG/settlements?since=x 2");
        assertThat(read.body()).isEmpty();
        Forwarded write = partitions.forwarded.get(1);
        assertThat(write.method() + " " + write.uri() + " " + write.partition())
                .isEqualTo("PUT /v1/coops/KSP-TANAHABANG/obligations/O-2 2");
        assertThat(write.body()).isEqualTo(remoteTerms.getBytes(StandardCharsets.UTF_8));

        // what needs no core is answered here: an unknown cooperative, a wrong token
        assertThat(coop("GET", "KSP-NOWHERE", "/settlements", null).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(url("/v1/coops/KSP-TANAHABANG/settlements"))
                .header("Authorization", "Bearer " + DemoCredentials.coopToken("KSP-KLEWER")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(404);
        assertThat(partitions.forwarded).hasSize(2);

        HttpResponse<String> portal = http.send(HttpRequest.newBuilder(url("/portal/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(portal.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(portal.body()).getString("code")).isEqualTo("NOT_FOUND");
        assertThat(new JsonObject(portal.body()).getString("detail")).isEqualTo(HttpIngest.PORTAL_UNAVAILABLE);
    }

    @Test
    void aRebuiltCoreGetsANewLaneAndTheReplacedLaneStillAnswers() throws Exception {
        TestCore before = core(0, "b", true); // holds its posts until released
        partitions.serve(0, before);
        CompletableFuture<HttpResponse<String>> held = signedAsync("POST", "/v1/payments", "T0000001",
                payment("T0000001", "e-1", "15000").getBytes(StandardCharsets.UTF_8));
        while (before.held.isEmpty()) {
            Thread.sleep(5);
        }
        assertThat(before.lanes).hasValue(1);
        // the cooperative API's file reader of the core before
        assertThat(coop("GET", "KSP-BERINGHARJO", "/settlements/KSP-BERINGHARJO-3/KSP-BERINGHARJO-3.csv", null).statusCode())
                .isEqualTo(404);

        TestCore rebuilt = core(0, "c", false);
        partitions.serve(0, rebuilt);
        HttpResponse<String> next = post("T0000001", payment("T0000001", "e-2", "16000"));
        assertThat(next.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(next.body()).getString("paymentId")).as("the rebuilt core's book").isEqualTo("P0-1");
        assertThat(rebuilt.lanes).as("a lane of the rebuilt core").hasValue(1);
        assertThat(post("T0000002", payment("T0000002", "e-3", "17000")).statusCode()).isEqualTo(201);
        assertThat(rebuilt.lanes).as("made once per loop and core").hasValue(1);
        assertThat(held).isNotDone();
        CompletableFuture<Long> closed = new CompletableFuture<>();
        rebuilt.service.close(ref.coop("KSP-BERINGHARJO").index(), JournalEntry.TRIGGER_ADMIN, vertx.getOrCreateContext(),
                closed::complete);
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(rebuilt.settlement.batchesOfClose(3).get(30, TimeUnit.SECONDS)).hasSize(1);
        HttpResponse<String> file = coop("GET", "KSP-BERINGHARJO", "/settlements/KSP-BERINGHARJO-3/KSP-BERINGHARJO-3.csv", null);
        assertThat(file.statusCode()).as("read through the rebuilt core's settlement").isEqualTo(200);
        assertThat(file.body()).as("the rebuilt core's two payments").contains("\nBRH-001,2,33000,");

        // the replaced core's writer finishes the post it held: its lane's own wake-up answers it
        assertThat(before.writer.offer(before.held.poll())).isTrue();
        HttpResponse<String> late = held.get(10, TimeUnit.SECONDS);
        assertThat(late.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(late.body()).getString("paymentId")).isEqualTo("P0-1");
        assertThat(before.book.lastSequence()).isEqualTo(1);
        assertThat(rebuilt.book.lastSequence()).isEqualTo(3);
    }

    /** A real partition core: journal, writer, book naming {@code partition} in its ids, settlement and ledger. */
    private TestCore core(int partition, String generation, boolean holdPosts) {
        TestCore core = new TestCore(partition, dir.resolve("journal-" + partition + generation),
                dir.resolve("data").resolve("ledger").resolve("p" + partition + generation), holdPosts);
        cores.add(core);
        return core;
    }

    private final class TestCore implements Partitions.Core, AutoCloseable {
        final Journal journal;
        final Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        final Settlement settlement;
        final PaymentBook book;
        final JournalWriter writer;
        final PaymentService service;
        /** Lanes made through {@link #commands()}. */
        final AtomicInteger lanes = new AtomicInteger();
        /** Posts taken but not yet offered to the writer, when the core holds them. */
        final ConcurrentLinkedQueue<PostLane.Slot> held = new ConcurrentLinkedQueue<>();
        private final PaymentCommands commands;

        TestCore(int partition, Path journalDir, Path ledgerDir, boolean holdPosts) {
            journal = new Journal(journalDir, Durability.ASYNC);
            settlement = new Settlement(ref, FeeSchedule.defaults(), dir.resolve("data"), ledgerDir, ledger, metrics,
                    (t, e) -> fatal.add(e), FilesSync.PER_FILE);
            settlement.live(); // a new journal: nothing to replay
            book = new PaymentBook(ref, Clock.systemUTC(), journal, settlement, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE,
                    partition);
            writer = new JournalWriter(journal, metrics, 1_024, book::publishWindows, () -> { }, (t, e) -> fatal.add(e));
            service = new PaymentService(book, writer);
            commands = new PaymentCommands() {
                @Override
                public PostLane lane(PostLane.Answers answers, PostLane.Wake wake) {
                    lanes.incrementAndGet();
                    if (!holdPosts) {
                        return service.lane(answers, wake);
                    }
                    return new PostLane(new PostLane.Poster() {
                        @Override
                        public void post(PaymentDraft draft, Terminal terminal, PostResult out) {
                            book.post(draft, terminal, out);
                        }

                        @Override
                        public void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out) {
                            book.postAll(drafts, n, terminal, out);
                        }
                    }, held::add, answers, wake);
                }

                @Override
                public void voidPayment(String paymentId, Terminal terminal, io.vertx.core.Context context,
                        java.util.function.Consumer<id.lumbung.core.payment.VoidOutcome> done) {
                    service.voidPayment(paymentId, terminal, context, done);
                }

                @Override
                public void voidByTxnId(String txnId, Terminal terminal, io.vertx.core.Context context,
                        java.util.function.Consumer<id.lumbung.core.payment.VoidOutcome> done) {
                    service.voidByTxnId(txnId, terminal, context, done);
                }

                @Override
                public void status(String paymentId, Terminal terminal, io.vertx.core.Context context,
                        java.util.function.Consumer<id.lumbung.core.payment.PaymentView> done, Runnable unavailable) {
                    service.status(paymentId, terminal, context, done, unavailable);
                }
            };
            writer.start();
        }

        @Override
        public PaymentCommands commands() {
            return commands;
        }

        @Override
        public ObligationCommands obligations() {
            return service;
        }

        @Override
        public Settlement settlement() {
            return settlement;
        }

        @Override
        public Ledger ledger() {
            return ledger;
        }

        @Override
        public void close() {
            writer.close();
            settlement.close();
            journal.close();
        }
    }

    /** What {@link Partitions#forward} was given. */
    private record Forwarded(String method, String uri, String terminalId, byte[] body, int partition) {
    }

    /** Cooperatives by the demo's ids to partitions 0, 1, 2; the cores of those served here, replaceable. */
    private final class TestPartitions implements Partitions {
        private final AtomicReferenceArray<TestCore> local = new AtomicReferenceArray<>(PARTITIONS);
        final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();

        void serve(int partition, TestCore core) {
            local.set(partition, core);
        }

        TestCore core(int partition) {
            return local.get(partition);
        }

        @Override
        public int partitionOfCoop(int coopIndex) {
            return PARTITION_OF_COOP.get(ref.coop(coopIndex).coopId());
        }

        @Override
        public Core local(int partition) {
            return partition < PARTITIONS ? local.get(partition) : null;
        }

        @Override
        public void forward(HttpServerRequest req, byte[] body, int partition) {
            forwarded.add(new Forwarded(req.method().name(), req.uri(), req.getHeader("X-Terminal-Id"), body, partition));
            req.response().setStatusCode(FORWARDED).end("forwarded to partition " + partition);
        }

        final List<String> nodeRequests = new CopyOnWriteArrayList<>();

        @Override
        public void nodeRequest(HttpServerRequest req, String path, byte[] body) {
            nodeRequests.add(path + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
            req.response().setStatusCode(FORWARDED).end("node request");
        }
    }

    /** The demo reference with {@code traderId} a member of {@code coopId} (indexes unchanged). */
    private ReferenceData movedTrader(String traderId, String coopId) throws Exception {
        Path files = DeliveryFixture.demoReference(dir.resolve("moved"));
        String traders = Files.readString(files.resolve("traders.csv"));
        String line = traders.lines().filter(l -> l.startsWith(traderId + ",")).findFirst().orElseThrow();
        Files.writeString(files.resolve("traders.csv"), traders.replace(line,
                traderId + "," + coopId + line.substring(line.indexOf(',', traderId.length() + 1))));
        ReferenceData moved = ReferenceFiles.load(files, FeeSchedule.defaults().toConfig().keySet());
        assertThat(moved.trader(traderId).coopIndex()).isEqualTo(ref.coop(coopId).index());
        return moved;
    }

    private static String payment(String terminalId, String txnId, String amount) {
        return "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amount
                + ",\"currency\":\"IDR\",\"occurredAt\":\""
                + java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(7)).withNano(0) + "\",\"method\":\"QRIS\"}";
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> post(String terminalId, String body) throws Exception {
        return signed("POST", "/v1/payments", terminalId, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> signed(String method, String path, String terminalId, byte[] body) throws Exception {
        return signed(method, path, terminalId, body, DemoCredentials.terminalKey(terminalId));
    }

    private HttpResponse<String> signed(String method, String path, String terminalId, byte[] body, byte[] key)
            throws Exception {
        return http.send(signedRequest(method, path, terminalId, body, key), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> signedAsync(String method, String path, String terminalId, byte[] body) {
        return http.sendAsync(signedRequest(method, path, terminalId, body, DemoCredentials.terminalKey(terminalId)),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest signedRequest(String method, String path, String terminalId, byte[] body, byte[] key) {
        String timestamp = Long.toString(System.currentTimeMillis());
        return HttpRequest.newBuilder(url(path))
                .header("X-Terminal-Id", terminalId)
                .header("X-Timestamp", timestamp)
                .header("X-Signature", TerminalAuth.sign(key, method, path, timestamp, body))
                .header("Content-Type", "application/json")
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private HttpResponse<String> coop(String method, String coopId, String rest, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url("/v1/coops/" + coopId + rest))
                .header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The status line of a request whose body is sent chunked, without a declared length (the
     * server learns its size only as it reads it).
     */
    private String chunkedStatusLine(String path, String headers, byte[] body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String method = path.startsWith("/v1/coops/") ? "PUT" : "POST";
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers
                    + "X-Timestamp: " + System.currentTimeMillis() + "\r\nX-Signature: " + "0".repeat(64)
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closedWhileSending) {
                // the server may answer 413 and close before the whole body is sent
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
