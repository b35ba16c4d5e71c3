package id.lumbung.bench.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** A latency histogram recorded in ns, reported in µs as every generator here prints and records it. */
public final class LatencyUs {
    private LatencyUs() {
    }

    /** The value at {@code percentile}, in µs; 0 for an empty histogram. */
    public static double at(Histogram ns, double percentile) {
        return ns.getTotalCount() == 0 ? 0 : ns.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The largest value, in µs; 0 for an empty histogram. */
    public static double max(Histogram ns) {
        return ns.getTotalCount() == 0 ? 0 : ns.getMaxValue() / 1000.0;
    }

    /** {@code p50 .. p99 .. p99.9 .. max ..}, whole µs, for a text line. */
    public static String text(Histogram ns) {
        return String.format(Locale.ROOT, "p50 %.0f  p99 %.0f  p99.9 %.0f  max %.0f", at(ns, 50), at(ns, 99), at(ns, 99.9), max(ns));
    }

    /** {@code {"p50":..,"p99":..,"p999":..,"max":..,"mean":..}}, µs to one decimal, for a record. */
    public static String json(Histogram ns) {
        return String.format(Locale.ROOT, "{\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f}",
                at(ns, 50), at(ns, 99), at(ns, 99.9), max(ns), ns.getTotalCount() == 0 ? 0 : ns.getMean() / 1000.0);
    }
}
