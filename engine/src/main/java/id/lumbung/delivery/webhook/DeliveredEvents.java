package id.lumbung.delivery.webhook;

import id.lumbung.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The durable record of events answered 2xx: one small file per event,
 * {@code <data>/webhook/delivered/<batchId>}, holding the batch's close time in epoch milliseconds,
 * written by {@link AtomicFiles} (temp file, fsync, rename, folder fsync) before the delivery
 * counts as done. Which events are due is derived from the settlement listing (itself derived from
 * the journal); this record is the only state the webhook adds, so a crash between the 2xx and the
 * rename sends that one event again, and nothing else is lost or repeated.
 *
 * <p>Used by the "lumbung-webhook" thread only.
 */
final class DeliveredEvents {
    private final Path dir;
    private final Set<String> delivered = new HashSet<>();

    DeliveredEvents(Path dataDir) {
        this.dir = dataDir.resolve("webhook").resolve("delivered");
    }

    /**
     * Reads the record; drops the files of events that closed before {@code pruneBeforeEpochMs}
     * (they are past their delivery window and are never sent again), so the folder holds only
     * the last few days of events.
     *
     * @return how many files were dropped
     */
    int load(long pruneBeforeEpochMs) {
        int pruned = 0;
        if (!Files.isDirectory(dir)) {
            return 0; // nothing delivered yet: the folder is made with the first record
        }
        try {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".")) {
                        Files.deleteIfExists(f); // a temp file left by a crash mid-write: that event was not recorded
                        continue;
                    }
                    if (closedAtEpochMs(f) < pruneBeforeEpochMs) {
                        Files.delete(f);
                        pruned++;
                    } else {
                        delivered.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook delivery record " + dir, e);
        }
        return pruned;
    }

    private static long closedAtEpochMs(Path f) throws IOException {
        try {
            return Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not ours to judge: kept, and its event is not sent again
        }
    }

    boolean contains(String batchId) {
        return delivered.contains(batchId);
    }

    /** Records the event durably; returns once it is on disk. */
    void record(String batchId, long closedAtEpochMs) {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            AtomicFiles.forceFolder(dir.getParent());
            AtomicFiles.forceFolder(dir.getParent().getParent());
        }
        AtomicFiles.write(dir, batchId, (closedAtEpochMs + "\n").getBytes(StandardCharsets.US_ASCII));
        delivered.add(batchId);
    }

    Path dir() {
        return dir;
    }
}
