package id.lumbung.journal;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.PaymentRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal's room guard ({@link Journal#hasRoom}, {@link Journal#extendRoom}): the allocated
 * room past the last entry, and the free space a new cycle file needs, decide whether the next
 * entry may be appended.
 */
class JournalRoomTest {
    private static final byte[] ENTRY = new byte[100];
    private static final long FREE_PLENTY_BYTES = 1L << 30;

    @TempDir
    Path dir;

    /** Bytes of disk blocks a file holds ({@code stat -c %b}: 512-byte blocks). */
    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return 512 * Long.parseLong(out);
    }

    @Test
    void theRoomIsAllocatedAheadOfTheLastEntry() throws Exception {
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            assertThat(journal.extendRoom(FREE_PLENTY_BYTES)).as("no file yet, free space enough").isTrue();
            EntryCodec codec = new EntryCodec();
            PaymentRequest r = new PaymentRequest("T1", "tx1", 15_000, "IDR", 0, 0, "QRIS", null, null);
            journal.append(codec.buffer(), codec.encodePayment(1, 1_000, r, "TR", "C"));
            Path file;
            try (var files = Files.list(dir)) {
                file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
            }
            long before = allocatedBytes(file);
            assertThat(before).as("Chronicle's own writes: header, index arrays, one entry").isLessThan(Journal.ROOM_AHEAD_BYTES);
            assertThat(journal.extendRoom(FREE_PLENTY_BYTES)).isTrue();
            assertThat(allocatedBytes(file)).as("blocks, not a sparse hole, past the entry").isGreaterThanOrEqualTo(Journal.ROOM_AHEAD_BYTES);
        }
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            Journal.ReplayResult replayed = journal.replay(e -> { }, n -> { });
            assertThat(replayed.entries()).as("the allocated room reads as the journal's end").isEqualTo(1);
            assertThat(replayed.discardedTailIndex()).isEqualTo(-1);
        }
    }

    @Test
    void aRollOntoAFullFileSystemIsRefusedBeforeChronicleWritesTheNewFile() {
        SetTimeProvider time = new SetTimeProvider(java.time.Instant.parse("2026-11-30T23:59:58Z"));
        try (Journal journal = new Journal(dir, Durability.SYNC, time)) {
            journal.extendRoom(FREE_PLENTY_BYTES);
            journal.append(ENTRY, ENTRY.length);
            assertThat(journal.extendRoom(0)).as("today's file has its room allocated; the disk is now full").isTrue();
            assertThat(journal.hasRoom()).isTrue();
            time.advanceMillis(TimeUnit.SECONDS.toMillis(4)); // past midnight: the next entry opens a new file
            assertThat(journal.hasRoom()).as("a new file on a full disk would be written through unbacked pages").isFalse();
            assertThat(journal.extendRoom(0)).isFalse();
            assertThat(journal.extendRoom(FREE_PLENTY_BYTES)).as("space returned").isTrue();
            assertThat(journal.hasRoom()).isTrue();
            journal.append(ENTRY, ENTRY.length);
            assertThat(journal.hasRoom()).isTrue();
        }
    }
}
