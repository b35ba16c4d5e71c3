package id.lumbung.ingest;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A token bucket per terminal, kept as one long per terminal with the generic cell rate algorithm
 * (GCRA): the theoretical arrival time of the next request. {@code rate} requests per second with a
 * burst of {@code burst}: a request is allowed when the bucket would not go beyond
 * {@code burst × interval} ahead of now. Lock-free (CAS), shared by all event loops; 8 bytes a
 * terminal, so a million terminals cost 8 MB.
 */
public final class RateLimiter {
    /** Replaced by a larger copy when terminals are added (a race may lose a few updates: a few extra tokens, once). */
    private volatile AtomicLongArray tatNs;
    private final long intervalNs;
    private final long toleranceNs;

    public RateLimiter(int terminals, int ratePerSecond, int burst) {
        this.tatNs = new AtomicLongArray(terminals);
        this.intervalNs = 1_000_000_000L / ratePerSecond;
        this.toleranceNs = intervalNs * burst;
    }

    /** Holds a bucket for every terminal index below {@code terminals}; call before such a terminal can post. */
    public void ensureCapacity(int terminals) {
        AtomicLongArray a = tatNs;
        if (terminals > a.length()) {
            AtomicLongArray b = new AtomicLongArray(terminals);
            for (int i = 0; i < a.length(); i++) {
                b.set(i, a.get(i));
            }
            tatNs = b;
        }
    }

    /** @return 0 when allowed, otherwise the nanoseconds to wait before a retry can pass */
    public long acquire(int terminalIndex, long nowNs) {
        AtomicLongArray tatNs = this.tatNs;
        while (true) {
            long tat = tatNs.get(terminalIndex);
            long start = tat == 0 || tat < nowNs ? nowNs : tat;
            long next = start + intervalNs;
            if (next - nowNs > toleranceNs) {
                return next - nowNs - toleranceNs;
            }
            if (tatNs.compareAndSet(terminalIndex, tat, next)) {
                return 0;
            }
        }
    }
}
