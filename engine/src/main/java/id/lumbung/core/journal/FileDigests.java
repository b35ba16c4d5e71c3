package id.lumbung.core.journal;

import java.util.List;

/**
 * The files of one settlement batch as their owner wrote them (a journal entry of the Kafka
 * journal: {@link JournalEntry#TYPE_FILE_DIGESTS}): any node that writes the batch's files again
 * from the journal must write these bytes, and a file that differs is a fatal inconsistency, never
 * a second version.
 *
 * @param batchId the batch, {@code <coopId>-<close sequence>}
 * @param files   each file's name, size and SHA-256 (32 bytes)
 */
public record FileDigests(String batchId, List<File> files) {
    /** Files per batch this entry can hold (a batch has three). */
    public static final int FILES_MAX = 16;

    public FileDigests {
        files = List.copyOf(files);
        if (files.isEmpty() || files.size() > FILES_MAX) {
            throw new IllegalArgumentException("a batch's digests hold 1 to " + FILES_MAX + " files, got " + files.size());
        }
    }

    /** One file: name, size in bytes, SHA-256. */
    public record File(String name, long sizeBytes, byte[] sha256) {
        public File {
            if (sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length);
            }
            if (sizeBytes < 0) {
                throw new IllegalArgumentException("negative size " + sizeBytes + " for " + name);
            }
        }

        /** Lowercase hex of {@link #sha256}. */
        public String sha256Hex() {
            return java.util.HexFormat.of().formatHex(sha256);
        }
    }
}
