package id.lumbung.core.payment;

import org.HdrHistogram.Histogram;

/**
 * The retained-payment columns and key table on their own: N inserts with random key hashes, timing
 * each one, to show that table growth never stalls the journal writer. Lives in the engine's
 * package because {@link RetainedPayments} is package-private. Run with {@code -Xlog:gc} to tell
 * young-GC pauses (the chunks of columns being copied) from the table's own work.
 *
 * <pre>java -Xmx8g -cp benchmarks/target/benchmarks.jar id.lumbung.core.payment.KeyTableGrowthRun [inserts]</pre>
 */
public final class KeyTableGrowthRun {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 15_000_000;
        RetainedPayments r = new RetainedPayments();
        Histogram h = new Histogram(10_000_000_000L, 3);
        java.util.Random rnd = new java.util.Random(1);
        long slowest = 0;
        long slowestAt = 0;
        long t0 = System.nanoTime();
        for (long s = 1; s <= n; s++) {
            long hash = rnd.nextLong();
            long b = System.nanoTime();
            r.add(s, hash, 0, 0, 1, 0, s);
            long d = System.nanoTime() - b;
            h.recordValue(d);
            if (d > slowest) {
                slowest = d;
                slowestAt = s;
            }
        }
        System.out.printf("%,d inserts in %.2f s; per insert ns p50 %d p99 %d p99.99 %d; slowest %.1f ms at insert %,d%n", n,
                (System.nanoTime() - t0) / 1e9, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.99), slowest / 1e6, slowestAt);
    }
}
