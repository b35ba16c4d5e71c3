package id.lumbung.crash;

import id.lumbung.config.EngineConfig;
import id.lumbung.crash.PaymentLoad.Sent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real power cut: the engine's data folder is on {@link PowerCutFs}, which keeps every write that
 * was not forced in memory only. Under load in {@code sync} durability the file system is cut
 * (everything not forced is gone), the engine SIGKILLed, the file system remounted (the kernel's
 * cached pages go with it) and the engine started again: every acknowledged payment must replay
 * with its paymentId. A SIGKILL alone leaves the page cache intact and cannot tell a forced
 * journal from an unforced one; this can, and {@link #withoutTheForceAcknowledgedPaymentsAreLost}
 * shows it: with {@code journal.force=off-unsafe-test-only} the same cut loses acknowledged
 * payments.
 *
 * <p>{@code -Dlumbung.powercut.cycles=N} (default 2) sets the cuts of the forced run ({@code
 * ops/power-cut-loop}), {@code -Dlumbung.powercut.seed} the seed (amounts, load time before each
 * cut), {@code -Dlumbung.powercut.loadMs} the mean load per cut. Each cut prints one line starting
 * {@code power-cut } with its figures.
 */
class PowerCutTest {
    private static final int THREADS = 6;
    private static final int REQUESTS_PER_CUT_MAX = 40_000;
    private static final String[] TERMINALS = {"T0000001", "T0000003", "T0000006", "T0000009", "T0000011", "T0000014"};

    @TempDir
    Path tmp;

    /** What one cut left: acknowledged before it, found (replayed with their id) and lost after it. */
    record Cut(int cut, long loadMs, int acknowledged, int found, int lost, int unanswered, long droppedBytes, long forces) {
        String line(String run) {
            return "power-cut " + run + " cut=" + cut + " load_ms=" + loadMs + " acknowledged=" + acknowledged + " found=" + found
                    + " lost=" + lost + " unanswered=" + unanswered + " fs_dropped_bytes=" + droppedBytes + " fs_forces=" + forces;
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // CI's 2 cuts take ~20 s; the timeout covers ops/power-cut-loop 100
    void everyAcknowledgedPaymentSurvivesPowerCutsUnderLoad() throws Exception {
        int cycles = Integer.getInteger("lumbung.powercut.cycles", 2);
        long seed = Long.getLong("lumbung.powercut.seed", System.nanoTime());
        System.out.println("PowerCutTest seed=" + seed + " cycles=" + cycles + " (-Dlumbung.powercut.seed=" + seed + " to repeat)");
        List<Cut> cuts = run("forced", cycles, seed, "");
        for (Cut c : cuts) {
            assertThat(c.acknowledged()).as("payments acknowledged before cut %d", c.cut()).isPositive();
            assertThat(c.forces()).as("journal forces the file system saw before cut %d", c.cut()).isPositive();
        }
        assertThat(cuts.stream().mapToInt(Cut::lost).sum()).as("acknowledged payments lost over %d cuts", cycles).isZero();
        assertThat(cuts.stream().mapToInt(Cut::found).sum()).isEqualTo(cuts.stream().mapToInt(Cut::acknowledged).sum());
    }

    /** The negative control: the same cut without the force loses acknowledged payments, so the test above can fail. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutTheForceAcknowledgedPaymentsAreLost() throws Exception {
        long seed = Long.getLong("lumbung.powercut.seed", System.nanoTime());
        System.out.println("PowerCutTest (force off) seed=" + seed);
        List<Cut> cuts = run("unforced", 1, seed, EngineConfig.JOURNAL_FORCE_PROP_NAME + "="
                + EngineConfig.JOURNAL_FORCE_OFF_UNSAFE + "\n");
        Cut c = cuts.get(0);
        assertThat(c.acknowledged()).isPositive();
        assertThat(c.forces()).as("journal forces with journal.force=off-unsafe-test-only").isZero();
        assertThat(c.lost()).as("acknowledged payments lost at a cut without the force").isPositive();
        assertThat(c.droppedBytes()).isPositive();
    }

    /**
     * {@code cycles} times: start the engine on the mounted file system, check the payments the
     * previous cut's run acknowledged, load it, cut, SIGKILL, remount. Then start once more and check
     * the last cut's payments.
     */
    private List<Cut> run(String name, int cycles, long seed, String configLines) throws Exception {
        long loadMs = Long.getLong("lumbung.powercut.loadMs", 1_500);
        Random random = new Random(seed);
        Path data = tmp.resolve("mnt"); // the engine's log and config file go next to it, off the cut file system
        List<Cut> cuts = new ArrayList<>();
        try (PowerCutFs fs = PowerCutFs.mount(tmp.resolve("backing"), tmp.resolve("mnt"))) {
            Map<String, Sent> sent = new ConcurrentHashMap<>();         // txnId -> request
            Map<String, String> acked = new ConcurrentHashMap<>();      // txnId -> paymentId
            Map<String, String> unanswered = new ConcurrentHashMap<>(); // txnId -> why
            long cutLoadMs = 0;
            long dropped = 0;
            long forces = 0;
            for (int cut = 1; cut <= cycles + 1; cut++) {
                EngineProcess engine = EngineProcess.start(data, "sync", configLines);
                try {
                    if (cut > 1) {
                        int[] foundLost = verify(new Client(engine), sent, acked, unanswered);
                        Cut c = new Cut(cut - 1, cutLoadMs, acked.size(), foundLost[0], foundLost[1], unanswered.size(), dropped,
                                forces);
                        cuts.add(c);
                        System.out.println(c.line(name));
                        sent.clear();
                        acked.clear();
                        unanswered.clear();
                    }
                    if (cut > cycles) {
                        break;
                    }
                    cutLoadMs = loadMs / 2 + random.nextInt((int) Math.max(1, loadMs));
                    load(new Client(engine), "P" + cut + "-", random.nextLong(), cutLoadMs, sent, acked, unanswered, () -> {
                        fs.cut();
                        engine.kill();
                    });
                    Map<String, Long> after = fs.counters();
                    dropped = after.get("dropped_bytes");
                    forces = after.get("forces");
                } finally {
                    engine.close();
                }
                fs.remount();
            }
        }
        return cuts;
    }

    /** The cut, run while the clients are sending. */
    @FunctionalInterface
    interface CutAction {
        void cut() throws Exception;
    }

    /** Clients post for {@code loadMs}, then the cut lands while they are still sending. */
    private static void load(Client client, String prefix, long seed, long loadMs, Map<String, Sent> sent,
            Map<String, String> acked, Map<String, String> unanswered, CutAction cut) throws Exception {
        Random random = new Random(seed);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger budget = new AtomicInteger(REQUESTS_PER_CUT_MAX);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String terminal = TERMINALS[t];
                long threadSeed = random.nextLong();
                int thread = t;
                futures.add(pool.submit(() -> {
                    Random r = new Random(threadSeed);
                    PaymentLoad.postSingles(client, terminal, prefix + thread + "-", r, stop, budget, status -> status == 201,
                            sent, acked, unanswered);
                    return null;
                }));
            }
            Thread.sleep(loadMs);
            cut.cut();
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Re-posts every acknowledged payment: found when the answer is 200 Idempotent-Replayed with the
     * paymentId first given, lost when it is 201 (the engine had no trace of it). Retries every
     * unanswered one: 201 or 200, never anything else. Any other answer fails the test.
     *
     * @return {found, lost}
     */
    private static int[] verify(Client client, Map<String, Sent> sent, Map<String, String> acked,
            Map<String, String> unanswered) throws Exception {
        AtomicInteger found = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        List<Callable<String>> checks = new ArrayList<>();
        for (Map.Entry<String, String> a : acked.entrySet()) {
            Sent s = sent.get(a.getKey());
            checks.add(() -> {
                HttpResponse<String> r = s.resend(client);
                if (r.statusCode() == 201) {
                    lost.incrementAndGet();
                    return null;
                }
                if (PaymentLoad.isReplayOf(r, a.getValue())) {
                    found.incrementAndGet();
                    return null;
                }
                return "acknowledged " + a.getKey() + " as " + a.getValue() + ", after the cut: " + r.statusCode() + " "
                        + r.body();
            });
        }
        for (String txnId : unanswered.keySet()) {
            Sent s = sent.get(txnId);
            checks.add(() -> {
                HttpResponse<String> r = s.resend(client);
                return r.statusCode() == 201 || r.statusCode() == 200 ? null
                        : "unanswered " + txnId + " retried: " + r.statusCode() + " " + r.body();
            });
        }
        assertThat(PaymentLoad.failures(checks, THREADS, 120)).as("answers after the cut").isEmpty();
        return new int[] {found.get(), lost.get()};
    }
}
