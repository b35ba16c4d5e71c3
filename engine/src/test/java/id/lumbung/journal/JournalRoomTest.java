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

    /**
     * The room is written with zeros, not read and written back, so it must lie past everything
     * Chronicle wrote: after each append the bytes past the entry's end are zeros (Chronicle writes
     * an index array before the entry that needs it, never after), across more entries than one of
     * Chronicle's index arrays covers (4,096 slots, one per 64 entries), with the room extended as
     * the writer does; then every entry replays in sequence and reads back by its index.
     */
    @Test
    void theRoomIsWrittenOnlyPastTheLastEntryAndEveryEntryAndIndexSurvives() throws Exception {
        int n = 300_000;
        long[] indexes = new long[n + 1];
        EntryCodec codec = new EntryCodec();
        PaymentRequest r = new PaymentRequest("T1", "tx1", 15_000, "IDR", 0, 0, "QRIS", null, null);
        java.nio.ByteBuffer past = java.nio.ByteBuffer.allocate(64 << 10);
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            journal.extendRoom(FREE_PLENTY_BYTES);
            java.nio.channels.FileChannel file = null;
            for (int i = 1; i <= n; i++) {
                indexes[i] = journal.append(codec.buffer(), codec.encodePayment(i, 1_000 + i, r, "TR", "C"));
                if (file == null) {
                    file = java.nio.channels.FileChannel.open(journal.appendFile().toPath());
                }
                past.clear().limit(i % 997 == 0 ? past.capacity() : 64); // all 64 KiB now and then, else the next 64 bytes
                file.read(past, journal.appendEnd());
                past.flip();
                while (past.hasRemaining()) {
                    if (past.get() != 0) {
                        throw new AssertionError("a non-zero byte " + (past.position() - 1) + " bytes past entry " + i);
                    }
                }
                if (i % 1_000 == 0) {
                    journal.extendRoom(FREE_PLENTY_BYTES); // as the writer does every 10 ms
                }
            }
            file.close();
        }
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            long[] last = {0};
            Journal.ReplayResult replayed = journal.replay(e -> {
                if (e.sequence != last[0] + 1) {
                    throw new AssertionError("sequence " + e.sequence + " after " + last[0]);
                }
                last[0] = e.sequence;
            }, x -> { });
            assertThat(replayed.entries()).isEqualTo(n);
            assertThat(replayed.discardedTailIndex()).isEqualTo(-1);
            byte[] into = new byte[EntryCodec.ENTRY_BYTES_MAX];
            id.lumbung.core.journal.JournalEntry entry = new id.lumbung.core.journal.JournalEntry();
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            for (int k = 0; k < 2_000; k++) {
                int i = 1 + random.nextInt(n);
                int length = journal.read(indexes[i], into);
                assertThat(codec.decode(into, length, entry)).isEqualTo(EntryCodec.OK);
                assertThat(entry.sequence).as("the entry at its index").isEqualTo(i);
            }
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
