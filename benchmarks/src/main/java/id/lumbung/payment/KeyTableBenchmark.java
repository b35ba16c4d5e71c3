package id.lumbung.payment;

import id.lumbung.bench.HotPathBenchmark;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The idempotency index alone ({@link RetainedPayments}'s key table), with 1,000,000 retained keys:
 * a lookup of a known key (a retry) and of an unknown one (every new payment first asks). Both
 * must allocate nothing; {@code PaymentBookBenchmark} measures the whole post around them.
 */
@State(Scope.Thread)
public class KeyTableBenchmark extends HotPathBenchmark {
    private static final int KEYS = 1_000_000;
    /** Lookups cycle through this many keys: spread over the table, as retries are. */
    private static final int PROBES = 1 << 16;

    private RetainedPayments retained;
    private final long[] knownHashes = new long[PROBES];
    private final long[] unknownHashes = new long[PROBES];
    private int next;

    @Setup
    public void setUp() {
        retained = new RetainedPayments();
        SplittableRandom random = new SplittableRandom(20261130L);
        for (int s = 1; s <= KEYS; s++) {
            long hash = RetainedPayments.keyHash("T" + (s % 1000), Integer.toString(s, 36));
            retained.add(s, hash, s % 1000, s % 5000, 1_000 + s, 1_764_000_000_000L + s, s);
            if (s % (KEYS / PROBES) == 0 && (s / (KEYS / PROBES)) <= PROBES) {
                knownHashes[s / (KEYS / PROBES) - 1] = hash;
            }
        }
        for (int i = 0; i < PROBES; i++) {
            unknownHashes[i] = random.nextLong();
        }
    }

    /** A retry: the key's sequence, found among 1 M. */
    @Benchmark
    public long probeKnownKey() {
        retained.probe(knownHashes[next++ & (PROBES - 1)]);
        return retained.nextMatch();
    }

    /** A new payment's check that its key is not there yet. */
    @Benchmark
    public long probeUnknownKey() {
        retained.probe(unknownHashes[next++ & (PROBES - 1)]);
        return retained.nextMatch();
    }
}
