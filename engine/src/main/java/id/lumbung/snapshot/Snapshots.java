package id.lumbung.snapshot;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.files.AtomicFiles;
import id.lumbung.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The snapshot folder ({@code <data>/snapshot/}): at most one {@code snapshot-<sequence>.bin},
 * the derived state as of that journal sequence.
 *
 * <p>File layout, little-endian: magic {@code LMBGSNAP}, format version, the sequence and
 * Chronicle index of the last entry applied and that entry's bytes, then the body (payment book
 * with the journaled reference in effect at that entry and the obligations' terms, settlement with
 * the obligation books, ledger), then a CRC32C of
 * everything before it. The body carries its own reference, so whatever the reference files say
 * now does not decide whether it is used: changes to them are journaled after it.
 *
 * <p>A snapshot is used only when all of these hold: checksum, magic and version, and the
 * journal still holding the very same bytes at that index (a
 * journal restored from backup, or another data folder's snapshot, fails this). Anything else
 * rejects it, and the engine replays the whole journal, which is always correct.
 */
public final class Snapshots {
    public static final String FOLDER = "snapshot";
    /** "LMBGSNAP" read as a little-endian long. */
    static final long MAGIC = 0x50414E53_47424D4CL;
    /**
     * 3: the body carries the obligation books (journal writer's and settlement's) and each batch
     * member's deductions. 2 (no obligations) and 1 (checked against the files' ids) are rejected
     * with the version named, and the whole journal replays.
     */
    static final int VERSION = 3;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.bin");
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;

    public Snapshots(Path dataDir) {
        this.dir = dataDir.resolve(FOLDER);
    }

    /** Where a snapshot stands in the journal: the last entry it includes. */
    public record Position(long sequence, long journalIndex) {
    }

    /** What a write produced. */
    public record Written(Path file, long bytes) {
    }

    /**
     * Writes a snapshot at {@code at} atomically (temp file, fsync, rename, folder fsync), then
     * deletes every older one.
     *
     * @param body writes the derived state; it must be exactly the state after {@code at}
     */
    public Written write(Position at, Journal journal, Consumer<SnapshotOut> body) {
        byte[] entry = new byte[EntryCodec.ENTRY_BYTES_MAX];
        int entryLength = journal.readOnce(at.journalIndex(), entry);
        JournalEntry decoded = new JournalEntry();
        if (entryLength < 0 || new EntryCodec().decodeForReplay(entry, entryLength, decoded) != EntryCodec.OK
                || decoded.sequence != at.sequence()) {
            // the book must stand exactly on that entry: a snapshot one entry ahead would make the
            // next append look like a gap to every later replay
            throw new IllegalStateException("the journal's entry at index 0x" + Long.toHexString(at.journalIndex())
                    + " is not an intact entry of sequence " + at.sequence());
        }
        Path file = dir.resolve(String.format("snapshot-%020d.bin", at.sequence()));
        Path temp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
        try {
            Files.createDirectories(dir);
            long bytes;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                SnapshotOut out = new SnapshotOut(channel);
                out.writeLong(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(at.sequence());
                out.writeLong(at.journalIndex());
                out.writeInt(entryLength);
                out.writeBytes(entry, 0, entryLength);
                body.accept(out);
                bytes = out.finish();
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.forceFolder(dir);
            for (Path old : files()) {
                if (!old.equals(file)) {
                    Files.deleteIfExists(old);
                }
            }
            return new Written(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file, e);
        }
    }

    /** The newest snapshot, or null when there is none. */
    public Path newest() {
        List<Path> all = files();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Snapshot files, oldest first (stale temp files of an interrupted write are removed). */
    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.sorted().toList();
            for (Path p : all) {
                if (p.getFileName().toString().endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                }
            }
            return all.stream().filter(p -> NAME.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Loads a snapshot: checks its header against the reference data and the journal, hands the
     * body to {@code body}, then checks that the body was read to its end and the checksum holds.
     * On {@link SnapshotException} whatever {@code body} loaded must be thrown away.
     *
     * @return the journal position to replay after
     * @throws SnapshotException when the snapshot cannot be used, saying why
     */
    public Position load(Path file, Journal journal, Consumer<SnapshotIn> body) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SnapshotIn in = new SnapshotIn(channel, channel.size());
            if (in.readLong() != MAGIC) {
                throw new SnapshotException("not a Lumbung snapshot (magic differs)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new SnapshotException("snapshot format " + version + ", this engine reads " + VERSION);
            }
            Position at = new Position(in.readLong(), in.readLong());
            int length = in.readCount(EntryCodec.ENTRY_BYTES_MAX, "entry bytes");
            byte[] expected = new byte[length];
            in.readBytes(expected, 0, length);
            byte[] actual = new byte[EntryCodec.ENTRY_BYTES_MAX];
            int n = journal.readOnce(at.journalIndex(), actual);
            if (n != length || !Arrays.equals(expected, 0, length, actual, 0, n)) {
                throw new SnapshotException("the journal does not hold the snapshot's last entry (sequence "
                        + at.sequence() + ") at index 0x" + Long.toHexString(at.journalIndex()), at.sequence());
            }
            body.accept(in);
            in.finish();
            return at;
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getCause().getMessage(), e);
        }
    }
}
