package id.lumbung.settlement;

import id.lumbung.config.FilesSync;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.files.AtomicFiles;
import id.lumbung.files.Camt053Statement;
import id.lumbung.files.FileSystemSync;
import id.lumbung.files.PayoutsCsv;
import id.lumbung.files.SettlementCsv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.csv.CSVPrinter;

/**
 * The file phase of a close: each batch's {@code <batchId>.csv}, {@code <batchId>.camt053.xml} and
 * {@code <batchId>.payouts.csv} under {@code <files>/<coopId>/}, and the close's ledger postings under
 * {@code <ledger>/close-<sequence>.postings.csv}, every file written by {@link AtomicFiles} (temp,
 * durable, rename, folder durable; an existing file must have the same bytes).
 *
 * <p>Durable how ({@link FilesSync}): where {@link FileSystemSync} serves the folders' file
 * systems, a close writes every temp file, syncs the file system once, renames every file into
 * place and syncs once more, so that a file under its final name always has durable bytes and the
 * close is done only once every rename is durable. Elsewhere, or with {@code per-file}, each file
 * is fsynced before its rename and each folder after its renames.
 *
 * <p>Threads: {@link #write} is called by the settlement thread and blocks until every file is
 * durable; the files are rendered and written on this class's own pool of
 * {@value #WRITER_THREADS} daemon threads ("lumbung-settlement-io-N").
 */
public final class SettlementFiles implements AutoCloseable {
    /**
     * File writers, each rendering then writing one batch at a time. On the 2-core box, 4 writers
     * against 16 (FilePhaseRun engine-4,engine-16, 3 rounds, intake running): the phase takes 1.19×
     * as long (640 against 536 ms for 1,000 cooperatives) but intake keeps 0.50 of its rate
     * instead of 0.21, since the journal writer competes with 4 runnable threads instead of 16.
     * The disk's fsync is ~80 µs, so 4 in flight are enough. benchmarks/RESULTS.md "File phase".
     */
    public static final int WRITER_THREADS = 4;

    /** The reference of the close being written (its settlement accounts); settlement thread. */
    private ReferenceData reference;
    private final Path filesDir;
    private final Path ledgerDir;
    private final ExecutorService io;
    /**
     * Makes everything the close wrote durable, once for all its files (one {@link FileSystemSync}
     * per file system of the files and the ledger folders); null: an fsync per file and folder.
     */
    private final Runnable closeSync;
    /** What {@link #closeSync} is, or why there is none, for the start's log. */
    private final String durability;
    /** True when a first sync failed at start (the log warns: it may be the disk's error). */
    private final boolean durabilityWarning;
    /** The file system syncs {@link #closeSync} holds open, closed with this. */
    private final List<FileSystemSync> heldSyncs;
    /** Folders known to exist: each is created once per process, not once per batch (a close has 1,000 of them). */
    private final Set<Path> folders = ConcurrentHashMap.newKeySet();
    /**
     * Folders that gained a subfolder during the current close: each is fsynced once before the
     * close is reported done, so that a new {@code <coopId>/} folder (and with it the files renamed
     * into it) survives a power loss. One fsync of {@code files/} covers 1,000 new folders.
     */
    private final Set<Path> grownFolders = ConcurrentHashMap.newKeySet();
    /** Where the last {@link #write}'s time went; settlement thread. */
    private Phases lastPhases = Phases.NONE;
    /**
     * Told of each batch file that was missing and is written again, while set: during replay and
     * the check at start ({@link #restoreMissing}), never for a live close's new files.
     */
    private volatile java.util.function.Consumer<Path> regenerated;

    /**
     * @param writerThreads size of the writer pool; the engine uses {@value #WRITER_THREADS}
     * @param sync {@link FilesSync#AUTO}: one file system sync per close where the file systems
     *     allow it; {@link FilesSync#PER_FILE}: an fsync per file and folder
     */
    public SettlementFiles(ReferenceData reference, Path filesDir, Path ledgerDir, int writerThreads, FilesSync sync) {
        this(reference, filesDir, ledgerDir, writerThreads, closeDurability(sync, filesDir, ledgerDir));
    }

    /** With the close's sync given ({@code null}: an fsync per file and folder); tests watch it. */
    SettlementFiles(ReferenceData reference, Path filesDir, Path ledgerDir, int writerThreads, Runnable closeSync,
            String durability) {
        this(reference, filesDir, ledgerDir, writerThreads, new CloseDurability(closeSync, durability, false, List.of()));
    }

    private SettlementFiles(ReferenceData reference, Path filesDir, Path ledgerDir, int writerThreads,
            CloseDurability durability) {
        this.reference = reference;
        this.filesDir = filesDir;
        this.ledgerDir = ledgerDir;
        this.closeSync = durability.sync();
        this.durability = durability.description();
        this.durabilityWarning = durability.warn();
        this.heldSyncs = durability.held();
        AtomicInteger ioThreads = new AtomicInteger();
        io = Executors.newFixedThreadPool(writerThreads, r -> {
            Thread t = new Thread(r, "lumbung-settlement-io-" + ioThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Writes every batch's files on the I/O pool at once, and the close's postings file: per
     * batch two file fsyncs and one folder fsync, so 3,002 for 1,000 cooperatives. Issued from
     * many threads they overlap (a journaled ext4 also commits concurrent fsyncs together; the
     * benchmark box's ext4 has no journal, and there they still overlap in the device queue).
     * Rendering stays on the writer threads: rendering on the calling thread alone, or lowering
     * the writers' priority, raised intake during the phase (1.5-2x) but made the phase longer
     * (median 1.35x, up to 2x), losing as much intake or more overall (RESULTS.md "File phase").
     *
     * @return one record per batch, in the order given, once every file is durable
     * @throws IllegalStateException if a file exists with different bytes
     * @throws UncheckedIOException if the disk refuses
     */
    /** Writes the next closes with {@code ref}'s cooperatives (settlement accounts in effect at their close). */
    void reference(ReferenceData ref) {
        reference = ref;
    }

    /** The cooperative of a batch, a removed one included (its accepted payments still settle). */
    private Coop coopOf(String coopId) {
        Coop c = reference.coop(coopId);
        if (c != null) {
            return c;
        }
        for (Coop any : reference.coops()) {
            if (any.coopId().equals(coopId)) {
                return any;
            }
        }
        throw new IllegalStateException("batch of cooperative " + coopId + ", which the reference does not hold");
    }

    /**
     * How a close is made durable: the sync (null: fsync per file), what the log says, whether the
     * log should warn (a first sync failed), the descriptors held.
     */
    private record CloseDurability(Runnable sync, String description, boolean warn, List<FileSystemSync> held) {
    }

    /**
     * The syncs of the files and ledger folders' file systems (one when they share it), or an
     * fsync per file when either refuses ({@link FileSystemSync#open} says why).
     */
    private static CloseDurability closeDurability(FilesSync mode, Path filesDir, Path ledgerDir) {
        if (mode == FilesSync.PER_FILE) {
            return new CloseDurability(null, "fsync per file (settlement.files.sync=per-file)", false, List.of());
        }
        FileSystemSync.Choice files = FileSystemSync.open(existing(filesDir));
        if (files.sync() == null) {
            return new CloseDurability(null, "fsync per file: " + files.refusal(), files.failed(), List.of());
        }
        FileSystemSync a = files.sync();
        String description = "syncfs of " + a.type() + " once before and once after the renames";
        if (FileSystemSync.sameFileSystem(existing(filesDir), existing(ledgerDir))) {
            return new CloseDurability(a::sync, description, false, List.of(a)); // one sync covers both folders
        }
        FileSystemSync.Choice ledger = FileSystemSync.open(existing(ledgerDir));
        if (ledger.sync() == null) {
            a.close();
            return new CloseDurability(null, "fsync per file: " + ledger.refusal(), ledger.failed(), List.of());
        }
        FileSystemSync b = ledger.sync();
        return new CloseDurability(() -> {
            a.sync();
            b.sync();
        }, description + " (files and ledger on two file systems)", false, List.of(a, b));
    }

    /** The folder, or its nearest existing ancestor (the file system it will be made on). */
    private static Path existing(Path folder) {
        Path p = folder.toAbsolutePath();
        while (!Files.isDirectory(p) && p.getParent() != null) {
            p = p.getParent();
        }
        return p;
    }

    /** How a close makes its files durable, for the start's log: syncfs, or fsync per file and why. */
    public String durability() {
        return durability;
    }

    /** True when a first sync of the file system failed at start: the start's log warns. */
    public boolean durabilityWarning() {
        return durabilityWarning;
    }

    public List<BatchRecord> write(long closeSequence, List<Batch> batches) {
        lastPhases = Phases.NONE;
        return closeSync == null ? writeFileByFile(closeSequence, batches) : writeThenSync(closeSequence, batches);
    }

    /**
     * Where a close's file phase spent its time, ms: rendering and writing the temp files, the
     * sync before the renames, the renames, the sync after them; all zero when files are fsynced
     * one by one (their phases overlap there). For the close's log line.
     */
    public record Phases(long stageMs, long firstSyncMs, long renameMs, long secondSyncMs) {
        static final Phases NONE = new Phases(0, 0, 0, 0);
    }

    /** Where the last close's file phase spent its time. Settlement thread. */
    public Phases lastPhases() {
        return lastPhases;
    }

    /**
     * Every temp file of the close on the I/O pool, one sync, every rename on the pool, one sync:
     * four {@code syncfs} calls per close however many files (see {@link FileSystemSync}). A failure before
     * the renames removes the close's temp files; the close then fails as with an fsync per file.
     */
    private List<BatchRecord> writeThenSync(long closeSequence, List<Batch> batches) {
        long t0 = System.nanoTime();
        List<Coop> coops = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            coops.add(coopOf(b.coopId())); // before any file is begun: an unknown cooperative stops the close here
        }
        List<CompletableFuture<List<AtomicFiles.Staged>>> stagings = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            Coop c = coops.get(i);
            stagings.add(CompletableFuture.supplyAsync(() -> stageFiles(b, c), io));
        }
        List<List<AtomicFiles.Staged>> staged = new ArrayList<>(batches.size());
        List<AtomicFiles.Staged> postings = new ArrayList<>(1);
        RuntimeException failed = null;
        try {
            firstUse(ledgerDir);
            postings.add(AtomicFiles.stage(ledgerDir, "close-" + closeSequence + ".postings.csv", postings(batches)));
        } catch (RuntimeException e) {
            failed = e;
        }
        for (CompletableFuture<List<AtomicFiles.Staged>> s : stagings) {
            try {
                staged.add(s.join());
            } catch (CompletionException e) {
                failed = failed != null ? failed : e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        if (failed != null) {
            staged.add(postings);
            discardAll(staged);
            throw failed;
        }
        long stagedNs = System.nanoTime();
        try {
            closeSync.run(); // every temp file's bytes are durable before any is renamed into place
        } catch (RuntimeException e) {
            staged.add(postings);
            discardAll(staged);
            throw e;
        }
        long syncedNs = System.nanoTime();
        List<CompletableFuture<Void>> renames = new ArrayList<>(staged.size());
        for (List<AtomicFiles.Staged> files : staged) {
            renames.add(CompletableFuture.runAsync(() -> files.forEach(AtomicFiles::publish), io));
        }
        postings.forEach(AtomicFiles::publish);
        joinAll(renames);
        long renamedNs = System.nanoTime();
        closeSync.run(); // every rename and new folder is durable before the close is done
        grownFolders.clear(); // the sync covered them
        long doneNs = System.nanoTime();
        lastPhases = new Phases((stagedNs - t0) / 1_000_000, (syncedNs - stagedNs) / 1_000_000,
                (renamedNs - syncedNs) / 1_000_000, (doneNs - renamedNs) / 1_000_000);
        java.util.function.Consumer<Path> told = regenerated;
        if (told != null) {
            staged.stream().flatMap(List::stream).filter(f -> !f.present() && f.dir().startsWith(filesDir))
                    .forEach(f -> told.accept(f.dir().resolve(f.name())));
        }
        List<BatchRecord> records = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            Coop c = coops.get(i);
            records.add(new BatchRecord(batches.get(i), c.index(), staged.get(i).stream().map(AtomicFiles.Staged::digest)
                    .toList(), c.settlementAccount()));
        }
        return records;
    }

    private static void discardAll(List<List<AtomicFiles.Staged>> staged) {
        for (List<AtomicFiles.Staged> files : staged) {
            for (AtomicFiles.Staged f : files) {
                try {
                    AtomicFiles.discard(f);
                } catch (UncheckedIOException e) {
                    // the close fails with its first error; a temp file left is written over by the redo
                }
            }
        }
    }

    private static void joinAll(List<CompletableFuture<Void>> futures) {
        for (CompletableFuture<Void> f : futures) {
            try {
                f.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
    }

    private List<BatchRecord> writeFileByFile(long closeSequence, List<Batch> batches) {
        List<CompletableFuture<BatchRecord>> writes = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            Coop c = coopOf(b.coopId());
            writes.add(CompletableFuture.supplyAsync(() -> new BatchRecord(b, c.index(), writeFiles(b, c),
                    c.settlementAccount()), io));
        }
        AtomicFiles.writeAll(ledgerDir, new String[] {"close-" + closeSequence + ".postings.csv"}, new byte[][] {postings(batches)},
                firstUse(ledgerDir));
        List<BatchRecord> records = new ArrayList<>(batches.size());
        for (CompletableFuture<BatchRecord> w : writes) {
            try {
                records.add(w.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        for (Path grown : grownFolders) {
            AtomicFiles.forceFolder(grown);
        }
        grownFolders.clear();
        return records;
    }

    /**
     * The double-entry postings of one close as a small CSV ({@link SettlementCsv#FORMAT}),
     * {@code batch_id,account,debit,credit}:
     * per batch the clearing debit, the fee income credit, each member's credit (its payout) and,
     * where the member had simpanan wajib deducted, its savings credit ({@code savings:<traderId>});
     * then the batch's angsuran credit to the loan receivable and its retribusi credit to the
     * market-fee payable, each only when not zero (a batch without deductions has the lines it
     * always had). Debits equal credits per batch (checked by the ledger before this is written).
     * {@code reconcile} compares it with a recomputation.
     */
    static byte[] postings(List<Batch> batches) {
        StringBuilder text = new StringBuilder(64 + batches.size() * 256);
        try (CSVPrinter out = new CSVPrinter(text, SettlementCsv.FORMAT)) {
            out.printRecord("batch_id", "account", "debit", "credit");
            for (Batch b : batches) {
                out.printRecord(b.batchId(), "clearing", Long.toString(b.grossRupiah()), "0");
                out.printRecord(b.batchId(), "fee-income", "0", Long.toString(b.feeRupiah()));
                long angsuran = 0, retribusi = 0;
                for (PayoutLine l : b.payouts()) {
                    out.printRecord(b.batchId(), "member:" + l.traderId(), "0", Long.toString(l.payoutRupiah()));
                    if (l.simpananWajibRupiah() != 0) {
                        out.printRecord(b.batchId(), "savings:" + l.traderId(), "0",
                                Long.toString(l.simpananWajibRupiah()));
                    }
                    angsuran += l.angsuranRupiah();
                    retribusi += l.retribusiRupiah();
                }
                if (angsuran != 0) {
                    out.printRecord(b.batchId(), "loan-receivable", "0", Long.toString(angsuran));
                }
                if (retribusi != 0) {
                    out.printRecord(b.batchId(), "market-fee-payable", "0", Long.toString(retribusi));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes sure {@code dir} exists. True on this process's first use of it: the first write into a
     * folder fsyncs it even when its files were already there. After a kill between a rename and
     * its folder's fsync, the redo of that close finds the file with the same bytes; without this
     * its directory entry could still be lost to a power loss. Costs nothing in the usual first
     * close (its new files are renamed, so the folder is fsynced anyway) and one fsync per folder
     * in a redo.
     */
    private boolean firstUse(Path dir) {
        if (folders.contains(dir)) {
            return false;
        }
        Path missing = dir;
        if (Files.isDirectory(dir) && dir.getParent() != null) {
            // made by an earlier process, maybe just before a crash: its parent's entry for it is
            // fsynced once, as for a new folder
            grownFolders.add(dir.getParent());
        }
        while (missing.getParent() != null && !Files.isDirectory(missing)) {
            grownFolders.add(missing.getParent()); // its entry for `missing` is new: fsync it before the close is done
            missing = missing.getParent();
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return folders.add(dir);
    }

    private static String[] fileNames(Batch batch) {
        return new String[] {batch.batchId() + ".csv", batch.batchId() + ".camt053.xml", PayoutsCsv.fileName(batch.batchId())};
    }

    private static byte[][] render(Batch batch, Coop coop) {
        return new byte[][] {SettlementCsv.render(batch), Camt053Statement.render(batch, coop),
            PayoutsCsv.render(batch.payouts())};
    }

    /** A batch's files written under their temp names, not forced (see {@link #writeThenSync}). */
    private List<AtomicFiles.Staged> stageFiles(Batch batch, Coop coop) {
        Path dir = filesDir.resolve(coop.coopId());
        firstUse(dir);
        String[] names = fileNames(batch);
        byte[][] contents = render(batch, coop);
        List<AtomicFiles.Staged> staged = new ArrayList<>(names.length);
        try {
            for (int i = 0; i < names.length; i++) {
                staged.add(AtomicFiles.stage(dir, names[i], contents[i]));
            }
        } catch (RuntimeException e) {
            discardAll(List.of(staged));
            throw e;
        }
        return staged;
    }

    private List<FileDigest> writeFiles(Batch batch, Coop coop) {
        Path dir = filesDir.resolve(coop.coopId());
        boolean first = firstUse(dir);
        String[] names = fileNames(batch);
        java.util.function.Consumer<Path> told = regenerated;
        boolean[] missing = new boolean[names.length];
        if (told != null) {
            for (int i = 0; i < names.length; i++) {
                missing[i] = !Files.exists(dir.resolve(names[i]));
            }
        }
        List<FileDigest> written = AtomicFiles.writeAll(dir, names, render(batch, coop), first);
        for (int i = 0; i < names.length; i++) {
            if (missing[i]) {
                told.accept(dir.resolve(names[i]));
            }
        }
        return written;
    }

    /**
     * Most synthetic batches {@link #warmUp} renders, and most members in each: 300 × 100 is 30,000
     * member lines per file kind, enough for the JIT's top tier to compile the per-member code.
     * A smaller reference gets fewer: no more batches than cooperatives, no more members than a
     * cooperative has on average, so that a demo or a test engine spends next to nothing on it.
     */
    static final int WARM_UP_BATCHES = 300;
    static final int WARM_UP_MEMBERS = 100;

    /**
     * Makes the cooperatives' missing folders, then renders and digests up to
     * {@value #WARM_UP_BATCHES} synthetic batches of up to {@value #WARM_UP_MEMBERS} members in
     * memory, one after another as one task on the writer pool; no file is written and nothing
     * else changes. Settlement calls it once the engine is ready, after settling its synthetic
     * window, so that the first close after a start runs its renderers compiled: otherwise that
     * close renders its first batches in the interpreter and the JIT compiles the renderers while
     * the close runs, on the same two cores
     * as intake (perf of the first close of 10 M payments: the C2 compiler thread took about 1 s of
     * CPU during it, half that in the second close; benchmarks/RESULTS.md,
     * "settlement-scale-obligations").
     *
     * <p>One task, not one per batch: the warm-up takes one core at most, so the event loops keep
     * the other while terminals come back after a restart (as one task per batch on four writers
     * it held both cores for about a second after ready, and the first answers waited for them:
     * benchmarks/RESULTS.md, "run-restart", the ready line to the first 200). A close that starts
     * meanwhile has the other writers; a stop ends the warm-up at its next batch.
     *
     * @return the number of batches rendered once done; a rendering error fails it (a bug the
     *     first close would meet too)
     */
    public CompletableFuture<Integer> warmUp(ReferenceData reference) {
        int coops = reference.coopCount();
        if (coops == 0) {
            return CompletableFuture.completedFuture(0);
        }
        Coop coop = reference.coop(0);
        int batches = warmUpBatches(reference);
        int members = Math.max(1, Math.min(WARM_UP_MEMBERS, reference.traderCount() / coops));
        List<Coop> all = reference.coops();
        try {
            return CompletableFuture.supplyAsync(() -> {
                makeFolders(all);
                int rendered = 0;
                while (rendered < batches && !io.isShutdown()) {
                    renderSynthetic(coop, rendered, members);
                    rendered++;
                }
                return rendered;
            }, io);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            return CompletableFuture.completedFuture(0); // the engine stops: no close will follow
        }
    }

    /**
     * Makes each cooperative's folder under {@code files/} that is missing, so that the first close
     * of a new data folder does not make 1,000 of them while intake waits for the cores (perf of
     * that close: {@code mkdir} took about a tenth of the file writers' CPU). Made only, not marked
     * as used: the close that first writes into a folder still makes its entry durable (by the
     * close's sync, or by an fsync of {@code files/}, as for a folder an earlier process made).
     */
    private void makeFolders(List<Coop> coops) {
        for (Coop c : coops) {
            try {
                Files.createDirectories(filesDir.resolve(c.coopId()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + filesDir.resolve(c.coopId()), e);
            }
        }
    }

    /** How many synthetic batches {@link #warmUp} renders for {@code reference}. */
    static int warmUpBatches(ReferenceData reference) {
        return Math.min(WARM_UP_BATCHES, reference.coopCount());
    }

    /** One synthetic batch rendered and digested like a close's, with every deduction kind on some lines. */
    private static void renderSynthetic(Coop coop, int round, int memberCount) {
        List<MemberTotals> members = new ArrayList<>(memberCount);
        List<PayoutLine> payouts = new ArrayList<>(memberCount);
        long payments = 0, gross = 0, fee = 0;
        for (int m = 0; m < memberCount; m++) {
            long p = 1 + (m + round) % 50;
            long g = p * (1_000 + (m * 7_919L + round) % 900_000);
            long f = g * 7 / 1_000;
            long net = g - f;
            String trader = String.format("WARM-%03d-%03d", round, m);
            members.add(new MemberTotals(trader, p, g, f, net));
            long retribusi = m % 4 == 0 ? Math.min(net, 2_000) : 0;
            long angsuran = m % 3 == 0 ? Math.min(net - retribusi, 10_000) : 0;
            long simpanan = m % 2 == 0 ? Math.min(net - retribusi - angsuran, 5_000) : 0;
            payouts.add(new PayoutLine(trader, net, retribusi, angsuran, simpanan, net - retribusi - angsuran - simpanan));
            payments += p;
            gross += g;
            fee += f;
        }
        Batch batch = new Batch(coop.coopId() + "-" + round, coop.coopId(), 1, 2, 1_767_592_500_000L, members, payments,
                gross, fee, gross - fee, 0, payouts);
        String[] names = fileNames(batch);
        byte[][] contents = render(batch, coop);
        for (int i = 0; i < names.length; i++) {
            FileDigest.of(names[i], contents[i]);
        }
        postings(List.of(batch));
    }

    /** While {@code listener} is not null, each missing batch file written again is reported to it. */
    void onRegenerated(java.util.function.Consumer<Path> listener) {
        regenerated = listener;
    }

    /**
     * Checks that every file of every batch given is on disk with its listed size, and writes a
     * missing one again from its batch (the same bytes, since a file is a pure function of its
     * batch; checked against the listed digest). One cooperative at a time per writer thread;
     * blocks until done.
     *
     * @throws IllegalStateException if a file has another size than listed, or a regenerated file
     *     does not match its listed digest: settlement files are immutable once written
     * @throws UncheckedIOException if the disk refuses
     */
    void restoreMissing(List<? extends List<BatchRecord>> recordsByCoop) {
        List<CompletableFuture<Void>> checks = new ArrayList<>(recordsByCoop.size());
        for (List<BatchRecord> records : recordsByCoop) {
            if (!records.isEmpty()) {
                checks.add(CompletableFuture.runAsync(() -> records.forEach(this::restoreBatch), io));
            }
        }
        for (CompletableFuture<Void> c : checks) {
            try {
                c.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        for (Path grown : grownFolders) {
            AtomicFiles.forceFolder(grown);
        }
        grownFolders.clear();
    }

    private void restoreBatch(BatchRecord record) {
        Coop now = reference.coop(record.coopIndex());
        // the account in effect at the batch's close, whatever the reference holds since
        Coop coop = new Coop(now.index(), now.coopId(), now.name(), record.settlementAccount(), now.tokenSha256());
        Path dir = filesDir.resolve(coop.coopId());
        boolean missing = false;
        for (FileDigest f : record.files()) {
            Path file = dir.resolve(f.name());
            long size;
            try {
                size = Files.size(file);
            } catch (java.nio.file.NoSuchFileException e) {
                missing = true;
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + file, e);
            }
            if (size != f.sizeBytes()) {
                throw new IllegalStateException(file + " is " + size + " bytes, but batch " + record.batch().batchId()
                        + " lists it at " + f.sizeBytes() + " bytes (sha256 " + f.sha256Hex() + "); settlement files are"
                        + " immutable once written, so this is corruption or an outside change: see ops/RUNBOOK.md,"
                        + " \"Settlement file missing or changed\"");
            }
        }
        if (!missing) {
            return;
        }
        List<FileDigest> written = writeFiles(record.batch(), coop);
        if (!written.equals(record.files())) {
            throw new IllegalStateException("batch " + record.batch().batchId() + " regenerated as " + written
                    + ", but it is listed as " + record.files() + "; its files are not written again differently");
        }
    }

    /**
     * Stops the file writers once the files they were given are written (at most 30 s), then lets go
     * of the file system handles: a close that failed part way (its postings refused, say) may still
     * have writers busy with its other files, and neither they nor a sync may find the handles gone.
     */
    @Override
    public void close() {
        io.shutdown();
        try {
            if (!io.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                System.getLogger(SettlementFiles.class.getName()).log(System.Logger.Level.WARNING,
                        "event=settlement_files_close_timeout waited_s=30");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heldSyncs.forEach(FileSystemSync::close);
    }
}
