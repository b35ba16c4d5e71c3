package id.lumbung.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One durability point for many files: Linux's {@code syncfs(2)} on the file system that holds a
 * folder writes back every dirty page and inode of that file system and flushes the device's
 * write cache once, where an {@code fsync} per file flushes it once per file. A close writes
 * three files per cooperative, 3,001 for 1,000 cooperatives; with a folder fsync each, that was
 * 4,000 device flushes per close, which this machine's virtual disk serves one at a time
 * (benchmarks/RESULTS.md, "run-file-phase": the file phase with fsync per file against syncfs).
 *
 * <p>Used only where {@code syncfs} is known to make everything durable and to report a failed
 * write-back: Linux 5.8 or later (earlier kernels drop write-back errors from {@code syncfs}) on
 * ext4, XFS or Btrfs. A FUSE file system (the power-cut test's), NFS, tmpfs or anything else
 * keeps an fsync per file: {@link #of} is empty there. PostgreSQL's
 * {@code recovery_init_sync_method=syncfs} makes the same choice with the same caveats. The
 * price: {@code syncfs} also writes back whatever else is dirty on that file system, so the
 * settlement files are best kept on a file system of their own or the engine's alone;
 * {@code settlement.files.sync=per-file} turns it off.
 *
 * <p>Called through JNA, which Chronicle already brings. Thread-safe.
 */
public final class FileSystemSync {
    /** File systems on which {@code syncfs} writes back and flushes everything and reports a failure. */
    public static final Set<String> TYPES = Set.of("ext4", "xfs", "btrfs");

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0_2000000; // the same on x86-64 and arm64
    private static final int KERNEL_MAJOR_MIN = 5;
    private static final int KERNEL_MINOR_MIN = 8;

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
                } catch (UnsatisfiedLinkError | RuntimeException e) {
                    why = "the C library's syncfs cannot be called: " + e.getMessage();
                }
            }
            LIBC = libc;
            UNAVAILABLE = why;
        }
    }

    private final Path folder;
    private final String type;

    private FileSystemSync(Path folder, String type) {
        this.folder = folder;
        this.type = type;
    }

    /**
     * The sync of the file system holding {@code folder}, or empty where an fsync per file must do
     * ({@link #unsupported} says why).
     *
     * @throws UncheckedIOException if the folder's file system cannot be read
     */
    public static Optional<FileSystemSync> of(Path folder) {
        return unsupported(folder) == null ? Optional.of(new FileSystemSync(folder, type(folder))) : Optional.empty();
    }

    /** Why {@link #of} is empty for {@code folder}, or null when it is not. */
    public static String unsupported(Path folder) {
        if (Loaded.UNAVAILABLE != null) {
            return Loaded.UNAVAILABLE;
        }
        String type = type(folder);
        return TYPES.contains(type) ? null : "file system type " + type + " is not one of " + new java.util.TreeSet<>(TYPES);
    }

    private static String type(Path folder) {
        try {
            FileStore store = Files.getFileStore(folder);
            return store.type();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file system of " + folder, e);
        }
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

    /** The file system's type, such as {@code ext4}. */
    public String type() {
        return type;
    }

    /** The folder whose file system this syncs. */
    public Path folder() {
        return folder;
    }

    /**
     * Makes every write on the folder's file system so far durable: file contents, new files,
     * renames and new folders.
     *
     * @throws UncheckedIOException if the folder cannot be opened or the write-back failed (an
     *     {@code EIO} from the device): what was written may not be on the disk
     */
    public void sync() {
        int fd;
        try {
            fd = Loaded.LIBC.open(folder.toString(), O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new UncheckedIOException(new IOException("cannot open " + folder + " to sync its file system: errno "
                    + e.getErrorCode() + " " + e.getMessage()));
        }
        try {
            Loaded.LIBC.syncfs(fd);
        } catch (LastErrorException e) {
            throw new UncheckedIOException(new IOException("syncfs of the file system of " + folder + " (" + type
                    + ") failed: errno " + e.getErrorCode() + " " + e.getMessage()));
        } finally {
            try {
                Loaded.LIBC.close(fd);
            } catch (LastErrorException ignored) {
                // the descriptor is released either way; the sync's outcome is what counts
            }
        }
    }

    /** True when the two syncs cover the same file system (one sync then does for both). */
    public boolean sameFileSystem(FileSystemSync other) {
        try {
            return Files.getFileStore(folder).equals(Files.getFileStore(other.folder));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file system of " + folder + " or " + other.folder, e);
        }
    }

    @Override
    public String toString() {
        return "syncfs(" + type + " of " + folder + ")";
    }
}
