package id.lumbung.bench.load;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result of one run. Throughput counts answers that arrived inside the measured window;
 * latency covers requests intended inside it (from the intended send time: corrected for
 * coordinated omission in open loop; in closed loop intended = actual send). Figures in µs.
 */
record Summary(String label, String mode, int itemsPerRequest, double rateTargetPerS, int connections, int depth,
        int threads, int terminals, int durationS, int warmupS, long windowAnswers, long windowPayments,
        long paymentsAccepted, Histogram latencyNs, Histogram serviceNs, Map<String, Long> outcomes,
        double generatorCpuS, int cpus, long requestsMeasured) {

    double answersPerS() {
        return windowAnswers / (double) durationS;
    }

    double paymentsPerS() {
        return windowPayments / (double) durationS;
    }

    String text() {
        StringBuilder sb = new StringBuilder(1024);
        sb.append(String.format(Locale.ROOT, "%n== %s %s (%d payment(s)/request) %s, %d connections x depth %d, %d generator thread(s), %d terminals%n",
                label, mode, itemsPerRequest, rateTargetPerS > 0 ? "open loop at " + (long) rateTargetPerS + " req/s" : "closed loop",
                connections, depth, threads, terminals));
        sb.append(String.format(Locale.ROOT, "duration        %d s measured after %d s warm-up%n", durationS, warmupS));
        sb.append(String.format(Locale.ROOT, "requests        %d intended in window, %d answered in window (%.0f/s)%n",
                requestsMeasured, windowAnswers, answersPerS()));
        sb.append(String.format(Locale.ROOT, "payments/s      %.0f accepted (201)%n", paymentsPerS()));
        sb.append(String.format(Locale.ROOT, "latency µs      %s   (from intended send)%n", LatencyUs.text(latencyNs)));
        sb.append(String.format(Locale.ROOT, "service µs      %s   (from actual send)%n", LatencyUs.text(serviceNs)));
        sb.append(String.format(Locale.ROOT, "generator CPU   %.1f s in %d s (%.0f%% of %d cores)%n",
                generatorCpuS, durationS, 100 * generatorCpuS / durationS / cpus, cpus));
        sb.append("outcomes       ");
        outcomes.forEach((k, n) -> sb.append(' ').append(k).append('=').append(n));
        return sb.append(System.lineSeparator()).toString();
    }

    String json() {
        StringBuilder sb = new StringBuilder(512).append('{');
        field(sb, "label", label).append(',');
        field(sb, "mode", mode).append(',');
        sb.append("\"itemsPerRequest\":").append(itemsPerRequest)
                .append(",\"rateTargetPerS\":").append((long) rateTargetPerS)
                .append(",\"connections\":").append(connections)
                .append(",\"depth\":").append(depth)
                .append(",\"threads\":").append(threads)
                .append(",\"terminals\":").append(terminals)
                .append(",\"durationS\":").append(durationS)
                .append(",\"warmupS\":").append(warmupS)
                .append(",\"requests\":").append(requestsMeasured)
                .append(",\"answersInWindow\":").append(windowAnswers)
                .append(",\"answersPerS\":").append(Math.round(answersPerS()))
                .append(",\"paymentsPerS\":").append(Math.round(paymentsPerS()))
                .append(",\"latencyUs\":").append(LatencyUs.json(latencyNs))
                .append(",\"serviceUs\":").append(LatencyUs.json(serviceNs))
                .append(String.format(Locale.ROOT, ",\"generatorCpuS\":%.2f", generatorCpuS))
                .append(",\"outcomes\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : outcomes.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, e.getKey(), null).append(e.getValue());
        }
        return sb.append("}}").toString();
    }

    /** {@code "key":"value"}, or {@code "key":} when value is null; keys and values here need no escaping but quotes. */
    private static StringBuilder field(StringBuilder sb, String key, String value) {
        sb.append('"').append(key.replace("\"", "'")).append("\":");
        if (value != null) {
            sb.append('"').append(value.replace("\"", "'")).append('"');
        }
        return sb;
    }
}
