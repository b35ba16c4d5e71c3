package id.lumbung.journal;

import id.lumbung.config.Durability;
import id.lumbung.payment.EntryCodec;
import id.lumbung.payment.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal: a Chronicle Queue of {@link EntryCodec} entries, the single source of truth.
 *
 * <p>Only the journal writer thread appends ({@link #append}, {@link #force}); {@link #replay}
 * runs before it starts. In {@link Durability#SYNC} the queue is built with
 * {@code SyncMode.SYNC}: without it {@code appender.sync()} issues {@code msync(MS_ASYNC)}, which
 * returns at once and makes nothing durable.
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
    /** Random-access reads of earlier entries ({@link #read}). */
    private ExcerptTailer reader;
    private boolean dirty;
    private static final int ERR_SEQUENCE = -100;
    private final byte[] readBuffer = new byte[EntryCodec.ENTRY_BYTES_MAX];

    public Journal(Path dir, Durability durability) {
        this.dir = dir;
        this.durability = durability;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal folder " + dir, e);
        }
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.FAST_DAILY)
                .syncMode(durability == Durability.SYNC ? SyncMode.SYNC : SyncMode.NONE)
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
     * by anything else is corruption: {@link JournalCorruptException} naming its position.
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
            }, n -> { }, keepGoing);
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
            return replay(tailer, sequence, Long.MAX_VALUE, readBuffer, handler, progress);
        }
    }

    private ReplayResult replay(ExcerptTailer tailer, long afterSequence, long untilSequence, byte[] readBuffer,
            EntryHandler handler, ProgressListener progress) {
        return replay(tailer, afterSequence, untilSequence, readBuffer, handler, progress, () -> true);
    }

    /** Entries after {@code afterSequence} up to {@code untilSequence} (or the end), as {@link #replay} describes. */
    private ReplayResult replay(ExcerptTailer tailer, long afterSequence, long untilSequence, byte[] readBuffer,
            EntryHandler handler, ProgressListener progress, java.util.function.BooleanSupplier keepGoing) {
        EntryCodec codec = new EntryCodec();
        JournalEntry entry = new JournalEntry();
        long entries = 0;
        long lastSequence = afterSequence;
        long badIndex = -1;
        String badReason = null;
        long bytes = 0;
        while (lastSequence < untilSequence && keepGoing.getAsBoolean()) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                long index = dc.index();
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
                if (code == EntryCodec.OK && entry.sequence != lastSequence + 1) {
                    code = ERR_SEQUENCE;
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
                if (code != EntryCodec.OK) {
                    badIndex = index;
                    badReason = code == ERR_SEQUENCE
                            ? "sequence " + entry.sequence + " where " + (lastSequence + 1) + " was expected"
                            : EntryCodec.errorName(code);
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
        if (badIndex != -1) {
            LOG.log(System.Logger.Level.WARNING, "event=journal_torn_tail index=0x{0} reason=\"{1}\" action=discard",
                    Long.toHexString(badIndex), badReason);
        }
        return new ReplayResult(entries, lastSequence, badIndex, bytes);
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
        dirty = true;
        return index;
    }

    /**
     * Reads back the entry at a Chronicle index (from {@link #append} or replay) into {@code into}.
     * Journal writer thread only (or the replaying thread, before the writer starts).
     *
     * @return the entry's length, or -1 when no entry is at that index or it is longer than {@code into}
     */
    public int read(long index, byte[] into) {
        if (reader == null) {
            reader = queue.createTailer();
        }
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

    /** True when entries were appended since the last force. */
    public boolean dirty() {
        return dirty;
    }

    /** Forces appended entries to disk in SYNC durability; a no-op in ASYNC. Journal writer thread only. */
    public void force() {
        if (durability == Durability.SYNC && dirty) {
            appender.sync();
        }
        dirty = false;
    }

    /**
     * Forces every journal file to disk whatever the durability (fsync of each cycle file, which
     * writes the mapped pages back, then of the folder). Before a snapshot is written in ASYNC
     * durability: a snapshot must never stand on journal entries a power loss could still take.
     */
    public void forceFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            id.lumbung.files.AtomicFiles.forceFolder(dir);
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
        if (appender != null) {
            appender.close();
        }
        if (reader != null) {
            reader.close();
        }
        queue.close();
    }
}
