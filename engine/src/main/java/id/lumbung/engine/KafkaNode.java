package id.lumbung.engine;

import id.lumbung.cluster.Forwarder;
import id.lumbung.cluster.NodeAuth;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.ingest.HttpIngest;
import id.lumbung.ingest.IngestContext;
import id.lumbung.ingest.Partitions;
import id.lumbung.ingest.RateLimiter;
import id.lumbung.kafka.KafkaGroupCommit;
import id.lumbung.kafka.KafkaSettings;
import id.lumbung.kafka.KafkaTopic;
import id.lumbung.kafka.PartitionLog;
import id.lumbung.kafka.PartitionMirror;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.metrics.OpsServer;
import id.lumbung.reference.ObligationsCsv;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.CutoffTimer;
import id.lumbung.settlement.Settlement;
import id.lumbung.web.Problem;
import id.lumbung.writer.ObligationCommands;
import id.lumbung.writer.PaymentCommands;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A node of the Kafka journal (DESIGN.md, "Beyond one machine: the Kafka journal"): it joins the
 * consumer group of the journal's topic, and for each partition the group assigns it builds a core
 * over that partition, exactly the core a single engine runs over its Chronicle journal, with the
 * partition's entries copied locally ({@link PartitionMirror}) and each group of entries committed
 * as one Kafka transaction ({@link KafkaGroupCommit}). Requests for a partition another node owns
 * are forwarded to it ({@link Forwarder}); nodes learn who owns what from the group's member
 * descriptions, whose client id carries each node's advertised URL.
 *
 * <p>A core is built on the node's one builder thread: open the partition's transactional producer
 * (fencing any earlier owner), copy the partition, replay it, journal the reference into a new
 * partition, serve. It is dropped when the group takes the partition away (revoked or lost), and
 * when its journal became unavailable (a failed or fenced commit: its state is ahead of the topic).
 * Such a core is built again from the topic only once the group, asked afresh, names this node the
 * partition's owner ({@link #rebuildIfStillOwned}): the node's own view of its assignment may be
 * stale, and opening a partition fences whoever serves it.
 *
 * <p>Threads: "lumbung-kafka-group" (the consumer: membership and assignment, nothing consumed),
 * "lumbung-kafka-partitions" (builds and drops cores), "lumbung-kafka-owners" (who owns which
 * partition, every {@value #OWNERS_REFRESH_MS} ms), Vert.x's event loops, and each core's writer
 * and settlement threads.
 */
public final class KafkaNode implements AutoCloseable, Partitions {
    private static final System.Logger LOG = System.getLogger(KafkaNode.class.getName());
    /** The topic check at start: brokers that answer nothing in this long are down, and the start fails naming them. */
    static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(15);
    /** DESIGN: a killed node's partitions move within the group's session timeout, at most 10 s. */
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int HEARTBEAT_INTERVAL_MS = 1_000;
    static final long OWNERS_REFRESH_MS = 500;
    /** A build that failed (brokers unreachable, say) is tried again after this while the partition is ours. */
    static final long BUILD_RETRY_MS = 2_000;
    /** One description of the group: the owners' refresh and the check before a rebuild. */
    static final long DESCRIBE_TIMEOUT_MS = 2_000;
    private static final String CLIENT_ID_PREFIX = "lumbung|";

    private final EngineConfig config;
    private final ReferenceData files;
    private final FeeSchedule fees;
    private final Clock clock;
    private final String adminToken;
    private final Thread.UncaughtExceptionHandler fatal;
    private final boolean bundledDemo;
    private final KafkaSettings settings;
    /** This node's terminal port as the others reach it: node.url, or this host's loopback and the port bound. */
    private volatile String advertisedUrl;
    private final PrometheusMeterRegistry registry = Engine.newRegistry();
    private final EngineMetrics metrics = new EngineMetrics(registry);
    private final Timer commitLatency;
    /** The partitions the group assigned this node; group thread writes, any thread reads. */
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    /** The cores serving now, by partition; the builder thread writes. */
    private final ConcurrentHashMap<Integer, Served> cores = new ConcurrentHashMap<>();
    /** Partition to its owner's advertised URL, as the group last described it. */
    private volatile Map<Integer, String> owners = Map.of();
    /** This node's client id in the group, as the group's member descriptions show it. */
    private volatile String groupClientId;
    private volatile boolean joined;
    private volatile boolean running = true;
    private int[] partitionOfCoop;
    private List<ObligationsCsv.Row> obligationRows = List.of();
    private Vertx vertx;
    private OpsServer ops;
    private Forwarder forwarder;
    private List<String> deployments = List.of();
    private HttpIngest firstIngest;
    private id.lumbung.gateway.IsoGateway gateway;
    private CutoffTimer cutoffTimer;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> daemon(r, "lumbung-kafka-partitions"));
    private final ScheduledExecutorService ownersRefresh = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "lumbung-kafka-owners"));
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread groupThread;

    /** One partition's core while it serves. */
    private record Served(int partition, PartitionLog log, KafkaGroupCommit commit, Engine core) implements Partitions.Core {
        @Override
        public PaymentCommands commands() {
            return core.service();
        }

        @Override
        public ObligationCommands obligations() {
            return core.service();
        }

        @Override
        public Settlement settlement() {
            return core.settlement();
        }

        @Override
        public Ledger ledger() {
            return core.ledger();
        }
    }

    /**
     * @param bundledDemo the reference given is the bundled demo data (its obligations.csv is journaled too)
     */
    public KafkaNode(EngineConfig config, ReferenceData files, FeeSchedule fees, Clock clock, String adminToken,
            Thread.UncaughtExceptionHandler fatal, boolean bundledDemo) {
        this.config = config;
        this.files = files;
        this.fees = fees;
        this.clock = clock;
        this.adminToken = adminToken;
        this.fatal = fatal;
        this.bundledDemo = bundledDemo;
        this.settings = new KafkaSettings(config.kafkaBootstrap, config.kafkaTopic, config.kafkaPartitions,
                config.kafkaReplication, config.kafkaGroup, config.nodeId);
        this.commitLatency = Timer.builder("lumbung.kafka.commit.latency")
                .description("Time to commit one group of journal entries as a Kafka transaction (acks=all)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("lumbung.kafka.owned.partitions", cores, Map::size)
                .description("Partitions of the Kafka journal this node owns and serves")
                .register(registry);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Checks the topic (creating it if missing), starts the listeners and joins the group. Returns
     * once listening; {@code /health/ready} answers 200 once every partition assigned is served.
     *
     * @throws id.lumbung.kafka.KafkaStartException brokers unreachable, or a topic unlike the configuration
     */
    public void start() throws Exception {
        long t0 = System.nanoTime();
        if (config.referenceDir != null || bundledDemo) {
            obligationRows = ReferenceFiles.obligationsOrBundledDemo(config.referenceDir, traderId -> {
                id.lumbung.core.reference.Trader t = files.trader(traderId);
                return t == null ? null : files.coop(t.coopIndex()).coopId();
            });
        }
        KafkaTopic.ensure(settings, TOPIC_CHECK_TIMEOUT);
        partitionOfCoop = new int[files.coopCount()];
        for (int i = 0; i < partitionOfCoop.length; i++) {
            partitionOfCoop[i] = settings.partitionOf(files.coop(i).coopId());
        }
        java.nio.file.Files.createDirectories(config.dataDir);
        vertx = Engine.newVertx(registry);
        ops = new OpsServer(vertx, registry, this::ready, adminToken, this::adminClose);
        Engine.await(ops.listen(config.opsBind, config.opsPort, config.httpIdleTimeoutSeconds,
                o -> id.lumbung.config.Tls.applyServerOnly(o, config)));
        forwarder = new Forwarder(vertx, new NodeAuth(adminToken, config.nodeId, clock), registry);
        RateLimiter rateLimiter = new RateLimiter(files.terminalCount(), config.ratePerSecond, config.rateBurst);
        IngestContext ctx = new IngestContext(config, () -> files, null, null, null, null, rateLimiter, metrics, clock, this);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HttpIngest ingest = new HttpIngest(ctx, config.httpPort);
            ids.add(Engine.await(vertx.deployVerticle(ingest, new DeploymentOptions())));
            if (i == 0) {
                firstIngest = ingest;
            }
        }
        deployments = ids;
        advertisedUrl = config.nodeUrl != null ? config.nodeUrl
                : id.lumbung.config.BindAddress.httpUrl(config.httpHost, httpPort());
        gateway = new id.lumbung.gateway.IsoGateway(vertx, config.httpHost, config.isoPort, new IsoRouting(),
                files::terminal, i -> files.trader(i).traderId(), clock, registry, config.amountMaxRupiah, config.isoMac)
                .tls(o -> id.lumbung.config.Tls.apply(o, config), config.tlsClientAuthRequired);
        Engine.await(gateway.start());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                AdminClientConfig.CLIENT_ID_CONFIG, config.nodeId + "-owners"));
        ownersRefresh.scheduleWithFixedDelay(this::refreshOwners, 0, OWNERS_REFRESH_MS, TimeUnit.MILLISECONDS);
        groupThread = new Thread(this::groupLoop, "lumbung-kafka-group");
        groupThread.start();
        cutoffTimer = new CutoffTimer(vertx, config.cutoffs, config.timezone, clock, this::closeWindow);
        cutoffTimer.scheduleCutoff();
        LOG.log(System.Logger.Level.INFO, "event=kafka_node_started node={0} url={1} http_port={2,number,#} ops_port={3,number,#}"
                + " iso_port={9,number,#} bootstrap={4} topic={5} partitions={6,number,#} group={7} start_ms={8,number,#}",
                config.nodeId, advertisedUrl, httpPort(), opsPort(), settings.bootstrap(), settings.topic(),
                settings.partitions(), settings.group(), (System.nanoTime() - t0) / 1_000_000, isoPort());
    }

    public int httpPort() {
        return firstIngest.actualPort();
    }

    public int opsPort() {
        return ops.actualPort();
    }

    public int isoPort() {
        return gateway.actualPort();
    }

    /** In the group, and serving every partition it was assigned. */
    public boolean ready() {
        if (!joined || !running) {
            return false;
        }
        for (Integer p : assigned) {
            if (!cores.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    /** The partitions this node serves now. */
    public Set<Integer> served() {
        return Set.copyOf(cores.keySet());
    }

    // ---------------------------------------------------------------- the group

    private void groupLoop() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        // the group's member descriptions carry the client id: how the other nodes find this one
        groupClientId = CLIENT_ID_PREFIX + config.nodeId + "|" + advertisedUrl;
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupClientId);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        // incremental: a rebalance takes from a node only the partitions that move
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
            while (running) {
                try {
                    consumer.poll(Duration.ofMillis(200)); // membership only: every assigned partition is paused
                } catch (WakeupException e) {
                    // close() asked the loop to end
                } catch (org.apache.kafka.common.KafkaException e) {
                    LOG.log(System.Logger.Level.WARNING, "event=kafka_group_error error=\"{0}\"", e.toString());
                    sleep(1_000);
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5)); // leaves the group: the others take its partitions at once
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.pause(partitions);
            joined = true;
            for (TopicPartition tp : partitions) {
                int p = tp.partition();
                assigned.add(p);
                builder.execute(() -> build(p));
            }
            LOG.log(System.Logger.Level.INFO, "event=kafka_partitions_assigned partitions={0} owned={1}",
                    numbers(partitions), new java.util.TreeSet<>(assigned));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            giveUp(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            giveUp(partitions, "lost");
        }
    }

    /**
     * Stops serving partitions the group took away, before the group hands them on: the cores are
     * dropped on the builder thread and this waits for that (their writers end their queues).
     */
    private void giveUp(Collection<TopicPartition> partitions, String why) {
        if (partitions.isEmpty()) {
            return;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(partitions.size());
        for (TopicPartition tp : partitions) {
            int p = tp.partition();
            assigned.remove(p);
            builder.execute(() -> {
                try {
                    drop(p, why);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "event=kafka_partitions_{0} partitions={1} owned={2}", why, numbers(partitions),
                new java.util.TreeSet<>(assigned));
    }

    private static String numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList().toString();
    }

    // ---------------------------------------------------------------- cores

    /** Builds the core of an assigned partition (builder thread). */
    private void build(int p) {
        if (!running || !assigned.contains(p) || cores.containsKey(p)) {
            return;
        }
        long t0 = System.nanoTime();
        PartitionLog log = new PartitionLog(settings, p);
        Engine core = null;
        try {
            log.open(); // fences any earlier owner
            Path dir = config.dataDir.resolve("partitions").resolve("p" + p);
            PartitionMirror.Rebuilt copied = PartitionMirror.rebuild(log, dir.resolve("journal"));
            EngineConfig partitionConfig = config.with(Map.of(
                    EngineConfig.DATA_DIR_PROP_NAME, dir.toString(),
                    // the local copy is never forced: the topic is the durable journal
                    EngineConfig.DURABILITY_PROP_NAME, "async",
                    EngineConfig.SNAPSHOT_ENABLED_PROP_NAME, "false",
                    EngineConfig.CUTOFFS_PROP_NAME, "none"));
            KafkaGroupCommit commit = new KafkaGroupCommit(log, () -> running && groupClientId.equals(ownerNow(p)));
            Engine[] built = new Engine[1];
            core = Engine.partitionCore(partitionConfig, files, fees, clock, vertx, metrics,
                    new Engine.Partition(p, journal -> {
                        journal.onAppend(commit);
                        return commit;
                    }, commitLatency, () -> builder.execute(() -> unavailable(p, built[0], commit))),
                    rowsOf(p), fatal);
            built[0] = core;
            core.start();
            if (!assigned.contains(p) || !running) {
                core.close();
                log.close();
                return;
            }
            cores.put(p, new Served(p, log, commit, core));
            LOG.log(System.Logger.Level.INFO, "event=kafka_partition_served partition={0} entries={1,number,#}"
                    + " last_sequence={2,number,#} ms={3,number,#}", p, copied.entries(), copied.lastSequence(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (id.lumbung.core.reference.ReferenceDataException e) {
            // every node is given the same reference data: one that differs must not serve
            LOG.log(System.Logger.Level.ERROR, "event=kafka_partition_refused partition={0} reason=\"{1}\"", p, e.getMessage());
            closeQuietly(core, log);
            fatal.uncaughtException(Thread.currentThread(), e);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "event=kafka_partition_build_failed partition={0} error=\"{1}\""
                    + " retry_ms={2,number,#}", p, e.toString(), BUILD_RETRY_MS);
            closeQuietly(core, log);
            retryBuild(p);
        }
    }

    private static void closeQuietly(Engine core, PartitionLog log) {
        try {
            if (core != null) {
                core.close();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=kafka_core_close_failed error=\"{0}\"", e.toString());
        }
        log.close();
    }

    /**
     * A core's journal became unavailable (builder thread): drop it, and build it again if the
     * group still names this node the partition's owner.
     */
    private void unavailable(int p, Engine core, KafkaGroupCommit commit) {
        Served served = cores.get(p);
        if (served == null || served.core() != core) {
            return; // dropped already
        }
        drop(p, commit.fenced() ? "fenced" : "commit_failed");
        rebuildIfStillOwned(p);
    }

    /**
     * Builds a dropped partition's core again (builder thread) once the group, asked now, names
     * this node the partition's owner; asks again every {@value #BUILD_RETRY_MS} ms while the
     * node's own view still holds the partition. That view alone is not enough either way. A node
     * paused past its session timeout (a long GC pause, a stopped VM) wakes believing it owns the
     * partitions the group has since given to others: its first commit fails (its producer was
     * fenced, or its timeouts ran out while it slept), and opening the partition again would fence
     * the rightful owner. And an owner fenced by such a node is still the owner, which no new
     * assignment will tell it: waiting for one would leave the partition unserved for good.
     */
    private void rebuildIfStillOwned(int p) {
        if (!running || !assigned.contains(p) || cores.containsKey(p)) {
            return;
        }
        String owner = ownerNow(p);
        if (groupClientId.equals(owner)) {
            build(p);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "event=kafka_partition_rebuild_deferred partition={0} owner=\"{1}\""
                + " retry_ms={2,number,#}", p, owner, BUILD_RETRY_MS);
        retryBuild(p);
    }

    /** Asks again, after {@value #BUILD_RETRY_MS} ms, whether to build a partition still assigned here. */
    private void retryBuild(int p) {
        if (running && assigned.contains(p)) {
            ownersRefresh.schedule(() -> builder.execute(() -> rebuildIfStillOwned(p)), BUILD_RETRY_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The client id of the member the group assigns partition {@code p} to now; {@code "none"}
     * when the group is stable and no member has it, {@code "unknown"} when the group is
     * rebalancing or cannot be described in time.
     */
    private String ownerNow(int p) {
        ConsumerGroupDescription group;
        try {
            group = describeGroup();
        } catch (Exception e) {
            return "unknown";
        }
        if (group.groupState() != GroupState.STABLE) {
            return "unknown";
        }
        for (MemberDescription m : group.members()) {
            if (m.assignment().topicPartitions().contains(new TopicPartition(settings.topic(), p))) {
                return m.clientId();
            }
        }
        return "none";
    }

    private ConsumerGroupDescription describeGroup() throws Exception {
        return admin.describeConsumerGroups(List.of(settings.group())).describedGroups().get(settings.group())
                .get(DESCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops serving a partition (builder thread): its writer ends its queue, its settlement its work. */
    private void drop(int p, String why) {
        Served served = cores.remove(p);
        if (served == null) {
            return;
        }
        metrics.stopCountingEntriesOf(served.core().book());
        closeQuietly(served.core(), served.log());
        LOG.log(System.Logger.Level.INFO, "event=kafka_partition_dropped partition={0} reason={1}", p, why);
    }

    /** The obligations.csv rows of a partition's cooperatives. */
    private List<ObligationsCsv.Row> rowsOf(int p) {
        List<ObligationsCsv.Row> rows = new ArrayList<>();
        for (ObligationsCsv.Row row : obligationRows) {
            Coop coop = files.coop(row.obligation().coopId());
            if (coop != null && partitionOfCoop[coop.index()] == p) {
                rows.add(row);
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- owners

    private void refreshOwners() {
        try {
            ConsumerGroupDescription group = describeGroup();
            Map<Integer, String> next = new HashMap<>();
            for (MemberDescription m : group.members()) {
                String clientId = m.clientId();
                if (!clientId.startsWith(CLIENT_ID_PREFIX)) {
                    continue;
                }
                int bar = clientId.indexOf('|', CLIENT_ID_PREFIX.length());
                if (bar < 0) {
                    continue;
                }
                String url = clientId.substring(bar + 1);
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    if (tp.topic().equals(settings.topic())) {
                        next.put(tp.partition(), url);
                    }
                }
            }
            owners = Map.copyOf(next);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "event=kafka_owners_unknown error=\"{0}\"", e.toString());
        }
    }

    // ---------------------------------------------------------------- intake (Partitions)

    @Override
    public int partitionOfCoop(int coopIndex) {
        return partitionOfCoop[coopIndex];
    }

    @Override
    public Partitions.Core local(int partition) {
        return cores.get(partition);
    }

    @Override
    public void forward(HttpServerRequest req, byte[] body, int partition) {
        Forwarder.Origin origin = forwarder.forwarded(req, body);
        if (origin == Forwarder.Origin.UNVERIFIED_NODE) {
            forwarder.refuseUnverified(req);
            return;
        }
        String owner = otherOwner(partition);
        if (origin == Forwarder.Origin.NODE || owner == null) {
            forwarder.noReadyOwner(req); // between owners, or ours and not built yet: retry shortly
            return;
        }
        forwarder.forward(req, body, owner);
    }

    /**
     * The advertised URL of the node the group last named the owner of {@code partition}, or null
     * when it names none or names this node (which then has not built the partition yet).
     */
    private String otherOwner(int partition) {
        String owner = owners.get(partition);
        return owner == null || owner.equals(advertisedUrl) ? null : owner;
    }

    // ---------------------------------------------------------------- ISO 8583 (IsoRoutes)

    /** The path of an ISO 8583 request another node forwards to this one, the partition's owner. */
    static final String NODE_ISO_PATH = Partitions.NODE_PATH_PREFIX + "iso8583";
    /** The query parameter naming the terminal of the forwarding node's mutual-TLS client certificate. */
    static final String CERTIFIED_TERMINAL_PARAM = "certifiedTerminal";

    /**
     * The ISO 8583 port's routes: a terminal's partition is its cooperative's, served by the core
     * here or sent to its owner as {@code POST} {@value #NODE_ISO_PATH}, the frame as the body,
     * signed like every request between nodes; the owner answers 200 with its answer frame.
     */
    private final class IsoRouting implements id.lumbung.gateway.IsoRoutes {
        @Override
        public int partitionOf(id.lumbung.core.reference.Terminal terminal) {
            return partitionOfCoop[files.trader(terminal.traderIndex()).coopIndex()];
        }

        @Override
        public PaymentCommands local(int partition) {
            Served served = cores.get(partition);
            return served == null ? null : served.commands();
        }

        @Override
        public Future<io.vertx.core.buffer.Buffer> forward(int partition, byte[] frame, String certifiedTerminalId) {
            String owner = otherOwner(partition);
            if (owner == null) {
                return Future.failedFuture(new IllegalStateException("partition " + partition + " has no ready owner"));
            }
            String path = certifiedTerminalId == null ? NODE_ISO_PATH : NODE_ISO_PATH + "?" + CERTIFIED_TERMINAL_PARAM + "="
                    + java.net.URLEncoder.encode(certifiedTerminalId, java.nio.charset.StandardCharsets.UTF_8);
            return forwarder.call(owner, io.vertx.core.http.HttpMethod.POST, path, "application/octet-stream", frame)
                    .compose(a -> a.status() == 200 ? Future.succeededFuture(a.bytes())
                            : Future.failedFuture(new IllegalStateException("the owner answered " + a.status())));
        }
    }

    /** A forwarded ISO 8583 frame: answered here as if its terminal were connected to this node. */
    private void isoRequest(HttpServerRequest req, byte[] body) {
        gateway.answerForwarded(body, req.getParam(CERTIFIED_TERMINAL_PARAM))
                .onComplete(answer -> {
                    if (answer.succeeded()) {
                        req.response().setStatusCode(200).putHeader("Content-Type", "application/octet-stream")
                                .end(answer.result());
                    } else {
                        req.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json")
                                .end(Problem.json(400, "MALFORMED_MESSAGE", "Malformed message", answer.cause().getMessage()));
                    }
                });
    }

    // ---------------------------------------------------------------- closes

    /**
     * A close on this node: every partition it serves (each journals a close of all its
     * cooperatives), or the one partition of the cooperative named; completes with their batches.
     */
    Future<List<Batch>> closeWindow(int coopIndex, byte trigger) {
        List<Served> targets = new ArrayList<>();
        if (coopIndex >= 0) {
            Served s = cores.get(partitionOfCoop[coopIndex]);
            if (s == null) {
                return Future.failedFuture(new IllegalStateException("partition " + partitionOfCoop[coopIndex]
                        + " is not served by this node"));
            }
            targets.add(s);
        } else {
            targets.addAll(cores.values());
        }
        List<Future<List<Batch>>> closes = new ArrayList<>();
        for (Served s : targets) {
            closes.add(s.core().closeWindow(coopIndex, trigger));
        }
        return Future.all(closes).map(all -> {
            List<Batch> batches = new ArrayList<>();
            for (Future<List<Batch>> f : closes) {
                batches.addAll(f.result());
            }
            return batches;
        });
    }

    /** The path of a close another node asks of this one: the partitions this node serves (or one cooperative's). */
    static final String NODE_CLOSE_PATH = Partitions.NODE_PATH_PREFIX + "close";

    /**
     * {@code POST /admin/v1/settlements/close} on any node: every partition closes through its owner
     * (or the one partition of the cooperative named), and the answer lists all the batches closed.
     * This node closes what it serves and asks each other owner, over its terminal port and signed,
     * to close what it serves ({@link #NODE_CLOSE_PATH}); a partition without a ready owner makes it
     * {@code 503} before anything is closed.
     */
    private Future<OpsServer.Answer> adminClose(String coopId) {
        int coopIndex = -1;
        if (coopId != null) {
            Coop coop = files.coop(coopId);
            if (coop == null) {
                return Future.succeededFuture(new OpsServer.Answer(Problem.NOT_FOUND.status,
                        Problem.NOT_FOUND.json("no such cooperative")));
            }
            coopIndex = coop.index();
        }
        Map<Integer, String> owners = this.owners;
        java.util.TreeSet<String> others = new java.util.TreeSet<>();
        for (int p = 0; p < settings.partitions(); p++) {
            if (coopIndex >= 0 && p != partitionOfCoop[coopIndex]) {
                continue;
            }
            String owner = owners.get(p);
            if (owner == null || owner.equals(advertisedUrl) && !cores.containsKey(p)) {
                return Future.succeededFuture(new OpsServer.Answer(503, Problem.json(503, "NOT_READY", "Not ready",
                        "partition " + p + " has no ready owner (a rebalance); nothing was closed: retry")));
            }
            if (!owner.equals(advertisedUrl)) {
                others.add(owner);
            }
        }
        byte[] request = (coopId == null ? "{}" : new io.vertx.core.json.JsonObject().put("coopId", coopId).encode())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Future<String>> parts = new ArrayList<>();
        boolean local = coopIndex < 0 || cores.containsKey(partitionOfCoop[coopIndex]);
        if (local) {
            parts.add(localClose(coopIndex).compose(a -> a.status() == 200 ? Future.succeededFuture(a.json())
                    : Future.failedFuture(new NodeCloseFailed(a.status(), a.json()))));
        }
        for (String other : others) {
            parts.add(forwarder.call(other, io.vertx.core.http.HttpMethod.POST, NODE_CLOSE_PATH, request)
                    .compose(a -> a.status() == 200 ? Future.succeededFuture(a.body())
                            : Future.failedFuture(new NodeCloseFailed(a.status(), a.body()))));
        }
        return Future.join(parts).map(all -> {
            StringBuilder sb = new StringBuilder("{\"batches\":[");
            boolean first = true;
            for (Future<String> f : parts) {
                String json = f.result();
                String items = json.substring(json.indexOf('[') + 1, json.lastIndexOf(']'));
                if (!items.isEmpty()) {
                    sb.append(first ? "" : ",").append(items);
                    first = false;
                }
            }
            return new OpsServer.Answer(200, sb.append("]}").toString());
        }).recover(e -> {
            for (Future<String> f : parts) {
                if (f.failed() && f.cause() instanceof NodeCloseFailed n) {
                    return Future.succeededFuture(new OpsServer.Answer(n.status, n.json));
                }
            }
            return Future.succeededFuture(new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                    Problem.JOURNAL_UNAVAILABLE.json("a node did not answer the close (" + e.getMessage() + "); the partitions"
                            + " it serves may or may not be closed: retry, a close of an empty window closes nothing")));
        });
    }

    /** A node's close answered other than 200: its answer is the admin close's. */
    private static final class NodeCloseFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String json;

        NodeCloseFailed(int status, String json) {
            super("close answered " + status, null, false, false);
            this.status = status;
            this.json = json;
        }
    }

    /** Closes the partitions this node serves (or the cooperative's), answering their batches as the admin close does. */
    private Future<OpsServer.Answer> localClose(int coopIndex) {
        Map<String, Settlement> settlementOf = new HashMap<>();
        for (Served s : cores.values()) {
            for (int i = 0; i < partitionOfCoop.length; i++) {
                if (partitionOfCoop[i] == s.partition()) {
                    settlementOf.put(files.coop(i).coopId(), s.core().settlement());
                }
            }
        }
        return closeWindow(coopIndex, JournalEntry.TRIGGER_ADMIN).map(batches -> new OpsServer.Answer(200,
                AdminAnswers.batchesJson(batches, b -> settlementOf.get(b.coopId()).batch(b.batchId())))).recover(e -> Future.succeededFuture(new OpsServer.Answer(Problem.JOURNAL_UNAVAILABLE.status,
                Problem.JOURNAL_UNAVAILABLE.json("the close could not be journaled: " + e.getMessage()))));
    }

    @Override
    public void nodeRequest(HttpServerRequest req, String path, byte[] body) {
        if (forwarder.forwarded(req, body) != Forwarder.Origin.NODE) {
            forwarder.refuseUnverified(req);
            return;
        }
        if (path.equals(NODE_ISO_PATH)) {
            isoRequest(req, body);
            return;
        }
        if (!path.equals(NODE_CLOSE_PATH)) {
            io.vertx.core.http.HttpServerResponse res = req.response().setStatusCode(Problem.NOT_FOUND.status)
                    .putHeader("Content-Type", "application/problem+json");
            res.end(Problem.NOT_FOUND.json("no such resource"));
            return;
        }
        int coopIndex = -1;
        try {
            String coopId = body.length == 0 ? null : new io.vertx.core.json.JsonObject(io.vertx.core.buffer.Buffer.buffer(body))
                    .getString("coopId");
            if (coopId != null) {
                Coop coop = files.coop(coopId);
                if (coop == null) {
                    req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                            .end(Problem.NOT_FOUND.json("no such cooperative"));
                    return;
                }
                coopIndex = coop.index();
                if (!cores.containsKey(partitionOfCoop[coopIndex])) {
                    forwarder.noReadyOwner(req); // the sender's view of the owners is stale: it answers 503, the admin retries
                    return;
                }
            }
        } catch (RuntimeException e) {
            req.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json")
                    .end(Problem.MALFORMED_JSON.json("a close's body is {} or {\"coopId\":\"...\"}"));
            return;
        }
        localClose(coopIndex).onComplete(a -> req.response().setStatusCode(a.result().status())
                .putHeader("Content-Type", a.result().status() == 200 ? "application/json" : "application/problem+json")
                .end(a.result().json()));
    }

    // ---------------------------------------------------------------- stop

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves the group, drops every core (their writers end their queues), closes the listeners. */
    @Override
    public void close() {
        running = false;
        long t0 = System.nanoTime();
        if (cutoffTimer != null) {
            cutoffTimer.cancel();
        }
        for (String id : deployments) {
            try {
                Engine.await(vertx.undeploy(id));
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=undeploy_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (gateway != null) {
            try {
                Engine.await(gateway.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=iso_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (consumer != null) {
            consumer.wakeup();
        }
        if (groupThread != null) {
            try {
                groupThread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ownersRefresh.shutdownNow();
        try {
            builder.submit(() -> {
                for (Integer p : List.copyOf(cores.keySet())) {
                    drop(p, "stopping");
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "event=kafka_cores_stop_failed error=\"{0}\"", e.toString());
        }
        builder.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (forwarder != null) {
            try {
                Engine.await(forwarder.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=forwarder_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (ops != null) {
            try {
                Engine.await(ops.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=ops_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (vertx != null) {
            try {
                Engine.await(vertx.close());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "event=vertx_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        LOG.log(System.Logger.Level.INFO, "event=stopped duration_ms={0,number,#}", (System.nanoTime() - t0) / 1_000_000);
    }
}
