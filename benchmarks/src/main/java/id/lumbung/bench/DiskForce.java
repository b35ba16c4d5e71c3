package id.lumbung.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What one force costs on a disk, the way the journal forces: bytes written through a mapping of a
 * file whose blocks are already allocated and durable (the journal keeps room allocated ahead of
 * its entries), then {@code FileChannel.force(false)} ({@code fdatasync}), over and over, one
 * thread or several at once on the same file. Pages {@code tail}: each force covers only the next
 * bytes at the file's end; {@code tail+header}: also 8 bytes at the file's start, as a Chronicle
 * cycle file's header takes its write position with every append, so a force writes back two
 * distant pages. Allocation {@code write}: the file is allocated by writing zeros 64 KiB at a
 * time, as the journal's room is; {@code read-write}: by reading each 64 KiB of the sparse file
 * and writing it back (the kernel's readahead then fills the page cache with large folios, and a
 * small mapped write dirties a whole one); {@code fallocate}: by one {@code fallocate(fd, 0, 0,
 * size)} through chronicle-posix's {@code PosixAPI} (JNR), which gives the file its blocks as
 * unwritten extents without writing them (needs {@code --add-opens java.base/java.io} for the
 * descriptor). Prints one JSON line per case: forces/s and the force's
 * mean, p50 and p99.
 *
 * <pre>java -cp benchmarks.jar id.lumbung.bench.DiskForce DIR SECONDS THREADS,... BYTES,... PAGES,... ALLOCATION,...</pre>
 *
 * The file ({@code DIR/disk-force.dat}, 256 MiB, written round and round) is deleted at the end.
 * Bounded: SECONDS per case.
 */
public final class DiskForce {
    private static final long FILE_BYTES = 256L << 20;
    private static final int PAGE = 4096;

    private DiskForce() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: DiskForce DIR SECONDS THREADS,... BYTES,... tail|tail+header,... write|read-write|fallocate,...");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        Path file = dir.resolve("disk-force.dat");
        try {
            for (String threads : args[2].split(",")) {
                for (String bytes : args[3].split(",")) {
                    for (String pages : args[4].split(",")) {
                        for (String allocation : args[5].split(",")) {
                            System.out.println(run(file, seconds, Integer.parseInt(threads), Integer.parseInt(bytes), pages,
                                    allocation));
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String run(Path file, double seconds, int threads, int bytesPerForce, String pages, String allocation)
            throws Exception {
        if (!pages.equals("tail") && !pages.equals("tail+header")) {
            throw new IllegalArgumentException("pages: tail or tail+header, not " + pages);
        }
        if (!allocation.equals("write") && !allocation.equals("read-write") && !allocation.equals("fallocate")) {
            throw new IllegalArgumentException("allocation: write, read-write or fallocate, not " + allocation);
        }
        boolean header = pages.equals("tail+header");
        Files.deleteIfExists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"); FileChannel ch = raf.getChannel()) {
            if (allocation.equals("fallocate")) {
                fallocate(raf, ch);
            } else {
                allocate(raf, ch, allocation.equals("read-write"));
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES);
            AtomicLong next = new AtomicLong(); // the first page stands for the header; the rest is written round and round
            long span = (FILE_BYTES - PAGE) / bytesPerForce * bytesPerForce;
            Histogram[] latency = new Histogram[threads];
            long[] forces = new long[threads];
            Throwable[] failed = new Throwable[threads];
            long endNs = System.nanoTime() + (long) (seconds * 1e9);
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                latency[t] = new Histogram(10_000_000_000L, 3);
                Thread th = new Thread(() -> {
                    try {
                        while (System.nanoTime() < endNs) {
                            long at = PAGE + next.getAndAdd(bytesPerForce) % span;
                            for (int i = 0; i < bytesPerForce; i += 8) {
                                map.putLong((int) (at + i), at + i + 1);
                            }
                            if (header) {
                                map.putLong(me * 8, at);
                            }
                            long t0 = System.nanoTime();
                            ch.force(false);
                            latency[me].recordValue(System.nanoTime() - t0);
                            forces[me]++;
                        }
                    } catch (Throwable e) {
                        failed[me] = e;
                    }
                }, "disk-force-" + t);
                th.start();
                running.add(th);
            }
            long startNs = endNs - (long) (seconds * 1e9);
            for (Thread th : running) {
                th.join();
            }
            long wallNs = System.nanoTime() - startNs;
            for (Throwable e : failed) {
                if (e != null) {
                    throw new IllegalStateException("a forcing thread failed", e);
                }
            }
            Histogram all = new Histogram(10_000_000_000L, 3);
            long total = 0;
            for (int t = 0; t < threads; t++) {
                all.add(latency[t]);
                total += forces[t];
            }
            return String.format(Locale.ROOT, "{\"threads\": %d, \"bytesPerForce\": %d, \"pages\": \"%s\", \"allocation\": \"%s\", \"forces\": %d,"
                    + " \"forcesPerS\": %d, \"usMean\": %.1f, \"usP50\": %.1f, \"usP99\": %.1f}",
                    threads, bytesPerForce, pages, allocation, total, Math.round(total / (wallNs / 1e9)), all.getMean() / 1e3,
                    all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3);
        }
    }

    /** Gives the whole file its blocks with one {@code fallocate} (mode 0), then forces it with its metadata. */
    private static void fallocate(RandomAccessFile raf, FileChannel ch) throws Exception {
        java.lang.reflect.Field fdField = java.io.FileDescriptor.class.getDeclaredField("fd");
        fdField.setAccessible(true);
        int fd = fdField.getInt(raf.getFD());
        net.openhft.posix.PosixAPI posix = net.openhft.posix.PosixAPI.posix();
        if (posix.fallocate(fd, 0, 0, FILE_BYTES) != 0) {
            throw new IOException("fallocate failed: " + posix.lastErrorStr());
        }
        ch.force(true);
    }

    /**
     * Allocates the whole file 64 KiB at a time, zeros written or (readBack) read from the sparse
     * file and written back, and forces it: its blocks are allocated and durable before any case is
     * timed, and its page cache is what that allocation left.
     */
    private static void allocate(RandomAccessFile raf, FileChannel ch, boolean readBack) throws IOException {
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocateDirect(64 << 10);
        if (readBack) {
            raf.setLength(FILE_BYTES);
        }
        for (long at = 0; at < FILE_BYTES; at += chunk.capacity()) {
            chunk.clear();
            if (readBack) {
                while (chunk.hasRemaining() && ch.read(chunk, at + chunk.position()) >= 0) {
                    // a sparse region reads as zeros
                }
                chunk.flip();
            }
            while (chunk.hasRemaining()) {
                ch.write(chunk, at + chunk.position());
            }
        }
        ch.force(true);
    }
}
