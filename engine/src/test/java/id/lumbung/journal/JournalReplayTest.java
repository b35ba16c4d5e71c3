package id.lumbung.journal;

import id.lumbung.TestBytes;
import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.PaymentRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What replay accepts as a torn tail, and what it refuses as corruption. */
class JournalReplayTest {
    private static final PaymentRequest PAYMENT = new PaymentRequest("T1", "tx", 15_000, "IDR", 0, 0, "QRIS", null, null);

    private static void appendPayment(Journal journal, EntryCodec codec, long sequence) {
        PaymentRequest r = new PaymentRequest(PAYMENT.terminalId(), "tx" + sequence, PAYMENT.amountRupiah(), "IDR", 0, 0, "QRIS", null, null);
        journal.append(codec.buffer(), codec.encodePayment(sequence, 1_000 + sequence, r, "TR", "C"));
    }

    private static List<Long> replaySequences(Path dir) {
        List<Long> seen = new ArrayList<>();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            journal.replay(e -> seen.add(e.sequence), n -> { });
        }
        return seen;
    }

    /** Appends payments with these sequences, then replays: the last one is intact but out of place. */
    private static void assertOutOfPlaceIsCorruption(Path dir, String expected, long... sequences) {
        EntryCodec codec = new EntryCodec();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            for (long s : sequences) {
                appendPayment(journal, codec, s);
            }
        }
        assertThatThrownBy(() -> replaySequences(dir)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(expected);
    }

    /**
     * reconcile may read the journal of a running engine (or a copy being written): an entry still
     * being appended is counted by Chronicle's last index before the reader can see it. Replay must
     * look again rather than report a hidden entry as corruption.
     */
    @Test
    void replayWhileAnotherJournalAppendsIsNeverCorruption(@TempDir Path dir) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean appending = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong appended = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> {
            EntryCodec codec = new EntryCodec();
            try (Journal journal = new Journal(dir, Durability.ASYNC)) {
                for (long s = 1; appending.get() && s <= 1_000_000; s++) {
                    appendPayment(journal, codec, s);
                    appended.set(s);
                }
            }
        }, "test-appender");
        writer.start();
        try {
            while (appended.get() < 1_000) {
                Thread.sleep(1);
            }
            long lastSeen = 0;
            for (int run = 0; run < 20; run++) {
                long[] last = {0};
                try (Journal journal = new Journal(dir, Durability.ASYNC)) {
                    Journal.ReplayResult r = journal.replay(e -> last[0] = e.sequence, n -> { });
                    assertThat(r.lastSequence()).isEqualTo(last[0]).isGreaterThanOrEqualTo(lastSeen);
                    lastSeen = last[0];
                }
            }
            assertThat(lastSeen).as("the replays saw the journal grow").isGreaterThan(1_000);
        } finally {
            appending.set(false);
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void anIntactEntryWithTheWrongSequenceAtTheEndIsCorruptionNotATornTail(@TempDir Path dir) {
        // sequence 6 missing (hidden or lost), 7 intact: it was written whole, so it is not torn
        assertOutOfPlaceIsCorruption(dir, "sequence 7 where 6 was expected", 1, 2, 3, 4, 5, 7);
    }

    @Test
    void aRepeatedSequenceAtTheEndIsCorruption(@TempDir Path dir) {
        assertOutOfPlaceIsCorruption(dir, "sequence 3 where 4 was expected", 1, 2, 3, 3);
    }

    @Test
    void anEntryFailingItsChecksAtTheEndIsStillATornTail(@TempDir Path dir) {
        EntryCodec codec = new EntryCodec();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            for (long s = 1; s <= 3; s++) {
                appendPayment(journal, codec, s);
            }
            int n = codec.encodePayment(4, 1_004, PAYMENT, "TR", "C");
            byte[] torn = codec.buffer().clone();
            torn[n - 1] ^= 1; // its last byte never reached the disk
            journal.append(torn, n);
        }
        List<Long> seen = new ArrayList<>();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            Journal.ReplayResult r = journal.replay(e -> seen.add(e.sequence), x -> { });
            assertThat(r.lastSequence()).isEqualTo(3);
            assertThat(r.discardedTailIndex()).isNotEqualTo(-1);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L);
    }
    /**
     * Chronicle's 4-byte document header is outside our checksum: with its "not complete" bit set in
     * the middle of the journal, Chronicle's reader stops there as if the journal ended. Replay must
     * see that entries follow and refuse, not serve a shorter journal.
     */
    @Test
    void aDocumentHeaderThatHidesTheRestOfTheJournalIsCorruption(@TempDir Path dir) throws Exception {
        EntryCodec codec = new EntryCodec();
        byte[] third = null;
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            for (long s = 1; s <= 40; s++) {
                appendPayment(journal, codec, s);
                if (s == 3) {
                    third = java.util.Arrays.copyOf(codec.buffer(), codec.encodePayment(3, 1_003,
                            new PaymentRequest("T1", "tx3", 15_000, "IDR", 0, 0, "QRIS", null, null), "TR", "C"));
                }
            }
        }
        java.io.File cycle;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            cycle = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow().toFile();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(cycle.toPath());
        long at = TestBytes.indexOf(bytes, third);
        assertThat(at).isGreaterThan(4);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(cycle, "rw")) {
            f.seek(at - 1); // the header's high byte (little-endian int): set its "not complete" bit
            int high = f.read();
            f.seek(at - 1);
            f.write(high | 0x80);
        }
        assertThatThrownBy(() -> replaySequences(dir)).isInstanceOf(JournalCorruptException.class);
    }
    /**
     * A day's cycle file whose end-of-cycle marker never reached the disk (written in memory at the
     * roll, lost to a power loss) while the next day's forced entries survived: replay goes on into
     * the next day instead of stopping there, and the sequence check shows nothing is missing.
     */
    @Test
    void aCycleFileWithoutItsEndMarkerIsFollowedIntoTheNextDay(@TempDir Path dir) throws Exception {
        net.openhft.chronicle.core.time.SetTimeProvider time = new net.openhft.chronicle.core.time.SetTimeProvider();
        time.currentTimeMillis(1_700_000_000_000L);
        EntryCodec codec = new EntryCodec();
        byte[] third = null;
        try (Journal journal = new Journal(dir, Durability.ASYNC, time)) {
            for (long s = 1; s <= 3; s++) {
                appendPayment(journal, codec, s);
            }
            third = java.util.Arrays.copyOf(codec.buffer(), codec.encodePayment(3, 1_003,
                    new PaymentRequest("T1", "tx3", 15_000, "IDR", 0, 0, "QRIS", null, null), "TR", "C"));
            time.advanceMillis(TimeUnit.DAYS.toMillis(1));
            for (long s = 4; s <= 6; s++) {
                appendPayment(journal, codec, s);
            }
        }
        Path day1;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            day1 = files.filter(f -> f.toString().endsWith(".cq4")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(day1);
        int end = TestBytes.indexOf(bytes, third) + third.length;
        // the end-of-cycle marker is the next (4-byte aligned) header: 0xC0000000, little-endian
        int marker = TestBytes.indexOf(java.util.Arrays.copyOfRange(bytes, end, end + 8), new byte[] {0, 0, 0, (byte) 0xC0});
        assertThat(marker).as("end-of-cycle marker after the day's last entry").isNotNegative();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(day1.toFile(), "rw")) {
            f.seek(end + marker);
            f.writeInt(0);
        }
        List<Long> seen = new ArrayList<>();
        try (Journal journal = new Journal(dir, Durability.ASYNC, time)) {
            Journal.ReplayResult r = journal.replay(e -> seen.add(e.sequence), n -> { });
            assertThat(r.lastSequence()).isEqualTo(6);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
}
