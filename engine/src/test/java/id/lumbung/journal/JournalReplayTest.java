package id.lumbung.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import id.lumbung.config.Durability;
import id.lumbung.payment.EntryCodec;
import id.lumbung.payment.PaymentRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void anIntactEntryWithTheWrongSequenceAtTheEndIsCorruptionNotATornTail(@TempDir Path dir) {
        EntryCodec codec = new EntryCodec();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            for (long s = 1; s <= 5; s++) {
                appendPayment(journal, codec, s);
            }
            // sequence 6 missing (hidden or lost), 7 intact: it was written whole, so it is not torn
            appendPayment(journal, codec, 7);
        }
        assertThatThrownBy(() -> replaySequences(dir)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("sequence 7 where 6 was expected");
    }

    @Test
    void aRepeatedSequenceAtTheEndIsCorruption(@TempDir Path dir) {
        EntryCodec codec = new EntryCodec();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            for (long s = 1; s <= 3; s++) {
                appendPayment(journal, codec, s);
            }
            appendPayment(journal, codec, 3);
        }
        assertThatThrownBy(() -> replaySequences(dir)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("sequence 3 where 4 was expected");
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
}
