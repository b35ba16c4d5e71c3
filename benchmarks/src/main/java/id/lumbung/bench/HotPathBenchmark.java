package id.lumbung.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every hot-path micro-benchmark shares (JMH annotations are inherited): average
 * time per op in nanoseconds, 2 warm-up and 3 measured iterations of 1 s, one fork. Short on
 * purpose: allocation per op is stable after that on this box, and time is recorded, not asserted
 * (RESULTS.md). A subclass overrides any of them with its own annotation; the command line
 * ({@code -f -wi -i}, as {@code run-jmh.sh} and {@code .ci/jmh-guard.sh} pass) overrides both.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public abstract class HotPathBenchmark {
}
