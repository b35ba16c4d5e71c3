package id.lumbung.cli;

import id.lumbung.config.EngineConfig;
import id.lumbung.engine.Engine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the engine until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the engine (defaults: demo data, ./data).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Properties file with settings; flags override it.")
    Path configFile;
    @Option(names = "--data", description = "Data folder (journal, files, admin token). Default ./data")
    String data;
    @Option(names = "--reference", description = "Reference data folder (coops.csv, traders.csv, terminals.csv). Default: bundled demo data")
    String reference;
    @Option(names = "--http-port", description = "Terminal port. Default 8080")
    Integer httpPort;
    @Option(names = "--ops-port", description = "Ops port (metrics, health, admin). Default 9464")
    Integer opsPort;
    @Option(names = "--iso-port", description = "ISO 8583 port. Default 8583")
    Integer isoPort;
    @Option(names = "--ops-bind", description = "Address the ops port binds (0.0.0.0: every interface). Default 127.0.0.1")
    String opsBind;
    @Option(names = "--durability", description = "sync (default) or async")
    String durability;
    @Option(names = "--cutoffs", description = "Local cut-off times HH:MM,... in Asia/Jakarta, or none")
    String cutoffs;
    @Option(names = "--tls-key", description = "PEM private key: TLS on the terminal and ISO 8583 ports (with --tls-cert)")
    String tlsKey;
    @Option(names = "--tls-cert", description = "PEM certificate chain of the server (with --tls-key)")
    String tlsCert;
    @Option(names = "--tls-client-auth", description = "none (default) or required: mutual TLS, certificate CN = terminal id")
    String tlsClientAuth;
    @Option(names = "--tls-client-ca", description = "PEM CA certificate(s) that issue client certificates")
    String tlsClientCa;
    @Option(names = "--sftp-port", description = "SFTP delivery port (user = cooperative id, keys in ssh_keys.csv). Default: off")
    Integer sftpPort;
    @Option(names = "--webhook-secrets", description = "Webhook signing secrets (coop_id,secret_hex). Default: webhook_secrets.csv in the reference folder")
    String webhookSecrets;
    @Option(names = "--journal", description = "chronicle (default: embedded) or kafka (replicated: with --kafka and --node-id)")
    String journal;
    @Option(names = "--kafka", description = "Kafka bootstrap servers HOST:PORT[,HOST:PORT...] (with --journal kafka)")
    String kafka;
    @Option(names = "--node-id", description = "This node's name in the Kafka journal's group; each node's differs")
    String nodeId;
    @Option(names = "--advertised-url", description = "This node's terminal HTTP port as other nodes reach it. Default http://127.0.0.1:<http port>")
    String advertisedUrl;

    /** Printed to stderr at a start on the bundled demo reference data (DESIGN.md, "Security defaults"). */
    static final String DEMO_DATA_WARNING =
            "WARNING: running on the bundled demo data: its terminal keys and cooperative tokens are public";

    /** How long a fatal error waits before the process halts, so that queued answers go out. */
    static final long FATAL_ANSWER_GRACE_MS = 500;
    private static final System.Logger LOG = System.getLogger(ServeCommand.class.getName());

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(EngineConfig.DATA_DIR_PROP_NAME, data);
        flags.put(EngineConfig.REFERENCE_DIR_PROP_NAME, reference);
        flags.put(EngineConfig.HTTP_PORT_PROP_NAME, httpPort);
        flags.put(EngineConfig.OPS_PORT_PROP_NAME, opsPort);
        flags.put(EngineConfig.ISO_PORT_PROP_NAME, isoPort);
        flags.put(EngineConfig.OPS_BIND_PROP_NAME, opsBind);
        flags.put(EngineConfig.DURABILITY_PROP_NAME, durability);
        flags.put(EngineConfig.CUTOFFS_PROP_NAME, cutoffs);
        flags.put(EngineConfig.TLS_KEY_PATH_PROP_NAME, tlsKey);
        flags.put(EngineConfig.TLS_CERT_PATH_PROP_NAME, tlsCert);
        flags.put(EngineConfig.TLS_CLIENT_AUTH_PROP_NAME, tlsClientAuth);
        flags.put(EngineConfig.TLS_CLIENT_CA_PATH_PROP_NAME, tlsClientCa);
        flags.put(EngineConfig.SFTP_PORT_PROP_NAME, sftpPort);
        flags.put(EngineConfig.WEBHOOK_SECRETS_PATH_PROP_NAME, webhookSecrets);
        flags.put(EngineConfig.JOURNAL_PROP_NAME, journal);
        flags.put(EngineConfig.KAFKA_BOOTSTRAP_PROP_NAME, kafka);
        flags.put(EngineConfig.NODE_ID_PROP_NAME, nodeId);
        flags.put(EngineConfig.NODE_URL_PROP_NAME, advertisedUrl);
        EngineSettings settings = EngineSettings.loadOrExplain(configFile, flags, System.err);
        if (settings == null) {
            return 2;
        }
        EngineConfig config = settings.config();
        if (config.referenceDir == null) {
            // anyone can compute the demo keys and tokens (reference.DemoCredentials): say so before serving
            System.err.println(DEMO_DATA_WARNING);
            System.err.flush();
        }
        String adminToken = Engine.adminToken(config.dataDir);
        if (config.kafkaJournal()) {
            return serveKafkaNode(config, settings, adminToken);
        }
        Engine engine = new Engine(config, settings.reference(), settings.fees(), Clock.systemUTC(), adminToken, halting());
        if (config.referenceDir == null) {
            engine.withBundledDemoObligations(); // the reference is the bundled demo data
        }
        return serveUntilSignal(engine::start, engine::close, () -> banner(config, engine));
    }

    /** A start that may fail with a reason an operator fixes (exit 2). */
    @FunctionalInterface
    private interface Start {
        void start() throws Exception;
    }

    /**
     * Starts, prints the banner, serves until SIGTERM or SIGINT, then drains on the main thread
     * and returns 0 (a JVM shutdown hook alone would exit 143; the hook stays as a fallback for
     * other exits). A start refused for a reason an operator fixes (a reference change that cannot
     * apply, a delivery file at fault, Kafka brokers unreachable or a topic unlike the
     * configuration: each named, nothing journaled) is printed as {@code lumbung: <reason>} and
     * returns 2.
     */
    private static int serveUntilSignal(Start start, Runnable close, Runnable banner) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> stop.countDown());
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable drain = () -> {
            if (closed.compareAndSet(false, true)) {
                long t0 = System.nanoTime();
                LOG.log(System.Logger.Level.INFO, "event=stopping reason=signal");
                close.run();
                LOG.log(System.Logger.Level.INFO, "event=stopped drain_ms={0,number,#}", (System.nanoTime() - t0) / 1_000_000);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(drain, "lumbung-shutdown"));
        try {
            start.start();
        } catch (id.lumbung.core.reference.ReferenceDataException | id.lumbung.kafka.KafkaStartException e) {
            System.err.println("lumbung: " + e.getMessage());
            drain.run();
            return 2;
        }
        banner.run();
        stop.await();
        drain.run();
        return 0;
    }

    /** The fatal handler of a serving process: a moment for answers on their way, then exit 70. */
    private static Thread.UncaughtExceptionHandler halting() {
        return (t, e) -> {
            System.err.println("lumbung: fatal: " + e);
            // the engine already refuses work (not ready; a failed settlement settles nothing more,
            // a failed writer takes no commands): a moment for answers still on their way, such as
            // the admin close's 500 SETTLEMENT_FAILED, which the failing thread itself may still
            // have to hand out, to reach their clients; then the process ends
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(FATAL_ANSWER_GRACE_MS);
                } catch (InterruptedException ignored) {
                    // halt now
                }
                Runtime.getRuntime().halt(70);
            }, "lumbung-fatal-halt");
            halt.start();
        };
    }

    /**
     * {@code serve --journal kafka}: a node of the Kafka journal. Brokers unreachable or a topic
     * unlike the configuration stop the start with exit 2, the bootstrap or the topic named.
     */
    private Integer serveKafkaNode(EngineConfig config, EngineSettings settings, String adminToken) throws Exception {
        id.lumbung.engine.KafkaNode node = new id.lumbung.engine.KafkaNode(config, settings.reference(), settings.fees(),
                Clock.systemUTC(), adminToken, halting(), config.referenceDir == null);
        return serveUntilSignal(node::start, node::close, () -> nodeBanner(config, node));
    }

    private static void nodeBanner(EngineConfig config, id.lumbung.engine.KafkaNode node) {
        System.out.println();
        System.out.println("Lumbung node " + config.nodeId + " is up (Kafka journal " + config.kafkaTopic + " at "
                + config.kafkaBootstrap + "); /health/ready answers 200 once it serves the partitions assigned to it.");
        System.out.println("  terminal API  " + (config.tlsEnabled() ? "https" : "http") + "://localhost:" + node.httpPort() + "/v1/payments");
        System.out.println("  ISO 8583      " + (config.tlsEnabled() ? "tls" : "tcp") + "://localhost:" + node.isoPort()
                + "  (2-byte length header, ISO87B fields)");
        System.out.println("  ops           http://localhost:" + node.opsPort() + "/metrics  /health/ready  (bound to "
                + config.opsBind + ")");
        System.out.println("  data          " + config.dataDir.toAbsolutePath().normalize());
        System.out.println();
    }

    private static void banner(EngineConfig config, Engine engine) {
        String data = config.dataDir.toAbsolutePath().normalize().toString();
        System.out.println();
        System.out.println("Lumbung is ready.");
        String tls = config.tlsClientAuthRequired ? "  (mutual TLS)" : "";
        System.out.println("  terminal API  " + (config.tlsEnabled() ? "https" : "http") + "://localhost:" + engine.httpPort() + "/v1/payments" + tls);
        System.out.println("  ISO 8583      " + (config.tlsEnabled() ? "tls" : "tcp") + "://localhost:" + engine.isoPort()
                + "  (2-byte length header, ISO87B fields)" + tls);
        System.out.println("  ops           " + (config.tlsEnabled() ? "https" : "http") + "://localhost:" + engine.opsPort()
                + "/metrics  /health/ready  (bound to " + config.opsBind + ")");
        if (engine.sftpPort() >= 0) {
            System.out.println("  sftp          sftp://localhost:" + engine.sftpPort() + "  (user = cooperative id, keys in ssh_keys.csv)");
        }
        System.out.println("  data          " + data + "  (durability " + config.durability.name().toLowerCase(java.util.Locale.ROOT) + ")");
        System.out.println("  reference     " + (config.referenceDir == null ? "bundled demo data" : config.referenceDir.toAbsolutePath()));
        System.out.println("  admin token   " + (System.getenv(EngineConfig.ADMIN_TOKEN_ENV_NAME) != null ? "from LUMBUNG_ADMIN_TOKEN" : data + "/admin.token"));
        System.out.println("  first payment ops/pay T0000001 15000   (signs with the demo key of terminal T0000001)");
        System.out.println();
    }
}
