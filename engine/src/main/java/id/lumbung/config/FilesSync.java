package id.lumbung.config;

import java.util.Locale;

/**
 * How a close makes its settlement files durable ({@code settlement.files.sync}).
 */
public enum FilesSync {
    /**
     * A sync of the file system ({@code syncfs}) before the files are renamed into place and one after,
     * where the file system allows it ({@code files.FileSystemSync}: Linux 5.8 or later on ext4,
     * XFS or Btrfs); an fsync per file and folder elsewhere.
     */
    AUTO,
    /** An fsync per file and per folder, whatever the file system. */
    PER_FILE;

    /** Why {@link #effective} keeps an fsync per file under {@code async} durability. */
    public static final String ASYNC_JOURNAL_REASON = "fsync per file: durability=async leaves the journal's pages dirty,"
            + " which a syncfs would write back at every close";

    /**
     * The setting a close uses: {@code configured}, except that {@code async} durability keeps an
     * fsync per file, since its journal pages stay dirty by design and a syncfs at each close would
     * write them all back (on the same file system, the usual layout).
     */
    public static FilesSync effective(FilesSync configured, Durability durability) {
        return durability == Durability.ASYNC ? PER_FILE : configured;
    }

    /** {@code auto} or {@code per-file}. */
    public static FilesSync parse(String name, String setting) {
        String s = setting.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return AUTO;
        }
        if (s.equals("per-file")) {
            return PER_FILE;
        }
        throw new IllegalArgumentException(name + " must be auto or per-file, got '" + setting + "'");
    }
}
