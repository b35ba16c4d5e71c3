package id.lumbung.crash;

import id.lumbung.net.ListeningSockets;
import id.lumbung.reference.ReferenceDataGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} as an operator starts it (its own JVM, {@link EngineProcess#javaCommand}, stdout
 * and stderr kept apart): on the bundled demo data it warns on stderr that the demo keys and
 * tokens are public, with {@code --reference} it does not; {@code --ops-bind} opens the ops port
 * on every interface (read from the kernel's table of listening sockets).
 */
class ServeSecurityDefaultsTest {
    static final String WARNING = "WARNING: running on the bundled demo data: its terminal keys and cooperative tokens are public";
    private static final Pattern OPS_PORT = Pattern.compile("ops\\s+http://localhost:(\\d+)/");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void demoDataStartWarnsOnStderrAndOpsBindFlagOpensTheOpsPort() throws Exception {
        Served served = serve(tmp.resolve("demo"), "--ops-bind", "0.0.0.0");
        try {
            assertThat(served.stderrLines()).contains(WARNING);
            assertThat(served.stdout()).doesNotContain(WARNING).contains("(bound to 0.0.0.0)");
            assertThat(ListeningSockets.boundAddresses(served.opsPort)).containsExactly(ListeningSockets.ANY);
        } finally {
            assertThat(served.stop()).isZero();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void referenceFolderStartPrintsNoDemoWarning() throws Exception {
        Path reference = tmp.resolve("reference");
        ReferenceDataGenerator.write(reference, 2, 4, 4, 7L);
        Served served = serve(tmp.resolve("own"), "--reference", reference.toString());
        try {
            assertThat(served.stderrLines()).doesNotContain(WARNING);
            assertThat(served.stdout()).doesNotContain(WARNING).contains("(bound to 127.0.0.1)");
            assertThat(ListeningSockets.boundAddresses(served.opsPort)).containsExactly("127.0.0.1");
        } finally {
            assertThat(served.stop()).isZero();
        }
    }

    /** A started {@code serve}: its process, output files and ops port. */
    private record Served(Process process, Path out, Path err, int opsPort) {
        String stdout() throws Exception {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        List<String> stderrLines() throws Exception {
            return Files.readAllLines(err, StandardCharsets.UTF_8);
        }

        /** SIGTERM; the exit code (SIGKILL and a failure after 30 s). */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("serve did not stop within 30 s of SIGTERM");
            }
            return process.exitValue();
        }
    }

    /** Starts {@code serve} on {@code data} with {@code args} and waits (at most 60 s) for its banner. */
    private Served serve(Path data, String... args) throws Exception {
        List<String> serve = new ArrayList<>(List.of("serve", "--data", data.toString(), "--http-port", "0",
                "--ops-port", "0", "--iso-port", "0", "--cutoffs", "none"));
        serve.addAll(List.of(args));
        Path out = tmp.resolve(data.getFileName() + ".out");
        Path err = tmp.resolve(data.getFileName() + ".err");
        ProcessBuilder pb = new ProcessBuilder(EngineProcess.javaCommand(serve.toArray(String[]::new)));
        pb.environment().put("LUMBUNG_ADMIN_TOKEN", EngineProcess.ADMIN_TOKEN);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = OPS_PORT.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                return new Served(p, out, err, Integer.parseInt(m.group(1)));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("serve exited with " + p.exitValue() + ":\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("serve printed no banner within 60 s:\n" + Files.readString(err));
    }
}
