package id.lumbung.bench.load;

import id.lumbung.reference.ReferenceDataGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Drives the terminal API with signed payments over keep-alive HTTP/1.1 and reports throughput and
 * latency (HdrHistogram, corrected for coordinated omission in open loop), errors by status and
 * code, as text and as one JSON line. Every run is bounded: {@code --duration-s} at most
 * {@value #RUN_S_MAX} s including warm-up, then at most {@value #DRAIN_S} s to collect answers.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.load.LoadGenerator \
 *     --port 8080 --mode single --rate 0 --connections 32 --depth 4 --terminals 1000 --duration-s 15
 * </pre>
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Signed load on POST /v1/payments or /v1/payments/batch; open loop at --rate, closed loop at --rate 0.")
public final class LoadGenerator implements Callable<Integer> {
    /** The hard bound on one run, warm-up included: the box is shared. */
    static final int RUN_S_MAX = 30;
    /** After the last intended send, answers are awaited this long; an answer waits one group commit. */
    static final int DRAIN_S = 5;
    /** The pacer wakes every 50 µs: timer slack on Linux makes a park last about 50-100 µs anyway. */
    static final long PACER_PARK_NS = 50_000;

    @Option(names = "--host", description = "Target host; only 127.0.0.1 on the shared box. Default ${DEFAULT-VALUE}")
    String host = "127.0.0.1";
    @Option(names = "--port", required = true, split = ",", description = "Terminal API port; several, comma-separated (the"
            + " nodes of a cluster), share the connections out: in closed loop each connection's requests stay on its port,"
            + " in open loop requests take the ports in turn")
    int[] ports;
    @Option(names = "--mode", description = "single (POST /v1/payments) or batch (POST /v1/payments/batch). Default ${DEFAULT-VALUE}")
    String mode = "single";
    @Option(names = "--batch-size", description = "Payments per batch request. Default ${DEFAULT-VALUE}")
    int batchItems = 100;
    @Option(names = "--rate", description = "Open-loop target in requests/s over all connections; 0 = closed loop. Default ${DEFAULT-VALUE}")
    double ratePerS = 0;
    @Option(names = "--connections", description = "Keep-alive connections in total. Default ${DEFAULT-VALUE}")
    int connections = 32;
    @Option(names = "--depth", description = "Closed loop: outstanding requests per connection (pipelined above 1). Default ${DEFAULT-VALUE}")
    int depth = 1;
    @Option(names = "--threads", description = "Event loops of the generator. Default ${DEFAULT-VALUE}")
    int threads = 1;
    @Option(names = "--terminals", description = "Terminals T0000001.. to spread load over (each is rate-limited by the engine). Default ${DEFAULT-VALUE}")
    int terminals = 1000;
    @Option(names = "--duration-s", description = "Measured seconds. Default ${DEFAULT-VALUE}")
    int durationS = 15;
    @Option(names = "--warmup-s", description = "Unrecorded seconds before measuring. Default ${DEFAULT-VALUE}")
    int warmupS = 3;
    @Option(names = "--outstanding-max", description = "Open loop: in-flight requests per generator thread before new ones count as client:BACKLOG. Default ${DEFAULT-VALUE}")
    int outstandingMax = 20_000;
    @Option(names = "--timeout-ms", description = "Per-request idle timeout. Default ${DEFAULT-VALUE}")
    long timeoutMs = 10_000;
    @Option(names = "--label", description = "Free text copied into the summary")
    String label = "";
    @Option(names = "--json-out", description = "Append the summary JSON line to this file")
    Path jsonOut;
    @Option(names = "--quiet", description = "No per-second progress")
    boolean quiet;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = check();
        if (problem != null) {
            System.err.println("load: " + problem);
            return 2;
        }
        boolean batch = mode.equals("batch");
        String[] terminalIds = new String[terminals];
        for (int i = 0; i < terminals; i++) {
            terminalIds[i] = ReferenceDataGenerator.terminalId(i);
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setWorkerPoolSize(1));
        try {
            // start 500 ms ahead so that every worker is deployed before the first intended send
            long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            long measureStartNs = startNs + TimeUnit.SECONDS.toNanos(warmupS);
            long endNs = measureStartNs + TimeUnit.SECONDS.toNanos(durationS);
            RunPlan plan = new RunPlan(host, ports.clone(), batch, batchItems, terminalIds, Math.max(1, connections / threads), depth,
                    ratePerS / threads, outstandingMax, timeoutMs, Long.toString(System.currentTimeMillis(), 36),
                    startNs, measureStartNs, endNs);
            List<LoadWorker> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                LoadWorker w = new LoadWorker(plan, i, threads);
                vertx.deployVerticle(w).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                workers.add(w);
            }
            return run(plan, workers);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private String check() {
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            return "--host must be 127.0.0.1 (this box is shared)";
        }
        if (!mode.equals("single") && !mode.equals("batch")) {
            return "--mode must be single or batch";
        }
        if (warmupS < 0 || durationS < 1 || warmupS + durationS > RUN_S_MAX) {
            return "--warmup-s + --duration-s must be 1.." + RUN_S_MAX;
        }
        if (threads < 1 || connections < threads || depth < 1 || terminals < 1 || batchItems < 1 || ratePerS < 0) {
            return "need threads >= 1, connections >= threads, depth >= 1, terminals >= 1, batch-size >= 1, rate >= 0";
        }
        for (int p : ports) {
            if (p < 1 || p > 65_535) {
                return "--port must be 1..65535: " + p;
            }
        }
        if (connections / threads < ports.length) {
            return "need at least one connection per port on each generator thread: connections >= threads x ports";
        }
        return null;
    }

    private Integer run(RunPlan plan, List<LoadWorker> workers) throws Exception {
        while (System.nanoTime() < plan.startNs()) {
            LockSupport.parkNanos(1_000_000);
        }
        Thread pacer = null;
        if (plan.openLoop()) {
            pacer = new Thread(() -> pace(plan, workers), "load-pacer");
            pacer.setDaemon(true);
            pacer.start();
        } else {
            for (LoadWorker w : workers) {
                w.eventLoop().runOnContext(v -> w.startClosedLoop());
            }
        }
        long cpuAtMeasureNs = -1;
        long cpuAtEndNs = -1;
        long[] last = new long[3];
        long lastNs = plan.startNs();
        long nextTickNs = plan.startNs() + TimeUnit.SECONDS.toNanos(1);
        long drainEndNs = plan.endNs() + TimeUnit.SECONDS.toNanos(DRAIN_S);
        while (true) {
            long now = System.nanoTime();
            if (cpuAtMeasureNs < 0 && now >= plan.measureStartNs()) {
                cpuAtMeasureNs = processCpuNs();
            }
            if (cpuAtEndNs < 0 && now >= plan.endNs()) {
                cpuAtEndNs = processCpuNs();
            }
            if (now >= nextTickNs) {
                long[] cur = totals(workers);
                if (!quiet) {
                    progress(plan, now, cur, last, now - lastNs, inFlight(workers), intervalMaxNs(workers));
                }
                System.arraycopy(cur, 0, last, 0, 3);
                lastNs = now;
                nextTickNs += TimeUnit.SECONDS.toNanos(1);
            }
            if (now >= plan.endNs() && (inFlight(workers) == 0 || now >= drainEndNs)) {
                break;
            }
            LockSupport.parkNanos(10_000_000);
        }
        if (pacer != null) {
            pacer.join(1000);
        }
        if (cpuAtMeasureNs < 0) {
            cpuAtMeasureNs = 0;
        }
        Summary summary = collect(plan, workers, (cpuAtEndNs - cpuAtMeasureNs) / 1e9);
        System.out.print(summary.text());
        String json = summary.json();
        System.out.println("JSON " + json);
        if (jsonOut != null) {
            Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    private static void pace(RunPlan plan, List<LoadWorker> workers) {
        while (System.nanoTime() < plan.endNs()) {
            for (LoadWorker w : workers) {
                w.nudge();
            }
            LockSupport.parkNanos(PACER_PARK_NS);
        }
        for (LoadWorker w : workers) {
            w.nudge();
        }
    }

    private static long[] totals(List<LoadWorker> workers) {
        long[] t = new long[3];
        for (LoadWorker w : workers) {
            t[0] += w.answered.get();
            t[1] += w.paymentsAccepted.get();
            t[2] += w.failures.get();
        }
        return t;
    }

    /** The largest latency any worker recorded since the last call (each worker's is reset). */
    private static long intervalMaxNs(List<LoadWorker> workers) {
        long max = 0;
        for (LoadWorker w : workers) {
            max = Math.max(max, w.intervalMaxNs.getAndSet(0));
        }
        return max;
    }

    private static long inFlight(List<LoadWorker> workers) {
        long n = 0;
        for (LoadWorker w : workers) {
            n += w.inFlight.get();
        }
        return n;
    }

    private static void progress(RunPlan plan, long now, long[] cur, long[] last, long elapsedNs, long inFlight, long maxNs) {
        double s = elapsedNs / 1e9;
        String phase = now < plan.measureStartNs() ? "warmup" : now < plan.endNs() ? "measure" : "drain";
        System.out.printf(Locale.ROOT, "%6.1fs %-7s answers/s %9.0f  payments/s %10.0f  client-failures %6d (total %d)  in-flight %d"
                + "  max-latency-ms %.1f%n", (now - plan.startNs()) / 1e9, phase, (cur[0] - last[0]) / s, (cur[1] - last[1]) / s,
                cur[2] - last[2], cur[2], inFlight, maxNs / 1e6);
    }

    private static long processCpuNs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private Summary collect(RunPlan plan, List<LoadWorker> workers, double generatorCpuS) throws Exception {
        Histogram latency = new Histogram(LoadWorker.LATENCY_NS_MAX, LoadWorker.LATENCY_DIGITS);
        Histogram service = new Histogram(LoadWorker.LATENCY_NS_MAX, LoadWorker.LATENCY_DIGITS);
        Map<String, Long> outcomes = new TreeMap<>();
        long payments = 0;
        long answers = 0;
        long windowPayments = 0;
        long windowAnswers = 0;
        for (LoadWorker w : workers) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            w.eventLoop().runOnContext(v -> {
                w.countUnanswered();
                latency.add(w.latencyNs);
                service.add(w.serviceNs);
                w.counts.byOutcome.forEach((k, n) -> outcomes.merge(k, n, Long::sum));
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);
            payments += w.counts.paymentsAccepted;
            answers += w.latencyNs.getTotalCount();
            windowPayments += w.windowPayments;
            windowAnswers += w.windowAnswers;
        }
        return new Summary(label, mode, plan.batch() ? batchItems : 1, ratePerS, connections, depth, threads, terminals,
                durationS, warmupS, windowAnswers, windowPayments, payments, latency, service, outcomes, generatorCpuS,
                Runtime.getRuntime().availableProcessors(), answers);
    }
}
