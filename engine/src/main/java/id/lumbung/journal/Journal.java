package id.lumbung.journal;

import id.lumbung.config.Durability;
import id.lumbung.files.AtomicFiles;
import id.lumbung.payment.EntryCodec;
import id.lumbung.payment.JournalEntry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal: a Chronicle Queue of {@link EntryCodec} entries, the single source of truth.
 *
 * <p>Only the journal writer thread appends ({@link #append}, {@link #takeSyncTarget}, {@link
 * #sync}); {@link #replay} runs before it starts. Durability is the engine's own, not Chronicle's:
 * in {@link Durability#SYNC} {@link #sync} forces the cycle files that a group of entries went to
 * with {@code fdatasync} ({@code FileChannel.force(false)}), once per group. The pages Chronicle's
 * mapping dirtied belong to the file, so the call covers every entry appended before it started, as
 * {@code msync(MS_SYNC)} of the range would; unlike Chronicle's msync, whose failure is only
 * logged, a failed force throws, and the engine stops without acknowledging. The queue is built
 * with {@code SyncMode.NONE}, so Chronicle never msyncs a chunk on the writer thread itself.
 *
 * <p>A torn entry at the tail (a crash mid-write) fails its checks and is the last entry: replay
 * skips it and the writer's first append is a {@code DISCARD} entry naming it, so the journal itself
 * records the decision. A failing entry followed by anything but that mark is corruption and stops
 * the engine. See {@link #replay}.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());

    private final Path dir;
    private final Durability durability;
    private final SingleChronicleQueue queue;
    private ExcerptAppender appender;
    /** Random-access reads of earlier entries ({@link #read}), and the thread that read last. */
    private ExcerptTailer reader;
    private Thread readerThread;
    /** Entries were appended since the last {@link #takeSyncTarget}. Writer thread. */
    private boolean dirty;
    /** The cycle file entries are appended to, and its cycle. Writer thread. */
    private File appendFile;
    private int appendCycle = Integer.MIN_VALUE;
    /** Earlier cycle files appended to since the last {@link #takeSyncTarget} (a roll at midnight). */
    private final List<File> rolledFrom = new ArrayList<>(2);
    /** A cycle file was first appended to since the last take: the folder entry must be forced too. */
    private boolean newFile;
    /** A close was appended since the last {@link #takeSyncTarget}. Writer thread. */
    private boolean closeAppended;
    /**
     * In {@link Durability#ASYNC}, what the groups taken since the last forced one left unforced:
     * their cycle files, and whether the folder gained one. The next close's force covers them, so
     * that a close never becomes durable while an earlier entry it settles, or its file's folder
     * entry, is not. Always empty in SYNC, where every group is forced. Writer thread.
     */
    private final List<File> unforcedFiles = new ArrayList<>(2);
    private boolean unforcedFolder;
    /** The target of a group that went to the current file only, reused from group to group. */
    private SyncTarget steadyTarget;
    /** The channel {@link #sync} forces, kept open for the current cycle file. Writer thread. */
    private FileChannel syncChannel;
    private File syncChannelFile;
    private final byte[] readBuffer = new byte[EntryCodec.ENTRY_BYTES_MAX];

    public Journal(Path dir, Durability durability) {
        this(dir, durability, SystemTimeProvider.INSTANCE);
    }

    /** @param time the queue's clock, which picks the daily cycle file; tests move it past midnight */
    Journal(Path dir, Durability durability, TimeProvider time) {
        this.dir = dir;
        this.durability = durability;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal folder " + dir, e);
        }
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.FAST_DAILY)
                .syncMode(SyncMode.NONE)
                .timeProvider(time)
                .build();
    }

    /**
     * Receives each good entry in journal order during replay. Payments come as decoded by
     * {@link EntryCodec#decodeForReplay}: ids as slices of the entry's bytes, no request object.
     */
    @FunctionalInterface
    public interface EntryHandler {
        void onEntry(JournalEntry entry);
    }

    /** What replay found. */
    public record ReplayResult(long entries, long lastSequence, long discardedTailIndex, long bytes) {
    }

    /**
     * Reads every entry from the start, checking each (version, length, CRC32C, sequence continuity).
     * An entry that fails its checks must be followed only by a {@code DISCARD} entry naming it (the
     * mark a previous start left for a torn tail) or by nothing: then it is a torn tail, reported in
     * the result so that the writer journals the mark before anything else. A failing entry followed
     * by anything else is corruption: {@link JournalCorruptException} naming its position. So is an
     * entry that passes its checks but does not carry the next sequence, wherever it is: it was
     * written whole, so it is not torn.
     */
    public ReplayResult replay(EntryHandler handler, ProgressListener progress) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            return replay(tailer, 0, Long.MAX_VALUE, readBuffer, handler, progress);
        }
    }

    /**
     * Checks every entry from the start up to {@code sequence}, which must be at {@code index}
     * (a snapshot's position), with the same checks as replay, without applying anything: a start
     * from a snapshot does not read the journal before it, so this finds bit rot there. Safe on a
     * thread of its own while the writer appends (its own tailer and buffer).
     *
     * @param keepGoing polled every entry; false ends the check early (the engine is stopping)
     * @return entries checked
     * @throws JournalCorruptException as replay would
     */
    public long verifyUpTo(long sequence, long index, java.util.function.BooleanSupplier keepGoing) {
        long[] last = {0, -1};
        try (ExcerptTailer tailer = queue.createTailer()) {
            ReplayResult r = replay(tailer, 0, sequence, new byte[readBuffer.length], e -> {
                last[0] = e.sequence;
                last[1] = e.journalIndex;
            }, n -> { }, keepGoing, -1);
            if (keepGoing.getAsBoolean() && (last[0] != sequence || last[1] != index)) {
                throw new JournalCorruptException("journal sequence " + sequence + " is not at index 0x"
                        + Long.toHexString(index) + " as the snapshot says (found sequence " + last[0] + " at 0x"
                        + Long.toHexString(last[1]) + ")");
            }
            return r.entries();
        }
    }

    /**
     * Replays the entries after the one at {@code index}, which must hold sequence {@code
     * sequence} (a snapshot's position, checked by the caller with {@link #readOnce}); the same
     * checks as {@link #replay(EntryHandler, ProgressListener)}, counting only the entries after it.
     *
     * @throws JournalCorruptException if no entry is at {@code index}
     */
    public ReplayResult replayAfter(long index, long sequence, EntryHandler handler, ProgressListener progress) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                throw new JournalCorruptException("journal has no entry at index 0x" + Long.toHexString(index));
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() != index) {
                    throw new JournalCorruptException("journal has no entry at index 0x" + Long.toHexString(index));
                }
            }
            return replay(tailer, sequence, Long.MAX_VALUE, readBuffer, handler, progress, () -> true, index);
        }
    }

    private ReplayResult replay(ExcerptTailer tailer, long afterSequence, long untilSequence, byte[] readBuffer,
            EntryHandler handler, ProgressListener progress) {
        return replay(tailer, afterSequence, untilSequence, readBuffer, handler, progress, () -> true, -1);
    }

    /**
     * Entries after {@code afterSequence} up to {@code untilSequence} (or the end), as {@link #replay}
     * describes.
     *
     * @param startIndex the index of the entry the tailer was moved past (a snapshot's), or -1 from the start
     */
    private ReplayResult replay(ExcerptTailer tailer, long afterSequence, long untilSequence, byte[] readBuffer,
            EntryHandler handler, ProgressListener progress, java.util.function.BooleanSupplier keepGoing,
            long startIndex) {
        EntryCodec codec = new EntryCodec();
        JournalEntry entry = new JournalEntry();
        long entries = 0;
        long lastSequence = afterSequence;
        long badIndex = -1;
        String badReason = null;
        long bytes = 0;
        long lastIndexRead = startIndex;
        // Chronicle's last index before reading: every entry up to it must be read. Entries another
        // process appends meanwhile (reconcile on a running engine's journal) need not be; an entry
        // still being written when this was taken is waited for, briefly, below.
        long lastIndexAtStart = untilSequence == Long.MAX_VALUE ? queue.lastIndex() : Long.MIN_VALUE;
        int waits = 0;

        while (lastSequence < untilSequence && keepGoing.getAsBoolean()) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    if (moveToNextCycle(tailer, lastIndexRead, queue.lastIndex())) {
                        continue;
                    }
                    if (lastIndexRead < lastIndexAtStart && waits++ < HIDDEN_ENTRY_WAITS) {
                        sleepQuietly(HIDDEN_ENTRY_WAIT_MS); // an entry being appended, or a damaged header: look again
                        continue;
                    }
                    break;
                }
                long index = dc.index();
                lastIndexRead = index;
                waits = 0; // each stall of a live writer gets the whole wait
                Bytes<?> b = dc.wire().bytes();
                long remaining = b.readRemaining();
                int code;
                if (remaining > readBuffer.length) {
                    code = EntryCodec.ERR_LENGTH;
                } else {
                    int n = (int) remaining;
                    b.read(readBuffer, 0, n);
                    bytes += n;
                    code = codec.decodeForReplay(readBuffer, n, entry);
                }
                if (badIndex != -1) {
                    boolean marksIt = code == EntryCodec.OK && entry.type == JournalEntry.TYPE_DISCARD
                            && entry.discardedIndex == badIndex;
                    if (!marksIt) {
                        throw new JournalCorruptException("journal entry at index 0x" + Long.toHexString(badIndex)
                                + " (after sequence " + lastSequence + ") is corrupt: " + badReason
                                + "; good entries follow it, so it is not a torn tail."
                                + " Stop, keep the data folder, and restore the journal from backup.");
                    }
                    badIndex = -1;
                }
                if (code == EntryCodec.OK && entry.sequence != lastSequence + 1) {
                    // an entry that passes its checks was written whole: a wrong sequence is never a
                    // torn write (that fails its checksum) but a lost, hidden or misplaced entry, even
                    // at the end. Discarding it as a torn tail would lose it and reuse its sequence.
                    throw new JournalCorruptException("journal is corrupt: the entry at index 0x" + Long.toHexString(index)
                            + " is intact but has sequence " + entry.sequence + " where " + (lastSequence + 1)
                            + " was expected: entries are missing or out of place."
                            + " Stop, keep the data folder, and restore the journal from backup.");
                }
                if (code != EntryCodec.OK) {
                    badIndex = index;
                    badReason = EntryCodec.errorName(code);
                    continue;
                }
                lastSequence = entry.sequence;
                entries++;
                entry.journalIndex = index;
                handler.onEntry(entry);
                if ((entries & 0xF_FFFF) == 0) {
                    progress.onProgress(entries);
                }
            }
        }
        if (lastIndexAtStart > lastIndexRead) {
            // Chronicle's own document header is outside our checksum: a damaged one (marked
            // incomplete, or a wrong length) makes its reader stop early as if the journal ended
            // there. Chronicle's index still knows how far the journal goes.
            throw new JournalCorruptException("journal is corrupt: replay stopped after index 0x" + Long.toHexString(lastIndexRead)
                    + " (sequence " + lastSequence + ") but the journal holds entries to index 0x"
                    + Long.toHexString(lastIndexAtStart) + ": a damaged entry header hides the rest."
                    + " Stop and keep the data folder; the entries after it were written and may have been"
                    + " acknowledged, so have the journal examined before restoring anything.");
        }
        if (badIndex != -1) {
            LOG.log(System.Logger.Level.WARNING, "event=journal_torn_tail index=0x{0} reason=\"{1}\" action=discard",
                    Long.toHexString(badIndex), badReason);
        }
        return new ReplayResult(entries, lastSequence, badIndex, bytes);
    }

    /** How often, and how long apart, replay looks again for an entry Chronicle counts but cannot yet read. */
    private static final int HIDDEN_ENTRY_WAITS = 40;
    private static final long HIDDEN_ENTRY_WAIT_MS = 25;

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * When the reader stops at the end of a day's cycle file although a later one holds entries,
     * that file's end-of-cycle marker did not reach the disk (Chronicle writes it at the roll, in
     * memory; a power loss soon after can lose it while the next day's forced entries survive).
     * Moves the tailer to the first entry of the next cycle that has one, with a warning; the
     * sequence check then proves nothing is missing in between.
     *
     * @param last Chronicle's last index now
     * @return true when the tailer moved on
     */
    private boolean moveToNextCycle(ExcerptTailer tailer, long lastIndexRead, long last) {
        if (last < 0 || last <= lastIndexRead) {
            return false;
        }
        int lastCycle = queue.rollCycle().toCycle(last);
        int from = lastIndexRead < 0 ? queue.firstCycle() : queue.rollCycle().toCycle(lastIndexRead) + 1;
        for (int cycle = from; cycle <= lastCycle; cycle++) {
            long first = queue.rollCycle().toIndex(cycle, 0);
            if (first > lastIndexRead && tailer.moveToIndex(first)) {
                LOG.log(System.Logger.Level.WARNING, "event=journal_cycle_without_end_marker after_index=0x{0} next_index=0x{1}"
                        + " action=continue", Long.toHexString(lastIndexRead), Long.toHexString(first));
                return true;
            }
        }
        return false;
    }

    /** Replay progress, called every 2^20 entries. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(long entries);
    }

    /**
     * Appends one encoded entry. Journal writer thread only.
     *
     * @return the entry's Chronicle index, for {@link #read}
     */
    public long append(byte[] bytes, int length) {
        if (appender == null) {
            appender = queue.createAppender();
        }
        long index;
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes, 0, length);
            index = dc.index();
        }
        int cycle = appender.cycle();
        if (cycle != appendCycle) {
            if (dirty && appendFile != null) {
                rolledFrom.add(appendFile);
            }
            appendFile = appender.currentFile();
            appendCycle = cycle;
            newFile = true;
        }
        dirty = true;
        if (length > EntryCodec.TYPE_OFFSET && bytes[EntryCodec.TYPE_OFFSET] == JournalEntry.TYPE_CLOSE) {
            closeAppended = true;
        }
        return index;
    }

    /**
     * What a force must cover for the entries appended since the last call: their cycle files, and
     * the folder when a cycle file is new. Writer thread only.
     *
     * @return null when nothing was appended since the last call
     */
    public SyncTarget takeSyncTarget() {
        if (!dirty) {
            return null;
        }
        SyncTarget target;
        if (rolledFrom.isEmpty() && !newFile && !closeAppended) {
            if (steadyTarget == null || steadyTarget.files().get(0) != appendFile) {
                steadyTarget = new SyncTarget(List.of(appendFile), false, false);
            }
            target = steadyTarget; // the usual group: one file, nothing new; no allocation
        } else { // a new cycle file, a group that crossed midnight, or a close (forced whatever the durability)
            if (closeAppended) { // forced: it takes over what earlier unforced groups left
                for (File f : unforcedFiles) {
                    if (!rolledFrom.contains(f) && !f.equals(appendFile)) {
                        rolledFrom.add(f);
                    }
                }
                newFile |= unforcedFolder;
            }
            rolledFrom.add(appendFile);
            target = new SyncTarget(List.copyOf(rolledFrom), newFile, closeAppended);
            rolledFrom.clear();
        }
        if (target.forcedUnder(durability)) {
            unforcedFiles.clear();
            unforcedFolder = false;
        } else { // what the next close's force must cover: a list of one or two files, no allocation once grown
            for (File f : target.files()) {
                if (!unforcedFiles.contains(f)) {
                    unforcedFiles.add(f);
                }
            }
            unforcedFolder |= target.folder();
        }
        newFile = false;
        dirty = false;
        closeAppended = false;
        return target;
    }

    /**
     * The cycle files a group of entries went to, and whether the folder gained one of them.
     *
     * @param close the group journaled a close: it is forced in {@link Durability#ASYNC} too, since
     *     the close's batch files are written once its group is forced, and a batch file must never
     *     outlive the close it comes from (a lost close would settle its payments again)
     */
    public record SyncTarget(List<File> files, boolean folder, boolean close) {

        /** Whether this target is forced under {@code durability}. */
        public boolean forcedUnder(Durability durability) {
            return durability == Durability.SYNC || close;
        }
    }

    /**
     * Forces a target's files (and folder) to disk in {@link Durability#SYNC}, and in ASYNC when the
     * group journaled a close ({@link SyncTarget#close}); otherwise nothing.
     * Journal writer thread only.
     *
     * @throws UncheckedIOException when the disk refuses: the entries are not durable
     */
    public void sync(SyncTarget target) {
        if (target == null || !target.forcedUnder(durability)) {
            return;
        }
        for (File f : target.files()) {
            try {
                if (!f.equals(syncChannelFile)) {
                    if (syncChannel != null) {
                        syncChannel.close();
                    }
                    syncChannel = null;
                    syncChannelFile = null;
                    syncChannel = FileChannel.open(f.toPath(), StandardOpenOption.WRITE);
                    syncChannelFile = f;
                }
                syncChannel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot force the journal file " + f + " to disk", e);
            }
        }
        if (target.folder()) {
            AtomicFiles.forceFolder(dir);
        }
    }

    /**
     * Reads back the entry at a Chronicle index (from {@link #append} or replay) into {@code into}.
     * Journal writer thread only (or the replaying thread, before the writer starts).
     *
     * @return the entry's length, or -1 when no entry is at that index or it is longer than {@code into}
     */
    public int read(long index, byte[] into) {
        Thread current = Thread.currentThread();
        if (reader == null) {
            reader = queue.createTailer();
        } else if (readerThread != current) {
            // the replaying thread, then the writer (started after replay): one after the other, never
            // together, so the tailer may change threads; Chronicle's check would refuse it otherwise
            reader.singleThreadedCheckReset();
        }
        readerThread = current;
        return read(reader, index, into);
    }

    /**
     * {@link #read} through a tailer of its own, for a thread other than the journal writer's (a
     * snapshot taken at stop, or checked at start).
     */
    public int readOnce(long index, byte[] into) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            return read(tailer, index, into);
        }
    }

    private static int read(ExcerptTailer reader, long index, byte[] into) {
        if (!reader.moveToIndex(index)) {
            return -1;
        }
        try (DocumentContext dc = reader.readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            Bytes<?> b = dc.wire().bytes();
            long n = b.readRemaining();
            if (n > into.length) {
                return -1;
            }
            b.read(into, 0, (int) n);
            return (int) n;
        }
    }

    /**
     * Forces the entries appended so far to disk in SYNC durability; a no-op in ASYNC. For a thread
     * that appends and forces in turn (benchmarks, tools); the engine's {@link JournalWriter} takes
     * the target and forces it itself, to time it and to let tests watch it.
     */
    public void force() {
        sync(takeSyncTarget());
    }

    /**
     * Forces every journal file to disk whatever the durability (fsync of each cycle file, which
     * writes the mapped pages back, then of the folder). Before a snapshot is written in ASYNC
     * durability: a snapshot must never stand on journal entries a power loss could still take.
     */
    public void forceFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            AtomicFiles.forceFolder(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the journal files in " + dir, e);
        }
    }

    public Durability durability() {
        return durability;
    }

    public Path dir() {
        return dir;
    }

    /** Bytes of journal files on disk. */
    public long sizeBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".cq4")).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (syncChannel != null) {
            try {
                syncChannel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "event=journal_sync_channel_close_failed error=\"{0}\"", e.getMessage());
            }
        }
        if (appender != null) {
            appender.close();
        }
        if (reader != null) {
            reader.close();
        }
        queue.close();
    }
}
