package id.lumbung.core.payment;

import id.lumbung.bench.HotPathBenchmark;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The idempotency index alone ({@link RetainedPayments}'s key table), with 1,000,000 retained keys:
 * a lookup of a known key (a retry) and of an unknown one (every new payment first asks), and an
 * insert at a constant table size (the oldest key leaves as a new one arrives, as when retention
 * evicts: no table growth, no new column chunk). All must allocate nothing;
 * {@code PaymentBookBenchmark} measures the whole post around them. The baseline is the read of
 * the next probe's hash, which every other op here does too.
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

    /** Sequence of the next key {@link #insertReplacingKey} replaces, cycling over all of them. */
    private long replaceSequence;
    /** Source of new keys' hashes (a counter, mixed, so they spread as real key hashes do). */
    private long newKeys = 20261130L;

    /** Baseline: the hash read that every probe op starts with. */
    @Benchmark
    public long baselineNextHash() {
        return knownHashes[next++ & (PROBES - 1)];
    }

    /**
     * Idempotency insert: the key at the oldest sequence leaves the table and a new key takes its
     * place at that sequence (the columns are rewritten in place), so the table holds 1 M keys
     * throughout. Both halves are what a new payment and a retention eviction each cost.
     */
    @Benchmark
    public int insertReplacingKey() {
        long sequence = 1 + replaceSequence++ % KEYS;
        retained.remove(sequence);
        long hash = RetainedPayments.fmix64(newKeys++);
        retained.add(sequence, hash, (int) (sequence % 1000), (int) (sequence % 5000), 1_000 + sequence,
                1_764_000_000_000L + sequence, sequence);
        return retained.size();
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
