package id.lumbung.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * One durability point for many files: Linux's {@code syncfs(2)} on the file system that holds a
 * folder writes back every dirty page and inode of that file system and flushes the device's
 * write cache, where an {@code fsync} per file flushes it once per file. A close writes three
 * files per cooperative, 3,001 for 1,000 cooperatives; with a folder fsync each, that is 4,000
 * device flushes per close, which this machine's virtual disk serves one at a time
 * (benchmarks/RESULTS.md, "run-file-phase": the file phase with fsync per file against syncfs).
 *
 * <p>Used only where {@code syncfs} is known to make everything durable and to report a failed
 * write-back: Linux 5.8 or later (earlier kernels drop write-back errors from {@code syncfs}) on
 * ext4, XFS or Btrfs, and only once a first {@code syncfs} at start succeeded. A FUSE file system
 * (the power-cut test's), NFS, tmpfs or anything else keeps an fsync per file: {@link #open}
 * then says why. PostgreSQL's {@code recovery_init_sync_method=syncfs} makes the same choice with
 * the same caveats. The price: {@code syncfs} also writes back whatever else is dirty on that file
 * system, so the settlement files are best kept on a file system of their own or the engine's
 * alone; {@code settlement.files.sync=per-file} turns it off.
 *
 * <p>Two details make it as strong as an fsync per file:
 * <ul>
 *   <li>The folder stays open from {@link #open} to {@link #close}, and every sync goes through
 *       that descriptor: {@code syncfs} reports a write-back error only to descriptors opened
 *       before it happened, so a descriptor opened just before the sync would miss an error
 *       during the writes it is meant to cover.</li>
 *   <li>{@link #sync} calls {@code syncfs} twice. On ext4 without a journal (this machine's),
 *       {@code sync_filesystem} flushes the device's cache and only then writes and waits for the
 *       inode table and folder blocks; the second call's flush covers them. With a journal (ext4,
 *       XFS, Btrfs) the first call's log commit already did, and the second costs one flush.</li>
 * </ul>
 *
 * <p>Called through JNA, which Chronicle already brings. Thread-safe.
 */
public final class FileSystemSync implements AutoCloseable {
    /** File systems on which {@code syncfs} writes back and flushes everything and reports a failure. */
    public static final Set<String> TYPES = Set.of("ext4", "xfs", "btrfs");

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0_2000000; // the same on x86-64 and arm64
    private static final int KERNEL_MAJOR_MIN = 5;
    private static final int KERNEL_MINOR_MIN = 8;
    /** Syncs this process made (tests and diagnostics). */
    private static final LongAdder SYNCS = new LongAdder();

    /** The C library's calls used here. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int syncfs(int fd) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** The C library with a {@code syncfs}, or why there is none. */
    private static final class Loaded {
        static final LibC LIBC;
        static final String UNAVAILABLE;

        static {
            LibC libc = null;
            String why = null;
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
                why = "not Linux";
            } else if (!kernelAtLeast(System.getProperty("os.version", ""), KERNEL_MAJOR_MIN, KERNEL_MINOR_MIN)) {
                why = "Linux " + System.getProperty("os.version") + " is older than " + KERNEL_MAJOR_MIN + "."
                        + KERNEL_MINOR_MIN + ", whose syncfs may not report a failed write-back";
            } else {
                try {
                    NativeLibrary.getInstance("c").getFunction("syncfs"); // throws when there is none
                    libc = Native.load("c", LibC.class);
                } catch (LinkageError | RuntimeException e) {
                    // no native JNA (a noexec temp folder, an earlier failed load), or no syncfs
                    why = "the C library's syncfs cannot be called: " + e;
                }
            }
            LIBC = libc;
            UNAVAILABLE = why;
        }
    }

    /**
     * A sync of a folder's file system, or why there is none (exactly one of the two is set);
     * {@code failed}: the refusal is a first sync that failed, which may be the disk's error.
     */
    public record Choice(FileSystemSync sync, String refusal, boolean failed) {
        Choice(FileSystemSync sync, String refusal) {
            this(sync, refusal, false);
        }
    }

    private final Path folder;
    private final String type;
    private final int fd;
    private volatile boolean closed;

    private FileSystemSync(Path folder, String type, int fd) {
        this.folder = folder;
        this.type = type;
        this.fd = fd;
    }

    /**
     * Opens the sync of the file system holding {@code folder} and syncs it once, or says why an
     * fsync per file must do: not Linux 5.8+, no callable {@code syncfs}, a file system type not in
     * {@link #TYPES} or unreadable, a folder that cannot be opened, or a first sync that fails (a
     * sandbox may refuse the call). Never throws.
     */
    public static Choice open(Path folder) {
        if (Loaded.UNAVAILABLE != null) {
            return new Choice(null, Loaded.UNAVAILABLE);
        }
        String type;
        try {
            type = Files.getFileStore(folder).type();
        } catch (IOException | RuntimeException e) {
            return new Choice(null, "the file system of " + folder + " cannot be read: " + e);
        }
        if (!TYPES.contains(type)) {
            return new Choice(null, "file system type " + type + " is not one of " + new TreeSet<>(TYPES));
        }
        int fd;
        try {
            fd = Loaded.LIBC.open(folder.toString(), O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            return new Choice(null, "cannot open " + folder + ": errno " + e.getErrorCode());
        }
        FileSystemSync sync = new FileSystemSync(folder, type, fd);
        try {
            sync.sync();
        } catch (UncheckedIOException e) {
            sync.close();
            return new Choice(null, "a first syncfs failed: " + e.getMessage(), true);
        }
        return new Choice(sync, null);
    }

    /** True when {@code version} ({@code os.version}, such as {@code 6.1.0-18-amd64}) is at least major.minor. */
    static boolean kernelAtLeast(String version, int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || ma == major && mi >= minor;
    }

    /** How many syncs this process made. */
    public static long syncs() {
        return SYNCS.sum();
    }

    /** The file system's type, such as {@code ext4}. */
    public String type() {
        return type;
    }

    /**
     * Makes every write on the folder's file system so far durable: file contents, new files,
     * renames and new folders (two {@code syncfs} calls, see the class comment).
     *
     * @throws UncheckedIOException if the write-back failed (an {@code EIO} from the device, since
     *     {@link #open}): what was written may not be on the disk
     * @throws IllegalStateException once {@link #close}d
     */
    public void sync() {
        if (closed) {
            throw new IllegalStateException("sync of " + folder + " used after close");
        }
        SYNCS.increment();
        for (int i = 0; i < 2; i++) {
            try {
                Loaded.LIBC.syncfs(fd);
            } catch (LastErrorException e) {
                throw new UncheckedIOException(new IOException("syncfs of the file system of " + folder + " (" + type
                        + ") failed: errno " + e.getErrorCode()));
            }
        }
    }

    /** True when the two folders are on the same file system (one sync then does for both). */
    public static boolean sameFileSystem(Path a, Path b) {
        try {
            return Files.getFileStore(a).equals(Files.getFileStore(b));
        } catch (IOException e) {
            return false; // two syncs then, which is never wrong
        }
    }

    /** Releases the folder's descriptor. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Loaded.LIBC.close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is released either way
        }
    }

    @Override
    public String toString() {
        return "syncfs(" + type + " of " + folder + ")";
    }
}
