package id.lumbung.sim;

import id.lumbung.config.EngineConfig;
import id.lumbung.engine.CoreHarness;
import id.lumbung.files.FileDigest;
import id.lumbung.ledger.Ledger;
import id.lumbung.payment.PaymentRequest;
import id.lumbung.payment.PaymentStatus;
import id.lumbung.payment.PaymentView;
import id.lumbung.payment.PostOutcome;
import id.lumbung.payment.VoidOutcome;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.Terminal;
import id.lumbung.reference.Trader;
import id.lumbung.settlement.Batch;
import id.lumbung.settlement.BatchRecord;
import id.lumbung.settlement.CutoffSchedule;
import id.lumbung.settlement.FeeSchedule;
import id.lumbung.settlement.MemberTotals;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The life-cycle simulator: runs a sequence of {@link Op}s against the engine's core
 * ({@link CoreHarness}: journal, payment book, writer, settlement, ledger, snapshots, replay) with
 * an injected clock, and compares every answer, every settled batch, its files and the ledger with a
 * small model kept here in plain maps and lists. Sync durability: every answer is given after the
 * journal force, so everything answered must survive any crash.
 *
 * <p>The model knows the journal's sequence numbers exactly (one per reference change, payment,
 * void, close, and a discard mark after a torn tail; a new journal starts with the whole reference), so that it checks every paymentId the engine hands out. Fees are
 * computed here from the DESIGN.md rule, independently of the engine's fee plans.
 */
public final class Simulator {
    private static final long MINUTE_MS = 60_000L;
    private static final long HOUR_MS = 60 * MINUTE_MS;
    private static final long DAY_MS = 24 * HOUR_MS;
    /** The engine's occurredAt window (DESIGN.md): 5 minutes ahead, 7 days behind. */
    private static final long AHEAD_MS = 5 * MINUTE_MS;
    private static final long BEHIND_MS = 7 * DAY_MS;
    /** The engine's default idempotency retention (7 days) and the 5 minutes the sweep adds to it. */
    private static final long RETENTION_MS = 7 * DAY_MS + 5 * MINUTE_MS;
    /** Longest wait for the writer's retention sweep (every 10 ms or so) to reach the model's state. */
    private static final long SWEEP_WAIT_MS = 5_000;
    /** Sequences per chunk of the book's retained columns (RetainedPayments.CHUNK_BITS = 16). */
    private static final long CHUNK_SEQUENCES = 1L << 16;
    private static final Instant START = Instant.parse("2026-11-29T03:00:00Z");

    private static Vertx vertx;
    private static ReferenceData reference;
    /** Held so that its level stays set: the engine logs every start, close and stop at INFO. */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("id.lumbung");

    /** What one run found: the operations run, and the first failure (null: none). */
    public record Outcome(int opsRun, String failure, List<String> trace) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** The simulator's shared Vert.x (contexts for the answers) and reference data, made once per JVM. */
    static synchronized void init() throws Exception {
        if (vertx == null) {
            ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
            reference = ReferenceData.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
            vertx = Vertx.vertx();
        }
    }

    static synchronized void shutdown() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            vertx = null;
        }
    }

    /** The folder runs make their data folders in: /dev/shm when there is one (journal forces are cheap there). */
    static Path scratchRoot() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path root = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(root, "lumbung-sim-");
    }

    /** Runs {@code ops} from scratch in a new folder under {@code root}, deleted afterwards. */
    public static Outcome run(long seed, List<Op> ops, Path root, boolean trace) throws Exception {
        init();
        Path dir = Files.createTempDirectory(root, "seed-" + seed + "-");
        try {
            return new Run(seed, dir, trace).run(ops);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Shrinks a failing sequence by delta debugging: removes chunks (halves, then quarters, down to
     * single operations) as long as what is left still fails, each candidate run from scratch.
     * Bounded by {@code runsMax} candidate runs.
     */
    public static List<Op> shrink(long seed, List<Op> failing, Path root, int runsMax) throws Exception {
        return shrink(seed, failing, root, runsMax, signature(run(seed, failing, root, false)));
    }

    /** {@link #shrink} keeping to failures of the given {@link #signature}. */
    public static List<Op> shrink(long seed, List<Op> failing, Path root, int runsMax, String signature) throws Exception {
        List<Op> current = new ArrayList<>(failing);
        int runs = 0;
        int chunk = Math.max(1, current.size() / 2);
        while (runs < runsMax) {
            boolean removed = false;
            for (int start = 0; start < current.size() && runs < runsMax; ) {
                List<Op> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                runs++;
                if (!candidate.isEmpty() && signature(run(seed, candidate, root, false)).equals(signature)) {
                    current = candidate;
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (chunk == 1 && !removed) {
                break;
            }
            if (!removed) {
                chunk = Math.max(1, chunk / 2);
            }
        }
        return current;
    }

    /**
     * What kind of failure an outcome is, so that shrinking keeps to the same one: the failure's
     * text after its operation number, up to its first digit ("AssertionError: close all at P").
     */
    static String signature(Outcome o) {
        if (!o.failed()) {
            return "";
        }
        String f = o.failure().substring(o.failure().indexOf(": ") + 2);
        int digit = 0;
        while (digit < f.length() && !Character.isDigit(f.charAt(digit))) {
            digit++;
        }
        return f.substring(0, digit);
    }

    /** The failure report: seed, failure, and the operations of the shrunk sequence as they ran. */
    public static String report(long seed, Outcome original, List<Op> shrunk, Path root) throws Exception {
        Outcome o = run(seed, shrunk, root, true);
        StringBuilder sb = new StringBuilder("simulation seed ").append(seed).append(" fails (reproduce: -Dsim.seed=")
                .append(seed).append(") at ").append(original.failure()).append("\nshortest failing operation list found, ")
                .append(shrunk.size()).append(" ops:\n");
        for (String line : o.trace()) {
            sb.append("  ").append(line).append('\n');
        }
        sb.append("failure: ").append(o.failed() ? o.failure() : "(the shrunk list passed when run again: not deterministic)");
        return sb.toString();
    }

    /** A long run's figures. */
    public record Summary(long firstSeed, long seeds, long ops, double seconds, List<String> failures) {
        public String text() {
            return String.format(java.util.Locale.ROOT, "seeds %d..%d: %d seeds, %d operations, %d failing seeds, %.1f s%n",
                    firstSeed, firstSeed + seeds - 1, seeds, ops, failures.size(), seconds) + String.join("\n", failures);
        }
    }

    /**
     * Runs seeds from {@code firstSeed} one after another until {@code seconds} have passed
     * ({@code ops/simulate}); each failing seed is shrunk and reported to {@code progress} too.
     */
    public static Summary runFor(long seconds, long firstSeed, java.util.function.Consumer<String> progress) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        long seed = firstSeed;
        long ops = 0;
        List<String> failures = new ArrayList<>();
        Path root = scratchRoot();
        try {
            while (System.nanoTime() < deadline) {
                List<Op> generated = Op.generate(seed, Op.countFor(seed));
                Outcome o = run(seed, generated, root, false);
                ops += o.opsRun();
                if (o.failed()) {
                    progress.accept("seed " + seed + " FAILED: " + o.failure());
                    String report = report(seed, o, shrink(seed, generated, root, 400), root);
                    progress.accept(report);
                    failures.add(report);
                }
                seed++;
                if ((seed - firstSeed) % 500 == 0) {
                    progress.accept(String.format(java.util.Locale.ROOT, "progress: %d seeds, %d operations, %d failing, %.0f s",
                            seed - firstSeed, ops, failures.size(), (System.nanoTime() - t0) / 1e9));
                }
            }
        } finally {
            deleteTree(root);
        }
        return new Summary(firstSeed, seed - firstSeed, ops, (System.nanoTime() - t0) / 1e9, failures);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A clock the simulator moves; the engine reads it for acceptance, close and eviction times. */
    static final class SimClock extends Clock {
        volatile long nowMs;

        SimClock(long nowMs) {
            this.nowMs = nowMs;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return nowMs;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs);
        }
    }

    /** The model's payment: as accepted, and what has happened to it since. */
    static final class Pay {
        final PaymentRequest request;
        final long sequence;
        final long acceptedAt;
        final Trader trader;
        boolean voided;
        /** Sequence of the close that settled it, 0 while open. */
        long settledBy;
        /** Forgotten by the retention sweep: its key, status and void are no longer known. */
        boolean evicted;
        /** Posted by a BULK operation: status checks after a start sample these. */
        boolean bulk;

        Pay(PaymentRequest request, long sequence, long acceptedAt, Trader trader) {
            this.request = request;
            this.sequence = sequence;
            this.acceptedAt = acceptedAt;
            this.trader = trader;
        }

        String paymentId() {
            return "P" + sequence;
        }
    }

    /** One run: the engine, the model, and the checks between them. */
    static final class Run {
        final long seed;
        final Path dir;
        final boolean tracing;
        final List<String> trace = new ArrayList<>();
        final ReferenceData ref = reference;
        final SimClock clock;
        final long startMs;
        final CutoffSchedule schedule;
        CoreHarness engine;
        int opsRun;

        // ------------------------------------------------------------ the model
        long lastSequence;
        boolean discardPending;
        final Map<String, Pay> byKey = new HashMap<>();
        final Map<Long, Pay> bySequence = new HashMap<>();
        final List<Pay> pays = new ArrayList<>();
        /** Per cooperative, its payments since its last close (voided ones included). */
        final List<List<Pay>> openByCoop = new ArrayList<>();
        /** Index in {@link #pays} of the retention sweep's cursor: every payment before it is evicted. */
        int evictCursor;
        /** Requests ever accepted, by key: a retry of one (same content) must never be accepted again, forgotten or not. */
        final Map<String, PaymentRequest> everAccepted = new HashMap<>();
        /** Every request posted (whatever its outcome), for retries. */
        final List<PaymentRequest> attempts = new ArrayList<>();
        /** Sequences of journal entries that are not payments (voids, closes, discards). */
        final List<Long> otherEntries = new ArrayList<>();
        final long[] lastClose;
        final List<List<Batch>> batches = new ArrayList<>();
        final long[] memberNet;
        long clearingDebit;
        long feeIncome;
        /** Closes with batches, by sequence: their postings files. */
        final TreeMap<Long, List<Batch>> closesWithBatches = new TreeMap<>();
        /** Every close's sequence, with or without batches. */
        final List<Long> closes = new ArrayList<>();
        /** The latest close since this start (0: none): a crash may have come before its files. */
        long closeSinceStart;
        int txnCounter;

        Run(long seed, Path dir, boolean tracing) {
            this.seed = seed;
            this.dir = dir;
            this.tracing = tracing;
            this.startMs = START.toEpochMilli() + new SplittableRandom(seed).nextLong(DAY_MS);
            this.clock = new SimClock(startMs);
            EngineConfig defaults = EngineConfig.of(Map.of(EngineConfig.DATA_DIR_PROP_NAME, dir.toString()));
            this.schedule = new CutoffSchedule(defaults.cutoffs, ZoneId.of(defaults.timezone));
            lastClose = new long[ref.coopCount()];
            memberNet = new long[ref.traderCount()];
            for (int c = 0; c < ref.coopCount(); c++) {
                batches.add(new ArrayList<>());
                openByCoop.add(new ArrayList<>());
            }
            // a new journal starts with the reference, one entry per fee plan, cooperative, trader and terminal
            long referenceEntries = FeeSchedule.defaults().toConfig().size() + ref.coopCount() + ref.traderCount()
                    + ref.terminalCount();
            while (lastSequence < referenceEntries) {
                otherEntries.add(++lastSequence);
            }
        }

        Outcome run(List<Op> ops) {
            String failure = null;
            try {
                start();
                for (Op op : ops) {
                    String what = apply(op);
                    awaitSweep();
                    opsRun++;
                    if (tracing) {
                        trace.add("#" + opsRun + " " + op + ": " + what);
                    }
                }
                checkAll(true);
                engine.stop();
            } catch (Throwable e) {
                failure = "op #" + (opsRun + 1) + " of " + ops.size() + ": " + describe(e);
                if (tracing) {
                    trace.add("#" + (opsRun + 1) + " " + ops.get(Math.min(opsRun, ops.size() - 1)) + " FAILED: " + describe(e));
                }
            } finally {
                if (engine != null) {
                    engine.crash();
                }
            }
            return new Outcome(opsRun, failure, trace);
        }

        static String describe(Throwable e) {
            String s = e.getClass().getSimpleName() + ": " + e.getMessage();
            Throwable cause = e.getCause();
            if (cause != null && cause != e) {
                s += " (cause " + cause.getClass().getName() + ": " + cause.getMessage() + ")";
            }
            return s;
        }

        void start() throws Exception {
            engine = new CoreHarness(dir.resolve("data"), ref, clock, vertx, Map.of());
            closeSinceStart = 0;
            awaitSweep();
        }

        /**
         * The model's retention sweep (PaymentBook.evict): oldest first, forgets payments accepted
         * before now - 7 days - 5 minutes that are voided or settled, and stops at the first that is
         * not. Then waits until the engine's sweep retains as many.
         */
        void awaitSweep() throws Exception {
            long horizon = clock.nowMs - RETENTION_MS;
            while (evictCursor < pays.size()) {
                Pay p = pays.get(evictCursor);
                if (p.acceptedAt >= horizon || !(p.voided || p.settledBy != 0)) {
                    break;
                }
                p.evicted = true;
                byKey.remove(key(p.request.terminalId(), p.request.txnId()));
                bySequence.remove(p.sequence);
                evictCursor++;
            }
            int expected = pays.size() - evictCursor;
            if (!engine.awaitRetained(expected, SWEEP_WAIT_MS)) {
                throw new AssertionError("the retention sweep left " + engine.retainedPayments() + " payments retained, the model "
                        + expected + " (clock " + Instant.ofEpochMilli(clock.nowMs) + ")");
            }
        }

        // ------------------------------------------------------------ operations

        String apply(Op op) throws Exception {
            // a little time passes between any two operations
            clock.nowMs += op.c() % 1500;
            return switch (op.kind()) {
                case POST -> post(op);
                case BATCH -> batch(op);
                case RETRY_SAME -> retry(op, false);
                case RETRY_CHANGED -> retry(op, true);
                case VOID -> voidById(op);
                case VOID_TXN -> voidByTxn(op);
                case STATUS -> status(op);
                case CLOSE_ALL -> close(-1, false);
                case CLOSE_ONE -> close((int) (op.a() % ref.coopCount()), false);
                case CUTOFF -> cutoff(op);
                case ADVANCE -> advance(op);
                case RESTART -> restart(false);
                case RESTART_NO_SNAPSHOT -> restart(true);
                case CRASH -> crash(op, false);
                case CRASH_TORN -> crash(op, true);
                case RETENTION -> retention(op);
                case BULK -> bulk(op);
            };
        }

        Terminal terminal(long draw) {
            return ref.terminal((int) (draw % ref.terminalCount()));
        }

        /** Amounts around the fee rules' edges and rounding halves, and ordinary ones. */
        static long amount(long draw) {
            long[] edges = {1, 499, 500, 501, 71, 72, 500_000, 500_001, 500_166, 500_167, 500_500, 1_000_500, 142_857,
                    142_929, 99_999_999};
            int kind = (int) (draw % 4);
            long rest = draw / 4;
            return switch (kind) {
                case 0 -> edges[(int) (rest % edges.length)];
                case 1 -> 1 + rest % 2_000_000;
                default -> 1_000 + rest % 200_000;
            };
        }

        /** occurredAt: mostly recent, sometimes on or past the window's edges. */
        long occurredAt(long draw) {
            long now = clock.nowMs;
            return switch ((int) (draw % 20)) {
                case 0 -> now + AHEAD_MS;
                case 1 -> now + AHEAD_MS + 1;
                case 2 -> now - BEHIND_MS;
                case 3 -> now - BEHIND_MS - 1;
                case 4 -> now + HOUR_MS;
                default -> now - (draw / 20) % (3 * HOUR_MS) + MINUTE_MS;
            };
        }

        PaymentRequest newRequest(Terminal t, SplittableRandom r, boolean validTime) {
            String txnId;
            if (r.nextInt(10) == 0 && !pays.isEmpty()) {
                // another terminal's txnId: a different key
                txnId = pays.get(r.nextInt(pays.size())).request.txnId();
            } else {
                txnId = "tx" + (++txnCounter);
            }
            long at = validTime ? clock.nowMs - r.nextLong(2 * HOUR_MS) : occurredAt(r.nextLong() & Long.MAX_VALUE);
            int[] offsets = {25_200, 28_800, 32_400, 0};
            String[] methods = {"QRIS", "CARD"};
            String payerRef = r.nextInt(2) == 0 ? null : "payer-" + r.nextInt(1000);
            String merchantId = r.nextInt(3) == 0 ? ref.trader(t.traderIndex()).traderId() : null;
            return new PaymentRequest(t.terminalId(), txnId, amount(r.nextLong() & Long.MAX_VALUE), "IDR", at,
                    offsets[r.nextInt(offsets.length)], methods[r.nextInt(methods.length)], payerRef, merchantId);
        }

        static PaymentRequest changed(PaymentRequest q, long draw) {
            return switch ((int) (draw % 6)) {
                case 0 -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah() + 1, q.currency(), q.occurredAtEpochMs(),
                        q.occurredAtOffsetSeconds(), q.method(), q.payerRef(), q.merchantId());
                case 1 -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah(), q.currency(), q.occurredAtEpochMs(),
                        q.occurredAtOffsetSeconds(), q.method().equals("QRIS") ? "CARD" : "QRIS", q.payerRef(), q.merchantId());
                case 2 -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah(), q.currency(), q.occurredAtEpochMs(),
                        q.occurredAtOffsetSeconds(), q.method(), q.payerRef() == null ? "payer-x" : null, q.merchantId());
                case 3 -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah(), q.currency(), q.occurredAtEpochMs() + 1,
                        q.occurredAtOffsetSeconds(), q.method(), q.payerRef(), q.merchantId());
                case 4 -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah(), q.currency(), q.occurredAtEpochMs(),
                        q.occurredAtOffsetSeconds() == 25_200 ? 28_800 : 25_200, q.method(), q.payerRef(), q.merchantId());
                default -> new PaymentRequest(q.terminalId(), q.txnId(), q.amountRupiah(), q.currency(), q.occurredAtEpochMs(),
                        q.occurredAtOffsetSeconds(), q.method(), q.payerRef(), q.merchantId() == null ? "MERCHANT-X" : null);
            };
        }

        String post(Op op) throws Exception {
            SplittableRandom r = new SplittableRandom(op.b());
            PaymentRequest q = newRequest(terminal(op.a()), r, r.nextInt(4) != 0);
            return "POST " + postOne(q);
        }

        String retry(Op op, boolean change) throws Exception {
            if (attempts.isEmpty()) {
                return (change ? "RETRY_CHANGED" : "RETRY_SAME") + " (nothing posted yet)";
            }
            PaymentRequest q = attempts.get((int) (op.a() % attempts.size()));
            if (change) {
                q = changed(q, op.b());
            }
            return (change ? "RETRY_CHANGED " : "RETRY_SAME ") + postOne(q);
        }

        String postOne(PaymentRequest q) throws Exception {
            Expected want = expectPost(q);
            CoreHarness.Posted got = engine.post(q);
            check(q, want, got);
            return show(q) + " -> " + got.result() + (got.sequence() > 0 ? " P" + got.sequence() : "");
        }

        String batch(Op op) throws Exception {
            SplittableRandom r = new SplittableRandom(op.b());
            Terminal t = terminal(op.a());
            int n = 1 + r.nextInt(12);
            List<PaymentRequest> items = new ArrayList<>(n);
            List<PaymentRequest> ofTerminal = attempts.stream().filter(q -> q.terminalId().equals(t.terminalId())).toList();
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(20);
                if (kind < 3 && !items.isEmpty()) {
                    PaymentRequest earlier = items.get(r.nextInt(items.size()));
                    items.add(r.nextInt(2) == 0 ? earlier : changed(earlier, r.nextLong() & Long.MAX_VALUE));
                } else if (kind < 6 && !ofTerminal.isEmpty()) {
                    PaymentRequest earlier = ofTerminal.get(r.nextInt(ofTerminal.size()));
                    items.add(r.nextInt(2) == 0 ? earlier : changed(earlier, r.nextLong() & Long.MAX_VALUE));
                } else {
                    items.add(newRequest(t, r, kind != 19));
                }
            }
            List<Expected> want = new ArrayList<>(n);
            for (PaymentRequest q : items) {
                want.add(expectPost(q));
            }
            List<CoreHarness.Posted> got = engine.postBatch(items);
            if (got.size() != n) {
                throw new AssertionError("batch of " + n + " answered " + got.size() + " items");
            }
            StringBuilder sb = new StringBuilder("BATCH ").append(t.terminalId()).append(" x").append(n).append(':');
            for (int i = 0; i < n; i++) {
                check(items.get(i), want.get(i), got.get(i));
                sb.append(' ').append(items.get(i).txnId()).append("=").append(got.get(i).result())
                        .append(got.get(i).sequence() > 0 ? "/P" + got.get(i).sequence() : "");
            }
            return sb.toString();
        }

        static String show(PaymentRequest q) {
            return q.terminalId() + "/" + q.txnId() + " amount=" + q.amountRupiah() + " occurredAt=" + q.occurredAtEpochMs()
                    + "+" + q.occurredAtOffsetSeconds() + "s " + q.method() + (q.payerRef() == null ? "" : " payerRef=" + q.payerRef())
                    + (q.merchantId() == null ? "" : " merchantId=" + q.merchantId());
        }

        String voidById(Op op) throws Exception {
            int kind = (int) (op.a() % 6);
            Pay p = pick(kind, op.b());
            String terminalId;
            String paymentId;
            if (p == null || kind == 4) {
                terminalId = terminal(op.b()).terminalId();
                paymentId = unknownId(op.c());
            } else if (kind == 3) {
                terminalId = otherTerminal(p, op.c());
                paymentId = p.paymentId();
            } else {
                terminalId = p.request.terminalId();
                paymentId = p.paymentId();
            }
            VoidOutcome got = engine.voidPayment(paymentId, terminalId);
            checkVoid(expectVoid(find(paymentId, terminalId)), got, "void " + paymentId + " by " + terminalId);
            return "VOID " + paymentId + " by " + terminalId + " -> " + got.result();
        }

        String voidByTxn(Op op) throws Exception {
            Pay p = pick((int) (op.a() % 3), op.b());
            String terminalId = p == null ? terminal(op.b()).terminalId() : p.request.terminalId();
            String txnId = p == null || op.c() % 5 == 0 ? "tx-unknown-" + op.c() % 100 : p.request.txnId();
            VoidOutcome got = engine.voidByTxnId(txnId, terminalId);
            checkVoid(expectVoid(byKey.get(key(terminalId, txnId))), got, "reversal " + terminalId + "/" + txnId);
            return "VOID_TXN " + terminalId + "/" + txnId + " -> " + got.result();
        }

        String status(Op op) throws Exception {
            int kind = (int) (op.a() % 5);
            Pay p = pick(0, op.b());
            String terminalId;
            String paymentId;
            if (p == null || kind == 3) {
                terminalId = terminal(op.b()).terminalId();
                paymentId = unknownId(op.c());
            } else if (kind == 2) {
                terminalId = otherTerminal(p, op.c());
                paymentId = p.paymentId();
            } else {
                terminalId = p.request.terminalId();
                paymentId = p.paymentId();
            }
            checkStatus(paymentId, terminalId);
            return "STATUS " + paymentId + " by " + terminalId;
        }

        /** 0: any payment, 1: an open one, 2: a voided one, 5: a settled one; null when there is none. */
        Pay pick(int kind, long draw) {
            List<Pay> from = switch (kind) {
                case 1 -> pays.stream().filter(p -> !p.voided && p.settledBy == 0).toList();
                case 2 -> pays.stream().filter(p -> p.voided).toList();
                case 5 -> pays.stream().filter(p -> !p.voided && p.settledBy != 0).toList();
                default -> pays;
            };
            if (from.isEmpty()) {
                from = pays;
            }
            return from.isEmpty() ? null : from.get((int) (draw % from.size()));
        }

        String otherTerminal(Pay p, long draw) {
            String own = p.request.terminalId();
            String t = terminal(draw).terminalId();
            return t.equals(own) ? terminal(draw + 1).terminalId() : t;
        }

        /** A payment id that names no payment: past the end, zero, malformed, or a void's or close's sequence. */
        String unknownId(long draw) {
            return switch ((int) (draw % 5)) {
                case 0 -> "P" + (lastSequence + 1 + draw % 7);
                case 1 -> "P0";
                case 2 -> "X" + draw % 100;
                case 3 -> otherEntries.isEmpty() ? "P" : "P" + otherEntries.get((int) (draw / 5 % otherEntries.size()));
                default -> "P99999999999";
            };
        }

        Pay find(String paymentId, String terminalId) {
            Pay p = paymentId.startsWith("P") && paymentId.length() > 1 && paymentId.substring(1).chars().allMatch(Character::isDigit)
                    ? bySequence.get(Long.parseLong(paymentId.substring(1))) : null;
            return p != null && p.request.terminalId().equals(terminalId) ? p : null;
        }

        void checkStatus(String paymentId, String terminalId) throws Exception {
            PaymentView got = engine.status(paymentId, terminalId);
            Pay p = find(paymentId, terminalId);
            if (p == null) {
                if (got != null) {
                    throw new AssertionError("status " + paymentId + " by " + terminalId + ": expected not found, got " + got);
                }
                return;
            }
            checkView(p, got, "status " + paymentId + " by " + terminalId);
        }

        String close(int coopIndex, boolean scheduled) throws Exception {
            List<Batch> want = expectClose(coopIndex);
            List<Batch> got = engine.close(coopIndex, scheduled);
            if (!got.equals(want)) {
                throw new AssertionError("close " + (coopIndex < 0 ? "all" : ref.coop(coopIndex).coopId()) + " at P"
                        + lastSequence + ": expected batches " + want + "\n got " + got);
            }
            checkAll(false);
            return (scheduled ? "CUTOFF" : coopIndex < 0 ? "CLOSE_ALL" : "CLOSE_ONE " + ref.coop(coopIndex).coopId())
                    + " at sequence " + lastSequence + " -> " + got.size() + " batches " + got.stream().map(b -> b.batchId()
                    + "(" + b.payments() + " payments, gross " + b.grossRupiah() + ", fee " + b.feeRupiah() + ")").toList();
        }

        String cutoff(Op op) throws Exception {
            long next = schedule.next(Instant.ofEpochMilli(clock.nowMs)).toEpochMilli() + op.b() % 1000;
            clock.nowMs = next;
            return close(-1, true) + " (clock " + Instant.ofEpochMilli(clock.nowMs) + ")";
        }

        String advance(Op op) {
            long by = MINUTE_MS + op.a() % (6 * HOUR_MS);
            clock.nowMs += by;
            return "ADVANCE to " + Instant.ofEpochMilli(clock.nowMs);
        }

        String retention(Op op) {
            clock.nowMs += RETENTION_MS + op.a() % DAY_MS;
            return "RETENTION: clock to " + Instant.ofEpochMilli(clock.nowMs) + " (past the 7-day retention)";
        }

        /**
         * Batches of up to 1,000 payments until the journal stands 0 to 3 sequences before the next
         * chunk boundary of the book's columns, so that the operations after it cross one.
         */
        String bulk(Op op) throws Exception {
            SplittableRandom r = new SplittableRandom(op.b());
            long target = (lastSequence / CHUNK_SEQUENCES + 1) * CHUNK_SEQUENCES - r.nextInt(4);
            int posted = 0;
            while (lastSequence + (discardPending ? 1 : 0) < target) {
                Terminal t = terminal(r.nextLong() & Long.MAX_VALUE);
                int n = (int) Math.min(1000, target - lastSequence - (discardPending ? 1 : 0));
                List<PaymentRequest> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(new PaymentRequest(t.terminalId(), "bulk" + (++txnCounter), amount(r.nextLong() & Long.MAX_VALUE),
                            "IDR", clock.nowMs - r.nextInt(3_600_000), 25_200, "QRIS", null, null));
                }
                List<Expected> want = new ArrayList<>(n);
                for (PaymentRequest q : items) {
                    Expected e = expectPost(q);
                    e.pay().bulk = true;
                    want.add(e);
                }
                List<CoreHarness.Posted> got = engine.postBatch(items);
                for (int i = 0; i < n; i++) {
                    check(items.get(i), want.get(i), got.get(i));
                }
                posted += n;
            }
            return "BULK " + posted + " payments in batches of up to 1000, to sequence " + lastSequence;
        }

        String restart(boolean deleteSnapshots) throws Exception {
            engine.stop();
            engine = null;
            if (deleteSnapshots) {
                deleteTree(dir.resolve("data").resolve(id.lumbung.snapshot.Snapshots.FOLDER));
            }
            start();
            checkAll(true);
            return deleteSnapshots ? "RESTART_NO_SNAPSHOT (clean stop, snapshots deleted)" : "RESTART (clean stop, snapshot)";
        }

        String crash(Op op, boolean torn) throws Exception {
            engine.crash();
            engine = null;
            String what = "CRASH";
            if (!torn && closeSinceStart != 0 && op.a() % 2 == 0) {
                what += dropFilesOf(closeSinceStart, op.b());
            }
            if (torn) {
                if (discardPending) {
                    what = "CRASH (a torn tail is still undiscarded: no second tear, the engine appended nothing since)";
                } else {
                    what = "CRASH_TORN " + tear(op.b());
                    discardPending = true;
                }
            }
            start();
            checkAll(true);
            return what;
        }

        /**
         * A crash before the settlement of the latest close finished: some of its files, and its
         * postings, not yet renamed into place, maybe a temp file left half written.
         */
        String dropFilesOf(long closeSequence, long draw) throws IOException {
            List<String> dropped = new ArrayList<>();
            Path data = dir.resolve("data");
            List<Batch> of = closesWithBatches.getOrDefault(closeSequence, List.of());
            long bits = draw;
            for (Batch b : of) {
                Path folder = data.resolve("files").resolve(b.coopId());
                for (String name : List.of(b.batchId() + ".csv", b.batchId() + ".camt053.xml")) {
                    if ((bits & 1) == 0) {
                        Files.deleteIfExists(folder.resolve(name));
                        dropped.add(name);
                        if ((bits & 2) == 0) {
                            Files.write(folder.resolve("." + name + ".tmp"), "half writ".getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    bits = Long.rotateRight(bits, 2);
                }
            }
            if (!of.isEmpty() && (draw & 4) == 0) {
                String name = "close-" + closeSequence + ".postings.csv";
                Files.deleteIfExists(data.resolve("ledger").resolve(name));
                dropped.add(name);
            }
            return dropped.isEmpty() ? "" : " before the files of close " + closeSequence + " were written: " + dropped;
        }

        /** Appends an entry that fails its checks (cut short, or a byte flipped) where the writer would append next. */
        String tear(long draw) {
            SplittableRandom r = new SplittableRandom(draw);
            byte[] entry = new byte[1 + r.nextInt(90)];
            r.nextBytes(entry);
            entry[0] = 2; // the entry format's version, so that the length or checksum is what fails
            try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve("data").resolve("journal"))
                    .rollCycle(RollCycles.FAST_DAILY).build();
                    ExcerptAppender a = q.createAppender();
                    DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(entry);
            }
            return "(" + entry.length + " bytes that fail the entry's checks appended after the last acknowledged entry)";
        }

        // ------------------------------------------------------------ the model's answers

        record Expected(PostOutcome.Result result, Pay pay) {
        }

        static String key(String terminalId, String txnId) {
            return terminalId + "\u0000" + txnId;
        }

        long nextSequence() {
            if (discardPending) {
                discardPending = false;
                otherEntries.add(++lastSequence);
            }
            return ++lastSequence;
        }

        Expected expectPost(PaymentRequest q) {
            attempts.add(q);
            Pay known = byKey.get(key(q.terminalId(), q.txnId()));
            if (known != null) {
                return new Expected(known.request.equals(q) ? PostOutcome.Result.REPLAYED : PostOutcome.Result.IDEMPOTENCY_CONFLICT,
                        known.request.equals(q) ? known : null);
            }
            long now = clock.nowMs;
            if (q.occurredAtEpochMs() > now + AHEAD_MS || q.occurredAtEpochMs() < now - BEHIND_MS) {
                return new Expected(PostOutcome.Result.INVALID_TIMESTAMP, null);
            }
            Terminal t = ref.terminal(q.terminalId());
            if (q.equals(everAccepted.putIfAbsent(key(q.terminalId(), q.txnId()), q))) {
                throw new AssertionError("the model would accept key " + q.terminalId() + "/" + q.txnId()
                        + " a second time (forgotten by retention, occurredAt " + q.occurredAtEpochMs() + "): the engine must not");
            }
            Pay p = new Pay(q, nextSequence(), now, ref.trader(t.traderIndex()));
            openByCoop.get(p.trader.coopIndex()).add(p);
            byKey.put(key(q.terminalId(), q.txnId()), p);
            bySequence.put(p.sequence, p);
            pays.add(p);
            return new Expected(PostOutcome.Result.ACCEPTED, p);
        }

        static void check(PaymentRequest q, Expected want, CoreHarness.Posted got) {
            String what = "post " + show(q);
            if (got.result() != want.result()) {
                throw new AssertionError(what + ": expected " + want.result()
                        + (want.pay() != null ? " P" + want.pay().sequence : "") + ", got " + got.result()
                        + (got.sequence() > 0 ? " P" + got.sequence() : ""));
            }
            if (want.pay() != null) {
                Pay p = want.pay();
                if (got.sequence() != p.sequence || got.acceptedAtEpochMs() != p.acceptedAt
                        || !got.traderId().equals(p.trader.traderId())
                        || !got.coopId().equals(reference.coop(p.trader.coopIndex()).coopId())) {
                    throw new AssertionError(what + ": expected " + want.result() + " P" + p.sequence + " accepted at "
                            + p.acceptedAt + " trader " + p.trader.traderId() + ", got P" + got.sequence() + " accepted at "
                            + got.acceptedAtEpochMs() + " trader " + got.traderId() + " coop " + got.coopId());
                }
            }
        }

        record ExpectedVoid(VoidOutcome.Result result, Pay pay) {
        }

        ExpectedVoid expectVoid(Pay p) {
            if (p == null) {
                return new ExpectedVoid(VoidOutcome.Result.NOT_FOUND, null);
            }
            if (p.voided) {
                return new ExpectedVoid(VoidOutcome.Result.VOIDED, p);
            }
            if (p.settledBy != 0) {
                return new ExpectedVoid(VoidOutcome.Result.ALREADY_SETTLED, p);
            }
            long s = nextSequence();
            otherEntries.add(s);
            p.voided = true;
            return new ExpectedVoid(VoidOutcome.Result.VOIDED, p);
        }

        void checkVoid(ExpectedVoid want, VoidOutcome got, String what) {
            if (got.result() != want.result()) {
                throw new AssertionError(what + ": expected " + want.result() + ", got " + got.result() + " " + got.payment());
            }
            if (want.pay() == null) {
                if (got.payment() != null) {
                    throw new AssertionError(what + ": expected no payment, got " + got.payment());
                }
                return;
            }
            checkView(want.pay(), got.payment(), what);
        }

        void checkView(Pay p, PaymentView got, String what) {
            PaymentStatus status = p.voided ? PaymentStatus.VOIDED : p.settledBy != 0 ? PaymentStatus.SETTLED : PaymentStatus.ACCEPTED;
            String batchId = status == PaymentStatus.SETTLED ? ref.coop(p.trader.coopIndex()).coopId() + "-" + p.settledBy : null;
            PaymentView want = new PaymentView(p.sequence, p.trader.traderId(), ref.coop(p.trader.coopIndex()).coopId(),
                    p.acceptedAt, status, batchId, p.request);
            if (!want.equals(got)) {
                throw new AssertionError(what + ": expected " + want + "\n got " + got);
            }
        }

        /** The close's batches as the model settles them: every open, un-voided payment of each closing cooperative. */
        List<Batch> expectClose(int coopIndex) {
            long s = nextSequence();
            otherEntries.add(s);
            closes.add(s);
            closeSinceStart = s;
            long now = clock.nowMs;
            List<Batch> out = new ArrayList<>();
            int from = coopIndex < 0 ? 0 : coopIndex;
            int to = coopIndex < 0 ? ref.coopCount() : coopIndex + 1;
            for (int c = from; c < to; c++) {
                long previous = lastClose[c];
                lastClose[c] = s;
                TreeMap<String, long[]> members = new TreeMap<>();
                List<Pay> open = openByCoop.get(c);
                for (Pay p : open) {
                    if (!p.voided) {
                        p.settledBy = s;
                        long[] m = members.computeIfAbsent(p.trader.traderId(), k -> new long[3]);
                        m[0]++;
                        m[1] += p.request.amountRupiah();
                        m[2] += fee(p.trader.feePlan(), p.request.amountRupiah());
                    }
                }
                open.clear();
                if (members.isEmpty()) {
                    continue;
                }
                List<MemberTotals> lines = new ArrayList<>();
                long n = 0, gross = 0, fee = 0;
                for (Map.Entry<String, long[]> e : members.entrySet()) {
                    long[] m = e.getValue();
                    lines.add(new MemberTotals(e.getKey(), m[0], m[1], m[2], m[1] - m[2]));
                    memberNet[ref.trader(e.getKey()).index()] += m[1] - m[2];
                    n += m[0];
                    gross += m[1];
                    fee += m[2];
                }
                List<Batch> ofCoop = batches.get(c);
                long opening = ofCoop.isEmpty() ? 0 : ofCoop.get(ofCoop.size() - 1).closingBalanceRupiah();
                String coopId = ref.coop(c).coopId();
                Batch b = new Batch(coopId + "-" + s, coopId, previous + 1, s, now, lines, n, gross, fee, gross - fee, opening);
                ofCoop.add(b);
                clearingDebit += gross;
                feeIncome += fee;
                out.add(b);
            }
            if (!out.isEmpty()) {
                closesWithBatches.put(s, out);
            }
            return out;
        }

        /**
         * DESIGN.md's rule, written out here: amount x rate, rounded half up to a whole rupiah; UMI 0%
         * up to Rp500,000 and 0.3% of the whole amount above, REG 0.7%, GOV 0%.
         */
        static long fee(String plan, long amount) {
            return switch (plan) {
                case "UMI" -> amount <= 500_000 ? 0 : (amount * 3 + 500) / 1000;
                case "REG" -> (amount * 7 + 500) / 1000;
                case "GOV" -> 0;
                default -> throw new IllegalArgumentException("no model fee for plan " + plan);
            };
        }

        // ------------------------------------------------------------ whole-state checks

        /** Every cooperative's batch listing, files and postings, the ledger, and (after a start) every payment's status. */
        void checkAll(boolean statuses) throws Exception {
            Path data = dir.resolve("data");
            for (int c = 0; c < ref.coopCount(); c++) {
                List<Batch> want = batches.get(c);
                List<BatchRecord> got = engine.batchesOf(c);
                List<Batch> gotBatches = got.stream().map(BatchRecord::batch).toList();
                if (!gotBatches.equals(want)) {
                    throw new AssertionError("batches of " + ref.coop(c).coopId() + ": expected " + want + "\n got " + gotBatches);
                }
                Set<String> names = new HashSet<>();
                for (BatchRecord r : got) {
                    Batch b = r.batch();
                    List<String> fileNames = r.files().stream().map(FileDigest::name).toList();
                    if (!fileNames.equals(List.of(b.batchId() + ".csv", b.batchId() + ".camt053.xml"))) {
                        throw new AssertionError("files of batch " + b.batchId() + ": " + fileNames);
                    }
                    Path folder = data.resolve("files").resolve(b.coopId());
                    byte[] csv = readFile(folder.resolve(b.batchId() + ".csv"));
                    String wantCsv = csv(b);
                    if (!new String(csv, StandardCharsets.UTF_8).equals(wantCsv)) {
                        throw new AssertionError("file " + b.batchId() + ".csv: expected\n" + wantCsv + " got\n"
                                + new String(csv, StandardCharsets.UTF_8));
                    }
                    for (FileDigest f : r.files()) {
                        byte[] bytes = readFile(folder.resolve(f.name()));
                        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                        if (bytes.length != f.sizeBytes() || !sha.equals(f.sha256Hex())) {
                            throw new AssertionError("file " + f.name() + " is " + bytes.length + " bytes, sha256 " + sha
                                    + "; its listing says " + f.sizeBytes() + " bytes, sha256 " + f.sha256Hex());
                        }
                    }
                    names.add(b.batchId() + ".csv");
                    names.add(b.batchId() + ".camt053.xml");
                }
                Path folder = data.resolve("files").resolve(ref.coop(c).coopId());
                Set<String> present = new HashSet<>();
                if (Files.isDirectory(folder)) {
                    try (Stream<Path> s = Files.list(folder)) {
                        s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(present::add);
                    }
                }
                if (!present.equals(names)) {
                    throw new AssertionError("files of " + ref.coop(c).coopId() + ": expected " + new java.util.TreeSet<>(names)
                            + ", present " + new java.util.TreeSet<>(present));
                }
            }
            for (long close : closes) {
                Path postings = data.resolve("ledger").resolve("close-" + close + ".postings.csv");
                List<Batch> of = closesWithBatches.get(close);
                if (of == null) {
                    if (Files.exists(postings)) {
                        throw new AssertionError("close " + close + " settled no batch but has a postings file");
                    }
                } else {
                    String got = new String(readFile(postings), StandardCharsets.UTF_8);
                    if (!got.equals(postings(of))) {
                        throw new AssertionError("postings of close " + close + ": expected\n" + postings(of) + " got\n" + got);
                    }
                }
            }
            Ledger ledger = engine.ledger();
            for (int c = 0; c < ref.coopCount(); c++) {
                List<Batch> of = batches.get(c);
                long want = of.isEmpty() ? 0 : of.get(of.size() - 1).closingBalanceRupiah();
                if (ledger.coopBalanceRupiah(c) != want) {
                    throw new AssertionError("ledger balance of " + ref.coop(c).coopId() + ": expected " + want + ", got "
                            + ledger.coopBalanceRupiah(c));
                }
            }
            for (int t = 0; t < ref.traderCount(); t++) {
                if (ledger.memberBalanceRupiah(t) != memberNet[t]) {
                    throw new AssertionError("ledger balance of member " + ref.trader(t).traderId() + ": expected " + memberNet[t]
                            + ", got " + ledger.memberBalanceRupiah(t));
                }
            }
            if (ledger.clearingDebitRupiah() != clearingDebit || ledger.feeIncomeCreditRupiah() != feeIncome) {
                throw new AssertionError("ledger clearing/fee income: expected " + clearingDebit + "/" + feeIncome + ", got "
                        + ledger.clearingDebitRupiah() + "/" + ledger.feeIncomeCreditRupiah());
            }
            if (statuses) {
                // every payment (forgotten ones must be unknown), bulk ones sampled
                for (int i = 0; i < pays.size(); i++) {
                    Pay p = pays.get(i);
                    if (!p.bulk || i % 211 == 0 || i > pays.size() - 20) {
                        checkStatus(p.paymentId(), p.request.terminalId());
                    }
                }
            }
        }

        private static byte[] readFile(Path p) throws IOException {
            if (!Files.exists(p)) {
                throw new AssertionError("missing file " + p.getFileName() + " in " + p.getParent().getFileName());
            }
            return Files.readAllBytes(p);
        }

        /** DESIGN.md's CSV: header, one line per member by trader_id, TOTAL, every line ending in \n. */
        static String csv(Batch b) {
            StringBuilder sb = new StringBuilder("trader_id,payments,gross,fee,net\n");
            for (MemberTotals m : b.members()) {
                sb.append(m.traderId()).append(',').append(m.payments()).append(',').append(m.grossRupiah()).append(',')
                        .append(m.feeRupiah()).append(',').append(m.netRupiah()).append('\n');
            }
            return sb.append("TOTAL,").append(b.payments()).append(',').append(b.grossRupiah()).append(',').append(b.feeRupiah())
                    .append(',').append(b.netRupiah()).append('\n').toString();
        }

        /** The close's postings: per batch the clearing debit, the fee income credit, each member's credit. */
        static String postings(List<Batch> of) {
            StringBuilder sb = new StringBuilder("batch_id,account,debit,credit\n");
            for (Batch b : of) {
                sb.append(b.batchId()).append(",clearing,").append(b.grossRupiah()).append(",0\n");
                sb.append(b.batchId()).append(",fee-income,0,").append(b.feeRupiah()).append('\n');
                for (MemberTotals m : b.members()) {
                    sb.append(b.batchId()).append(",member:").append(m.traderId()).append(",0,").append(m.netRupiah()).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
