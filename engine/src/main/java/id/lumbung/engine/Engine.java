package id.lumbung.engine;

import id.lumbung.config.EngineConfig;
import id.lumbung.config.FilesSync;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.ReferenceBaseline;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.sftp.SftpServer;
import id.lumbung.delivery.webhook.WebhookDelivery;
import id.lumbung.ingest.HttpIngest;
import id.lumbung.ingest.IngestContext;
import id.lumbung.ingest.RateLimiter;
import id.lumbung.journal.DiskGuard;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineGauges;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.metrics.OpsServer;
import id.lumbung.metrics.OpsWarmUp;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.reference.ObligationsCsv;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.CutoffTimer;
import id.lumbung.settlement.Settlement;
import id.lumbung.snapshot.Snapshots;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.PaymentService;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Assembles and runs the engine: reference data, journal replay, the journal writer, settlement,
 * the HTTP and ISO 8583 listeners, the ops port and the cut-off schedule. {@link #start} returns
 * once every listener is up and the journal is replayed (readiness); {@link #stop} drains.
 *
 * <p>Threads: "lumbung-journal-writer" (journal, payment book), "lumbung-settlement" (batches,
 * ledger, files), Vert.x event loops (HTTP, ISO 8583, ops), "lumbung-webhook" and MINA's "sshd-*"
 * workers for delivery (package {@code id.lumbung.delivery}), the caller's thread for start and stop.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final EngineConfig config;
    /** The reference files as read at start; a reload reads its own. */
    private final ReferenceData files;
    /** The reference in effect (journaled values, names and keys from the files): what event loops read. */
    private volatile ReferenceData reference;
    private final FeeSchedule fees;
    /** The reference in effect before the journal's first entry (see {@link ReferenceBaseline}). */
    private ReferenceBaseline baseline;
    /** Whether the baseline was journaled; writer thread. */
    private boolean baselineJournaled;
    /** A start's reference changes wait for the journal to take writes (disk reserve); writer thread. */
    private boolean referencePending;
    private volatile RateLimiter rateLimiter;
    private final Clock clock;
    private final String adminToken;
    private final Thread.UncaughtExceptionHandler fatal;
    private final PrometheusMeterRegistry registry;
    private final EngineMetrics metrics;
    /** Null for a single engine; set for a core over one partition of the Kafka journal ({@link KafkaNode}). */
    private Partition partition;
    private final EngineGauges gauges;
    private Vertx vertx;
    private Journal journal;
    private JournalWriter writer;
    private PaymentBook book;
    private PaymentService service;
    private Settlement settlement;
    private Ledger ledger;
    private OpsServer ops;
    /**
     * Rounds of the ops port's warm-up: on an idle engine here the first three scrapes took 89, 24
     * and 16 ms, so five leave the next one at its steady cost.
     */
    static final int OPS_WARM_UP_ROUNDS = 5;
    private volatile Future<OpsWarmUp.Result> opsWarmUp;
    private HttpIngest firstIngest;
    private id.lumbung.gateway.IsoGateway gateway;
    /** The delivery credentials read at start; a reload hands its own to the webhook and SFTP. */
    private DeliveryCredentials delivery;
    private WebhookDelivery webhook;
    private SftpServer sftp;
    private List<String> deployments = List.of();
    private volatile boolean ready;
    /** The disk reserve: whether the journal takes writes. */
    private final DiskGuard disk;
    private volatile CutoffTimer cutoffTimer;
    private volatile boolean stopping;
    private volatile boolean failed;
    /**
     * Core only ({@link #coreOnly}): journal, replay, writer, settlement and snapshots on a Vert.x
     * the caller owns; no listeners, ops port, gauges or cut-off timer, and {@link #close} leaves
     * that Vert.x running. The life-cycle simulator drives the engine this way, hundreds of starts
     * a minute.
     */
    private boolean coreOnly;
    /** Snapshot load at start, journal verification before it, snapshot at a clean stop. */
    private final SnapshotKeeper snapshots;
    /** The reference folder's obligations.csv rows, journaled at start where they are not yet. */
    private List<ObligationsCsv.Row> obligationRows = List.of();
    /** Without a reference folder: read the bundled demo's obligations.csv (the reference given is the bundled demo). */
    private boolean bundledDemoObligations;

    public Engine(EngineConfig config, ReferenceData reference, FeeSchedule fees, Clock clock, String adminToken,
            Thread.UncaughtExceptionHandler fatal) {
        this(config, reference, fees, clock, adminToken, fatal, new EngineMetrics(newRegistry()));
    }

    /** @param metrics the meters to count into: the process's own, shared by a Kafka node's partition cores */
    private Engine(EngineConfig config, ReferenceData reference, FeeSchedule fees, Clock clock, String adminToken,
            Thread.UncaughtExceptionHandler fatal, EngineMetrics metrics) {
        this.metrics = metrics;
        this.registry = (PrometheusMeterRegistry) metrics.registry();
        this.config = config;
        this.files = reference;
        this.reference = reference;
        this.fees = fees;
        this.clock = clock;
        this.adminToken = adminToken;
        // a fatal error also rules out a snapshot at stop: the state may be ahead of the journal
        this.fatal = (t, e) -> {
            failed = true;
            fatal.uncaughtException(t, e);
        };
        this.disk = new DiskGuard(config.diskReserveBytes);
        this.gauges = new EngineGauges(registry, clock);
        this.snapshots = new SnapshotKeeper(this, config, metrics);
    }

    /**
     * What makes a core one partition's of the Kafka journal: its payment ids name the partition, its
     * groups are committed as Kafka transactions, and a commit that fails makes the core unavailable
     * (its node rebuilds it from the topic) rather than stopping the process.
     *
     * @param id the partition
     * @param commit the group commit over the core's local copy of the partition (it may listen to the copy's appends)
     * @param commitTimer times each commit ({@code lumbung_kafka_commit_latency_seconds})
     * @param onUnavailable told on the core's writer thread once its journal became unavailable
     */
    record Partition(int id, java.util.function.Function<Journal, id.lumbung.writer.GroupCommit> commit,
            io.micrometer.core.instrument.Timer commitTimer, Runnable onUnavailable) {
    }

    /**
     * A core over one partition of the Kafka journal, for {@link KafkaNode}: core only on the
     * node's Vert.x, counting into the node's meters, over {@code config.dataDir}'s {@code journal}
     * (the partition's local copy, made before {@link #start}). Its start journals the reference
     * files into a new partition and refuses a partition written with other reference data; it
     * journals the rows of {@code obligations.csv} given (the partition's cooperatives').
     */
    static Engine partitionCore(EngineConfig config, ReferenceData files, FeeSchedule fees, Clock clock, Vertx shared,
            EngineMetrics metrics, Partition partition, List<ObligationsCsv.Row> obligationRows,
            Thread.UncaughtExceptionHandler fatal) {
        Engine core = new Engine(config, files, fees, clock, null, fatal, metrics);
        core.coreOnly(shared);
        core.partition = partition;
        core.obligationRows = List.copyOf(obligationRows);
        return core;
    }

    static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // process.cpu.time (exported as process_cpu_time_ns_total) and system.cpu.count fail
        // promtool's naming lint; process_cpu_usage and system_cpu_usage carry the same information
        r.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id ->
                id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        return r;
    }

    /**
     * Declares that the reference given is the bundled demo data: without a reference folder, the
     * start journals the demo's obligations.csv too. Before {@link #start}.
     */
    public Engine withBundledDemoObligations() {
        bundledDemoObligations = true;
        return this;
    }

    /** Starts everything; completes when ready (journal replayed, every listener up). */
    public void start() throws Exception {
        long t0 = System.nanoTime();
        // obligations.csv is read with the reference: a bad row stops the start before anything opens
        if (partition == null && (config.referenceDir != null || bundledDemoObligations)) {
            obligationRows = ReferenceFiles.obligationsOrBundledDemo(config.referenceDir, traderId -> {
                id.lumbung.core.reference.Trader t = files.trader(traderId);
                return t == null ? null : files.coop(t.coopIndex()).coopId();
            });
        }
        // delivery credentials first: a webhook without its secret stops the start before anything opens
        delivery = DeliveryCredentials.load(config.referenceDir, config.webhookSecretsPath, files);
        Files.createDirectories(config.dataDir);
        if (config.journalForceOffUnsafe) {
            System.err.println("WARNING: journal.force=off-unsafe-test-only: the journal is never forced to disk;"
                    + " acknowledged payments are lost at a power cut. For tests only.");
        }
        Journal.removeHeaderlessCycleFiles(config.dataDir.resolve("journal"));
        journal = new Journal(config.dataDir.resolve("journal"), config.durability, config.journalForceOffUnsafe);
        baseline = ReferenceBaseline.of(journal, files, fees.toConfig());
        newDerivedState();
        long tJournal = System.nanoTime();
        // the snapshot loads on a thread of its own while Vert.x and the ops port start
        java.util.concurrent.CompletableFuture<Snapshots.Position> snapshotLoad = new java.util.concurrent.CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                snapshotLoad.complete(config.snapshotEnabled ? snapshots.loadSnapshot() : null);
            } catch (Throwable e) {
                snapshotLoad.completeExceptionally(e);
            }
        }, "lumbung-snapshot-load");
        loader.setDaemon(true);
        loader.start();
        try {
            if (!coreOnly) {
                startVertxAndOps();
                warmUpOps();
            }
        } catch (Exception e) {
            // the loader writes into the derived state: let it finish before close() tears it down
            try {
                snapshotLoad.get(60, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the start's own failure is the one to report
            }
            throw e;
        }
        long tOps = System.nanoTime();
        Snapshots.Position snapshot;
        try {
            snapshot = snapshotLoad.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
        replay(snapshot);
        long tState = System.nanoTime();
        // the first check runs before the writer takes commands: no write slips in under the reserve
        checkDisk();
        writer = partition == null
                ? new JournalWriter(journal, metrics, config.writerQueueMax, book::publishWindows, this::idleWork, fatal)
                        // the delay buys fewer forces: with async durability there are none to save
                        .commitDelayMicros(config.durability == id.lumbung.config.Durability.SYNC ? config.commitDelayMicros : 0)
                : new JournalWriter(partition.commit().apply(journal), partition.commitTimer(), metrics, config.writerQueueMax,
                        book::publishWindows, this::idleWork, fatal, partition.onUnavailable());
        service = new PaymentService(book, writer);
        writer.start();
        journalReferenceChanges();
        if (partition != null) {
            settlement.onBatchFilesWritten(this::journalFileDigests);
        }
        if (coreOnly) {
            ready = true;
            if (snapshot != null) {
                snapshots.verifyJournalBefore(snapshot, () -> { });
            }
            return;
        }

        rateLimiter = new RateLimiter(reference.terminalCount(), config.ratePerSecond, config.rateBurst);
        rateLimiter.ensureCapacity(reference.terminalCount()); // a reference the writer published meanwhile
        IngestContext ctx = new IngestContext(config, () -> reference, service, service, settlement, ledger, rateLimiter, metrics,
                clock);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.ArrayList<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HttpIngest ingest = new HttpIngest(ctx, config.httpPort);
            ids.add(await(vertx.deployVerticle(ingest, new DeploymentOptions())));
            if (i == 0) {
                firstIngest = ingest;
            }
        }
        deployments = ids;
        gateway = new id.lumbung.gateway.IsoGateway(vertx, config.httpHost, config.isoPort, service,
                id -> reference.terminal(id), i -> reference.trader(i).traderId(), clock, registry, config.amountMaxRupiah,
                config.isoMac)
                .tls(o -> id.lumbung.config.Tls.apply(o, config), config.tlsClientAuthRequired);
        await(gateway.start());
        startDelivery();
        cutoffTimer = new CutoffTimer(vertx, config.cutoffs, config.timezone, clock, this::closeWindow);
        cutoffTimer.scheduleCutoff();
        gauges.sampleEventLoopLag(vertx);
        ready = true;
        // what a start leaves to do in the background takes one core at a time, so that the event
        // loops keep the other while terminals come back: the journal before the snapshot is
        // verified first (bit rot there stops the engine), then settlement warms its renderers
        if (snapshot != null) {
            snapshots.verifyJournalBefore(snapshot, settlement::warmUp);
        } else {
            settlement.warmUp();
        }
        LOG.log(settlement.filesDurabilityWarning() ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "event=settlement_files_durability how=\"{0}\"", filesDurability());
        LOG.log(System.Logger.Level.INFO, "event=ready http_port={0,number,#} ops_port={1,number,#} iso_port={8,number,#} data={2} durability={3}"
                + " coops={4,number,#} traders={5,number,#} terminals={6,number,#} start_ms={7,number,#}"
                + " journal_open_ms={9,number,#} vertx_ops_ms={10,number,#} state_ms={11,number,#} listeners_ms={12,number,#}",
                httpPort(), opsPort(), config.dataDir.toAbsolutePath(), config.durability.name().toLowerCase(java.util.Locale.ROOT),
                reference.coopCount(), reference.traderCount(), reference.terminalCount(),
                (System.nanoTime() - t0) / 1_000_000, isoPort(), (tJournal - t0) / 1_000_000, (tOps - tJournal) / 1_000_000,
                (tState - tOps) / 1_000_000, (System.nanoTime() - tState) / 1_000_000);
    }

    /**
     * The batch-ready webhook (when a cooperative has one) and the SFTP server (when
     * {@code --sftp-port} is given), once replay is done: the webhook derives what is still due
     * from the settlement listing.
     */
    private void startDelivery() throws Exception {
        // started with no webhook too: a reload may add one, and its metric is always there to watch
        webhook = new WebhookDelivery(delivery, () -> reference, config.dataDir, clock, registry, config.webhookRetryFirstMs,
                new java.util.SplittableRandom());
        webhook.start(settlement);
        if (config.sftpPort >= 0) {
            sftp = SftpServer.start(config.httpHost, config.sftpPort, config.dataDir, () -> reference, delivery, settlement,
                    registry);
        }
    }

    /**
     * Puts reloaded delivery credentials (webhook URLs and secrets, SSH keys) in effect at once,
     * once the reload's reference changes are journaled: they are credentials, not money, and are
     * not journaled themselves.
     *
     * @param sshKeys the keys of {@code reloaded} as the reload's check decoded them
     */
    synchronized void useDeliveryCredentials(DeliveryCredentials reloaded, SftpServer.Keys sshKeys) {
        if (sftp != null) {
            sftp.credentials(sshKeys);
        }
        webhook.credentials(reloaded);
        LOG.log(System.Logger.Level.INFO, "event=delivery_credentials_reloaded {0}", reloaded);
    }

    /** Vert.x with its metrics, the JVM binders, the gauges and the ops port (health answers "not ready" from here on). */
    private void startVertxAndOps() throws Exception {
        vertx = newVertx(registry);
        gauges.registerGauges(vertx, new GaugeSources());
        AdminAnswers admin = new AdminAnswers(this, config, fees);
        ops = new OpsServer(vertx, registry, this::ready, adminToken, admin::adminClose)
                .referenceAdmin(admin::adminReload, admin::adminReferenceHistory);
        // with TLS configured the admin token never travels in clear (server TLS; the token authorises)
        await(ops.listen(config.opsBind, config.opsPort, config.httpIdleTimeoutSeconds,
                o -> id.lumbung.config.Tls.applyServerOnly(o, config)));
    }

    /** The ops port's warm-up of this start (tests); null before the ops port listens. */
    Future<OpsWarmUp.Result> opsWarmUp() {
        return opsWarmUp;
    }

    /**
     * The ops port's warm-up ({@link OpsWarmUp}) on the event loops while this thread loads the
     * state, not waited for. It competes with the load for the cores: ready from a snapshot of 10 M
     * payments comes about 0.2 s later on two cores (docs/DECISIONS.md, Benchmarks), and the first
     * {@code /health/ready} after it answers in tens of milliseconds instead of hundreds. Where the
     * state loads in less time than the warm-up takes (about half a second here) it ends just after
     * the terminal port opens. Logged when done; one that fails costs only the first scrape's speed,
     * so the start goes on, with a warning.
     */
    private void warmUpOps() {
        opsWarmUp = OpsWarmUp.run(vertx, config.opsBind, ops.actualPort(), config.tlsEnabled(), OPS_WARM_UP_ROUNDS);
        opsWarmUp.onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.log(System.Logger.Level.INFO, "event=ops_warm_up requests={0,number,#} statuses={1} ms={2,number,#}",
                        ar.result().statuses().size(), ar.result().statusCounts(), ar.result().ms());
            } else if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "event=ops_warm_up_failed error=\"{0}\" effect=\"the first scrape of"
                        + " the ops port may slow terminals' answers for about a second\"", String.valueOf(ar.cause()));
            }
        });
    }

    /** Vert.x with its metrics in {@code registry}, and the JVM binders there too: a process's one Vert.x. */
    static Vertx newVertx(PrometheusMeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Vert.x's own HTTP server metrics stay off: Vert.x 5.0.7 sets a server's metrics only after
        // its port is bound, so a connection accepted in between has no connection metric, and every
        // request on it then fails with a NullPointerException in VertxHttpServerMetrics.requestBegin
        // and is never answered (seen once at a start here; HttpMetricsRaceProbe, 100 listens: 37
        // and 45 of ~13,500 connections made during a listen got no answer, none with it off).
        // lumbung_http_connections and lumbung_ingest_latency_seconds{channel="http"} replace them.
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /** {@code settlement.files.sync} as {@code durability} lets a close use it ({@link FilesSync#effective}). */
    private FilesSync filesSync() {
        return FilesSync.effective(config.filesSync, config.durability);
    }

    /** How a close makes its files durable, for the start's log. */
    private String filesDurability() {
        return filesSync() != config.filesSync ? FilesSync.ASYNC_JOURNAL_REASON : settlement.filesDurability();
    }

    /** The state the journal derives, empty: ledger, settlement and payment book. */
    void newDerivedState() {
        ReferenceData start = baseline.reference().effective(files);
        if (book != null) {
            metrics.stopCountingEntriesOf(book); // a rejected snapshot's state, replaced
        }
        ledger = new Ledger(start.coopCount(), start.traderCount());
        settlement = new Settlement(start, fees, config.dataDir, ledger, metrics, fatal, filesSync());
        settlement.liveReference(() -> reference);
        book = new PaymentBook(baseline.reference(), files, clock, journal,
                settlement, TimeUnit.DAYS.toMillis(config.retentionDays), config.retainedPaymentsMax,
                partition == null ? -1 : partition.id());
        metrics.countEntriesOf(book);
    }

    /**
     * After replay, before anything else is journaled: records the reference an upgraded journal
     * had in effect, then journals each change the files make to the reference at the journal's
     * end. A change that cannot apply stops the start, naming file, line and field.
     */
    private void journalReferenceChanges() throws Exception {
        // the journal's appender belongs to the writer thread: the changes are its first command,
        // answered once durable, before any listener takes a request
        java.util.concurrent.CompletableFuture<PaymentBook.ReferenceUpdate> done = new java.util.concurrent.CompletableFuture<>();
        boolean offered = writer.offer(new id.lumbung.writer.JournalWriter.Command() {
            private PaymentBook.ReferenceUpdate update;

            @Override
            public void execute() {
                if (!book.writable()) {
                    // under the disk reserve nothing is written, payments included (503), until space
                    // returns: then the writer's disk check journals the changes before its first write.
                    // Meanwhile the event loops see the journaled reference; a new journal has none yet,
                    // and the files' own table has the very indexes the journaled one will have (a first
                    // reference is appended in file order)
                    referencePending = true;
                    publishReference(book.referenceEmpty() ? files : book.reference());
                    update = new PaymentBook.ReferenceUpdate(List.of(), null, true);
                    return;
                }
                update = journalStartReference();
                if (update.refusal() == null) {
                    publishReference(book.reference());
                }
            }

            @Override
            public void complete() {
                done.complete(update);
            }

            @Override
            public void abandon() {
                done.completeExceptionally(new IllegalStateException(
                        "the journal became unavailable before the start's reference changes were durable"));
            }
        });
        if (!offered) {
            throw new IllegalStateException("the journal writer took no command at start");
        }
        PaymentBook.ReferenceUpdate update;
        try {
            update = done.get(10, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the journal writer did not journal the reference changes within 10 minutes"
                    + (failed ? " (it failed: see event=journal_writer_failed)" : ""), e);
        }
        if (update.refusal() != null) {
            throw new id.lumbung.core.reference.ReferenceDataException("reference change refused, nothing journaled: "
                    + update.refusal());
        }
        if (update.journalUnavailable()) {
            LOG.log(System.Logger.Level.WARNING, "event=reference_deferred reason=\"the journal takes no writes (disk"
                    + " reserve); reference changes are journaled when it does\"");
            return;
        }
        if (partition != null) {
            // a node journals the same reference into each new partition: one line each, not one per change
            if (!update.changes().isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "event=reference_journaled partition={0} changes={1,number,#}",
                        partition.id(), update.changes().size());
            }
            return;
        }
        logChanges(update.changes());
    }

    /**
     * A Kafka partition's owner journals each batch's file digests once its files are written
     * (settlement thread; journaled by the writer): whichever node writes the files again from the
     * journal checks its bytes against them. A digest the writer cannot take (a full queue, a
     * journal that became unavailable) is logged: that batch's files are then checked against
     * nothing, which the log says.
     */
    private void journalFileDigests(id.lumbung.core.settlement.BatchRecord record) {
        List<id.lumbung.core.journal.FileDigests.File> files = new java.util.ArrayList<>();
        for (id.lumbung.core.settlement.FileDigest f : record.files()) {
            files.add(new id.lumbung.core.journal.FileDigests.File(f.name(), f.sizeBytes(),
                    java.util.HexFormat.of().parseHex(f.sha256Hex())));
        }
        id.lumbung.core.journal.FileDigests digests = new id.lumbung.core.journal.FileDigests(record.batch().batchId(), files);
        boolean offered = writer.offer(new JournalWriter.Command() {
            @Override
            public void execute() {
                if (!book.journalFileDigests(digests)) {
                    notJournaled(digests, "the journal takes no writes");
                }
            }

            @Override
            public void complete() {
            }

            @Override
            public void abandon() {
                notJournaled(digests, "the journal became unavailable");
            }
        });
        if (!offered) {
            notJournaled(digests, "the journal writer's queue is full");
        }
    }

    private static void notJournaled(id.lumbung.core.journal.FileDigests digests, String why) {
        LOG.log(System.Logger.Level.WARNING, "event=file_digests_not_journaled batch_id={0} reason=\"{1}\"", digests.batchId(), why);
    }

    /** The start's reference changes (and an upgraded journal's baseline, once). Writer thread. */
    private PaymentBook.ReferenceUpdate journalStartReference() {
        if (partition != null && !book.referenceEmpty()) {
            String difference = book.referenceDifference(files, fees.toConfig());
            if (difference != null) {
                // every node serves every partition in turn: one node's reference applied to some
                // partitions would leave the cluster settling with two
                return new PaymentBook.ReferenceUpdate(List.of(), "the reference data differs from what partition "
                        + partition.id() + " of the Kafka journal was written with (" + difference + "); every node must"
                        + " be given the reference data the cluster was started with (a change of reference data is not"
                        + " taken with the Kafka journal)", false);
            }
        }
        if (baseline.mustJournal() && !baselineJournaled) {
            int n = book.journalBaseline(files, fees.toConfig()).size();
            baselineJournaled = true;
            LOG.log(System.Logger.Level.INFO, "event=reference_baseline_journaled changes={0,number,#} note=\"an"
                    + " upgraded journal: the files are taken as in effect since its start\"", n);
        }
        PaymentBook.ReferenceUpdate update = book.applyReference(files, fees.toConfig());
        if (update.refusal() != null || update.journalUnavailable()) {
            return update;
        }
        String refusal = journalObligationRows();
        return refusal == null ? update : new PaymentBook.ReferenceUpdate(List.of(), refusal, false);
    }

    /**
     * Journals each {@code obligations.csv} row not yet journaled as if it were a {@code PUT}; a row
     * whose terms differ from the journaled obligation of its id refuses the start (the message
     * names the file, the line, the obligation id and the column). Writer thread.
     *
     * @return why the start stops, or null
     */
    private String journalObligationRows() {
        int journaled = 0;
        for (ObligationsCsv.Row row : obligationRows) {
            Obligation o = row.obligation();
            Obligation known = book.obligation(o.coopId(), o.obligationId());
            if (known != null) {
                String difference = ObligationsCsv.difference(o, known);
                if (difference != null) {
                    return row.where() + ": " + difference + "; the journal keeps the terms an obligation was"
                            + " created with: give the changed terms another obligation_id, or end the old one";
                }
                continue;
            }
            ObligationOutcome outcome = book.putObligation(o);
            if (outcome == null) {
                LOG.log(System.Logger.Level.WARNING, "event=obligations_deferred reason=\"the journal takes no writes"
                        + " (disk reserve); the remaining obligations.csv rows are journaled at the next start\"");
                break;
            }
            if (outcome.rejection() != null) {
                return row.where() + ": obligation " + o.obligationId() + ": " + outcome.rejection().detail();
            }
            journaled++;
        }
        if (journaled > 0) {
            LOG.log(System.Logger.Level.INFO, "event=obligations_journaled rows={0,number,#}", journaled);
        }
        return null;
    }

    static void logChanges(List<id.lumbung.core.reference.JournaledReference.Change> changes) {
        for (id.lumbung.core.reference.JournaledReference.Change c : changes.size() > 20 ? changes.subList(0, 20) : changes) {
            LOG.log(System.Logger.Level.INFO, "event=reference_changed what=\"{0}\" from=\"{1}\" to=\"{2}\""
                    + " sequence={3,number,#}", c.what(), c.from(), c.to(), c.sequence());
        }
        if (changes.size() > 20) {
            LOG.log(System.Logger.Level.INFO, "event=reference_changed more={0,number,#}", changes.size() - 20);
        }
    }

    private void replay(Snapshots.Position after) throws Exception {
        long t0 = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, "event=replay_start journal={0} after_sequence={1,number,#}",
                journal.dir().toAbsolutePath(), after == null ? 0 : after.sequence());
        Journal.ProgressListener progress = entries -> {
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.log(System.Logger.Level.INFO, "event=replay_progress entries={0,number,#} rate_per_s={1,number,#}", entries,
                    (long) (entries / Math.max(seconds, 1e-9)));
        };
        Journal.ReplayResult result = after == null ? journal.replay(book::replay, progress)
                : journal.replayAfter(after.journalIndex(), after.sequence(), book::replay, progress);
        if (after == null && snapshots.snapshotAheadOf > result.lastSequence()) {
            // a snapshot is taken from the journal at a clean stop: a journal that ends before it
            // has lost acknowledged entries (a lost, truncated or replaced file), so do not serve it
            throw new JournalCorruptException("journal is corrupt or replaced: the snapshot " + snapshots.snapshotAheadFile
                    + " was taken when the journal held sequence " + snapshots.snapshotAheadOf + ", but the journal ends at sequence "
                    + result.lastSequence() + ". Stop, and restore the journal from backup; to start from this shorter"
                    + " journal on purpose, move the snapshot folder away first.");
        }
        book.afterReplay(result.lastSequence(), result.discardedTailIndex());
        settlement.drained().get(10, TimeUnit.MINUTES);
        settlement.restoreMissingFiles(); // before ready: every file the listing advertises is there
        settlement.live();
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.log(System.Logger.Level.INFO, "event=replay_done entries={0,number,#} last_sequence={1,number,#} bytes={2,number,#} seconds={3}"
                + " rate_per_s={4,number,#} torn_tail={5}", result.entries(), result.lastSequence(), result.bytes(),
                String.format(java.util.Locale.ROOT, "%.3f", seconds), (long) (result.entries() / Math.max(seconds, 1e-9)),
                result.discardedTailIndex() >= 0 ? "discarded" : "none");
        refreshGauges();
    }

    /** Runs on the journal writer every 10 ms or so: disk reserve, retention sweep, gauge snapshots. */
    private void idleWork() {
        checkDisk();
        book.evict(10_000);
        refreshGauges();
    }

    /** Free space against the reserve: intake stops at or under it and resumes by itself above it. */
    private void checkDisk() {
        boolean ok = disk.checkDisk(journal);
        book.writable(ok);
        if (ok && referencePending && writer != null && writer.isWriterThread()) {
            referencePending = false; // before any command of the writer can write
            PaymentBook.ReferenceUpdate update = journalStartReference();
            if (update.refusal() != null) {
                LOG.log(System.Logger.Level.ERROR, "event=reference_refused detail=\"{0}\" effect=\"the journaled"
                        + " reference stays in effect; fix the files and reload\"", update.refusal());
            } else {
                logChanges(update.changes());
            }
            publishReference(book.reference());
        }
    }

    /**
     * Operator override of {@code journal.disk.reserve.bytes} while running (for example to let a
     * close through on a nearly full disk, or to stop intake ahead of maintenance). Takes effect at
     * the writer's next check, within about 10 ms; not persisted.
     */
    public void diskReserveBytes(long bytes) {
        disk.diskReserveBytes(bytes);
    }

    public long diskReserveBytes() {
        return disk.diskReserveBytes();
    }

    /** Whether the journal takes writes (false while the disk reserve is reached or it is not writable). */
    public boolean journalWritable() {
        return disk.journalWritable();
    }

    private void refreshGauges() {
        gauges.refreshGauges(book);
    }

    /** What the gauges read of the engine; any thread. */
    private final class GaugeSources implements EngineGauges.Sources {
        @Override
        public long lastCloseEpochMs() {
            return settlement == null ? 0 : settlement.lastCloseEpochMs();
        }

        @Override
        public long nextCutoffEpochMs() {
            return cutoffTimer == null ? 0 : cutoffTimer.nextCutoffEpochMs();
        }

        @Override
        public long diskFreeBytes() {
            return disk.diskFreeBytes();
        }

        @Override
        public long diskReserveBytes() {
            return disk.diskReserveBytes();
        }

        @Override
        public boolean journalWritable() {
            return disk.journalWritable();
        }

        @Override
        public int queuedCommands() {
            return writer == null ? 0 : writer.queuedCommands();
        }

        @Override
        public boolean ready() {
            return Engine.this.ready();
        }

        @Override
        public long snapshotSequence() {
            return snapshots.snapshotSequence;
        }

        @Override
        public int retainedPayments() {
            return book == null ? 0 : book.retainedPayments();
        }

        @Override
        public long journalSizeBytes() {
            return journal == null ? 0L : journal.sizeBytes();
        }
    }

    // ---------------------------------------------------------------- settlement triggers

    /** Closes the window of one cooperative (index) or all (-1) and returns its batches once settled. */
    public Future<List<Batch>> closeWindow(int coopIndex, byte trigger) {
        Promise<List<Batch>> promise = Promise.promise();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        service.close(coopIndex, trigger, context, closeSequence -> {
            if (closeSequence < 0) {
                promise.fail("journal unavailable");
                return;
            }
            settlement.batchesOfClose(closeSequence).whenComplete((batches, error) -> context.runOnContext(v -> {
                if (error != null) {
                    promise.fail(error); // settlement counted the failure (lumbung_settlement_close_failures_total)
                } else {
                    promise.complete(batches);
                }
            }));
        });
        return promise.future();
    }

    /**
     * A reload's core: the journal writer compares {@code files} with the journaled reference, then
     * journals, applies and publishes the changes, or refuses them all; {@code done} runs on {@code context}.
     */
    void reloadReference(ReferenceData files, io.vertx.core.Context context,
            java.util.function.Consumer<PaymentBook.ReferenceUpdate> done) {
        service.reference(files, fees.toConfig(), this::publishReference, context, done);
    }

    /** Writer thread, right after a reload's changes are journaled: what every later request sees. */
    private void publishReference(ReferenceData next) {
        RateLimiter limiter = rateLimiter; // null only while the start has not built it (it sizes it from the reference)
        if (limiter != null) {
            limiter.ensureCapacity(next.terminalCount());
        }
        reference = next;
    }

    // ---------------------------------------------------------------- accessors and stop

    public int httpPort() {
        return firstIngest.actualPort();
    }

    public int isoPort() {
        return gateway.actualPort();
    }

    public int opsPort() {
        return ops.actualPort();
    }

    /** The SFTP port, or -1 when SFTP is off. */
    public int sftpPort() {
        return sftp == null ? -1 : sftp.port();
    }

    /** Serving: started, and no fatal error since (the process stops on one; until it has, it is not ready). */
    public boolean ready() {
        return ready && !failed;
    }

    public Vertx vertx() {
        return vertx;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public ReferenceData reference() {
        return reference;
    }

    public PaymentService service() {
        return service;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Makes this engine core only (before {@link #start}): it runs on {@code shared} (for the
     * commands' contexts and {@link #closeWindow}) and starts no listener, ops port, gauge or cut-off
     * timer. Package-private: the life-cycle simulator's seam (CoreHarness in the tests).
     */
    void coreOnly(Vertx shared) {
        if (journal != null) {
            throw new IllegalStateException("core only is chosen before start");
        }
        this.vertx = shared;
        this.coreOnly = true;
    }

    /** The settlement this start built (batches, files), for the simulator's checks. */
    Settlement settlement() {
        return settlement;
    }

    /** Payments the book retains (the retention sweep's effect), for the simulator's checks. */
    int retainedPayments() {
        return book.retainedPayments();
    }

    /** The ledger this start built, for the simulator's checks. */
    Ledger ledger() {
        return ledger;
    }

    // ---------------------------------------------------------------- the derived state, for the snapshot keeper and the admin answers

    Journal journal() {
        return journal;
    }

    JournalWriter writer() {
        return writer;
    }

    PaymentBook book() {
        return book;
    }

    boolean stopping() {
        return stopping;
    }

    /** Started (every listener up), whether or not a fatal error came since. */
    boolean started() {
        return ready;
    }

    boolean failed() {
        return failed;
    }

    Thread.UncaughtExceptionHandler fatal() {
        return fatal;
    }

    /**
     * Stops as a crash leaves the disk: the journal holds what was appended (a process crash
     * loses nothing of the mapped file) and no snapshot is written. Threads are stopped as in
     * {@link #close}, so that the same folder can be opened again in this process.
     */
    void stopAsCrash() {
        failed = true;
        close();
    }

    /**
     * Drains and stops: not ready, listeners closed (no new requests; in-flight ones finish as the
     * writer completes them), the writer finishes its queue and forces the journal, settlement
     * finishes, then the journal and Vert.x close.
     */
    @Override
    public void close() {
        ready = false;
        stopping = true;
        long t0 = System.nanoTime();
        if (sftp != null) {
            sftp.close();
        }
        if (webhook != null) {
            settlement.onBatchFilesWritten(null);
            webhook.close(); // what is not delivered yet is due again at the next start
        }
        if (vertx != null) {
            if (cutoffTimer != null) {
                cutoffTimer.cancel();
            }
            if (gateway != null) {
                try {
                    await(gateway.close());
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "event=iso_close_failed error=\"{0}\"", e.getMessage());
                }
            }
            for (String id : deployments) {
                try {
                    await(vertx.undeploy(id));
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "event=undeploy_failed error=\"{0}\"", e.getMessage());
                }
            }
        }
        if (writer != null) {
            writer.close();
        }
        if (settlement != null) {
            settlement.close();
        }
        if (journal != null) {
            snapshots.writeSnapshot();
            if (snapshots.journalVerifier != null) {
                try {
                    snapshots.journalVerifier.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            journal.close();
        }
        if (ops != null) {
            try {
                await(ops.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=ops_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (vertx != null && !coreOnly) {
            try {
                await(vertx.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=vertx_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        LOG.log(System.Logger.Level.INFO, "event=stopped duration_ms={0,number,#}", (System.nanoTime() - t0) / 1_000_000);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Reads or creates the admin token ({@link id.lumbung.config.AdminTokenFile}). */
    public static String adminToken(Path dataDir) throws IOException {
        return id.lumbung.config.AdminTokenFile.read(dataDir);
    }
}
