package id.lumbung.bench;

import id.lumbung.ingest.RateLimiter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-terminal GCRA rate limiter, single-threaded (uncontended CAS). The clock is synthetic so
 * that the outcome is fixed: {@link #acquireAllowed} moves it 1 ms per call, exactly the interval at
 * 1,000 requests/s, so every call passes; {@link #acquireRejected} keeps it still on a terminal whose
 * burst is spent, so every call is refused. The baseline is {@code System.nanoTime()}, the clock read
 * a caller pays on top.
 */
@State(Scope.Thread)
public class RateLimiterBenchmark extends HotPathBenchmark {
    /** 16,384 terminals × 8 bytes = 128 KB of bucket state, walked round-robin. */
    private static final int TERMINALS = 16_384;
    private static final int TERMINALS_MASK = TERMINALS - 1;
    /** DESIGN.md default: 1,000 requests/s with a burst of 1,000. */
    private static final int RATE_PER_SECOND = 1_000;
    private static final int BURST = 1_000;
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int EXHAUSTED_TERMINAL = 0;

    private RateLimiter allowing;
    private RateLimiter refusing;
    private long nowNs;
    private long frozenNowNs;
    private int next;

    @Setup
    public void setUp() {
        allowing = new RateLimiter(TERMINALS, RATE_PER_SECOND, BURST);
        refusing = new RateLimiter(TERMINALS, RATE_PER_SECOND, BURST);
        nowNs = TimeUnit.SECONDS.toNanos(1);
        frozenNowNs = nowNs;
        int passed = 0;
        while (refusing.acquire(EXHAUSTED_TERMINAL, frozenNowNs) == 0) {
            passed++;
        }
        if (passed != BURST + 1 && passed != BURST) {
            throw new IllegalStateException("burst of " + BURST + " passed " + passed + " requests");
        }
    }

    @Benchmark
    public long baselineNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public long acquireAllowed() {
        nowNs += STEP_NS;
        return allowing.acquire(next++ & TERMINALS_MASK, nowNs);
    }

    @Benchmark
    public long acquireRejected() {
        return refusing.acquire(EXHAUSTED_TERMINAL, frozenNowNs);
    }
}
