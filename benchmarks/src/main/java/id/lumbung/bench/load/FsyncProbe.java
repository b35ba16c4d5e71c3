package id.lumbung.bench.load;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * The disk's floor for a synchronously durable acknowledgement: append a small record and force it,
 * one at a time, and print the latency distribution. With {@code sync} durability every
 * acknowledgement waits for at least one such force (group commit shares it between the payments
 * that arrived meanwhile), so the engine's p50 and p99 cannot go below these figures.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.load.FsyncProbe [dir] [seconds] [recordBytes]</pre>
 */
public final class FsyncProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        int recordBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
        Histogram h = new Histogram(60_000_000_000L, 3);
        ByteBuffer record = ByteBuffer.allocate(recordBytes);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (System.nanoTime() < end && h.getTotalCount() < 1_000_000) {
                record.clear();
                long t0 = System.nanoTime();
                ch.write(record);
                ch.force(false);
                h.recordValue(System.nanoTime() - t0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf("fsync probe (%s, %d-byte appends, each forced): %,d forces, %.0f/s | µs p50 %.0f  p90 %.0f  p99 %.0f"
                + "  p99.9 %.0f  max %.0f%n", dir, recordBytes, h.getTotalCount(), h.getTotalCount() / seconds,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
