package id.lumbung.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An engine in its own JVM ({@code id.lumbung.cli.Main serve}), launched with this test's class path
 * and the Chronicle flags, bound to 127.0.0.1 on ports the kernel picks (read back from the banner).
 * Output goes to a log file next to the data folder, never to a pipe that could fill and block it.
 */
final class EngineProcess implements AutoCloseable {
    /**
     * Chronicle's JVM flags, taken from this test JVM's own arguments: surefire started it with the
     * root pom's {@code chronicle.jvm.flags}, so the engine JVMs get exactly the same ones.
     */
    static final List<String> CHRONICLE_FLAGS = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
            .stream().filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle.")).toList();
    static final String ADMIN_TOKEN = "crash-test-admin-token-0123456789";
    private static final Pattern HTTP_PORT = Pattern.compile("terminal API\\s+http://localhost:(\\d+)/");
    private static final Pattern OPS_PORT = Pattern.compile("ops\\s+http://localhost:(\\d+)/");
    private static final Pattern ISO_PORT = Pattern.compile("ISO 8583\\s+tcp://localhost:(\\d+)");
    private static int launches;

    final Process process;
    final Path data;
    final Path log;
    final int httpPort;
    final int opsPort;

    private EngineProcess(Process process, Path data, Path log, int httpPort, int opsPort) {
        this.process = process;
        this.data = data;
        this.log = log;
        this.httpPort = httpPort;
        this.opsPort = opsPort;
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CHRONICLE_FLAGS);
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-D" + id.lumbung.config.EngineConfig.UNSAFE_TEST_ONLY_SYSTEM_PROPERTY + "=true"); // journal.force=off-unsafe-test-only is allowed in tests
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("id.lumbung.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Launches {@code serve} on {@code data}; does not wait. */
    static Process launch(Path data, Path log, String durability) throws IOException {
        return launch(data, log, durability, "");
    }

    /**
     * Launches {@code serve} on {@code data} with {@code configLines} (properties, each ending in
     * {@code \n}) added to the config file it is given ({@link #configFile}); does not wait.
     */
    static Process launch(Path data, Path log, String durability, String configLines) throws IOException {
        Files.createDirectories(data);
        Path config = configFile(data);
        Files.writeString(config, "http.host=127.0.0.1\n" + configLines);
        ProcessBuilder pb = new ProcessBuilder(javaCommand("serve", "--config", config.toString(), "--data", data.toString(),
                "--http-port", "0", "--ops-port", "0", "--iso-port", "0", "--cutoffs", "none", "--durability", durability));
        pb.environment().put("LUMBUNG_ADMIN_TOKEN", ADMIN_TOKEN);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** The properties file {@code serve} on {@code data} is given with {@code --config}. */
    static Path configFile(Path data) {
        return data.getParent().resolve("engine-" + data.getFileName() + ".properties");
    }

    /** Launches and waits (at most 60 s) until the engine answers 200 on /health/ready. */
    static EngineProcess start(Path data, String durability) throws Exception {
        return start(data, durability, "");
    }

    /** As {@link #start(Path, String)}, with {@code configLines} added to the engine's config file. */
    static EngineProcess start(Path data, String durability, String configLines) throws Exception {
        Path log = data.getParent().resolve("engine-" + data.getFileName() + "-" + (++launches) + ".log");
        Process p = launch(data, log, durability, configLines);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int http = -1;
        int ops = -1;
        while (System.nanoTime() < deadline) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher h = HTTP_PORT.matcher(out);
            Matcher o = OPS_PORT.matcher(out);
            if (h.find() && o.find()) {
                http = Integer.parseInt(h.group(1));
                ops = Integer.parseInt(o.group(1));
                break;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("engine exited with " + p.exitValue() + " before it was ready:\n" + out);
            }
            Thread.sleep(50);
        }
        if (http < 0) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("engine not ready within 60 s:\n" + Files.readString(log));
        }
        EngineProcess e = new EngineProcess(p, data, log, http, ops);
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return e;
                }
            } catch (IOException ignored) {
                // not yet
            }
            Thread.sleep(50);
        }
        e.kill();
        throw new IllegalStateException("/health/ready never answered 200");
    }

    /** The ISO 8583 port the engine printed once ready. */
    int isoPort() throws IOException {
        Matcher m = ISO_PORT.matcher(output());
        if (!m.find()) {
            throw new IllegalStateException("no ISO 8583 port in the output of the engine on " + data);
        }
        return Integer.parseInt(m.group(1));
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGKILL, then wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("engine pid " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    /** SIGSTOP: every thread of the engine halts where it is (a zombie: alive, silent, its sockets open). */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}: the engine runs on from where it halted. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM (drain and stop); SIGKILL if it has not stopped within 30 s. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("engine pid " + process.pid() + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Result of a short-lived CLI run. */
    /**
     * @param leftInTemp what the run left in its own temp folder ({@code java.io.tmpdir}, a fresh
     *     folder per run): reconcile's scratch must be gone whatever its exit
     */
    record Run(int exit, String output, List<Path> leftInTemp) {
    }

    /** Runs {@code reconcile --data data} in its own JVM (at most 60 s). */
    static Run reconcile(Path data) throws Exception {
        return reconcileWith(data.getParent(), "--data", data.toString());
    }

    /** Runs {@code reconcile} with {@code args} in its own JVM (at most 60 s), its output logged in {@code logDir}. */
    static Run reconcileWith(Path logDir, String... args) throws Exception {
        Path log = Files.createTempFile(logDir, "reconcile", ".log");
        List<String> command = new ArrayList<>(List.of("reconcile"));
        command.addAll(List.of(args));
        Path temp = Files.createTempDirectory(logDir, "reconcile-tmp");
        List<String> java = javaCommand(command.toArray(String[]::new));
        java.add(1, "-Djava.io.tmpdir=" + temp);
        ProcessBuilder pb = new ProcessBuilder(java);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("reconcile did not finish within 60 s:\n" + Files.readString(log));
        }
        List<Path> left;
        try (java.util.stream.Stream<Path> in = Files.list(temp)) {
            left = in.toList();
        }
        return new Run(p.exitValue(), Files.readString(log), left);
    }
}
