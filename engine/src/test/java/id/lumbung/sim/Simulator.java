package id.lumbung.sim;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentStatus;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.CutoffSchedule;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.engine.CoreHarness;
import id.lumbung.reference.ReferenceFiles;
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
    /** The engine logger's level before {@link #init}, given back at {@link #shutdown}: other tests share the JVM. */
    private static java.util.logging.Level engineLogLevel;

    /** What one run found: the operations run, and the first failure (null: none). */
    public record Outcome(int opsRun, String failure, List<String> trace) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** The simulator's shared Vert.x (contexts for the answers) and reference data, made once per JVM. */
    static synchronized void init() throws Exception {
        if (vertx == null) {
            engineLogLevel = ENGINE_LOG.getLevel();
            ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
            reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
            vertx = Vertx.vertx();
        }
    }

    static synchronized void shutdown() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            vertx = null;
            ENGINE_LOG.setLevel(engineLogLevel);
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
        /** The trader's incarnation its terminal was bound to when it was journaled. */
        final Member trader;
        boolean voided;
        /** Sequence of the close that settled it, 0 while open. */
        long settledBy;
        /** Forgotten by the retention sweep: its key, status and void are no longer known. */
        boolean evicted;
        /** Posted by a BULK operation: status checks after a start sample these. */
        boolean bulk;

        Pay(PaymentRequest request, long sequence, long acceptedAt, Member trader) {
            this.request = request;
            this.sequence = sequence;
            this.acceptedAt = acceptedAt;
            this.trader = trader;
        }

        String paymentId() {
            return "P" + sequence;
        }
    }

    /**
     * A trader in one cooperative: the engine's trader index (a trader moved to another cooperative
     * gets one there, and reuses it when it moves back). Its fee plan is the one in effect.
     */
    static final class Member {
        final int index;
        final String traderId;
        final int coopIndex;
        final String name;
        String feePlan;

        Member(int index, String traderId, int coopIndex, String name, String feePlan) {
            this.index = index;
            this.traderId = traderId;
            this.coopIndex = coopIndex;
            this.name = name;
            this.feePlan = feePlan;
        }
    }

    /** A member obligation as the model holds it (DESIGN.md, "Member obligations"), with what it collected. */
    static final class Owed {
        static final String[] KINDS = {"RETRIBUSI", "ANGSURAN", "SIMPANAN_WAJIB"};
        final String id;
        final int coopIndex;
        final String traderId;
        /** 0 retribusi, 1 angsuran, 2 simpanan wajib: the deduction order. */
        final int kind;
        final long daily;
        final long startDay;
        final Long total;
        long endDay = Long.MAX_VALUE;
        long deducted;

        Owed(String id, int coopIndex, String traderId, int kind, long daily, long startDay, Long total) {
            this.id = id;
            this.coopIndex = coopIndex;
            this.traderId = traderId;
            this.kind = kind;
            this.daily = daily;
            this.startDay = startDay;
            this.total = total;
        }

        /** daily x days from the start to {@code day}, both inclusive, to the end at most, capped at the total. */
        long accrued(long day) {
            long last = Math.min(day, endDay);
            if (last < startDay) {
                return 0;
            }
            long a = daily * (last - startDay + 1);
            return total == null ? a : Math.min(a, total);
        }
    }

    /** A terminal as the model's reference holds it. */
    static final class Term {
        final String terminalId;
        final String keyHex;
        String traderId;
        boolean blocked;
        boolean removed;

        Term(String terminalId, String keyHex, String traderId, boolean blocked) {
            this.terminalId = terminalId;
            this.keyHex = keyHex;
            this.traderId = traderId;
            this.blocked = blocked;
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
        /** Settled net by trader index (the engine's: one per trader and cooperative), growing with the members. */
        long[] memberNet;
        long clearingDebit;
        long feeIncome;
        /** Closes with batches, by sequence: their postings files. */
        final TreeMap<Long, List<Batch>> closesWithBatches = new TreeMap<>();
        /** Every close's sequence, with or without batches. */
        final List<Long> closes = new ArrayList<>();
        /** The latest close since this start (0: none): a crash may have come before its files. */
        long closeSinceStart;
        int txnCounter;

        // ------------------------------------------------------------ the model's reference
        /** Every trader incarnation, by the engine's trader index. */
        final List<Member> members = new ArrayList<>();
        /** Obligations by cooperative index and id, in deduction order within a member by (kind, id) below. */
        final Map<String, Owed> owed = new TreeMap<>();
        /** The Asia/Jakarta day each cooperative's last close accrued to (absent: none yet). */
        final Map<Integer, Long> closeDayOf = new java.util.HashMap<>();
        int obligationsMade;
        /** Trader id to its live incarnation (absent: no such trader). */
        final Map<String, Member> liveTrader = new java.util.LinkedHashMap<>();
        final List<Term> terms = new ArrayList<>();
        final Map<String, Term> termById = new HashMap<>();
        final String[] coopAccount;
        /** Every account each cooperative has had: a statement names the one in effect at its close and no other. */
        final List<Set<String>> accountsOf = new ArrayList<>();
        /** The settlement account each batch was closed under, by batch id. */
        final Map<String, String> batchAccount = new HashMap<>();
        /** Reference changes journaled (a new journal's initial reference included). */
        long referenceChanges;
        /** The reference files as the operator left them after the last accepted change: what every start reads. */
        ReferenceData files;
        int referenceCounter;

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
            coopAccount = new String[ref.coopCount()];
            for (int c = 0; c < ref.coopCount(); c++) {
                batches.add(new ArrayList<>());
                openByCoop.add(new ArrayList<>());
                coopAccount[c] = ref.coop(c).settlementAccount();
                accountsOf.add(new HashSet<>(Set.of(coopAccount[c])));
            }
            for (int t = 0; t < ref.traderCount(); t++) {
                Trader tr = ref.trader(t);
                Member m = new Member(t, tr.traderId(), tr.coopIndex(), tr.name(), tr.feePlan());
                members.add(m);
                liveTrader.put(m.traderId, m);
            }
            for (int i = 0; i < ref.terminalCount(); i++) {
                Terminal t = ref.terminal(i);
                Term term = new Term(t.terminalId(), HexFormat.of().formatHex(t.key()), ref.trader(t.traderIndex()).traderId(),
                        t.blocked());
                terms.add(term);
                termById.put(term.terminalId, term);
            }
            files = ref;
            // a new journal starts with the reference, one entry per fee plan, cooperative, trader and terminal
            long referenceEntries = FeeSchedule.defaults().toConfig().size() + ref.coopCount() + ref.traderCount()
                    + ref.terminalCount();
            while (lastSequence < referenceEntries) {
                otherEntries.add(++lastSequence);
            }
            referenceChanges = referenceEntries;
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

        /** Starts on the reference files as they are now; the journal's reference is what replay and the start's changes make it. */
        void start() throws Exception {
            engine = new CoreHarness(dir.resolve("data"), files, clock, vertx, Map.of());
            closeSinceStart = 0;
            awaitSweep();
            checkReferenceTotal("start");
        }

        void checkReferenceTotal(String what) throws Exception {
            long total = engine.referenceChangesTotal();
            if (total != referenceChanges) {
                throw new AssertionError(what + ": the journal holds " + total + " reference changes, the model "
                        + referenceChanges);
            }
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
                case RESTART -> restart(op, false);
                case RESTART_NO_SNAPSHOT -> restart(op, true);
                case CRASH -> crash(op, false);
                case CRASH_TORN -> crash(op, true);
                case RETENTION -> retention(op);
                case BULK -> bulk(op);
                case REFERENCE -> referenceEdit(op);
                case OBLIGATION -> obligation(op);
            };
        }

        /** Any terminal the model has known, removed ones included (their requests must be refused). */
        Term terminal(long draw) {
            return terms.get((int) (draw % terms.size()));
        }

        /** What the terminal API layer answers a request of this terminal before the core: null, it goes on. */
        String refusalOf(String terminalId) {
            Term t = termById.get(terminalId);
            return t == null || t.removed ? "UNAUTHENTICATED" : t.blocked ? "TERMINAL_BLOCKED" : null;
        }

        /** The model's refusal, checked against the harness's; true when the request is refused. */
        boolean refused(String terminalId, String what) {
            String want = refusalOf(terminalId);
            String got = engine.refusal(terminalId);
            if (!java.util.Objects.equals(want, got)) {
                throw new AssertionError(what + " by " + terminalId + ": expected the API layer to answer "
                        + (want == null ? "nothing (on to the core)" : want) + ", the published reference makes it "
                        + (got == null ? "nothing (on to the core)" : got));
            }
            return want != null;
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

        PaymentRequest newRequest(Term t, SplittableRandom r, boolean validTime) {
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
            String merchantId = r.nextInt(3) == 0 ? t.traderId : null;
            return new PaymentRequest(t.terminalId, txnId, amount(r.nextLong() & Long.MAX_VALUE), "IDR", at,
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
            if (refused(q.terminalId(), "post")) {
                attempts.add(q);
                return show(q) + " -> " + refusalOf(q.terminalId());
            }
            Expected want = expectPost(q);
            CoreHarness.Posted got = engine.post(q);
            check(q, want, got);
            return show(q) + " -> " + got.result() + (got.sequence() > 0 ? " P" + got.sequence() : "");
        }

        String batch(Op op) throws Exception {
            SplittableRandom r = new SplittableRandom(op.b());
            Term t = terminal(op.a());
            int n = 1 + r.nextInt(12);
            List<PaymentRequest> items = new ArrayList<>(n);
            List<PaymentRequest> ofTerminal = attempts.stream().filter(q -> q.terminalId().equals(t.terminalId)).toList();
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
            if (refused(t.terminalId, "batch")) {
                attempts.addAll(items);
                return "BATCH " + t.terminalId + " x" + n + " -> " + refusalOf(t.terminalId);
            }
            List<Expected> want = new ArrayList<>(n);
            for (PaymentRequest q : items) {
                want.add(expectPost(q));
            }
            List<CoreHarness.Posted> got = engine.postBatch(items);
            if (got.size() != n) {
                throw new AssertionError("batch of " + n + " answered " + got.size() + " items");
            }
            StringBuilder sb = new StringBuilder("BATCH ").append(t.terminalId).append(" x").append(n).append(':');
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
                terminalId = terminal(op.b()).terminalId;
                paymentId = unknownId(op.c());
            } else if (kind == 3) {
                terminalId = otherTerminal(p, op.c());
                paymentId = p.paymentId();
            } else {
                terminalId = p.request.terminalId();
                paymentId = p.paymentId();
            }
            if (refused(terminalId, "void")) {
                return "VOID " + paymentId + " by " + terminalId + " -> " + refusalOf(terminalId);
            }
            VoidOutcome got = engine.voidPayment(paymentId, terminalId);
            checkVoid(expectVoid(find(paymentId, terminalId)), got, "void " + paymentId + " by " + terminalId);
            return "VOID " + paymentId + " by " + terminalId + " -> " + got.result();
        }

        String voidByTxn(Op op) throws Exception {
            Pay p = pick((int) (op.a() % 3), op.b());
            String terminalId = p == null ? terminal(op.b()).terminalId : p.request.terminalId();
            String txnId = p == null || op.c() % 5 == 0 ? "tx-unknown-" + op.c() % 100 : p.request.txnId();
            if (refused(terminalId, "reversal")) {
                return "VOID_TXN " + terminalId + "/" + txnId + " -> " + refusalOf(terminalId);
            }
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
                terminalId = terminal(op.b()).terminalId;
                paymentId = unknownId(op.c());
            } else if (kind == 2) {
                terminalId = otherTerminal(p, op.c());
                paymentId = p.paymentId();
            } else {
                terminalId = p.request.terminalId();
                paymentId = p.paymentId();
            }
            if (refused(terminalId, "status")) {
                return "STATUS " + paymentId + " by " + terminalId + " -> " + refusalOf(terminalId);
            }
            checkStatus(paymentId, terminalId, false);
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
            String t = terminal(draw).terminalId;
            return t.equals(own) ? terminal(draw + 1).terminalId : t;
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

        /** {@code inBook}: the terminal found by index whatever the API layer would answer it (removed, blocked). */
        void checkStatus(String paymentId, String terminalId, boolean inBook) throws Exception {
            PaymentView got = inBook ? engine.statusInBook(paymentId, terminalId) : engine.status(paymentId, terminalId);
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
            List<Term> usable = terms.stream().filter(t -> refusalOf(t.terminalId) == null).toList();
            if (usable.isEmpty()) {
                return "BULK (every terminal is removed or blocked)";
            }
            while (lastSequence + (discardPending ? 1 : 0) < target) {
                Term t = usable.get((int) ((r.nextLong() & Long.MAX_VALUE) % usable.size()));
                int n = (int) Math.min(1000, target - lastSequence - (discardPending ? 1 : 0));
                List<PaymentRequest> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(new PaymentRequest(t.terminalId, "bulk" + (++txnCounter), amount(r.nextLong() & Long.MAX_VALUE),
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

        /**
         * Clean stop and start; one restart in three starts on files the operator edited meanwhile (a
         * fee plan or a settlement account), which the start journals after the replay.
         */
        String restart(Op op, boolean deleteSnapshots) throws Exception {
            engine.stop();
            engine = null;
            if (deleteSnapshots) {
                deleteTree(dir.resolve("data").resolve(id.lumbung.snapshot.Snapshots.FOLDER));
            }
            String edited = "";
            if (op.a() % 3 == 1) {
                Edit e = edit((int) (op.c() % 2), new SplittableRandom(op.b()));
                files = load(e, Set.of());
                e.apply().run();
                journalChanges(e.entries());
                edited = ", files edited meanwhile: " + e.what();
            }
            start();
            checkAll(true);
            return (deleteSnapshots ? "RESTART_NO_SNAPSHOT (clean stop, snapshots deleted" : "RESTART (clean stop, snapshot")
                    + edited + ")";
        }

        // ------------------------------------------------------------ reference edits

        /**
         * A change of the reference files: their rows after it, what the model expects (entries
         * journaled, or the refusal's words), and the model's change once the engine has made it.
         */
        record Edit(String what, List<String[]> coops, List<String[]> traders, List<String[]> terminals, int entries,
                String refusal, Runnable apply) {
        }

        static final String[] PLANS = {"UMI", "REG", "GOV"};

        /**
         * The operator edits the files and reloads (the core of {@code POST /admin/v1/reference/reload}):
         * a fee plan, a settlement account, a new trader with a terminal, a terminal removed, blocked or
         * unblocked, a trader or terminal moved (refused while it has unsettled payments), an unknown
         * fee plan (refused). A refused reload journals nothing and changes nothing.
         */
        String referenceEdit(Op op) throws Exception {
            Edit e = edit((int) (op.a() % 8), new SplittableRandom(op.b()));
            ReferenceData next = load(e, e.refusal() != null && e.refusal().contains("fee plan") ? Set.of("XTRA") : Set.of());
            ReferenceData before = engine.reference();
            PaymentBook.ReferenceUpdate update = engine.reload(next);
            if (e.refusal() != null) {
                if (update.refusal() == null || !update.refusal().contains(e.refusal()) || !update.changes().isEmpty()) {
                    throw new AssertionError("reload " + e.what() + ": expected refused (" + e.refusal() + "), got refusal "
                            + update.refusal() + " with " + update.changes().size() + " changes");
                }
                if (engine.reference() != before) {
                    throw new AssertionError("reload " + e.what() + " was refused but published another reference");
                }
                checkReferenceTotal("refused reload " + e.what());
                return "REFERENCE " + e.what() + " -> refused: " + update.refusal();
            }
            if (update.refusal() != null || update.journalUnavailable()) {
                throw new AssertionError("reload " + e.what() + ": expected " + e.entries() + " changes, got refusal "
                        + update.refusal() + (update.journalUnavailable() ? " (journal unavailable)" : ""));
            }
            List<Long> want = journalChanges(e.entries());
            List<Long> got = update.changes().stream().map(id.lumbung.core.reference.JournaledReference.Change::sequence).toList();
            if (!got.equals(want)) {
                throw new AssertionError("reload " + e.what() + ": expected changes at sequences " + want + ", got "
                        + update.changes());
            }
            files = next;
            e.apply().run();
            checkReferenceTotal("reload " + e.what());
            return "REFERENCE " + e.what() + " -> " + got.size() + " changes at " + got;
        }

        /** The sequences of {@code n} reference entries journaled next. */
        List<Long> journalChanges(int n) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long s = nextSequence();
                otherEntries.add(s);
                out.add(s);
            }
            referenceChanges += n;
            return out;
        }

        List<String[]> coopRows() {
            List<String[]> rows = new ArrayList<>();
            for (int c = 0; c < ref.coopCount(); c++) {
                rows.add(new String[] {ref.coop(c).coopId(), quoted(ref.coop(c).name()), coopAccount[c],
                        HexFormat.of().formatHex(ref.coop(c).tokenSha256())});
            }
            return rows;
        }

        List<String[]> traderRows() {
            List<String[]> rows = new ArrayList<>();
            for (Member m : liveTrader.values()) {
                rows.add(new String[] {m.traderId, ref.coop(m.coopIndex).coopId(), quoted(m.name), m.feePlan});
            }
            return rows;
        }

        List<String[]> terminalRows() {
            List<String[]> rows = new ArrayList<>();
            for (Term t : terms) {
                if (!t.removed) {
                    rows.add(new String[] {t.terminalId, t.traderId, t.keyHex, t.blocked ? "BLOCKED" : "ACTIVE"});
                }
            }
            return rows;
        }

        static String quoted(String name) {
            return '"' + name.replace("\"", "\"\"") + '"';
        }

        /** True when the trader's incarnation has an accepted, un-voided, unsettled payment (from {@code terminalId}, when not null). */
        boolean unsettled(Member m, String terminalId) {
            for (Pay p : openByCoop.get(m.coopIndex)) {
                if (!p.voided && p.trader == m && (terminalId == null || p.request.terminalId().equals(terminalId))) {
                    return true;
                }
            }
            return false;
        }

        Edit edit(int kind, SplittableRandom r) {
            List<String[]> coops = coopRows();
            List<String[]> traders = traderRows();
            List<String[]> terminals = terminalRows();
            List<Member> live = new ArrayList<>(liveTrader.values());
            switch (kind) {
                case 0 -> {
                    Member m = live.get(r.nextInt(live.size()));
                    String plan = PLANS[(java.util.Arrays.asList(PLANS).indexOf(m.feePlan) + 1 + r.nextInt(2)) % PLANS.length];
                    traders.get(live.indexOf(m))[3] = plan;
                    return new Edit("fee plan of " + m.traderId + " " + m.feePlan + " -> " + plan, coops, traders, terminals, 1,
                            null, () -> m.feePlan = plan);
                }
                case 1 -> {
                    int c = r.nextInt(coops.size());
                    String account = "9" + String.format(java.util.Locale.ROOT, "%09d%03d", r.nextLong(1_000_000_000L),
                            ++referenceCounter);
                    coops.get(c)[2] = account;
                    return new Edit("settlement account of " + ref.coop(c).coopId() + " -> " + account, coops, traders,
                            terminals, 1, null, () -> {
                                coopAccount[c] = account;
                                accountsOf.get(c).add(account);
                            });
                }
                case 2 -> {
                    int n = ++referenceCounter;
                    int c = r.nextInt(coops.size());
                    String plan = PLANS[r.nextInt(PLANS.length)];
                    String traderId = "SIM-" + n;
                    String terminalId = "SIM" + n;
                    byte[] key = new byte[32];
                    r.nextBytes(key);
                    String keyHex = HexFormat.of().formatHex(key);
                    traders.add(new String[] {traderId, ref.coop(c).coopId(), quoted("Pedagang Simulasi " + n), plan});
                    terminals.add(new String[] {terminalId, traderId, keyHex, "ACTIVE"});
                    return new Edit("new trader " + traderId + " (" + ref.coop(c).coopId() + ", " + plan + ") with terminal "
                            + terminalId, coops, traders, terminals, 2, null, () -> {
                                Member m = member(traderId, c, "Pedagang Simulasi " + n, plan);
                                liveTrader.put(traderId, m);
                                Term t = new Term(terminalId, keyHex, traderId, false);
                                terms.add(t);
                                termById.put(terminalId, t);
                            });
                }
                case 3, 4 -> {
                    List<Term> liveTerms = terms.stream().filter(t -> !t.removed).toList();
                    if (liveTerms.isEmpty()) {
                        return new Edit("unchanged files (no terminal left)", coops, traders, terminals, 0, null, () -> { });
                    }
                    int i = r.nextInt(liveTerms.size());
                    Term t = liveTerms.get(i);
                    if (kind == 3) {
                        terminals.remove(i);
                        return new Edit("terminal " + t.terminalId + " removed", coops, traders, terminals, 1, null,
                                () -> t.removed = true);
                    }
                    terminals.get(i)[3] = t.blocked ? "ACTIVE" : "BLOCKED";
                    return new Edit("terminal " + t.terminalId + (t.blocked ? " unblocked" : " blocked"), coops, traders,
                            terminals, 1, null, () -> t.blocked = !t.blocked);
                }
                case 5 -> {
                    Member m = live.get(r.nextInt(live.size()));
                    int to = (m.coopIndex + 1 + r.nextInt(ref.coopCount() - 1)) % ref.coopCount();
                    traders.get(live.indexOf(m))[1] = ref.coop(to).coopId();
                    String what = "trader " + m.traderId + " moved " + ref.coop(m.coopIndex).coopId() + " -> " + ref.coop(to).coopId();
                    if (unsettled(m, null)) {
                        return new Edit(what + " (it has unsettled payments)", coops, traders, terminals, 0,
                                "while it has unsettled payments", () -> { });
                    }
                    return new Edit(what, coops, traders, terminals, 1, null,
                            () -> liveTrader.put(m.traderId, member(m.traderId, to, m.name, m.feePlan)));
                }
                case 6 -> {
                    List<Term> liveTerms = terms.stream().filter(t -> !t.removed).toList();
                    if (liveTerms.isEmpty() || live.size() < 2) {
                        return new Edit("unchanged files (no terminal to move)", coops, traders, terminals, 0, null, () -> { });
                    }
                    int i = r.nextInt(liveTerms.size());
                    Term t = liveTerms.get(i);
                    List<Member> others = live.stream().filter(m -> !m.traderId.equals(t.traderId)).toList();
                    Member to = others.get(r.nextInt(others.size()));
                    terminals.get(i)[1] = to.traderId;
                    String what = "terminal " + t.terminalId + " moved " + t.traderId + " -> " + to.traderId;
                    if (unsettled(liveTrader.get(t.traderId), t.terminalId)) {
                        return new Edit(what + " (it has unsettled payments)", coops, traders, terminals, 0,
                                "while it has unsettled payments", () -> { });
                    }
                    return new Edit(what, coops, traders, terminals, 1, null, () -> t.traderId = to.traderId);
                }
                default -> {
                    Member m = live.get(r.nextInt(live.size()));
                    traders.get(live.indexOf(m))[3] = "XTRA";
                    return new Edit("fee plan of " + m.traderId + " -> XTRA (not configured)", coops, traders, terminals, 0,
                            "unknown fee plan XTRA", () -> { });
                }
            }
        }

        /** The trader's incarnation in cooperative {@code coop} (made, or the one it had there), with the plan given. */
        Member member(String traderId, int coop, String name, String plan) {
            for (Member m : members) {
                if (m.traderId.equals(traderId) && m.coopIndex == coop) {
                    m.feePlan = plan;
                    return m;
                }
            }
            Member m = new Member(members.size(), traderId, coop, name, plan);
            members.add(m);
            if (memberNet.length < members.size()) {
                memberNet = java.util.Arrays.copyOf(memberNet, members.size() * 2);
            }
            return m;
        }

        /** Writes the edited files into the run's reference folder and loads them as the engine's reload does. */
        ReferenceData load(Edit e, Set<String> extraPlans) throws Exception {
            Path folder = dir.resolve("reference");
            Files.createDirectories(folder);
            write(folder.resolve(ReferenceFiles.COOPS_FILE), "coop_id,name,settlement_account,token_sha256", e.coops());
            write(folder.resolve(ReferenceFiles.TRADERS_FILE), "trader_id,coop_id,name,fee_plan", e.traders());
            write(folder.resolve(ReferenceFiles.TERMINALS_FILE), "terminal_id,trader_id,key_hex,status,next_key_hex", e.terminals());
            Set<String> plans = new HashSet<>(FeeSchedule.defaults().toConfig().keySet());
            plans.addAll(extraPlans);
            return ReferenceFiles.load(folder, plans);
        }

        static void write(Path file, String header, List<String[]> rows) throws IOException {
            StringBuilder sb = new StringBuilder(header).append('\n');
            for (String[] row : rows) {
                sb.append(String.join(",", row));
                if (row.length == 4 && header.startsWith("terminal_id")) {
                    sb.append(',');
                }
                sb.append('\n');
            }
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
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
            Member trader = liveTrader.get(termById.get(q.terminalId()).traderId);
            if (q.equals(everAccepted.putIfAbsent(key(q.terminalId(), q.txnId()), q))) {
                throw new AssertionError("the model would accept key " + q.terminalId() + "/" + q.txnId()
                        + " a second time (forgotten by retention, occurredAt " + q.occurredAtEpochMs() + "): the engine must not");
            }
            Pay p = new Pay(q, nextSequence(), now, trader);
            openByCoop.get(p.trader.coopIndex).add(p);
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
                        || !got.traderId().equals(p.trader.traderId)
                        || !got.coopId().equals(reference.coop(p.trader.coopIndex).coopId())) {
                    throw new AssertionError(what + ": expected " + want.result() + " P" + p.sequence + " accepted at "
                            + p.acceptedAt + " trader " + p.trader.traderId + ", got P" + got.sequence() + " accepted at "
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
            String batchId = status == PaymentStatus.SETTLED ? ref.coop(p.trader.coopIndex).coopId() + "-" + p.settledBy : null;
            PaymentView want = new PaymentView(p.sequence, p.trader.traderId, ref.coop(p.trader.coopIndex).coopId(),
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
            long today = java.time.LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneId.of("Asia/Jakarta")).toEpochDay();
            for (int c = from; c < to; c++) {
                long previous = lastClose[c];
                lastClose[c] = s;
                // a clock stepped back never un-accrues: the later of the close's day and the last one's
                long closeDay = Math.max(today, closeDayOf.getOrDefault(c, Long.MIN_VALUE));
                closeDayOf.put(c, closeDay);
                TreeMap<String, long[]> members = new TreeMap<>();
                List<Pay> open = openByCoop.get(c);
                for (Pay p : open) {
                    if (!p.voided) {
                        p.settledBy = s;
                        // m[3]: the trader's index in this cooperative (one per cooperative, so one per id here)
                        long[] m = members.computeIfAbsent(p.trader.traderId, k -> new long[4]);
                        m[0]++;
                        m[1] += p.request.amountRupiah();
                        // the fee plan in effect at the close, whenever the payment was accepted
                        m[2] += fee(p.trader.feePlan, p.request.amountRupiah());
                        m[3] = p.trader.index;
                    }
                }
                open.clear();
                if (members.isEmpty()) {
                    continue;
                }
                List<MemberTotals> lines = new ArrayList<>();
                List<PayoutLine> payouts = new ArrayList<>();
                long n = 0, gross = 0, fee = 0;
                for (Map.Entry<String, long[]> e : members.entrySet()) {
                    long[] m = e.getValue();
                    lines.add(new MemberTotals(e.getKey(), m[0], m[1], m[2], m[1] - m[2]));
                    PayoutLine line = deduct(c, e.getKey(), m[1] - m[2], closeDay);
                    payouts.add(line);
                    memberNet[(int) m[3]] += line.payoutRupiah();
                    n += m[0];
                    gross += m[1];
                    fee += m[2];
                }
                List<Batch> ofCoop = batches.get(c);
                long opening = ofCoop.isEmpty() ? 0 : ofCoop.get(ofCoop.size() - 1).closingBalanceRupiah();
                String coopId = ref.coop(c).coopId();
                Batch b = new Batch(coopId + "-" + s, coopId, previous + 1, s, now, lines, n, gross, fee, gross - fee, opening,
                        payouts);
                ofCoop.add(b);
                batchAccount.put(b.batchId(), coopAccount[c]);
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
         * The obligation rule, written out here: the member's net pays what is due of each of its
         * obligations in this cooperative, retribusi, angsuran, simpanan wajib, then by id; each
         * min(due, what is left); the rest is the payout.
         */
        PayoutLine deduct(int coop, String traderId, long net, long closeDay) {
            List<Owed> mine = new ArrayList<>();
            for (Owed o : owed.values()) {
                if (o.coopIndex == coop && o.traderId.equals(traderId)) {
                    mine.add(o);
                }
            }
            mine.sort(java.util.Comparator.<Owed>comparingInt(o -> o.kind).thenComparing(o -> o.id));
            long left = net;
            long[] byKind = new long[3];
            for (Owed o : mine) {
                long d = Math.min(o.accrued(closeDay) - o.deducted, left);
                o.deducted += d;
                left -= d;
                byKind[o.kind] += d;
            }
            return new PayoutLine(traderId, net, byKind[0], byKind[1], byKind[2], left);
        }

        /** One obligation command, its answer compared with the model's. */
        String obligation(Op op) throws Exception {
            int coops = ref.coopCount();
            int c = (int) (op.b() % coops);
            String coopId = ref.coop(c).coopId();
            long today = java.time.LocalDate.ofInstant(Instant.ofEpochMilli(clock.nowMs), ZoneId.of("Asia/Jakarta")).toEpochDay();
            List<Owed> known = owed.values().stream().filter(o -> o.coopIndex == c).toList();
            int mode = (int) (op.a() % 6);
            if (mode >= 3 && known.isEmpty()) {
                mode = 0;
            }
            if (mode <= 2) {
                ReferenceData live = engine.reference();
                boolean stranger = mode == 2 && op.c() % 4 == 0;
                // members now: a cooperative's list also holds the traders that moved away from it
                List<id.lumbung.core.reference.Trader> candidates = new ArrayList<>();
                for (int t = 0; t < live.traderCount(); t++) {
                    id.lumbung.core.reference.Trader tr = live.trader(t);
                    id.lumbung.core.reference.Trader now = live.trader(tr.traderId());
                    if (now != null && now.index() == tr.index() && (now.coopIndex() == c) != stranger) {
                        candidates.add(tr);
                    }
                }
                if (candidates.isEmpty()) {
                    return "OBLIGATION none (no trader)";
                }
                String traderId = candidates.get((int) (op.c() % candidates.size())).traderId();
                int kind = (int) (op.c() / 7 % 3);
                long daily = 1 + op.c() / 31 % 5000;
                long start = today - op.c() / 101 % 10 + (op.c() % 13 == 0 ? 2 : 0);
                Long total = op.c() % 3 == 0 ? daily * (1 + op.c() / 211 % 5) : null;
                String id = "O" + (++obligationsMade);
                Obligation o = new Obligation(id, coopId, traderId, KIND_OF[kind], daily, java.time.LocalDate.ofEpochDay(start),
                        null, total);
                ObligationOutcome got = engine.putObligation(o);
                if (stranger) {
                    expectRejected(got, "NOT_FOUND", "put " + id + " on " + traderId + " of another cooperative");
                    return "OBLIGATION put " + id + " on another cooperative's " + traderId + " -> NOT_FOUND";
                }
                if (got == null || got.status() != ObligationOutcome.Status.CREATED) {
                    throw new AssertionError("put " + o + ": expected CREATED, got " + got);
                }
                owed.put(c + "/" + id, new Owed(id, c, traderId, kind, daily, start, total));
                otherEntries.add(nextSequence());
                return "OBLIGATION put " + o + " -> CREATED";
            }
            Owed k = known.get((int) (op.c() % known.size()));
            if (mode == 3 || mode == 4) {
                Obligation o = new Obligation(k.id, coopId, k.traderId, KIND_OF[k.kind], k.daily + (mode == 4 ? 1 : 0),
                        java.time.LocalDate.ofEpochDay(k.startDay), null, k.total);
                ObligationOutcome got = engine.putObligation(o);
                id.lumbung.core.reference.Trader now = engine.reference().trader(k.traderId);
                if (now == null || now.coopIndex() != c) {
                    // membership is checked before the terms: a trader that moved away is no member
                    expectRejected(got, "NOT_FOUND", "put " + k.id + " of " + k.traderId + ", no longer a member");
                    return "OBLIGATION put " + k.id + " of a trader that moved away -> NOT_FOUND";
                }
                if (mode == 4) {
                    expectRejected(got, "IDEMPOTENCY_CONFLICT", "put " + k.id + " with other terms");
                    return "OBLIGATION put " + k.id + " with other terms -> IDEMPOTENCY_CONFLICT";
                }
                if (got == null || got.status() != ObligationOutcome.Status.UNCHANGED) {
                    throw new AssertionError("put " + o + " again: expected UNCHANGED, got " + got);
                }
                return "OBLIGATION put " + k.id + " again -> UNCHANGED";
            }
            if (op.c() % 5 == 0) {
                expectRejected(engine.endObligation(coopId, "NOPE", java.time.LocalDate.ofEpochDay(today)), "NOT_FOUND",
                        "end of an unknown obligation");
                return "OBLIGATION end NOPE -> NOT_FOUND";
            }
            Long lastDay = closeDayOf.get(c);
            long end = (lastDay == null ? today : lastDay) + op.c() / 3 % 4 - 1;
            ObligationOutcome got = engine.endObligation(coopId, k.id, java.time.LocalDate.ofEpochDay(end));
            if (lastDay != null && end < lastDay) {
                expectRejected(got, "INVALID_FIELD", "end of " + k.id + " before the last close's date");
                return "OBLIGATION end " + k.id + " on " + java.time.LocalDate.ofEpochDay(end) + " -> INVALID_FIELD";
            }
            if (got == null || got.status() != ObligationOutcome.Status.ENDED) {
                throw new AssertionError("end of " + k.id + " on " + java.time.LocalDate.ofEpochDay(end) + ": expected ENDED, got " + got);
            }
            k.endDay = end;
            otherEntries.add(nextSequence());
            return "OBLIGATION end " + k.id + " on " + java.time.LocalDate.ofEpochDay(end) + " -> ENDED";
        }

        private static final id.lumbung.core.obligation.ObligationKind[] KIND_OF = {
            id.lumbung.core.obligation.ObligationKind.RETRIBUSI, id.lumbung.core.obligation.ObligationKind.ANGSURAN,
            id.lumbung.core.obligation.ObligationKind.SIMPANAN_WAJIB};

        private static void expectRejected(ObligationOutcome got, String code, String what) {
            if (got == null || got.rejection() == null || !got.rejection().code().name().equals(code)) {
                throw new AssertionError(what + ": expected " + code + ", got " + got);
            }
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
                    String account = batchAccount.get(b.batchId());
                    if (!account.equals(r.settlementAccount())) {
                        throw new AssertionError("batch " + b.batchId() + " is listed with settlement account "
                                + r.settlementAccount() + ", the one in effect at its close is " + account);
                    }
                    List<String> fileNames = r.files().stream().map(FileDigest::name).toList();
                    if (!fileNames.equals(List.of(b.batchId() + ".csv", b.batchId() + ".camt053.xml",
                            b.batchId() + ".payouts.csv"))) {
                        throw new AssertionError("files of batch " + b.batchId() + ": " + fileNames);
                    }
                    Path folder = data.resolve("files").resolve(b.coopId());
                    byte[] csv = readFile(folder.resolve(b.batchId() + ".csv"));
                    String wantCsv = csv(b);
                    if (!new String(csv, StandardCharsets.UTF_8).equals(wantCsv)) {
                        throw new AssertionError("file " + b.batchId() + ".csv: expected\n" + wantCsv + " got\n"
                                + new String(csv, StandardCharsets.UTF_8));
                    }
                    // the model's payout lines, as DESIGN.md writes them
                    StringBuilder wantPayouts = new StringBuilder("trader_id,net,retribusi,angsuran,simpanan_wajib,payout\n");
                    long[] sum = new long[5];
                    for (PayoutLine l : b.payouts()) {
                        long[] v = {l.netRupiah(), l.retribusiRupiah(), l.angsuranRupiah(), l.simpananWajibRupiah(), l.payoutRupiah()};
                        wantPayouts.append(l.traderId());
                        for (int i = 0; i < 5; i++) {
                            wantPayouts.append(',').append(v[i]);
                            sum[i] += v[i];
                        }
                        wantPayouts.append('\n');
                    }
                    wantPayouts.append("TOTAL");
                    for (long v : sum) {
                        wantPayouts.append(',').append(v);
                    }
                    wantPayouts.append('\n');
                    String payouts = new String(readFile(folder.resolve(b.batchId() + ".payouts.csv")), StandardCharsets.UTF_8);
                    if (!payouts.equals(wantPayouts.toString())) {
                        throw new AssertionError("file " + b.batchId() + ".payouts.csv: expected\n" + wantPayouts + " got\n" + payouts);
                    }
                    String camt = new String(readFile(folder.resolve(b.batchId() + ".camt053.xml")), StandardCharsets.UTF_8);
                    for (String a : accountsOf.get(c)) {
                        if (camt.contains("<Id>" + a + "</Id>") != a.equals(account)) {
                            throw new AssertionError("file " + b.batchId() + ".camt053.xml " + (a.equals(account)
                                    ? "does not name the account in effect at its close, " : "names an account not in effect at its close, ")
                                    + a + ":\n" + camt);
                        }
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
                    names.add(b.batchId() + ".payouts.csv");
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
            for (int t = 0; t < members.size(); t++) {
                if (ledger.memberBalanceRupiah(t) != memberNet[t]) {
                    throw new AssertionError("ledger balance of member " + members.get(t).traderId + " (index " + t + ", cooperative "
                            + ref.coop(members.get(t).coopIndex).coopId() + "): expected " + memberNet[t]
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
                        checkStatus(p.paymentId(), p.request.terminalId(), true);
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
                long angsuran = 0, retribusi = 0;
                for (PayoutLine l : b.payouts()) {
                    sb.append(b.batchId()).append(",member:").append(l.traderId()).append(",0,").append(l.payoutRupiah()).append('\n');
                    if (l.simpananWajibRupiah() != 0) {
                        sb.append(b.batchId()).append(",savings:").append(l.traderId()).append(",0,")
                                .append(l.simpananWajibRupiah()).append('\n');
                    }
                    angsuran += l.angsuranRupiah();
                    retribusi += l.retribusiRupiah();
                }
                if (angsuran != 0) {
                    sb.append(b.batchId()).append(",loan-receivable,0,").append(angsuran).append('\n');
                }
                if (retribusi != 0) {
                    sb.append(b.batchId()).append(",market-fee-payable,0,").append(retribusi).append('\n');
                }
            }
            return sb.toString();
        }
    }
}
