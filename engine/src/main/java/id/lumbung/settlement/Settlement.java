package id.lumbung.settlement;

import id.lumbung.config.FilesSync;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.MemberDues;
import id.lumbung.core.obligation.ObligationEvent;
import id.lumbung.core.obligation.ObligationView;
import id.lumbung.core.payment.ClosedWindow;
import id.lumbung.core.payment.WarmUpWindow;
import id.lumbung.core.payment.WindowSink;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.Settler;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.snapshot.SnapshotIn;
import id.lumbung.snapshot.SnapshotOut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Turns closed windows into batches on its own thread ("lumbung-settlement"): the pure
 * {@link Settler} prices each payment from its trader's plan, builds member totals and books
 * balanced ledger postings; this class then has the CSV and camt.053 files
 * written atomically under {@code <data>/files/<coopId>/}, and the close's ledger postings under
 * {@code <data>/ledger/close-<sequence>.postings.csv}. A pure function of the windows and the
 * reference data, so replay regenerates the same batches and byte-identical files (an existing file
 * with different bytes is corruption and stops the engine).
 *
 * <p>Windows arrive in journal order from the journal writer ({@link #onWindowClosed}) only once
 * their close entry is durable. Readers (cooperative API, admin) see batches through concurrent
 * collections.
 */
public final class Settlement implements WindowSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Settlement.class.getName());

    /** The deterministic part: fees, batches, ledger bookings; settlement thread (before it runs, the starting thread). */
    private final Settler settler;
    /** The configured plans, for the warm-up's scratch settler. */
    private final FeeSchedule fees;
    private final Path filesDir;
    private final EngineMetrics metrics;
    /** Grows (rarely) while the cooperative API reads it: copy-on-write. */
    private final CopyOnWriteArrayList<CopyOnWriteArrayList<BatchRecord>> batchesByCoop = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, BatchRecord> batchById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, List<Batch>> batchesByClose = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final ExecutorService thread;
    /** The file phase of each close, on its own writer pool. */
    private final SettlementFiles files;
    private final Thread.UncaughtExceptionHandler fatal;
    private volatile long settledCloseSequence;
    private volatile long lastCloseEpochMs;
    private long aggregateMs;
    /**
     * The failure that stopped settlement, or null. Once set, no later window is settled: its
     * opening balances would follow a batch that was never published, while the ledger may already
     * hold that batch's postings. The engine stops on the same failure (its fatal handler); until it
     * has, every waiter, now or later, gets this failure. Settlement thread writes it.
     */
    private volatile RuntimeException failure;
    /** The latest reference adopted, for readers that map a cooperative index to its id. */
    private volatile ReferenceData readableReference;
    private volatile java.util.function.Supplier<ReferenceData> liveReference = () -> readableReference;
    /** False while the journal replays: regenerated batches are logged at DEBUG, not once more at INFO. */
    private volatile boolean live;
    /** Told of each live batch once its files are written (delivery); null: nobody. */
    private volatile BatchFilesListener filesWritten;

    /**
     * @param fatal told when a window cannot be settled; the engine must stop
     * @param dataDir the data folder: batch files go to {@code files/<coopId>/}, ledger postings to
     *     {@code ledger/close-<sequence>.postings.csv}
     */
    public Settlement(ReferenceData reference, FeeSchedule fees, Path dataDir, Ledger ledger, EngineMetrics metrics,
            Thread.UncaughtExceptionHandler fatal) {
        this(reference, fees, dataDir, ledger, metrics, fatal, FilesSync.AUTO);
    }

    /** @param filesSync how a close makes its files durable ({@code settlement.files.sync}) */
    public Settlement(ReferenceData reference, FeeSchedule fees, Path dataDir, Ledger ledger, EngineMetrics metrics,
            Thread.UncaughtExceptionHandler fatal, FilesSync filesSync) {
        this(reference, fees, dataDir, dataDir.resolve("ledger"), ledger, metrics, fatal, filesSync);
    }

    /**
     * @param ledgerDir where the close's postings go: {@code <data>/ledger} for the one journal of a
     *     single engine; a folder per journal where several settle into one data folder (a Kafka
     *     node's partitions: each numbers its closes from 1, so {@code close-<sequence>} names
     *     repeat across them). The batch files stay under {@code <data>/files/<coopId>/}: a
     *     cooperative belongs to one journal.
     */
    public Settlement(ReferenceData reference, FeeSchedule fees, Path dataDir, Path ledgerDir, Ledger ledger,
            EngineMetrics metrics, Thread.UncaughtExceptionHandler fatal, FilesSync filesSync) {
        this.fatal = fatal;
        this.fees = fees;
        this.filesDir = dataDir.resolve("files");
        this.metrics = metrics;
        files = new SettlementFiles(reference, filesDir, ledgerDir, SettlementFiles.WRITER_THREADS, filesSync);
        settler = new Settler(reference, fees, ledger); // the ledger is built for this reference by the caller
        readableReference = reference;
        growListing(reference);
        files.onRegenerated(this::regenerated);
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lumbung-settlement");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Settles from here on with {@code ref}: its fee plans (the journaled ones, else the
     * configured), members and settlement accounts. Indexes are stable, so state by index only
     * grows. Settlement thread, or the starting thread before it runs (a snapshot's reference).
     */
    public void useReference(ReferenceData ref) {
        settler.useReference(ref);
        growListing(ref);
        if (ref.coopCount() >= readableReference.coopCount()) {
            readableReference = ref;
        }
        files.reference(ref);
    }

    private void growListing(ReferenceData ref) {
        List<CopyOnWriteArrayList<BatchRecord>> added = new ArrayList<>();
        for (int c = batchesByCoop.size(); c < ref.coopCount(); c++) {
            added.add(new CopyOnWriteArrayList<>());
        }
        batchesByCoop.addAll(added);
    }

    @Override
    public void onWindowClosed(ClosedWindow window) {
        thread.execute(() -> settle(window));
    }

    /** Applies a journaled obligation event on the settlement thread, in journal order with the windows. */
    @Override
    public void onObligationEvent(ObligationEvent event) {
        thread.execute(() -> {
            if (failure != null) {
                return; // nothing settles after a failed close
            }
            try {
                settler.apply(event);
            } catch (RuntimeException e) {
                failure = e;
                LOG.log(System.Logger.Level.ERROR, "event=settlement_failed obligation_event=\"" + event + "\" error=\""
                        + e.getMessage() + "\"", e);
                fatal.uncaughtException(Thread.currentThread(), e);
            }
        });
    }

    /**
     * Checks a batch's files against the digests its first writer journaled (the Kafka journal):
     * settlement thread, in journal order after the close that made the batch, so the batch is
     * listed by then (written now or found on disk with the same bytes). A batch unknown here or a
     * file whose size or SHA-256 differs is a fatal inconsistency: two nodes would serve two
     * versions of one file.
     */
    @Override
    public void onFileDigests(id.lumbung.core.journal.FileDigests digests) {
        thread.execute(() -> {
            if (failure != null) {
                return;
            }
            String difference = differenceFrom(digests);
            if (difference != null) {
                IllegalStateException e = new IllegalStateException("batch " + digests.batchId() + ": " + difference
                        + " (the journal holds the digests of the files as first written; this node wrote or found"
                        + " other bytes)");
                failure = e;
                LOG.log(System.Logger.Level.ERROR, "event=settlement_failed batch_id={0} error=\"{1}\"",
                        digests.batchId(), e.getMessage());
                fatal.uncaughtException(Thread.currentThread(), e);
            }
        });
    }

    /** How the batch's listed files differ from {@code digests}, or null when they are the same. */
    String differenceFrom(id.lumbung.core.journal.FileDigests digests) {
        BatchRecord record = batchById.get(digests.batchId());
        if (record == null) {
            return "no such batch was settled here";
        }
        java.util.Map<String, id.lumbung.core.settlement.FileDigest> listed = new java.util.HashMap<>();
        for (id.lumbung.core.settlement.FileDigest f : record.files()) {
            listed.put(f.name(), f);
        }
        for (id.lumbung.core.journal.FileDigests.File f : digests.files()) {
            id.lumbung.core.settlement.FileDigest here = listed.remove(f.name());
            if (here == null) {
                return "file " + f.name() + " is journaled but not written here";
            }
            if (here.sizeBytes() != f.sizeBytes() || !here.sha256Hex().equals(f.sha256Hex())) {
                return "file " + f.name() + " has " + here.sizeBytes() + " bytes, sha256 " + here.sha256Hex()
                        + " here; journaled " + f.sizeBytes() + " bytes, sha256 " + f.sha256Hex();
            }
        }
        return listed.isEmpty() ? null : "files " + listed.keySet() + " are written here but not journaled";
    }

    /**
     * A cooperative's obligations as of its last window close (every one, or the member's when
     * {@code traderIdOrNull} is given), by obligation id. Any thread: reads the book under its
     * monitor, so a close is seen whole or not at all.
     */
    public List<ObligationView> obligations(int coopIndex, String traderIdOrNull) {
        String coopId = coopIdOf(coopIndex);
        return coopId == null ? List.of() : settler.obligations().views(coopId, traderIdOrNull);
    }

    /** A member's savings, loan due and total due as of its cooperative's last close. Any thread. */
    public MemberDues dues(int coopIndex, String traderId) {
        String coopId = coopIdOf(coopIndex);
        return coopId == null ? MemberDues.NONE : settler.obligations().dues(coopId, traderId);
    }

    /** The id at a cooperative index (stable across references), or null for one settlement does not know yet. */
    private String coopIdOf(int coopIndex) {
        ReferenceData ref = readableReference;
        if (coopIndex >= ref.coopCount()) {
            ref = liveReference.get(); // a cooperative journaled since settlement's last window
        }
        return coopIndex >= 0 && coopIndex < ref.coopCount() ? ref.coop(coopIndex).coopId() : null;
    }

    /**
     * Where readers' cooperative indexes come from when settlement has not yet settled a window
     * with that cooperative: the reference the event loops use (indexes are stable, so both agree).
     */
    public void liveReference(java.util.function.Supplier<ReferenceData> reference) {
        liveReference = reference;
    }

    /** Completes with the batches of the close at {@code closeSequence} once they are settled. */
    public CompletableFuture<List<Batch>> batchesOfClose(long closeSequence) {
        CompletableFuture<List<Batch>> f = new CompletableFuture<>();
        thread.execute(() -> {
            if (failure != null && settledCloseSequence < closeSequence) {
                f.completeExceptionally(failure);
            } else if (settledCloseSequence >= closeSequence) {
                f.complete(batchesByClose.getOrDefault(closeSequence, List.of()));
            } else {
                waiters.add(new Waiter(closeSequence, f));
            }
        });
        return f;
    }

    /** Completes once every window handed over so far is settled (readiness after replay). */
    public CompletableFuture<Void> drained() {
        return CompletableFuture.runAsync(() -> { }, thread);
    }

    /**
     * Completes once settlement has applied every obligation event and window handed over so far,
     * so that a read after it sees them; at once while the engine stops (the event is durable,
     * which is what an answer promises).
     */
    public CompletableFuture<Void> applied() {
        try {
            return drained();
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private record Waiter(long closeSequence, CompletableFuture<List<Batch>> future) {
    }

    private void settle(ClosedWindow window) {
        if (failure != null) {
            LOG.log(System.Logger.Level.ERROR, "event=settlement_skipped close_sequence={0,number,#}"
                    + " reason=\"an earlier close failed to settle\"", window.closeSequence());
            failWaiters(failure);
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (window.reference() != null) {
                useReference(window.reference());
            }
            List<Batch> batches = settler.settle(window);
            for (Batch b : batches) {
                metrics.settlementBatches.increment();
                metrics.batchPayments.record(b.payments());
            }
            long aggregatedNs = System.nanoTime();
            publish(window.closeSequence(), batches);
            aggregateMs = (aggregatedNs - t0) / 1_000_000;
            batchesByClose.put(window.closeSequence(), List.copyOf(batches));
            settledCloseSequence = window.closeSequence();
            lastCloseEpochMs = window.closedAtEpochMs();
            long nanos = System.nanoTime() - t0;
            SettlementFiles.Phases phases = batches.isEmpty() ? SettlementFiles.Phases.NONE : files.lastPhases();
            metrics.settlementClose.record(nanos, TimeUnit.NANOSECONDS);
            LOG.log(logLevel(), "event=window_closed close_sequence={0,number,#} batches={1,number,#} payments={2,number,#}"
                    + " gross_rupiah={3,number,#} fee_rupiah={4,number,#} net_rupiah={5,number,#} duration_ms={6,number,#}"
                    + " aggregate_ms={7,number,#} files_ms={8,number,#} files_stage_ms={9,number,#}"
                    + " files_first_sync_ms={10,number,#} files_rename_ms={11,number,#} files_second_sync_ms={12,number,#}",
                    window.closeSequence(), batches.size(), batches.stream().mapToLong(Batch::payments).sum(),
                    batches.stream().mapToLong(Batch::grossRupiah).sum(), batches.stream().mapToLong(Batch::feeRupiah).sum(),
                    batches.stream().mapToLong(Batch::netRupiah).sum(), nanos / 1_000_000, aggregateMs,
                    nanos / 1_000_000 - aggregateMs, phases.stageMs(), phases.firstSyncMs(), phases.renameMs(),
                    phases.secondSyncMs());
        } catch (RuntimeException e) {
            metrics.settlementCloseFailures.increment();
            LOG.log(System.Logger.Level.ERROR, "event=settlement_failed close_sequence=" + window.closeSequence()
                    + " error=\"" + e.getMessage() + "\"", e);
            failure = e;
            // a batch that cannot be settled exactly (an invariant broke, a file differs) stops the engine;
            // marked failed before the close's caller hears of it, so that whatever it asks next
            // (readiness, another close) already finds the engine failed
            fatal.uncaughtException(Thread.currentThread(), e);
            failWaiters(e);
            return;
        }
        waiters.removeIf(w -> {
            if (w.closeSequence <= settledCloseSequence) {
                w.future.complete(batchesByClose.getOrDefault(w.closeSequence, List.of()));
                return true;
            }
            return false;
        });
    }

    private void failWaiters(RuntimeException e) {
        for (Waiter w : waiters) {
            w.future.completeExceptionally(e);
        }
        waiters.clear();
    }

    /** The failure that stopped settlement, or null while it is healthy. */
    public RuntimeException failure() {
        return failure;
    }

    /** Writes every batch's files and the close's postings ({@link SettlementFiles}), then lists the batches in order. */
    private void publish(long closeSequence, List<Batch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        for (BatchRecord record : files.write(closeSequence, batches)) {
            batchesByCoop.get(record.coopIndex()).add(record);
            batchById.put(record.batch().batchId(), record);
            BatchFilesListener listener = filesWritten;
            if (live && listener != null) {
                listener.batchFilesWritten(record);
            }
            Batch b = record.batch();
            if (LOG.isLoggable(logLevel())) {
                // one plain string: a MessageFormat pattern is parsed, with a number format made for
                // each of its nine numbers, at every call, and a close logs 1,000 of these
                LOG.log(logLevel(), "event=batch_closed batch_id=" + b.batchId() + " coop_id=" + b.coopId()
                        + " first_sequence=" + b.firstSequence() + " last_sequence=" + b.lastSequence()
                        + " payments=" + b.payments() + " gross_rupiah=" + b.grossRupiah() + " fee_rupiah=" + b.feeRupiah()
                        + " net_rupiah=" + b.netRupiah() + " closing_balance_rupiah=" + b.closingBalanceRupiah());
            }
        }
    }

    /**
     * Most payments of the synthetic window the warm-up settles, and how many times it settles it:
     * 200,000 payments reach each of 100,000 traders twice, so every cooperative's batch has all its
     * members. Twelve rounds take about 0.6 s of one core for 100,000 traders. Measured on a scratch
     * settler in a fresh JVM, a window of 10.9 M payments then settled in 117-120 ms, as in a warm
     * JVM, against 258-275 ms cold; six rounds left it at 186-192 ms, eight at 121-178 ms (the
     * JIT's top tier had not finished its work). A smaller reference gets two payments per trader:
     * a demo or a test engine spends next to nothing on it.
     */
    static final int WARM_UP_PAYMENTS = 200_000;
    static final int WARM_UP_ROUNDS = 12;

    /**
     * Warms the close's code once the engine is ready, so that the first close after a start runs
     * compiled: first, on the settlement thread, a synthetic window of every cooperative
     * ({@link WarmUpWindow}) settled {@value #WARM_UP_ROUNDS} times by a scratch settler with its
     * own ledger and obligations, then renderers ({@link SettlementFiles#warmUp}); logs when done.
     * Nothing is listed, booked, journaled or written but the cooperatives' missing folders. One
     * step after the other, so the warm-up takes one core and the event loops keep the other; a
     * close asked for meanwhile settles after the first step (up to about 0.6 s for
     * 100,000 traders), and a stop ends each step at its next round.
     *
     * <p>Without the first step the first close after a start ran its aggregation, the pass over
     * its payments and members, in the interpreter while the JIT compiled it: 504 ms for
     * 10.9 M payments against 265 ms in a later close (benchmarks/RESULTS.md,
     * "close-under-load").
     *
     * @return completes with the rounds settled and the batches rendered; a failure is a bug the
     *     first close would meet too
     */
    public CompletableFuture<WarmUp> warmUp() {
        long t0 = System.nanoTime();
        // the live reference: on a new journal the one settlement was built with has no cooperative yet
        ReferenceData ref = liveReference.get();
        CompletableFuture<Integer> settled;
        try {
            settled = CompletableFuture.supplyAsync(() -> warmUpSettling(ref), thread);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            settled = CompletableFuture.completedFuture(0); // the engine stops: no close will follow
        }
        long[] settledNs = new long[1];
        return settled.thenCompose(rounds -> {
            settledNs[0] = System.nanoTime();
            return files.warmUp(ref).thenApply(rendered -> new WarmUp(rounds, rendered));
        }).whenComplete((done, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.ERROR, "event=settlement_warm_up_failed error=\"" + e.getMessage() + "\"", e);
            } else {
                LOG.log(System.Logger.Level.INFO, "event=settlement_warmed_up rounds=" + done.rounds() + " of="
                        + WARM_UP_ROUNDS + " payments=" + warmUpPayments(ref) + " settle_ms="
                        + (settledNs[0] - t0) / 1_000_000 + " batches=" + done.batches() + " of="
                        + SettlementFiles.warmUpBatches(ref) + " cooperatives=" + ref.coopCount() + " ms="
                        + (System.nanoTime() - t0) / 1_000_000);
            }
        });
    }

    /** What {@link #warmUp} did: rounds of the synthetic window settled, synthetic batches rendered. */
    public record WarmUp(int rounds, int batches) {
    }

    /** How many payments the warm-up's synthetic window holds for {@code reference}. */
    static int warmUpPayments(ReferenceData reference) {
        return (int) Math.min(WARM_UP_PAYMENTS, 2L * reference.traderCount());
    }

    /** Settlement thread: the warm-up's first step; returns the rounds settled (fewer once the engine stops). */
    private int warmUpSettling(ReferenceData ref) {
        int payments = warmUpPayments(ref);
        if (payments == 0) {
            return 0;
        }
        ClosedWindow window = WarmUpWindow.of(ref, payments, System.currentTimeMillis());
        Settler scratch = new Settler(ref, fees, new Ledger(ref.coopCount(), ref.traderCount()));
        int rounds = 0;
        while (rounds < WARM_UP_ROUNDS && !thread.isShutdown()) {
            scratch.settle(window);
            rounds++;
        }
        return rounds;
    }

    /** How a close makes its files durable: syncfs, or fsync per file and why. */
    public String filesDurability() {
        return files.durability();
    }

    /** True when a first sync of the file system failed at start (maybe the disk's error). */
    public boolean filesDurabilityWarning() {
        return files.durabilityWarning();
    }

    /** Sets who is told of each live batch once its files are written (null: nobody). */
    public void onBatchFilesWritten(BatchFilesListener listener) {
        filesWritten = listener;
    }

    /** Called once replay is done: from here on every close is logged at INFO. */
    public void live() {
        live = true;
        files.onRegenerated(null);
    }

    /**
     * Once replay is done and before the engine is ready: every file of every listed batch is on
     * disk with its listed size, and a missing one is written again from its batch, byte for byte
     * (a start from the snapshot has not written them; a whole replay already has). Runs on the
     * caller's thread while the settlement thread is idle.
     *
     * @throws IllegalStateException naming the file, if one has another size than listed or would
     *     be regenerated with other bytes than listed: the start must not serve it
     */
    public void restoreMissingFiles() {
        files.restoreMissing(batchesByCoop);
    }

    /** A batch file that was missing, written again from the journal at start. */
    private void regenerated(Path file) {
        metrics.settlementFilesRegenerated.increment();
        LOG.log(System.Logger.Level.WARNING, "event=settlement_file_regenerated file={0}", file);
    }

    private System.Logger.Level logLevel() {
        return live ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
    }

    /** True once the settlement thread has ended ({@link #close}, unless it timed out). */
    public boolean stopped() {
        return thread.isTerminated();
    }

    /** Sequence of the latest close whose batches are settled and listed (0 before the first). */
    public long settledCloseSequence() {
        return settledCloseSequence;
    }

    /** Waits (up to 10 minutes) for this settlement's thread to read the window of close {@code closeSequence}. */
    @Override
    public void awaitRead(long closeSequence) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (settledCloseSequence < closeSequence) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("settlement has not read the window of close " + closeSequence + " in 10 minutes");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    /**
     * Writes settlement's part of a snapshot ({@link Settler#writeTo}): every listed batch and each
     * cooperative's closing balance. Only once the settlement thread has finished ({@link #close});
     * the ledger writes its own part.
     */
    public void writeTo(SnapshotOut out) {
        settler.writeTo(out, settledCloseSequence, lastCloseEpochMs, batchesByCoop);
    }

    /**
     * Loads what {@link #writeTo} wrote into this fresh settlement, before its thread runs, and
     * lists its batches. {@link Settler#readFrom} checks each batch.
     */
    public void readFrom(SnapshotIn in) {
        Settler.Listing listing = settler.readFrom(in);
        settledCloseSequence = listing.settledCloseSequence();
        lastCloseEpochMs = listing.lastCloseEpochMs();
        java.util.TreeMap<Long, List<Batch>> byClose = new java.util.TreeMap<>();
        for (int c = 0; c < listing.batchesByCoop().size(); c++) {
            List<BatchRecord> records = listing.batchesByCoop().get(c);
            for (BatchRecord r : records) {
                batchById.put(r.batch().batchId(), r);
                byClose.computeIfAbsent(r.batch().lastSequence(), k -> new ArrayList<>()).add(r.batch());
            }
            batchesByCoop.get(c).addAll(records);
        }
        byClose.forEach((close, batches) -> batchesByClose.put(close, List.copyOf(batches)));
    }

    /** Batches of a cooperative, oldest first (none for one added since the last window settled). */
    public List<BatchRecord> batchesOf(int coopIndex) {
        return coopIndex < batchesByCoop.size() ? batchesByCoop.get(coopIndex) : List.of();
    }

    public BatchRecord batch(String batchId) {
        return batchById.get(batchId);
    }

    public Path filesDir() {
        return filesDir;
    }

    public long lastCloseEpochMs() {
        return lastCloseEpochMs;
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            // a close still being settled needs the file writers: they stop only after it
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.close();
    }
}
