package id.lumbung.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One cluster of three Kafka brokers for every test of the JVM that asks for it, started by
 * {@code ops/kafka-brokers up} (real KRaft brokers as separate processes, as the local cluster
 * runs them) in a temporary folder, on six free loopback ports. It is stopped once, when JUnit
 * closes its root store at the end of the run, or by a shutdown hook if the JVM ends first: the
 * brokers run in sessions of their own and would otherwise outlive it.
 *
 * <p>A test class takes it as a parameter: {@code @ExtendWith(KafkaBrokers.Resolver.class)}, then
 * {@code @BeforeAll static void cluster(KafkaBrokers brokers)}. Each test uses topics of its own
 * ({@link #newTopic}), so tests do not see each other's records.
 */
public final class KafkaBrokers implements ExtensionContext.Store.CloseableResource {
    public static final int BROKERS = 3;
    /** Ports per broker: clients and the controller quorum ({@code ops/kafka-brokers}). */
    private static final int PORTS_PER_BROKER = 2;
    /** Port bases are drawn below Linux's ephemeral range (32768 up), where outgoing connections take theirs. */
    private static final int PORT_BASE_LOW = 20_000;
    private static final int PORT_BASE_HIGH = 32_000;
    private static final int PORT_BASE_TRIES = 100;
    /** Another JVM may take the ports between the check and the brokers' bind: start again elsewhere. */
    private static final int START_TRIES = 3;
    private static final long UP_TIMEOUT_MS = 180_000;
    private static final long COMMAND_TIMEOUT_MS = 120_000;
    private static final long REGISTERED_TIMEOUT_MS = 60_000;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final Path script;
    private final Path dir;
    private final Thread shutdownHook;
    /** Known once {@code up} printed it. */
    private String bootstrap;
    private boolean closed;

    private KafkaBrokers(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
        this.shutdownHook = new Thread(this::down, "kafka-brokers-down");
    }

    /** Resolves a {@link KafkaBrokers} parameter to the JVM's one cluster, started on first use. */
    public static final class Resolver implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == KafkaBrokers.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(KafkaBrokers.class))
                    .getOrComputeIfAbsent(KafkaBrokers.class, k -> start(), KafkaBrokers.class);
        }
    }

    /** {@code 127.0.0.1:PORT,...} of the three brokers. */
    public String bootstrap() {
        return bootstrap;
    }

    /** Settings for a new topic of this cluster, with the given layout. */
    public KafkaSettings settings(String topic, int partitions, int replication) {
        return new KafkaSettings(bootstrap, topic, partitions, replication, "test-" + topic, "test-node");
    }

    /** A topic name no other test of the run uses. */
    public static String newTopic(String name) {
        return "t." + name + "." + TOPICS.incrementAndGet();
    }

    /** An admin client on the cluster; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "test-admin");
        return Admin.create(p);
    }

    /**
     * Calls an admin request until it stops failing with UnknownTopicOrPartitionException: a topic
     * just created may not have reached the metadata of the broker asked yet.
     */
    public static <T> T eventually(Callable<T> call) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNs) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Kills broker {@code i} (1 to 3) with SIGKILL and waits until its process has ended. */
    public void kill(int i) {
        run(COMMAND_TIMEOUT_MS, "kill", dir.toString(), Integer.toString(i));
    }

    /**
     * Stops broker {@code i} with SIGSTOP: its connections stay open and it answers nothing until
     * {@link #resume}. Shorter than the brokers' session timeout (9 s), it stays a member of the
     * cluster and keeps its leaderships.
     */
    public void pause(int i) {
        signal(i, "STOP");
    }

    /** Lets a {@link #pause paused} broker run again (SIGCONT). */
    public void resume(int i) {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) {
        try {
            String pid = Files.readString(dir.resolve("broker-" + i).resolve("pid")).strip();
            Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " (broker " + i + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts broker {@code i} again and waits until the cluster counts all three brokers again. */
    public void start(int i) {
        run(COMMAND_TIMEOUT_MS, "start", dir.toString(), Integer.toString(i));
        awaitRegistered(bootstrap, REGISTERED_TIMEOUT_MS);
    }

    private static KafkaBrokers start() {
        Path script = repositoryRoot().resolve("ops").resolve("kafka-brokers");
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_TRIES; attempt++) {
            int base = freePortBase();
            KafkaBrokers brokers = new KafkaBrokers(script, tempDir());
            // added before the start: brokers of a start that fails halfway are stopped at exit too
            Runtime.getRuntime().addShutdownHook(brokers.shutdownHook);
            try {
                brokers.up(base);
                brokers.checkOwnCluster();
                return brokers;
            } catch (RuntimeException e) {
                failures.add("port base " + base + ": " + e.getMessage());
                brokers.close();
            }
        }
        throw new IllegalStateException("no Kafka cluster started for the tests: " + failures);
    }

    private void up(int base) {
        String out = run(UP_TIMEOUT_MS, Map.of("KAFKA_PORT_BASE", Integer.toString(base)), "up", dir.toString(),
                Integer.toString(BROKERS));
        String[] lines = out.strip().split("\n");
        bootstrap = lines[lines.length - 1].strip();
    }

    /**
     * A broker that could not bind its port dies, but the script's wait for the port is answered by
     * whatever listens there: the cluster id tells our brokers from another JVM's.
     */
    private void checkOwnCluster() {
        try {
            String expected = Files.readAllLines(dir.resolve("cluster.env")).stream()
                    .filter(l -> l.startsWith("CLUSTER_ID=")).findFirst().orElseThrow().substring("CLUSTER_ID=".length());
            awaitRegistered(bootstrap, REGISTERED_TIMEOUT_MS);
            try (Admin admin = admin()) {
                String found = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                if (!expected.equals(found)) {
                    throw new IllegalStateException("the brokers at " + bootstrap + " are cluster " + found + ", not ours ("
                            + expected + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no cluster id from " + bootstrap, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitRegistered(String bootstrap, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "test-admin-registered");
        try (Admin admin = Admin.create(p)) {
            int found = -1;
            while (System.nanoTime() < deadline) {
                try {
                    found = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes()
                            .get(10, TimeUnit.SECONDS).size();
                    if (found == BROKERS) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not answering yet: look again until the deadline
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException(found + " of " + BROKERS + " brokers registered at " + bootstrap + " after "
                    + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every broker once and removes the folder. */
    @Override
    public void close() {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down already, or the hook was never added: nothing to take off
        }
    }

    private synchronized void down() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (Files.exists(dir.resolve("cluster.env"))) {
                run(COMMAND_TIMEOUT_MS, "down", dir.toString());
            }
        } finally {
            delete(dir);
        }
    }

    private String run(long timeoutMs, String... args) {
        return run(timeoutMs, Map.of(), args);
    }

    /** Runs the script, returns its standard output; its standard error goes to a log in the folder, shown when it fails. */
    private String run(long timeoutMs, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("command.out");
        Path err = dir.resolve("command.err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ops/kafka-brokers " + String.join(" ", args) + " ran over " + timeoutMs + " ms");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ops/kafka-brokers " + String.join(" ", args) + " exited " + p.exitValue()
                        + ": " + Files.readString(err, StandardCharsets.UTF_8) + stdout);
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A base port whose six ports (two per broker) are all free on loopback now. */
    private static int freePortBase() {
        int span = BROKERS * PORTS_PER_BROKER;
        for (int t = 0; t < PORT_BASE_TRIES; t++) {
            int base = ThreadLocalRandom.current().nextInt(PORT_BASE_LOW, PORT_BASE_HIGH - span);
            if (allFree(base, span)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + span + " free consecutive ports in " + PORT_BASE_LOW + ".." + PORT_BASE_HIGH);
    }

    private static boolean allFree(int base, int span) {
        for (int port = base; port < base + span; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The checkout's root: the first folder up from the working directory that holds {@code ops/kafka-brokers}. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("ops").resolve("kafka-brokers"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ops/kafka-brokers above " + Path.of("").toAbsolutePath());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("lumbung-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
