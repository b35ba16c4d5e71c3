package id.lumbung.journal;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.PaymentRequest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A power cut can leave a cycle file that Chronicle created but whose header never reached the disk
 * (a new day's file, cut before its first force): empty, or its size kept and all zeros. Chronicle
 * waits for another process to write that header, close to a minute before it gives up. Such a
 * file holds no entry, so the engine removes it before it opens the journal; a file with no header
 * but other bytes is refused as corrupt.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalEmptyCycleFileTest {
    /** Chronicle's header wait is about 10 s per attempt; an open and replay that skip it take well under one. */
    private static final long OPEN_AND_REPLAY_MS_MAX = 5_000;
    private static final String CYCLE_FILE = "20261206F.cq4";

    private static long append(Path dir, long... sequences) {
        EntryCodec codec = new EntryCodec();
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            for (long s : sequences) {
                PaymentRequest r = new PaymentRequest("T1", "tx" + s, 15_000, "IDR", 0, 0, "QRIS", null, null);
                journal.append(codec.buffer(), codec.encodePayment(s, 1_000 + s, r, "TR", "C"));
            }
            journal.force();
        }
        return sequences.length;
    }

    /** Opens and replays, within {@link #OPEN_AND_REPLAY_MS_MAX}; the sequences replayed. */
    private static List<Long> openAndReplay(Path dir) {
        List<Long> seen = new ArrayList<>();
        long t0 = System.nanoTime();
        Journal.removeHeaderlessCycleFiles(dir);
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            journal.replay(e -> seen.add(e.sequence), n -> { });
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).as("open and replay, ms").isLessThan(OPEN_AND_REPLAY_MS_MAX);
        return seen;
    }

    private static List<String> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    void anEmptyCycleFileIsRemovedAndTheJournalStartsAtOnce(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve(CYCLE_FILE));
        Files.createFile(dir.resolve("metadata.cq4t"));
        assertThat(openAndReplay(dir)).isEmpty();
        assertThat(append(dir, 1, 2)).isEqualTo(2);
        assertThat(openAndReplay(dir)).containsExactly(1L, 2L);
    }

    @Test
    void aZeroFilledCycleFileIsRemovedAndTheJournalStartsAtOnce(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(CYCLE_FILE).toFile(), "rw")) {
            f.setLength(3L << 20); // the size a force of the folder kept, the header page lost
        }
        assertThat(openAndReplay(dir)).isEmpty();
        assertThat(append(dir, 1)).isEqualTo(1);
        assertThat(openAndReplay(dir)).containsExactly(1L);
    }

    @Test
    void aCycleFileWithoutHeaderButWithOtherBytesIsCorruption(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(CYCLE_FILE).toFile(), "rw")) {
            f.setLength(1L << 20);
            f.seek(8192);
            f.write(0x5A);
        }
        assertThatThrownBy(() -> Journal.removeHeaderlessCycleFiles(dir)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(CYCLE_FILE).hasMessageContaining("no header");
        assertThat(cycleFiles(dir)).containsExactly(CYCLE_FILE);
    }

    @Test
    void aJournalWhoseMetadataFileWasLostReplaysAtOnce(@TempDir Path dir) throws Exception {
        append(dir, 1, 2, 3);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("metadata.cq4t").toFile(), "rw")) {
            f.setLength(0); // never forced by the engine: a power cut can empty it
        }
        assertThat(openAndReplay(dir)).containsExactly(1L, 2L, 3L);
    }
}
