package id.lumbung.files;

import id.lumbung.core.settlement.FileDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes immutable files crash-safely: temp file in the same folder, {@code fsync}, atomic
 * rename, then {@code fsync} of the folder so that the rename itself survives a power loss. A
 * reader therefore sees either no file or the whole file, never a torn one.
 *
 * <p>Settlement files are pure functions of the journal, so writing a file again (after a crash
 * or on replay) must produce the same bytes: identical bytes are a no-op, different bytes are a
 * bug or corruption and throw. Blocking I/O: call only from the settlement file-writer thread.
 * Not safe for two threads writing the same name at once (they would share the temp file).
 */
public final class AtomicFiles {

    /** File names are single path segments such as {@code <batchId>.camt053.xml}; 255 is the usual filesystem limit. */
    public static final int NAME_CHARS_MAX = 255;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".tmp";

    /** Folder fsyncs this process asked for (tests and diagnostics). */
    private static final java.util.concurrent.atomic.LongAdder FOLDER_FORCES = new java.util.concurrent.atomic.LongAdder();

    private AtomicFiles() {
    }

    /** How many folder fsyncs this process has asked for. */
    public static long folderForces() {
        return FOLDER_FORCES.sum();
    }

    /**
     * Writes {@code bytes} to {@code dir/name} atomically and durably.
     *
     * @return the written (or already present) file's digest
     * @throws IllegalArgumentException if {@code name} is not a plain file name
     * @throws IllegalStateException if {@code dir/name} exists with different bytes
     * @throws UncheckedIOException if the disk refuses
     */
    public static FileDigest write(Path dir, String name, byte[] bytes) {
        return writeAll(dir, new String[] {name}, new byte[][] {bytes}, false).get(0);
    }

    /**
     * Writes several files into one folder, each atomically and durably, with one folder fsync for
     * all the renames instead of one per file (a close writes two files per cooperative).
     *
     * @param forceFolderAnyway fsync the folder even when every file was already there: a file
     *     found after a crash may have been renamed without its folder being fsynced (the caller
     *     asks once per folder and process)
     * @return the digests, in the order given
     */
    public static java.util.List<FileDigest> writeAll(Path dir, String[] names, byte[][] contents, boolean forceFolderAnyway) {
        java.util.List<FileDigest> out = new java.util.ArrayList<>(names.length);
        boolean renamed = false;
        for (int i = 0; i < names.length; i++) {
            Staged staged = stage(dir, names[i], contents[i], true);
            publish(staged);
            renamed |= !staged.present();
            out.add(staged.digest());
        }
        if (renamed || forceFolderAnyway) {
            forceFolder(dir);
        }
        return out;
    }

    /**
     * Forces a folder's entries to disk: after renaming files into it or creating a subfolder in
     * it, so that the new entries survive a power loss.
     *
     * @throws UncheckedIOException if the disk refuses
     */
    public static void forceFolder(Path dir) {
        FOLDER_FORCES.increment();
        try {
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of folder " + dir + " failed", e);
        }
    }

    /**
     * A file written under its temp name ({@code .<name>.tmp} in its folder) and not yet renamed,
     * or found already in place with the same bytes ({@link #present()}).
     */
    public record Staged(Path dir, String name, FileDigest digest, boolean present) {
        Path target() {
            return dir.resolve(name);
        }

        Path temp() {
            return dir.resolve(TEMP_PREFIX + name + TEMP_SUFFIX);
        }
    }

    /**
     * The first half of a write whose durability the caller provides for many files at once (a
     * close's {@link FileSystemSync}): writes {@code bytes} to the temp file without forcing it.
     * The caller makes the temp files durable, then {@link #publish}es each, then makes the
     * renames durable; a file under its final name therefore always has durable bytes.
     *
     * @throws IllegalArgumentException if {@code name} is not a plain file name
     * @throws IllegalStateException if {@code dir/name} exists with different bytes
     * @throws UncheckedIOException if the disk refuses
     */
    public static Staged stage(Path dir, String name, byte[] bytes) {
        return stage(dir, name, bytes, false);
    }

    private static Staged stage(Path dir, String name, byte[] bytes, boolean force) {
        checkName(name);
        Staged staged = new Staged(dir, name, FileDigest.of(name, bytes), Files.exists(dir.resolve(name)));
        try {
            if (staged.present()) {
                requireSameBytes(staged.target(), bytes);
                return staged;
            }
            boolean written = false;
            try {
                write(staged.temp(), bytes, force);
                written = true;
            } finally {
                if (!written) {
                    Files.deleteIfExists(staged.temp()); // removes debris after a failed write
                }
            }
            return staged;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + staged.target() + " failed", e);
        }
    }

    /**
     * Renames a staged file into place (nothing for one already {@link Staged#present()}). Forces
     * nothing: the caller makes the rename durable ({@link #forceFolder} or a file system sync).
     *
     * @throws UncheckedIOException if the disk refuses; the temp file is then removed
     */
    public static void publish(Staged staged) {
        if (staged.present()) {
            return;
        }
        try {
            boolean moved = false;
            try {
                Files.move(staged.temp(), staged.target(), StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            } finally {
                if (!moved) {
                    Files.deleteIfExists(staged.temp()); // removes debris after a failed move
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("renaming " + staged.temp() + " to " + staged.target() + " failed", e);
        }
    }

    /** Removes a staged file's temp file, if any (a close that failed before publishing it). */
    public static void discard(Staged staged) {
        if (staged.present()) {
            return;
        }
        try {
            Files.deleteIfExists(staged.temp());
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + staged.temp() + " failed", e);
        }
    }

    private static void checkName(String name) {
        if (name.length() > NAME_CHARS_MAX || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("file name '" + name + "' is not 1.." + NAME_CHARS_MAX
                    + " characters of [A-Za-z0-9._-] starting with a letter or digit");
        }
    }

    private static void requireSameBytes(Path target, byte[] bytes) throws IOException {
        if (Files.size(target) == bytes.length && Arrays.equals(Files.readAllBytes(target), bytes)) {
            return;
        }
        throw new IllegalStateException(target + " already exists with different bytes (existing sha256 "
                + FileDigest.sha256Hex(Files.readAllBytes(target)) + ", new sha256 " + FileDigest.sha256Hex(bytes)
                + "); settlement files are immutable, so this is a bug or corruption");
    }

    private static void write(Path temp, byte[] bytes, boolean force) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (force) {
                channel.force(true);
            }
        }
    }

    /**
     * Forces the folder entry (the rename) to disk. Linux and macOS allow opening a directory for
     * reading and fsyncing it; Windows refuses to open a directory as a channel, and there NTFS
     * journals the rename itself, so only there is the refusal tolerated.
     */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!isWindows()) {
                throw e;
            }
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /**
     * Deletes {@code root} and everything under it, deepest first; nothing when it does not exist.
     * Not atomic: a failure part way leaves what it had not reached yet.
     *
     * @throws java.io.IOException naming the first path that could not be deleted
     */
    public static void deleteTree(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
