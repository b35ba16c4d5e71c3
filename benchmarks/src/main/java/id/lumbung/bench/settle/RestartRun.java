package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.JournaledReference;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.engine.Engine;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.snapshot.Snapshots;
import id.lumbung.writer.JournalWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restart to ready, side by side: the real {@link Engine} started on a journal of N payments
 * (half of them settled by a close of every cooperative, half open), once replaying the whole
 * journal and once from the snapshot its previous clean stop wrote, alternately, R rounds.
 * Prints each start's time to ready (Engine.start returns once replayed, settled and listening),
 * the rate in journaled payments per second, the snapshot's size and write time, and the ratio.
 *
 * <p>Usage: {@code RestartRun [payments=10000000] [coops=1000] [traders=100000] [rounds=2]}, or
 * {@code RestartRun fill <dir> [payments] [coops] [traders]} to leave a filled data folder for
 * {@code benchmarks/run-restart.sh}, which times whole processes.
 */
public final class RestartRun {
    private RestartRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("fill")) {
            // fill <dir> [payments] [coops] [traders]: leaves <dir>/reference and <dir>/data for a process-level run
            Path dir = Path.of(args[1]);
            int payments = args.length > 2 ? Integer.parseInt(args[2]) : 10_000_000;
            Path refDir = Files.createDirectories(dir.resolve("reference"));
            ReferenceDataGenerator.write(refDir, args.length > 3 ? Integer.parseInt(args[3]) : 1_000,
                    args.length > 4 ? Integer.parseInt(args[4]) : 100_000, args.length > 4 ? Integer.parseInt(args[4]) : 100_000, 42);
            FeeSchedule fees = FeeSchedule.defaults();
            fill(ReferenceFiles.load(refDir, fees.toConfig().keySet()), fees, Files.createDirectories(dir.resolve("data")),
                    payments);
            return;
        }
        int payments = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int coops = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int traders = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path root = Files.createTempDirectory("lumbung-restart");
        try {
            run(root, payments, coops, traders, rounds);
        } finally {
            SettlementScaleRun.deleteTree(root);
        }
    }

    private static void run(Path root, int payments, int coops, int traders, int rounds) throws Exception {
        Path refDir = Files.createDirectories(root.resolve("reference"));
        ReferenceDataGenerator.write(refDir, coops, traders, traders, 42);
        FeeSchedule fees = FeeSchedule.defaults();
        ReferenceData ref = ReferenceFiles.load(refDir, fees.toConfig().keySet());
        Path data = Files.createDirectories(root.resolve("data"));
        long entries = fill(ref, fees, data, payments);
        new ProcessBuilder("sync").inheritIO().start().waitFor(120, TimeUnit.SECONDS);

        // the first start replays the whole journal and its stop writes the first snapshot
        double[] whole = new double[rounds];
        double[] fromSnapshot = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            whole[r] = start(ref, fees, data, false, entries, "whole journal");
            if (r == 0) {
                // a start with snapshots on and none there yet also replays everything; its stop writes one
                start(ref, fees, data, true, entries, "whole journal, writing the snapshot at stop");
            }
            fromSnapshot[r] = start(ref, fees, data, true, entries, "from the snapshot");
        }
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d: whole journal %.2f s, from snapshot %.2f s: %.1fx faster%n", r + 1, whole[r],
                    fromSnapshot[r], whole[r] / fromSnapshot[r]);
        }
    }

    /** Journals the reference, payments/2, closes every cooperative, journals payments/2 more; returns entries journaled. */
    private static long fill(ReferenceData ref, FeeSchedule fees, Path data, int payments) throws Exception {
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        Journal journal = new Journal(data.resolve("journal"), Durability.ASYNC);
        Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        Settlement settlement = new Settlement(ref, fees, data, ledger, metrics, RestartRun::die);
        // a new data folder's journal, as an engine writes it: the reference entries first, then payments
        PaymentBook book = new PaymentBook(new JournaledReference(), ref, Clock.systemUTC(), journal, settlement,
                TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
        JournalWriter writer = new JournalWriter(journal, metrics, 1 << 20, book::publishWindows, () -> { }, RestartRun::die);
        writer.start();
        long t0 = System.nanoTime();
        journalReference(writer, book, ref, fees);
        AtomicLong accepted = new AtomicLong();
        long now = System.currentTimeMillis();
        SettlementScaleRun.submitPosts(writer, book, ref, 0, payments / 2, now, accepted);
        long close = SettlementScaleRun.closeAll(writer, book);
        settlement.batchesOfClose(close).get(10, TimeUnit.MINUTES);
        SettlementScaleRun.submitPosts(writer, book, ref, payments / 2, payments - payments / 2, now, accepted);
        long entries = book.lastSequence();
        System.out.printf("fill: reference, %,d payments and 1 close (%,d journal entries) in %.1f s%n", accepted.get(), entries,
                (System.nanoTime() - t0) / 1e9);
        writer.close();
        settlement.close();
        journal.close();
        return entries;
    }

    /**
     * Journals the reference files as the first entries, as an engine's first start on a new data
     * folder does. A journal without them is an upgraded one, whose baseline a start finds by
     * reading up to it: that is not the journal a new deployment has.
     */
    private static void journalReference(JournalWriter writer, PaymentBook book, ReferenceData ref, FeeSchedule fees)
            throws Exception {
        CompletableFuture<PaymentBook.ReferenceUpdate> done = new CompletableFuture<>();
        boolean offered = writer.offer(new JournalWriter.Command() {
            private PaymentBook.ReferenceUpdate update;

            @Override
            public void execute() {
                update = book.applyReference(ref, fees.toConfig());
            }

            @Override
            public void complete() {
                done.complete(update);
            }

            @Override
            public void abandon() {
                done.completeExceptionally(new IllegalStateException("the journal became unavailable"));
            }
        });
        if (!offered) {
            throw new IllegalStateException("the writer refused the reference command");
        }
        PaymentBook.ReferenceUpdate update = done.get(5, TimeUnit.MINUTES);
        if (update.refusal() != null || update.journalUnavailable()) {
            throw new IllegalStateException("reference not journaled: " + update.refusal());
        }
    }

    /** Starts an engine on {@code data}, prints and returns the seconds to ready, then stops it. */
    private static double start(ReferenceData ref, FeeSchedule fees, Path data, boolean snapshots, long entries,
            String what) throws Exception {
        EngineConfig config = EngineConfig.of(Map.of(
                EngineConfig.DATA_DIR_PROP_NAME, data.toString(),
                EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1",
                EngineConfig.HTTP_PORT_PROP_NAME, "0",
                EngineConfig.OPS_PORT_PROP_NAME, "0",
                EngineConfig.ISO_PORT_PROP_NAME, "0",
                EngineConfig.CUTOFFS_PROP_NAME, "none",
                EngineConfig.DURABILITY_PROP_NAME, "sync",
                EngineConfig.RETAINED_PAYMENTS_MAX_PROP_NAME, "100000000",
                EngineConfig.SNAPSHOT_ENABLED_PROP_NAME, Boolean.toString(snapshots)));
        System.gc();
        Engine engine = new Engine(config, ref, fees, Clock.systemUTC(), "restart-run-admin-token", RestartRun::die);
        long t0 = System.nanoTime();
        engine.start();
        double readyS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("start (%s): ready in %.2f s = %,.0f journaled entries per second to ready%n", what, readyS,
                entries / readyS);
        long s0 = System.nanoTime();
        engine.close();
        Path snapshot = new Snapshots(data).newest();
        System.out.printf("  stop: %.2f s; snapshot %s%n", (System.nanoTime() - s0) / 1e9,
                snapshot == null ? "none" : snapshot.getFileName() + ", " + Files.size(snapshot) / (1 << 20) + " MB");
        return readyS;
    }

    private static void die(Thread t, Throwable e) {
        e.printStackTrace();
        System.exit(70);
    }
}
