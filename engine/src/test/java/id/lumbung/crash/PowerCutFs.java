package id.lumbung.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's power-cut file system ({@code ops/powercut-fs/powercut-fs.c}, a FUSE pass-through
 * that holds every write and size change in memory until the file is forced): built with gcc,
 * mounted over a backing folder, cut, unmounted. Needs root, {@code /dev/fuse}, gcc and Debian's
 * {@code libfuse3-dev} and {@code fuse3} ({@code .ci/run} installs them). Where they are missing
 * a test fails under {@code CI=true} and is skipped otherwise.
 */
final class PowerCutFs implements AutoCloseable {
    static final Path SOURCE = Path.of("..", "ops", "powercut-fs", "powercut-fs.c");
    static final Path BINARY = Path.of("target", "powercut-fs", "powercut-fs");
    private static final long MOUNT_WAIT_MS = 10_000;

    private final Path backing;
    private final Path mountPoint;
    private final Path log;
    private Process daemon;

    private PowerCutFs(Path backing, Path mountPoint, Path log) {
        this.backing = backing;
        this.mountPoint = mountPoint;
        this.log = log;
    }

    /** Builds the file system when its binary is missing or older than its source. */
    static Path build() throws Exception {
        Assumptions.assumeTrue(Files.exists(SOURCE), "the power-cut file system's source is not at " + SOURCE);
        if (Files.exists(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(Files.getLastModifiedTime(SOURCE)) > 0) {
            return BINARY;
        }
        Files.createDirectories(BINARY.getParent());
        Run flags = run("pkg-config", "--cflags", "--libs", "fuse3");
        requireOrSkip(flags.exit == 0, "pkg-config finds no fuse3 (apt-get install libfuse3-dev fuse3 pkg-config): " + flags.output);
        List<String> gcc = new java.util.ArrayList<>(List.of("gcc", "-O2", "-Wall", "-Werror", "-o", BINARY.toString(),
                SOURCE.toString()));
        gcc.addAll(List.of(flags.output.trim().split("\\s+")));
        Run built = run(gcc.toArray(String[]::new));
        requireOrSkip(built.exit == 0, "gcc could not build " + SOURCE + ": " + built.output);
        return BINARY;
    }

    /** Mounts the file system of {@code backing} on {@code mountPoint}, waiting until it answers. */
    static PowerCutFs mount(Path backing, Path mountPoint) throws Exception {
        Path binary = build();
        requireOrSkip(Files.isWritable(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name")),
                "mounting FUSE needs root and /dev/fuse");
        Files.createDirectories(backing);
        Files.createDirectories(mountPoint);
        PowerCutFs fs = new PowerCutFs(backing, mountPoint, mountPoint.resolveSibling(mountPoint.getFileName() + "-fs.log"));
        fs.start(binary);
        return fs;
    }

    private void start(Path binary) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(binary.toAbsolutePath().toString(), backing.toString(), mountPoint.toString(), "-f");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        daemon = pb.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MOUNT_WAIT_MS);
        while (System.nanoTime() < deadline && !Files.exists(control())) {
            if (!daemon.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        requireOrSkip(Files.exists(control()), "powercut-fs did not mount " + mountPoint + ": " + Files.readString(log));
    }

    private Path control() {
        return mountPoint.resolve(".powercut");
    }

    /** The power cut: every write and size change not yet forced is dropped; the file system is dead until remounted. */
    void cut() throws IOException {
        Files.writeString(control(), "cut");
    }

    /** The file system's counters ({@code held_bytes}, {@code applied_bytes}, {@code dropped_bytes}, {@code forces}, ...). */
    Map<String, Long> counters() throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readString(control(), StandardCharsets.US_ASCII).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
        return m;
    }

    /** Unmounts (the kernel's cached pages go with the mount) and mounts the backing folder again. */
    void remount() throws Exception {
        unmount();
        start(build());
    }

    /** Unmounts and waits for the daemon to end (at most 30 s). */
    void unmount() throws Exception {
        if (daemon == null) {
            return;
        }
        Run r = run("fusermount3", "-u", mountPoint.toString());
        if (r.exit != 0) {
            run("umount", "-l", mountPoint.toString());
        }
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("powercut-fs on " + mountPoint + " did not end after unmount: " + r.output);
        }
        daemon = null;
    }

    @Override
    public void close() throws Exception {
        unmount();
    }

    /** Fails under {@code CI=true}, skips elsewhere. */
    static void requireOrSkip(boolean condition, String why) {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(condition).as(why).isTrue();
        }
        Assumptions.assumeTrue(condition, why);
    }

    record Run(int exit, String output) {
    }

    static Run run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Run(-1, out + " (timed out)");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            return new Run(-1, e.toString());
        }
    }
}
