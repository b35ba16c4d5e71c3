package id.lumbung.crash;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} in its own JVM ({@link EngineProcess}), its stdout and stderr read back: every log
 * line, the engine's (System.Logger) and the libraries' (Chronicle and MINA SSHD through SLF4J;
 * Vert.x and Netty), comes out in one format, one line per event ({@code 2026-11-29T03:15:30.123Z
 * level=INFO logger=... message}), and SLF4J prints no warning of a missing provider. An operator's
 * own {@code -Djava.util.logging.config.file} replaces the bundled configuration: the bundled one
 * with {@code io.vertx.level=FINE} and {@code io.netty.level=FINE} added brings out Vert.x's and
 * Netty's debug lines, in the same format.
 */
class LogFormatTest {
    /** The format of every log line: UTC instant with milliseconds, level, logger, message. */
    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z level=(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) logger=(\\S+) \\S.*");
    /** A line that is, or looks like, a log line: a timestamp first, a level or an event key, or SLF4J's own output. */
    private static final Pattern LOG_LIKE = Pattern.compile("^\\d.*|.*\\blevel=.*|.*\\bevent=.*|^SLF4J.*");
    private static final String BUNDLED_CONFIG = "/id/lumbung/cli/logging.properties";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void startAndStopLogEngineChronicleAndSshdLinesInOneFormatWithoutAnSlf4jWarning() throws Exception {
        String output;
        try (EngineProcess engine = EngineProcess.start(tmp.resolve("data"), "async", "sftp.port=0\n")) {
            assertThat(engine.stop()).isZero();
            output = engine.output();
        }
        List<String> lines = output.lines().toList();
        assertThat(lines).as("SLF4J found its provider, so it printed nothing of its own").noneMatch(l -> l.startsWith("SLF4J"));
        List<String> logLines = logLines(lines);
        assertThat(loggers(logLines))
                .as("the engine's own lines, and Chronicle's and MINA SSHD's through SLF4J")
                .anyMatch(l -> l.startsWith("id.lumbung.engine."))
                .anyMatch(l -> l.equals("id.lumbung.cli.ServeCommand"))
                .anyMatch(l -> l.startsWith("net.openhft.chronicle."))
                .anyMatch(l -> l.startsWith("org.apache.sshd."));
        assertThat(logLines).as("the bundled level is INFO").noneMatch(l -> l.contains(" level=FINE "));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void operatorsLoggingFileWinsAndVertxAndNettyLogInTheSameFormat() throws Exception {
        String bundled;
        try (InputStream in = LogFormatTest.class.getResourceAsStream(BUNDLED_CONFIG)) {
            assertThat(in).as(BUNDLED_CONFIG + " on the class path").isNotNull();
            bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path loggingFile = tmp.resolve("logging.properties");
        Files.writeString(loggingFile, bundled + "\nio.vertx.level=FINE\nio.netty.level=FINE\n");
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Path config = EngineProcess.configFile(data);
        Files.writeString(config, "http.host=127.0.0.1\n");
        List<String> java = EngineProcess.javaCommand("serve", "--config", config.toString(), "--data", data.toString(),
                "--http-port", "0", "--ops-port", "0", "--iso-port", "0", "--cutoffs", "none", "--durability", "async");
        java.add(1, "-Djava.util.logging.config.file=" + loggingFile);
        Path log = tmp.resolve("engine.log");
        ProcessBuilder pb = new ProcessBuilder(java);
        pb.environment().put("LUMBUNG_ADMIN_TOKEN", EngineProcess.ADMIN_TOKEN);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log, StandardCharsets.UTF_8).contains("Lumbung is ready.")) {
                assertThat(p.isAlive()).as("serve exited before it was ready:\n%s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("serve not ready within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("serve stops within 30 s of SIGTERM").isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).noneMatch(l -> l.startsWith("SLF4J"));
        List<String> logLines = logLines(lines);
        assertThat(logLines).as("the operator's file set Vert.x and Netty to FINE")
                .anyMatch(l -> l.contains(" level=FINE logger=io.vertx."))
                .anyMatch(l -> l.contains(" level=FINE logger=io.netty."));
        assertThat(loggers(logLines)).anyMatch(l -> l.startsWith("id.lumbung."));
    }

    /** The lines that look like log lines, each asserted to be in the one format. */
    private static List<String> logLines(List<String> lines) {
        List<String> logLike = lines.stream().filter(l -> LOG_LIKE.matcher(l).matches()).toList();
        assertThat(logLike).as("log lines").isNotEmpty().allSatisfy(l -> assertThat(l).matches(LOG_LINE));
        return logLike;
    }

    private static List<String> loggers(List<String> logLines) {
        return logLines.stream().map(l -> {
            Matcher m = LOG_LINE.matcher(l);
            assertThat(m.matches()).isTrue();
            return m.group(2);
        }).distinct().toList();
    }
}
