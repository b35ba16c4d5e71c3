package id.lumbung;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Reads a value again until it satisfies a condition or a time is up, for what the engine does a
 * moment after a client saw its answer: a count moved on the event loop once the answer is
 * written, a gauge refreshed on a close handler. The caller asserts on the value returned.
 */
public final class Polling {
    private static final long PAUSE_MS = 10;

    private Polling() {
    }

    /** {@code read}'s first value that satisfies {@code done}, or its last value once {@code max} has passed. */
    public static <T> T until(Callable<T> read, Predicate<? super T> done, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        T value = read.call();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(PAUSE_MS);
            value = read.call();
        }
        return value;
    }
}
