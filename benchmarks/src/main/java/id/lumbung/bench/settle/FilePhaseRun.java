package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.config.FilesSync;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.files.AtomicFiles;
import id.lumbung.files.Camt053Statement;
import id.lumbung.files.SettlementCsv;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.SettlementFiles;
import id.lumbung.writer.JournalWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A recorded run, not a test: the settlement file phase alone (render and write the CSV and the
 * camt.053 of C cooperatives with M members each, plus the close's ledger postings file, each
 * file temp, durable, rename, folder durable) into a fresh folder, while a second thread keeps posting
 * payments through the real journal writer and payment book (async journal), as during a close.
 *
 * <p>Variants run interleaved in one JVM, round after round, so that the shared 2-core machine's
 * noise falls on all of them alike: {@code engine} is {@link SettlementFiles} as the engine runs it,
 * {@code engine-N} the same with N writer threads (a sync of the file system before and one after the
 * renames where it allows it), {@code perfile} and {@code perfile-N} the same with an fsync per file
 * and folder ({@code settlement.files.sync=per-file}); {@code render} and {@code write} are the
 * engine's rendering alone and its writing alone (of files rendered before the clock starts).
 * Every variant must write the same bytes (compared by digest, round by round). Reported per
 * variant: wall time, CPU time of the file threads and of the whole process, bytes
 * allocated by the file threads, GC count, and the intake rate during the phase against before it.
 *
 * <p>The old-against-new figures in benchmarks/RESULTS.md ("File phase") also ran a frozen copy of
 * the file phase of 62dfab2 ({@code legacy}); that copy was dropped once recorded, and the run can
 * be repeated from commit aa6df52.
 *
 * <p>{@code java $(benchmarks/chronicle-flags.sh) -Xmx4g -cp benchmarks/target/benchmarks.jar
 * id.lumbung.bench.settle.FilePhaseRun [coops] [members] [rounds] [variants] [intake true|false]}
 */
public final class FilePhaseRun {
    private static final long CLOSED_AT_EPOCH_MS = 1_767_592_500_000L; // 2026-01-05T11:45+07:00
    private static final long INTAKE_WARMUP_MS = 300;
    private static final long INTAKE_BEFORE_MS = 500;
    private static final long SYNC_TIMEOUT_S = 60;

    private record Sample(String variant, double wallMs, double fileCpuMs, double processCpuMs, long allocatedMb,
            long gcCount, double intakeBefore, double intakeDuring, List<List<FileDigest>> digests) {
    }

    public static void main(String[] args) throws Exception {
        int coops = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> variants = List.of((args.length > 3 ? args[3] : "perfile-4,engine-4").split(","));
        boolean intake = args.length <= 4 || Boolean.parseBoolean(args[4]);
        Path root = Files.createTempDirectory("lumbung-filephase");
        try {
            run(root, coops, members, rounds, variants, intake);
        } finally {
            SettlementScaleRun.deleteTree(root);
        }
    }

    private static void run(Path root, int coops, int members, int rounds, List<String> variants, boolean intake)
            throws Exception {
        Path refDir = Files.createDirectories(root.resolve("reference"));
        ReferenceDataGenerator.write(refDir, coops, coops * members, coops * members, 42);
        FeeSchedule fees = FeeSchedule.defaults();
        ReferenceData ref = ReferenceFiles.load(refDir, fees.toConfig().keySet());
        System.out.printf("file phase: %,d cooperatives x %d members, %d rounds, variants %s, intake %s, %d cpus%n",
                coops, members, rounds, variants, intake, Runtime.getRuntime().availableProcessors());
        List<Sample> samples = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not reported
            List<Batch> batches = batches(ref, round + 1L);
            List<List<FileDigest>> expected = null;
            for (int v = 0; v < variants.size(); v++) {
                String variant = variants.get((v + round) % variants.size());
                Path dir = Files.createDirectories(root.resolve("run-" + round + "-" + variant));
                Sample s = runOne(variant, dir, ref, fees, batches, round + 1L, intake);
                // kept until the end: deleting thousands of files makes ext4's next creates skip the
                // recently deleted inodes (recently_deleted() in perf), which the engine never meets
                sync();
                if (s.digests == null) {
                    // a diagnostic variant: nothing to compare
                } else if (expected == null) {
                    expected = s.digests;
                } else if (!expected.equals(s.digests)) {
                    throw new IllegalStateException(variant + " wrote other bytes than " + variants.get(round % variants.size()));
                }
                if (round > 0) {
                    samples.add(s);
                    System.out.printf("round %d %-14s wall %7.1f ms  file-cpu %7.1f ms  process-cpu %7.1f ms  alloc %5d MB"
                            + "  gc %2d  intake %,9.0f/s before, %,9.0f/s during%n", round, variant, s.wallMs,
                            s.fileCpuMs, s.processCpuMs, s.allocatedMb, s.gcCount, s.intakeBefore, s.intakeDuring);
                }
            }
        }
        summarize(samples, variants);
    }

    private static Sample runOne(String variant, Path dir, ReferenceData ref, FeeSchedule fees, List<Batch> batches,
            long closeSequence, boolean withIntake) throws Exception {
        Intake intake = withIntake ? Intake.start(journalDir(dir), ref, fees) : null;
        double before = intake == null ? 0 : intake.rateOver(INTAKE_BEFORE_MS);
        long intakeCount0 = intake == null ? 0 : intake.accepted.get();
        Path filesDir = dir.resolve("files");
        Path ledgerDir = dir.resolve("ledger");
        boolean diagnostic = variant.equals("render") || variant.equals("write");
        ExecutorService diagnosticPool = diagnostic ? pool() : null;
        SettlementFiles engine = variant.startsWith("engine") || variant.startsWith("perfile")
                ? new SettlementFiles(ref, filesDir, ledgerDir, writerThreads(variant),
                        variant.startsWith("perfile") ? FilesSync.PER_FILE : FilesSync.AUTO)
                : null;
        if (diagnosticPool == null && engine == null) {
            throw new IllegalArgumentException("unknown variant " + variant
                    + " (engine, engine-<threads>, perfile, perfile-<threads>, render, write)");
        }
        prestartThreads(diagnosticPool);
        List<byte[][]> rendered = variant.equals("write") ? renderAll(ref, batches, diagnosticPool) : null;
        Stats s0 = Stats.now();
        long t0 = System.nanoTime();
        List<List<FileDigest>> digests;
        if (variant.equals("render")) {
            renderAll(ref, batches, diagnosticPool);
            digests = null;
        } else if (variant.equals("write")) {
            writeAll(filesDir, batches, rendered, diagnosticPool);
            digests = null;
        } else {
            digests = engine.write(closeSequence, batches).stream().map(BatchRecord::files).toList();
        }
        long wallNs = System.nanoTime() - t0;
        Stats s1 = Stats.now();
        double during = intake == null ? 0 : (intake.accepted.get() - intakeCount0) / (wallNs / 1e9);
        if (intake != null) {
            intake.stop();
            if (System.getProperty("filephase.journalRoot") != null) {
                SettlementScaleRun.deleteTree(intake.dir); // outside the run folder (tmpfs, say): free it now
            }
        }
        if (diagnosticPool != null) {
            diagnosticPool.shutdown();
        } else {
            engine.close();
        }
        if (digests != null && digests.size() != batches.size()) {
            throw new IllegalStateException(digests.size() + " batches written, expected " + batches.size());
        }
        return new Sample(variant, wallNs / 1e6, (s1.fileCpuNs - s0.fileCpuNs) / 1e6,
                (s1.processCpuNs - s0.processCpuNs) / 1e6, (s1.fileAllocBytes - s0.fileAllocBytes) >> 20,
                s1.gcCount - s0.gcCount, before, during, digests);
    }

    /** {@code engine} and {@code perfile}: the engine's writers; {@code engine-N}, {@code perfile-N}: N. */
    private static int writerThreads(String variant) {
        int dash = variant.indexOf('-');
        return dash < 0 ? SettlementFiles.WRITER_THREADS : Integer.parseInt(variant.substring(dash + 1));
    }

    /**
     * The intake's journal: beside the files (same file system, as the engine runs by default), or
     * under {@code -Dfilephase.journalRoot=<dir>} to see whether sharing the file system matters.
     */
    private static Path journalDir(Path runDir) throws java.io.IOException {
        String root = System.getProperty("filephase.journalRoot");
        return root == null ? runDir.resolve("journal")
                : Files.createTempDirectory(Files.createDirectories(Path.of(root)), "journal");
    }

    /** Diagnostic: only the rendering (engine renderers) of every batch, on the pool. */
    private static List<byte[][]> renderAll(ReferenceData ref, List<Batch> batches, ExecutorService pool) {
        List<java.util.concurrent.Future<byte[][]>> parts = new ArrayList<>();
        for (Batch b : batches) {
            Coop c = ref.coop(b.coopId());
            parts.add(pool.submit(() -> new byte[][] {SettlementCsv.render(b), Camt053Statement.render(b, c)}));
        }
        List<byte[][]> out = new ArrayList<>();
        for (java.util.concurrent.Future<byte[][]> f : parts) {
            try {
                out.add(f.get());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Diagnostic: only the writing (AtomicFiles, folder created up front) of pre-rendered files, on the pool. */
    private static void writeAll(Path filesDir, List<Batch> batches, List<byte[][]> rendered, ExecutorService pool)
            throws Exception {
        List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            byte[][] files = rendered.get(i);
            Path dir = Files.createDirectories(filesDir.resolve(b.coopId()));
            parts.add(pool.submit(() -> AtomicFiles.writeAll(dir,
                    new String[] {b.batchId() + ".csv", b.batchId() + ".camt053.xml"}, files, false)));
        }
        for (java.util.concurrent.Future<?> f : parts) {
            f.get();
        }
    }

    /** The diagnostic variants' pool: 16 named daemon threads, as the engine had at 62dfab2. */
    private static ExecutorService pool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "lumbung-filephase-diagnostic-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static void prestartThreads(ExecutorService pool) {
        if (pool instanceof java.util.concurrent.ThreadPoolExecutor tpe) {
            tpe.prestartAllCoreThreads();
        }
    }

    /** One batch per cooperative with every member, deterministic totals that vary in width. */
    private static List<Batch> batches(ReferenceData ref, long closeSequence) {
        List<Batch> out = new ArrayList<>(ref.coopCount());
        for (int c = 0; c < ref.coopCount(); c++) {
            Coop coop = ref.coop(c);
            List<MemberTotals> members = new ArrayList<>();
            long payments = 0, gross = 0, fee = 0;
            for (Trader t : ref.tradersOf(c)) {
                long p = 1 + (t.index() * 31L + closeSequence) % 200;
                long g = p * (1_000 + (t.index() * 7919L) % 900_000);
                long f = g * 7 / 1000;
                members.add(new MemberTotals(t.traderId(), p, g, f, g - f));
                payments += p;
                gross += g;
                fee += f;
            }
            out.add(new Batch(PaymentIds.batchId(coop.coopId(), closeSequence), coop.coopId(), closeSequence * 1000,
                    closeSequence * 1000 + 999, CLOSED_AT_EPOCH_MS + closeSequence, members, payments, gross, fee,
                    gross - fee, closeSequence * 1_000_000));
        }
        return out;
    }

    private static void summarize(List<Sample> samples, List<String> variants) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        System.out.println("medians:");
        for (String v : variants) {
            List<Sample> mine = samples.stream().filter(s -> s.variant.equals(v)).toList();
            double[] m = {median(mine, Sample::wallMs), median(mine, Sample::fileCpuMs), median(mine, Sample::processCpuMs),
                median(mine, s -> s.allocatedMb), median(mine, s -> s.gcCount), median(mine, Sample::intakeBefore),
                median(mine, Sample::intakeDuring)};
            medians.put(v, m);
            System.out.printf("  %-14s wall %7.1f ms  file-cpu %7.1f ms  process-cpu %7.1f ms  alloc %5.0f MB  gc %4.1f"
                    + "  intake %,9.0f/s before, %,9.0f/s during (%.2f of before)%n", v, m[0], m[1], m[2], m[3], m[4],
                    m[5], m[6], m[5] == 0 ? 0 : m[6] / m[5]);
        }
        double[] base = medians.get(variants.get(0));
        for (String v : variants.subList(1, variants.size())) {
            double[] m = medians.get(v);
            System.out.printf("ratio %s/%s: wall %.2f  file-cpu %.2f  process-cpu %.2f  alloc %.2f  intake-during %.2f%n",
                    variants.get(0), v, base[0] / m[0], base[1] / m[1], base[2] / m[2], base[3] / Math.max(1, m[3]),
                    m[6] == 0 ? 0 : base[6] / m[6]);
        }
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        double[] xs = samples.stream().mapToDouble(f).sorted().toArray();
        return xs.length == 0 ? 0 : xs[xs.length / 2];
    }

    /** CPU, allocation and GC counters; "file threads" are the writer pools and this (main) thread. */
    private record Stats(long fileCpuNs, long processCpuNs, long fileAllocBytes, long gcCount) {
        static Stats now() {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu = 0, alloc = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("lumbung-settlement-io") || t == Thread.currentThread()) {
                    cpu += Math.max(0, threads.getThreadCpuTime(t.getId()));
                    alloc += Math.max(0, threads.getThreadAllocatedBytes(t.getId()));
                }
            }
            long gc = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                gc += b.getCollectionCount();
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Stats(cpu, process, alloc, gc);
        }
    }

    /** The engine's intake path: a thread posting payments through the journal writer (async journal). */
    private static final class Intake {
        final AtomicLong accepted = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Path dir;
        private Journal journal;
        private JournalWriter writer;
        private Thread feeder;

        static Intake start(Path journalDir, ReferenceData ref, FeeSchedule fees) throws InterruptedException {
            Intake in = new Intake();
            in.dir = journalDir;
            EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
            in.journal = new Journal(journalDir, Durability.ASYNC);
            Clock clock = Clock.systemUTC();
            PaymentBook book = new PaymentBook(ref, clock, in.journal, w -> { }, TimeUnit.DAYS.toMillis(7),
                    Integer.MAX_VALUE);
            in.writer = new JournalWriter(in.journal, metrics, 1 << 20, book::publishWindows, () -> { }, (t, e) -> {
                e.printStackTrace();
                System.exit(70);
            });
            in.writer.start();
            in.feeder = new Thread(() -> {
                long next = 0;
                while (in.running.get()) {
                    try {
                        SettlementScaleRun.submitPosts(in.writer, book, ref, next, 20_000, clock.millis(), in.accepted);
                    } catch (InterruptedException e) {
                        return;
                    }
                    next += 20_000;
                }
            }, "intake");
            in.feeder.start();
            Thread.sleep(INTAKE_WARMUP_MS);
            return in;
        }

        double rateOver(long ms) throws InterruptedException {
            long n0 = accepted.get();
            Thread.sleep(ms);
            return (accepted.get() - n0) * 1000.0 / ms;
        }

        void stop() throws InterruptedException {
            running.set(false);
            feeder.join(TimeUnit.SECONDS.toMillis(30));
            writer.close();
            journal.close();
        }
    }

    private static void sync() throws Exception {
        Process p = new ProcessBuilder("sync").inheritIO().start();
        if (!p.waitFor(SYNC_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        Thread.sleep(200);
    }

}
