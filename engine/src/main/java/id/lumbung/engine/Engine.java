package id.lumbung.engine;

import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.ReferenceBaseline;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.delivery.sftp.SftpServer;
import id.lumbung.delivery.webhook.WebhookDelivery;
import id.lumbung.ingest.HttpIngest;
import id.lumbung.ingest.IngestContext;
import id.lumbung.ingest.RateLimiter;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.metrics.OpsServer;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.reference.ObligationsCsv;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.snapshot.Snapshots;
import id.lumbung.web.Problem;
import id.lumbung.writer.JournalWriter;
import id.lumbung.writer.PaymentService;
import io.micrometer.core.instrument.Gauge;
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
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
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
    private final PrometheusMeterRegistry registry = newRegistry();
    private final EngineMetrics metrics = new EngineMetrics(registry);
    private Vertx vertx;
    private Journal journal;
    private JournalWriter writer;
    private PaymentBook book;
    private PaymentService service;
    private Settlement settlement;
    private Ledger ledger;
    private OpsServer ops;
    private HttpIngest firstIngest;
    private id.lumbung.gateway.IsoGateway gateway;
    /** The delivery credentials read at start; a reload hands its own to the webhook and SFTP. */
    private DeliveryCredentials delivery;
    private WebhookDelivery webhook;
    private SftpServer sftp;
    private List<String> deployments = List.of();
    private volatile boolean ready;
    /** A rejected snapshot's last sequence that the journal did not hold (-1: none), and its file. */
    private long snapshotAheadOf = -1;
    private Path snapshotAheadFile;
    private volatile boolean writable = true;
    private volatile long unsettledRupiah;
    private volatile long unsettledPayments;
    private volatile long oldestUnsettledEpochMs = -1;
    private volatile long journalBytes;
    private volatile long diskFreeBytes;
    /** Starts at {@code journal.disk.reserve.bytes}; an operator may change it while running. */
    private volatile long diskReserveBytes;
    private volatile long nextCutoffEpochMs;
    private volatile long eventLoopLagNs;
    private long cutoffTimer = -1;
    private volatile boolean stopping;
    private volatile boolean failed;
    /**
     * Core only ({@link #coreOnly}): journal, replay, writer, settlement and snapshots on a Vert.x
     * the caller owns; no listeners, ops port, gauges or cut-off timer, and {@link #close} leaves
     * that Vert.x running. The life-cycle simulator drives the engine this way, hundreds of starts
     * a minute.
     */
    private boolean coreOnly;
    private Thread journalVerifier;
    /** Sequence of the snapshot this start loaded (0: it replayed the whole journal). */
    private volatile long snapshotSequence;
    /** The reference folder's obligations.csv rows, journaled at start where they are not yet. */
    private List<ObligationsCsv.Row> obligationRows = List.of();
    /** Without a reference folder: read the bundled demo's obligations.csv (the reference given is the bundled demo). */
    private boolean bundledDemoObligations;

    public Engine(EngineConfig config, ReferenceData reference, FeeSchedule fees, Clock clock, String adminToken,
            Thread.UncaughtExceptionHandler fatal) {
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
        this.diskReserveBytes = config.diskReserveBytes;
    }

    private static PrometheusMeterRegistry newRegistry() {
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
        if (config.referenceDir != null || bundledDemoObligations) {
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
                snapshotLoad.complete(config.snapshotEnabled ? loadSnapshot() : null);
            } catch (Throwable e) {
                snapshotLoad.completeExceptionally(e);
            }
        }, "lumbung-snapshot-load");
        loader.setDaemon(true);
        loader.start();
        try {
            if (!coreOnly) {
                startVertxAndOps();
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
        writer = new JournalWriter(journal, metrics, config.writerQueueMax, book::publishWindows, this::idleWork, fatal);
        service = new PaymentService(book, writer);
        writer.start();
        journalReferenceChanges();
        if (coreOnly) {
            ready = true;
            if (snapshot != null) {
                verifyJournalBefore(snapshot);
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
        scheduleCutoff();
        vertx.setPeriodic(100, id -> {
            long scheduled = System.nanoTime();
            vertx.runOnContext(v -> eventLoopLagNs = System.nanoTime() - scheduled);
        });
        ready = true;
        if (snapshot != null) {
            verifyJournalBefore(snapshot);
        }
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

    /** The reference files and delivery credentials a reload read, both checked. */
    private record Reloaded(ReferenceData files, DeliveryCredentials credentials) {
    }

    /**
     * Puts reloaded delivery credentials (webhook URLs and secrets, SSH keys) in effect at once,
     * once the reload's reference changes are journaled: they are credentials, not money, and are
     * not journaled themselves.
     */
    private synchronized void useDeliveryCredentials(DeliveryCredentials reloaded) {
        if (sftp != null) {
            sftp.credentials(reloaded);
        }
        webhook.credentials(reloaded);
        LOG.log(System.Logger.Level.INFO, "event=delivery_credentials_reloaded {0}", reloaded);
    }

    /** Vert.x with its metrics, the JVM binders, the gauges and the ops port (health answers "not ready" from here on). */
    private void startVertxAndOps() throws Exception {
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
        vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        registerGauges();
        ops = new OpsServer(vertx, registry, this::ready, adminToken, this::adminClose)
                .referenceAdmin(this::adminReload, this::adminReferenceHistory);
        // with TLS configured the admin token never travels in clear (server TLS; the token authorises)
        await(ops.listen(config.opsBind, config.opsPort, config.httpIdleTimeoutSeconds,
                o -> id.lumbung.config.Tls.applyServerOnly(o, config)));
    }

    /** The state the journal derives, empty: ledger, settlement and payment book. */
    private void newDerivedState() {
        ReferenceData start = baseline.reference().effective(files);
        ledger = new Ledger(start.coopCount(), start.traderCount());
        settlement = new Settlement(start, fees, config.dataDir, ledger, metrics, fatal);
        settlement.liveReference(() -> reference);
        book = new PaymentBook(baseline.reference(), files, clock, journal,
                settlement, TimeUnit.DAYS.toMillis(config.retentionDays), config.retainedPaymentsMax);
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
        });
        if (!offered) {
            throw new IllegalStateException("the journal writer took no command at start");
        }
        PaymentBook.ReferenceUpdate update;
        try {
            update = done.get(10, TimeUnit.MINUTES);
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
        logChanges(update.changes());
    }

    /** The start's reference changes (and an upgraded journal's baseline, once). Writer thread. */
    private PaymentBook.ReferenceUpdate journalStartReference() {
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

    private static void logChanges(List<id.lumbung.core.reference.JournaledReference.Change> changes) {
        for (id.lumbung.core.reference.JournaledReference.Change c : changes.size() > 20 ? changes.subList(0, 20) : changes) {
            LOG.log(System.Logger.Level.INFO, "event=reference_changed what=\"{0}\" from=\"{1}\" to=\"{2}\""
                    + " sequence={3,number,#}", c.what(), c.from(), c.to(), c.sequence());
        }
        if (changes.size() > 20) {
            LOG.log(System.Logger.Level.INFO, "event=reference_changed more={0,number,#}", changes.size() - 20);
        }
    }

    /**
     * Loads the newest snapshot into the fresh derived state; returns where replay goes on, or null
     * (none, or rejected: then the state is built anew and the whole journal replays).
     */
    private Snapshots.Position loadSnapshot() {
        Snapshots snapshots = new Snapshots(config.dataDir);
        Path file = null;
        long t0 = System.nanoTime();
        try {
            file = snapshots.newest();
            if (file == null) {
                return null;
            }
            long[] partNs = new long[3];
            Snapshots.Position at = snapshots.load(file, journal, in -> {
                long p0 = System.nanoTime();
                book.readFrom(in);
                settlement.useReference(book.reference()); // the journaled reference the snapshot carries
                long p1 = System.nanoTime();
                settlement.readFrom(in);
                long p2 = System.nanoTime();
                ledger.readFrom(in);
                partNs[0] = p1 - p0;
                partNs[1] = p2 - p1;
                partNs[2] = System.nanoTime() - p2;
            });
            if (book.lastSequence() != at.sequence() || book.lastEntryIndex() != at.journalIndex()
                    || settlement.settledCloseSequence() != book.lastCloseSequence()) {
                throw new SnapshotException("snapshot body stands at sequence " + book.lastSequence() + " (close "
                        + settlement.settledCloseSequence() + " settled of " + book.lastCloseSequence()
                        + "), its header at " + at.sequence());
            }
            snapshotSequence = at.sequence();
            LOG.log(System.Logger.Level.INFO, "event=snapshot_loaded file={0} sequence={1,number,#} retained_payments={2,number,#}"
                    + " load_ms={3,number,#} book_ms={4,number,#} settlement_ms={5,number,#} ledger_ms={6,number,#}", file,
                    at.sequence(), book.retainedPayments(), (System.nanoTime() - t0) / 1_000_000, partNs[0] / 1_000_000,
                    partNs[1] / 1_000_000, partNs[2] / 1_000_000);
            return at;
        } catch (RuntimeException e) {
            // SnapshotException names what is wrong; anything else thrown while reading a damaged
            // file (a digest that no longer parses, an index Chronicle refuses) is a rejection too:
            // the whole journal is always there to replay
            metrics.snapshotsRejected.increment();
            if (e instanceof SnapshotException se && se.journalSequenceMissing() > 0) {
                snapshotAheadOf = se.journalSequenceMissing();
                snapshotAheadFile = file;
            }
            LOG.log(System.Logger.Level.WARNING, "event=snapshot_rejected file={0} reason=\"{1}\" action=replay_whole_journal",
                    file, e.getMessage());
            settlement.close();
            newDerivedState();
            return null;
        }
    }

    /**
     * A start from a snapshot does not read the journal before it; this thread does, checking every
     * entry as replay would, while the engine already serves. Bit rot there stops the engine, as it
     * would have stopped a whole replay (only later, and without having applied anything wrong:
     * the state came from the snapshot, which was taken from the intact journal).
     */
    private void verifyJournalBefore(Snapshots.Position snapshot) {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                long n = journal.verifyUpTo(snapshot.sequence(), snapshot.journalIndex(), () -> !stopping);
                if (!stopping) {
                    LOG.log(System.Logger.Level.INFO, "event=journal_verified up_to_sequence={0,number,#} entries={1,number,#}"
                            + " duration_ms={2,number,#}", snapshot.sequence(), n, (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.log(System.Logger.Level.ERROR, "event=journal_corrupt detail=\"{0}\"", e.getMessage());
                    fatal.uncaughtException(Thread.currentThread(), e);
                }
            }
        }, "lumbung-journal-verify");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        journalVerifier = t;
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
        if (after == null && snapshotAheadOf > result.lastSequence()) {
            // a snapshot is taken from the journal at a clean stop: a journal that ends before it
            // has lost acknowledged entries (a lost, truncated or replaced file), so do not serve it
            throw new JournalCorruptException("journal is corrupt or replaced: the snapshot " + snapshotAheadFile
                    + " was taken when the journal held sequence " + snapshotAheadOf + ", but the journal ends at sequence "
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
        long reserve = diskReserveBytes;
        boolean ok;
        try {
            FileStore store = Files.getFileStore(journal.dir());
            diskFreeBytes = store.getUsableSpace();
            boolean room = journal.extendRoom(diskFreeBytes); // refuses at the file system's own ENOSPC
            // a reserve of 0 leaves the decision to the file system, through the journal's room
            ok = room && (reserve == 0 || diskFreeBytes > reserve) && Files.isWritable(journal.dir());
        } catch (IOException e) {
            ok = false;
        }
        if (ok != writable) {
            LOG.log(System.Logger.Level.WARNING, "event=journal_availability writable={0} disk_free_bytes={1,number,#}"
                    + " reserve_bytes={2,number,#}", ok, diskFreeBytes, reserve);
        }
        writable = ok;
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
        if (bytes < 0) {
            throw new IllegalArgumentException("disk reserve must be >= 0: " + bytes);
        }
        diskReserveBytes = bytes;
    }

    public long diskReserveBytes() {
        return diskReserveBytes;
    }

    /** Whether the journal takes writes (false while the disk reserve is reached or it is not writable). */
    public boolean journalWritable() {
        return writable;
    }

    private void refreshGauges() {
        unsettledRupiah = book.unsettledRupiah();
        unsettledPayments = book.unsettledPayments();
        oldestUnsettledEpochMs = book.oldestUnsettledEpochMs();
    }

    private void registerGauges() {
        gauge("lumbung.unsettled.rupiah", "Accepted, un-voided rupiah waiting for a window close", () -> unsettledRupiah);
        gauge("lumbung.unsettled.payments", "Accepted, un-voided payments waiting for a window close", () -> unsettledPayments);
        gauge("lumbung.settlement.lag.seconds", "Age of the oldest unsettled payment since it was accepted",
                () -> oldestUnsettledEpochMs < 0 ? 0 : (clock.millis() - oldestUnsettledEpochMs) / 1000.0);
        gauge("lumbung.settlement.last.close.timestamp.seconds", "Unix time of the last settled window close",
                () -> settlement == null ? 0 : settlement.lastCloseEpochMs() / 1000.0);
        gauge("lumbung.settlement.next.cutoff.timestamp.seconds", "Unix time of the next scheduled cut-off (0: none)",
                () -> nextCutoffEpochMs / 1000.0);
        gauge("lumbung.journal.bytes", "Bytes of journal files on disk", () -> journalBytes);
        gauge("lumbung.journal.disk.free.bytes", "Usable bytes on the journal's file system", () -> diskFreeBytes);
        gauge("lumbung.journal.disk.reserve.bytes", "Free space the engine keeps; below it writes are refused",
                () -> diskReserveBytes);
        gauge("lumbung.journal.available", "1 while the journal takes writes, 0 while it refuses them", () -> writable ? 1 : 0);
        gauge("lumbung.journal.queue.commands", "Commands waiting for the journal writer",
                () -> writer == null ? 0 : writer.queuedCommands());
        gauge("lumbung.ready", "1 once the journal is replayed and every listener is up, 0 again after a fatal error",
                () -> ready() ? 1 : 0);
        gauge("lumbung.replay.snapshot.sequence", "Journal sequence of the snapshot this start loaded (0: whole journal replayed)",
                () -> snapshotSequence);
        gauge("lumbung.eventloop.lag.seconds", "Delay of a task queued on an event loop, sampled every 100 ms",
                () -> eventLoopLagNs / 1e9);
        gauge("lumbung.idempotency.retained.payments", "Payments whose idempotency key and status are held in memory",
                () -> book == null ? 0 : book.retainedPayments());
        vertxPeriodicJournalBytes();
    }

    private void vertxPeriodicJournalBytes() {
        vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> journal == null ? 0L : journal.sizeBytes())
                .onSuccess(b -> journalBytes = b));
    }

    private void gauge(String name, String description, java.util.function.DoubleSupplier value) {
        // strong reference: the supplier is a lambda only the gauge holds
        Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).strongReference(true)
                .description(description).register(registry);
    }

    // ---------------------------------------------------------------- settlement triggers

    private void scheduleCutoff() {
        java.time.Instant next = new id.lumbung.core.settlement.CutoffSchedule(config.cutoffs, ZoneId.of(config.timezone))
                .next(clock.instant());
        if (next == null) {
            nextCutoffEpochMs = 0;
            return;
        }
        nextCutoffEpochMs = next.toEpochMilli();
        long delayMs = Math.max(1, nextCutoffEpochMs - clock.millis());
        cutoffTimer = vertx.setTimer(delayMs, id -> closeWindow(-1, JournalEntry.TRIGGER_SCHEDULE)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.log(System.Logger.Level.ERROR, "event=scheduled_close_failed error=\"{0}\"", ar.cause().getMessage());
                    }
                    scheduleCutoff();
                }));
    }

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
     * {@code POST /admin/v1/reference/reload}: reads the reference files again (off the event loop),
     * then the journal writer journals and applies each change, or refuses them all (409 naming
     * file, line and field). Event loops see the old reference or the new one, never a mix: the
     * writer publishes the new one whole once it has journaled it.
     */
    private Future<OpsServer.Answer> adminReload() {
        if (!ready || failed) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting or stopping")));
        }
        io.vertx.core.Context context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> {
            try {
                ReferenceData files = ReferenceFiles.loadOrBundledDemo(config.referenceDir, fees.toConfig().keySet());
                // the delivery credentials are checked with the rest: a faulty one refuses the whole reload
                DeliveryCredentials credentials = DeliveryCredentials.load(config.referenceDir, config.webhookSecretsPath, files);
                SftpServer.checkKeys(credentials);
                return new Reloaded(files, credentials);
            } catch (id.lumbung.core.reference.ReferenceDataException | IllegalStateException e) {
                return e;
            }
        }).compose(loaded -> {
            if (loaded instanceof Exception e) {
                return Future.succeededFuture(refused(e.getMessage()));
            }
            ReferenceData next = ((Reloaded) loaded).files();
            DeliveryCredentials nextDelivery = ((Reloaded) loaded).credentials();
            Promise<OpsServer.Answer> answer = Promise.promise();
            reloadReference(next, context, update -> {
                if (update.refusal() != null) {
                    answer.complete(refused(update.refusal()));
                } else if (update.journalUnavailable()) {
                    answer.complete(new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                            Problem.JOURNAL_UNAVAILABLE.json("the reference changes could not be journaled")));
                } else {
                    logChanges(update.changes());
                    useDeliveryCredentials(nextDelivery);
                    answer.complete(new OpsServer.Answer(200, changesJson(update.changes(), -1)));
                }
            });
            return answer.future();
        });
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

    private static OpsServer.Answer refused(String message) {
        return new OpsServer.Answer(409, Problem.json(409, "REFERENCE_REFUSED", "Reference change refused",
                "nothing journaled: " + message));
    }

    /** {@code GET /admin/v1/reference/history}: read on the writer, which owns the history. */
    private Future<OpsServer.Answer> adminReferenceHistory() {
        if (!ready || failed) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting or stopping")));
        }
        io.vertx.core.Context context = vertx.getOrCreateContext();
        Promise<OpsServer.Answer> answer = Promise.promise();
        service.referenceHistory((changes, total) -> context.runOnContext(v -> answer.complete(total < 0
                ? new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                        Problem.JOURNAL_UNAVAILABLE.json("the journal writer's queue is full"))
                : new OpsServer.Answer(200, changesJson(changes, total)))));
        return answer.future();
    }

    /** {@code {"changes":[{"what","from","to","sequence","at"}],"total"?}}, {@code at} in ISO 8601 UTC. */
    private static String changesJson(List<id.lumbung.core.reference.JournaledReference.Change> changes, long total) {
        io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
        for (id.lumbung.core.reference.JournaledReference.Change c : changes) {
            items.add(new io.vertx.core.json.JsonObject().put("what", c.what()).put("from", c.from()).put("to", c.to())
                    .put("sequence", c.sequence()).put("at", java.time.Instant.ofEpochMilli(c.atEpochMs()).toString()));
        }
        io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("changes", items);
        if (total >= 0) {
            body.put("total", total);
        }
        return body.encode();
    }

    private Future<OpsServer.Answer> adminClose(String coopId) {
        if (!ready) {
            return Future.succeededFuture(new OpsServer.Answer(503,
                    Problem.json(503, "NOT_READY", "Not ready", "the engine is starting")));
        }
        int coopIndex = -1;
        if (coopId != null) {
            Coop coop = reference.coop(coopId);
            if (coop == null) {
                return Future.succeededFuture(new OpsServer.Answer(Problem.NOT_FOUND.status,
                        Problem.NOT_FOUND.json("no such cooperative")));
            }
            coopIndex = coop.index();
        }
        if (failed) {
            return Future.succeededFuture(new OpsServer.Answer(500, Problem.json(500, "ENGINE_FAILED", "Engine failed",
                    "the engine hit a fatal error and is stopping; see its log (event=settlement_failed or journal_writer_failed)")));
        }
        return closeWindow(coopIndex, JournalEntry.TRIGGER_ADMIN).map(batches -> {
            StringBuilder sb = new StringBuilder("{\"batches\":[");
            for (int i = 0; i < batches.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                id.lumbung.ingest.BatchJson.write(sb, settlement.batch(batches.get(i).batchId()));
            }
            return new OpsServer.Answer(200, sb.append("]}").toString());
        }).recover(e -> Future.succeededFuture(settlement.failure() != null
                // journaled, but its batches could not be settled: not a condition to retry
                ? new OpsServer.Answer(500, Problem.json(500, "SETTLEMENT_FAILED", "Settlement failed",
                        "the close was journaled but could not be settled (" + settlement.failure().getMessage()
                        + "); the engine is stopping; see ops/RUNBOOK.md, \"Re-run a failed close\""))
                : new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                        Problem.JOURNAL_UNAVAILABLE.json("the close could not be journaled"))));
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
            if (cutoffTimer >= 0) {
                vertx.cancelTimer(cutoffTimer);
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
            writeSnapshot();
            if (journalVerifier != null) {
                try {
                    journalVerifier.join(10_000);
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

    /**
     * At a clean stop: the derived state as of the last journal entry, so that the next start
     * replays only what comes after it. Skipped (the next start replays the whole journal) unless
     * the writer has stopped and every close is settled; a failure (including a last entry that is
     * not the book's, which {@link Snapshots#write} refuses) is logged, never fatal.
     */
    private void writeSnapshot() {
        if (!config.snapshotEnabled || failed || writer == null || !writer.stopped() || book.lastSequence() == 0
                || book.lastSequence() == snapshotSequence || !settlement.stopped()
                || settlement.settledCloseSequence() != book.lastCloseSequence()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            // a snapshot takes ~70 bytes per retained payment; it must not eat the journal's reserve
            long needBytes = 70L * book.retainedPayments() + (64L << 20);
            long freeBytes = Files.getFileStore(config.dataDir).getUsableSpace();
            if (freeBytes - needBytes < diskReserveBytes) {
                LOG.log(System.Logger.Level.WARNING, "event=snapshot_skipped reason=\"disk: {0,number,#} bytes free, the snapshot"
                        + " needs about {1,number,#} and the reserve is {2,number,#}\"", freeBytes, needBytes, diskReserveBytes);
                return;
            }
            if (config.durability != Durability.SYNC) {
                journal.forceFiles(); // ASYNC: the entries the snapshot stands on must be on disk before it
            }
            Snapshots.Written w = new Snapshots(config.dataDir).write(
                    new Snapshots.Position(book.lastSequence(), book.lastEntryIndex()), journal,
                    out -> {
                        book.writeTo(out);
                        settlement.writeTo(out);
                        ledger.writeTo(out);
                    });
            LOG.log(System.Logger.Level.INFO, "event=snapshot_written file={0} sequence={1,number,#} bytes={2,number,#}"
                    + " retained_payments={3,number,#} duration_ms={4,number,#}", w.file(), book.lastSequence(), w.bytes(),
                    book.retainedPayments(), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event=snapshot_failed reason=\"{0}\" effect=next_start_replays_more",
                    String.valueOf(e.getMessage()));
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Reads or creates the admin token: env var, else {@code <data>/admin.token} (created 0600). */
    public static String adminToken(Path dataDir) throws IOException {
        String env = System.getenv(EngineConfig.ADMIN_TOKEN_ENV_NAME);
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = dataDir.resolve("admin.token");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        Files.createDirectories(dataDir);
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String token = java.util.HexFormat.of().formatHex(raw);
        Path tmp = dataDir.resolve("admin.token.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }
}
