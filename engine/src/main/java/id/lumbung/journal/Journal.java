package id.lumbung.journal;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.JournalPort;
import id.lumbung.files.AtomicFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
public final class Journal implements AutoCloseable, JournalPort {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());

    private final Path dir;
    private final Durability durability;
    /** {@code journal.force=off-unsafe-test-only}: {@link #sync} forces nothing (the power-cut test's negative control). */
    private final boolean forceOffUnsafe;
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
    /** The end of the last entry appended, as an offset in {@link #appendFile}; -1 before the first append. Writer thread. */
    private long appendEnd = -1;
    /** {@link #appendFile}'s bytes up to here have disk blocks ({@link #extendRoom}). Writer thread. */
    private long allocatedTo;
    /** The free space {@link #extendRoom} was last told of, for a cycle file not yet appended to. Writer thread. */
    private long freeBytes = Long.MAX_VALUE;
    /** A new cycle file's entries up to here may stand on free space rather than allocated room. Writer thread. */
    private long graceTo = -1;
    /**
     * The room guard is on: the engine's writer calls {@link #extendRoom} with the free space it
     * measures. A journal nobody calls it on (reconcile, benchmarks, tools) appends unguarded.
     */
    private boolean roomGuarded;
    /** Whether the next entry has disk blocks to go to ({@link #hasRoom}). Writer thread. */
    private boolean room = true;
    /** The channel {@link #extendRoom} writes zeros through, kept open for the current cycle file. */
    private FileChannel roomChannel;
    private File roomChannelFile;
    /** {@link #ROOM_CHUNK_BYTES} of zeros, never written to: what {@link #extendRoom} writes past the last entry. */
    private final java.nio.ByteBuffer roomZeros = java.nio.ByteBuffer.allocateDirect(ROOM_CHUNK_BYTES);

    public Journal(Path dir, Durability durability) {
        this(dir, durability, false, SystemTimeProvider.INSTANCE);
    }

    /**
     * @param forceOffUnsafe {@code journal.force=off-unsafe-test-only}: {@link #sync} skips the force
     *     and the entries it should cover stay in memory only (tests that must see a lost force fail)
     */
    public Journal(Path dir, Durability durability, boolean forceOffUnsafe) {
        this(dir, durability, forceOffUnsafe, SystemTimeProvider.INSTANCE);
    }

    /** @param time the queue's clock, which picks the daily cycle file; tests move it past midnight */
    Journal(Path dir, Durability durability, TimeProvider time) {
        this(dir, durability, false, time);
    }

    private Journal(Path dir, Durability durability, boolean forceOffUnsafe, TimeProvider time) {
        this.dir = dir;
        this.durability = durability;
        this.forceOffUnsafe = forceOffUnsafe;
        if (forceOffUnsafe) {
            LOG.log(System.Logger.Level.ERROR, "event=journal_force_off_unsafe_test_only journal={0} note=\"the journal is"
                    + " never forced: acknowledged payments are lost at a power cut; for tests only\"", dir);
        }
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
     * Room kept allocated past the last entry: 2 MiB is about 13,000 payments (~160 bytes each),
     * some 100 ms at 130,000 payments/s, ten times the writer's 10 ms between checks.
     */
    static final long ROOM_AHEAD_BYTES = 2L << 20;
    /**
     * Below this much allocated room the next entry is refused: one entry ({@link
     * EntryCodec#ENTRY_BYTES_MAX}, about 2 KiB) plus one of Chronicle's index arrays, which it writes
     * inline at the append position (4,096 slots of 8 bytes = 32 KiB for FAST_DAILY), with margin.
     */
    static final long ROOM_MIN_BYTES = 256L << 10;
    /**
     * Free space a cycle file not yet appended to needs: Chronicle writes its header and first index
     * arrays (under 100 KiB) on the first append, before the room guard knows the file.
     */
    static final long NEW_FILE_FREE_BYTES_MIN = 1L << 20;
    /** Bytes of zeros written at a time by {@link #extendRoom}: 64 KiB. */
    private static final int ROOM_CHUNK_BYTES = 64 << 10;

    /** Bytes read at a time when a cycle file without header is checked for zeros: 1 MiB. */
    private static final int ZERO_CHECK_CHUNK_BYTES = 1 << 20;

    /**
     * Removes the cycle files whose header never reached the disk: empty, or zeros throughout. A
     * power cut leaves one when it lands after Chronicle created a file and before its first force
     * (the folder entry, or the size too, can be on disk without the data). Such a file holds no
     * entry; left in place, Chronicle waits for another process to write its header, close to a
     * minute, before it opens the queue. A file with no header but other bytes lost its header
     * page and kept data: corruption, refused.
     *
     * <p>The engine calls this before it opens its journal, which no other process appends to; a
     * reader of a live engine's journal (reconcile) must not, since a file the engine is creating
     * is headerless for an instant.
     *
     * @throws JournalCorruptException for a cycle file with no header and a non-zero byte
     */
    public static void removeHeaderlessCycleFiles(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                removeHeaderless(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the journal files in " + dir, e);
        }
    }

    private static void removeHeaderless(Path dir) throws IOException {
        List<Path> cycleFiles;
        try (Stream<Path> files = Files.list(dir)) {
            cycleFiles = files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
        java.nio.ByteBuffer chunk = null;
        for (Path f : cycleFiles) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(Integer.BYTES);
                ch.read(header, 0);
                if (header.position() == Integer.BYTES && header.getInt(0) != 0) {
                    continue; // Chronicle's first header word: the file was written
                }
                if (chunk == null) {
                    chunk = java.nio.ByteBuffer.allocate(ZERO_CHECK_CHUNK_BYTES);
                }
                long nonZeroAt = firstNonZero(ch, chunk);
                if (nonZeroAt >= 0) {
                    throw new JournalCorruptException("journal cycle file " + f + " has no header but a non-zero byte at offset "
                            + nonZeroAt + ": its first page was lost and later data kept."
                            + " Stop, keep the data folder, and restore the journal from backup.");
                }
            }
            LOG.log(System.Logger.Level.WARNING, "event=journal_headerless_cycle_file_removed file={0} bytes={1,number,#}"
                    + " reason=\"no header and zeros throughout: created, never forced (a power cut)\"", f, Files.size(f));
            Files.delete(f);
        }
    }

    /** The offset of the first non-zero byte of a file, or -1. */
    private static long firstNonZero(FileChannel ch, java.nio.ByteBuffer chunk) throws IOException {
        long at = 0;
        while (true) {
            chunk.clear();
            int n = ch.read(chunk, at);
            if (n < 0) {
                return -1;
            }
            for (int i = 0; i < n; i++) {
                if (chunk.get(i) != 0) {
                    return at + i;
                }
            }
            at += n;
        }
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
     * Reads entries from the start with replay's checks while {@code keepGoing} holds (asked before
     * each entry): a search for the first entries of some kind, which may end early.
     *
     * @throws JournalCorruptException as replay would, for the entries it reads
     */
    @Override
    public void readFromStart(Consumer<JournalEntry> handler, java.util.function.BooleanSupplier keepGoing) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            // an upper bound short of Long.MAX_VALUE: a scan that ends early has not hidden the rest
            replay(tailer, 0, Long.MAX_VALUE - 1, new byte[readBuffer.length], handler::accept, n -> { }, keepGoing, -1);
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
    @Override
    public long append(byte[] bytes, int length) {
        if (appender == null) {
            appender = queue.createAppender();
        }
        long index;
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes, 0, length);
            index = dc.index();
            end = dc.wire().bytes().writePosition(); // an offset in the cycle file: Chronicle maps the whole file
        }
        int cycle = appender.cycle();
        if (cycle != appendCycle) {
            if (dirty && appendFile != null) {
                rolledFrom.add(appendFile);
            }
            appendFile = appender.currentFile();
            appendCycle = cycle;
            newFile = true;
            allocatedTo = end; // Chronicle's writes up to here succeeded: they have blocks
            // until the writer's next check allocates room, a new file's entries stand on free space
            graceTo = end + NEW_FILE_FREE_BYTES_MIN / 2;
        }
        appendEnd = end;
        if (roomGuarded && !roomLeft(freeBytes)) {
            // a burst past the writer's periodic extension: just enough for the next entries here
            // (about a millisecond), the rest at the writer's next check
            extendRoom(freeBytes, 2 * ROOM_MIN_BYTES);
        }
        dirty = true;
        if (length > EntryCodec.TYPE_OFFSET && bytes[EntryCodec.TYPE_OFFSET] == JournalEntry.TYPE_CLOSE) {
            closeAppended = true;
        }
        if (appended != null) {
            appended.appended(bytes, length);
        }
        return index;
    }

    /** Told of each entry once it is in the queue; journal writer thread. */
    @FunctionalInterface
    public interface AppendListener {
        /** {@code bytes} is the caller's buffer: copy what is kept. */
        void appended(byte[] bytes, int length);
    }

    /** Null: nobody. A Kafka node's local copy of a partition hands each entry to the partition's open transaction. */
    private AppendListener appended;

    /** Before the writer starts: {@code listener} is told of every entry appended from now on. */
    public void onAppend(AppendListener listener) {
        this.appended = listener;
    }

    /**
     * Whether the next entry has disk blocks to go to. Chronicle writes entries through a shared
     * mapping: a page with no block behind it on a full file system raises SIGBUS at the write,
     * which the JVM turns into an {@code InternalError} that kills the writer. So the writer
     * refuses an entry (503 JOURNAL_UNAVAILABLE) unless {@link #ROOM_MIN_BYTES} past the last one
     * are allocated, or, for a cycle file not yet appended to (the first after a start, or the
     * next day's once the clock passed midnight) or in its first 512 KiB (before the writer's next
     * check allocates its room), {@link #NEW_FILE_FREE_BYTES_MIN} are free. Writer thread.
     */
    @Override
    public boolean hasRoom() {
        if (roomGuarded && appendFile != null && queue.cycle() != appendCycle) {
            return freeBytes >= NEW_FILE_FREE_BYTES_MIN; // the next entry opens the next cycle's file (the daily roll)
        }
        return room;
    }

    /**
     * Allocates the current cycle file up to {@link #ROOM_AHEAD_BYTES} past the last entry, when less
     * than half of that is left: writes zeros there, 64 KiB at a time, which gives every page a block
     * or fails with ENOSPC. Portable where {@code fallocate} is not reachable from Java. It never
     * changes a byte: it writes only past the end of the last entry, where the file holds zeros, since
     * only this thread appends and Chronicle writes an entry's index array before the entry, never
     * after it ({@code JournalRoomTest} checks the bytes past each entry across index arrays).
     *
     * <p>It does not read those bytes to write them back: a read of a region with no blocks yet makes
     * the kernel fill the page cache with large folios (readahead), and each later entry written through
     * Chronicle's mapping then dirties a whole large folio, which every force writes back: single posts
     * under wrk were forced in about 460 µs with the read and 250 µs without it (benchmarks/RESULTS.md,
     * ab-engine and where-time-goes).
     * Writer thread, every 10 ms and when the room runs low.
     *
     * @param freeBytes usable space on the journal's file system, for a cycle file not yet appended to
     * @return {@link #hasRoom}
     */
    public boolean extendRoom(long freeBytes) {
        roomGuarded = true;
        return extendRoom(freeBytes, ROOM_AHEAD_BYTES);
    }

    private boolean extendRoom(long freeBytes, long aheadBytes) {
        this.freeBytes = freeBytes;
        if (appendFile == null) {
            room = freeBytes >= NEW_FILE_FREE_BYTES_MIN;
            return room;
        }
        long target = appendEnd + aheadBytes;
        if (target - allocatedTo > aheadBytes / 2) {
            try {
                if (!appendFile.equals(roomChannelFile)) {
                    if (roomChannel != null) {
                        roomChannel.close();
                    }
                    roomChannel = null;
                    roomChannel = FileChannel.open(appendFile.toPath(), StandardOpenOption.WRITE);
                    roomChannelFile = appendFile;
                }
                // entries a burst wrote past the room have their blocks (Chronicle's writes succeeded) and
                // must not be touched: zeros go only past the last entry
                allocatedTo = Math.max(allocatedTo, appendEnd);
                while (allocatedTo < target) {
                    int n = (int) Math.min(ROOM_CHUNK_BYTES, target - allocatedTo);
                    writeZeros(roomChannel, allocatedTo, n);
                    allocatedTo += n;
                }
            } catch (IOException e) {
                if (room) {
                    LOG.log(System.Logger.Level.WARNING, "event=journal_room_refused file={0} allocated_to={1,number,#}"
                            + " append_end={2,number,#} error=\"{3}\"", appendFile, allocatedTo, appendEnd, e.getMessage());
                }
            }
        }
        room = roomLeft(freeBytes);
        return hasRoom();
    }

    /** The offset in the current cycle file just past the last entry appended; -1 before the first (tests). */
    long appendEnd() {
        return appendEnd;
    }

    /** The current cycle file, or null before the first append (tests). */
    File appendFile() {
        return appendFile;
    }

    /**
     * True while {@link #ROOM_MIN_BYTES} past the last entry are allocated, or a new file's first
     * entries still stand within its grace on a disk with {@link #NEW_FILE_FREE_BYTES_MIN} free.
     */
    private boolean roomLeft(long freeBytes) {
        return allocatedTo - appendEnd >= ROOM_MIN_BYTES || appendEnd < graceTo && freeBytes >= NEW_FILE_FREE_BYTES_MIN;
    }

    /** Writes {@code n} zeros at {@code at}: past the last entry only ({@link #extendRoom}). */
    private void writeZeros(FileChannel ch, long at, int n) throws IOException {
        java.nio.ByteBuffer b = roomZeros; // its position and limit move, its bytes stay zero
        b.clear().limit(n);
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
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
        if (target == null || !target.forcedUnder(durability) || forceOffUnsafe) {
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
    @Override
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
        if (roomChannel != null) {
            try {
                roomChannel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "event=journal_room_channel_close_failed error=\"{0}\"", e.getMessage());
            }
        }
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
