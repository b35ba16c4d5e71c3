package id.lumbung.engine;

import id.lumbung.config.Durability;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.settlement.Settlement;
import id.lumbung.snapshot.Snapshots;
import id.lumbung.writer.JournalWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engine's snapshots: the newest one loaded into the fresh derived state at start (a rejected
 * one rebuilds that state and the whole journal replays), the journal before it verified on a
 * thread of its own while the engine serves, and one written at a clean stop. It reads the
 * derived state from the {@link Engine} at each call: a rejected snapshot replaces it.
 */
final class SnapshotKeeper {
    private static final System.Logger LOG = System.getLogger(SnapshotKeeper.class.getName());

    private final Engine engine;
    private final EngineConfig config;
    private final EngineMetrics metrics;
    /** A rejected snapshot's last sequence that the journal did not hold (-1: none), and its file. */
    long snapshotAheadOf = -1;
    Path snapshotAheadFile;
    Thread journalVerifier;
    /** Sequence of the snapshot this start loaded (0: it replayed the whole journal). */
    volatile long snapshotSequence;

    SnapshotKeeper(Engine engine, EngineConfig config, EngineMetrics metrics) {
        this.engine = engine;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Loads the newest snapshot into the fresh derived state; returns where replay goes on, or null
     * (none, or rejected: then the state is built anew and the whole journal replays).
     */
    Snapshots.Position loadSnapshot() {
        Journal journal = engine.journal();
        PaymentBook book = engine.book();
        Settlement settlement = engine.settlement();
        Ledger ledger = engine.ledger();
        Snapshots snapshots = new Snapshots(config.dataDir);
        Path file = null;
        long t0 = System.nanoTime();
        try {
            file = snapshots.newest();
            if (file == null) {
                return null;
            }
            long[] partNs = new long[3];
            Snapshots.Position at = snapshots.load(file, journal, in -> {
                long p0 = System.nanoTime();
                book.readFrom(in);
                settlement.useReference(book.reference()); // the journaled reference the snapshot carries
                long p1 = System.nanoTime();
                settlement.readFrom(in);
                long p2 = System.nanoTime();
                ledger.readFrom(in);
                partNs[0] = p1 - p0;
                partNs[1] = p2 - p1;
                partNs[2] = System.nanoTime() - p2;
            });
            if (book.lastSequence() != at.sequence() || book.lastEntryIndex() != at.journalIndex()
                    || settlement.settledCloseSequence() != book.lastCloseSequence()) {
                throw new SnapshotException("snapshot body stands at sequence " + book.lastSequence() + " (close "
                        + settlement.settledCloseSequence() + " settled of " + book.lastCloseSequence()
                        + "), its header at " + at.sequence());
            }
            snapshotSequence = at.sequence();
            LOG.log(System.Logger.Level.INFO, "event=snapshot_loaded file={0} sequence={1,number,#} retained_payments={2,number,#}"
                    + " load_ms={3,number,#} book_ms={4,number,#} settlement_ms={5,number,#} ledger_ms={6,number,#}", file,
                    at.sequence(), book.retainedPayments(), (System.nanoTime() - t0) / 1_000_000, partNs[0] / 1_000_000,
                    partNs[1] / 1_000_000, partNs[2] / 1_000_000);
            return at;
        } catch (RuntimeException e) {
            // SnapshotException names what is wrong; anything else thrown while reading a damaged
            // file (a digest that no longer parses, an index Chronicle refuses) is a rejection too:
            // the whole journal is always there to replay
            metrics.snapshotsRejected.increment();
            if (e instanceof SnapshotException se && se.journalSequenceMissing() > 0) {
                snapshotAheadOf = se.journalSequenceMissing();
                snapshotAheadFile = file;
            }
            LOG.log(System.Logger.Level.WARNING, "event=snapshot_rejected file={0} reason=\"{1}\" action=replay_whole_journal",
                    file, e.getMessage());
            settlement.close();
            engine.newDerivedState();
            return null;
        }
    }

    /**
     * A start from a snapshot does not read the journal before it; this thread does, checking every
     * entry as replay would, while the engine already serves. Bit rot there stops the engine, as it
     * would have stopped a whole replay (only later, and without having applied anything wrong:
     * the state came from the snapshot, which was taken from the intact journal). Then, unless the
     * journal failed the check or the engine stops, it runs {@code then}: what else a start leaves
     * to do in the background follows on the same single core.
     */
    void verifyJournalBefore(Snapshots.Position snapshot, Runnable then) {
        Journal journal = engine.journal();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                long n = journal.verifyUpTo(snapshot.sequence(), snapshot.journalIndex(), () -> !engine.stopping());
                if (!engine.stopping()) {
                    LOG.log(System.Logger.Level.INFO, "event=journal_verified up_to_sequence={0,number,#} entries={1,number,#}"
                            + " duration_ms={2,number,#}", snapshot.sequence(), n, (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (RuntimeException e) {
                if (!engine.stopping()) {
                    LOG.log(System.Logger.Level.ERROR, "event=journal_corrupt detail=\"{0}\"", e.getMessage());
                    engine.fatal().uncaughtException(Thread.currentThread(), e);
                }
                return;
            }
            if (!engine.stopping()) {
                then.run();
            }
        }, "lumbung-journal-verify");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        journalVerifier = t;
    }

    /**
     * At a clean stop: the derived state as of the last journal entry, so that the next start
     * replays only what comes after it. Skipped (the next start replays the whole journal) unless
     * the writer has stopped and every close is settled; a failure (including a last entry that is
     * not the book's, which {@link Snapshots#write} refuses) is logged, never fatal.
     */
    void writeSnapshot() {
        Journal journal = engine.journal();
        JournalWriter writer = engine.writer();
        PaymentBook book = engine.book();
        Settlement settlement = engine.settlement();
        Ledger ledger = engine.ledger();
        if (!config.snapshotEnabled || engine.failed() || writer == null || !writer.stopped() || book.lastSequence() == 0
                || book.lastSequence() == snapshotSequence || !settlement.stopped()
                || settlement.settledCloseSequence() != book.lastCloseSequence()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            // a snapshot takes ~70 bytes per retained payment; it must not eat the journal's reserve
            long needBytes = 70L * book.retainedPayments() + (64L << 20);
            long freeBytes = Files.getFileStore(config.dataDir).getUsableSpace();
            long diskReserveBytes = engine.diskReserveBytes();
            if (freeBytes - needBytes < diskReserveBytes) {
                LOG.log(System.Logger.Level.WARNING, "event=snapshot_skipped reason=\"disk: {0,number,#} bytes free, the snapshot"
                        + " needs about {1,number,#} and the reserve is {2,number,#}\"", freeBytes, needBytes, diskReserveBytes);
                return;
            }
            if (config.durability != Durability.SYNC) {
                journal.forceFiles(); // ASYNC: the entries the snapshot stands on must be on disk before it
            }
            Snapshots.Written w = new Snapshots(config.dataDir).write(
                    new Snapshots.Position(book.lastSequence(), book.lastEntryIndex()), journal,
                    out -> {
                        book.writeTo(out);
                        settlement.writeTo(out);
                        ledger.writeTo(out);
                    });
            LOG.log(System.Logger.Level.INFO, "event=snapshot_written file={0} sequence={1,number,#} bytes={2,number,#}"
                    + " retained_payments={3,number,#} duration_ms={4,number,#}", w.file(), book.lastSequence(), w.bytes(),
                    book.retainedPayments(), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event=snapshot_failed reason=\"{0}\" effect=next_start_replays_more",
                    String.valueOf(e.getMessage()));
        }
    }
}
