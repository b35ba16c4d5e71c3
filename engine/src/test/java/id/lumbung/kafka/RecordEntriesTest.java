package id.lumbung.kafka;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A record value is its entries concatenated: split exactly, or refused as corrupt. */
class RecordEntriesTest {
    private static final PaymentRequest PAYMENT = new PaymentRequest("T0000001", "tx-1", 15_000, "IDR", 1_000, 25_200,
            "QRIS", "payer", null);

    /** A payment (sequence 7), a void of it (8) and a close of cooperative KOP01 (9), concatenated. */
    private static byte[] threeEntries() {
        EntryCodec codec = new EntryCodec();
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.write(codec.buffer(), 0, codec.encodePayment(7, 2_000, PAYMENT, "TR1", "KOP01"));
        value.write(codec.buffer(), 0, codec.encodeVoid(8, 3_000, 7));
        value.write(codec.buffer(), 0, codec.encodeClose(9, 4_000, JournalEntry.TRIGGER_ADMIN, "KOP01"));
        return value.toByteArray();
    }

    private static List<String> split(byte[] value) {
        List<String> seen = new ArrayList<>();
        int n = new RecordEntries().forEach(42, value, e -> seen.add(e.type + ":" + e.sequence + ":"
                + (e.type == JournalEntry.TYPE_PAYMENT ? e.string(e.coopIdAt, e.coopIdLength) + "/" + e.amountRupiah
                        : e.type == JournalEntry.TYPE_VOID ? Long.toString(e.voidedSequence) : e.coopId)));
        assertThat(n).isEqualTo(seen.size());
        return seen;
    }

    @Test
    void splitsConcatenatedEntriesInOrder() {
        assertThat(split(threeEntries())).containsExactly("1:7:KOP01/15000", "2:8:7", "3:9:KOP01");
    }

    @Test
    void oneEntryIsAValue() {
        EntryCodec codec = new EntryCodec();
        byte[] value = Arrays.copyOf(codec.buffer(), codec.encodeClose(1, 5, JournalEntry.TRIGGER_SCHEDULE, null));
        assertThat(split(value)).containsExactly("3:1:null");
    }

    @Test
    void refusesATornValueBeforeHandingOnAnyEntry() {
        byte[] value = threeEntries();
        byte[] torn = Arrays.copyOf(value, value.length - 1);
        List<Long> seen = new ArrayList<>();
        assertThatThrownBy(() -> new RecordEntries().forEach(42, torn, e -> seen.add(e.sequence)))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("offset 42")
                .hasMessageContaining("entry 3 at byte")
                .hasMessageContaining("remain");
        assertThat(seen).isEmpty();
    }

    @Test
    void refusesAnExtraByteAfterTheLastEntry() {
        byte[] value = threeEntries();
        byte[] extra = Arrays.copyOf(value, value.length + 1);
        assertThatThrownBy(() -> split(extra)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("1 bytes after entry 3 at byte " + value.length + ", fewer than an entry header");
    }

    @Test
    void refusesAnEntryTornInsideItsHeader() {
        byte[] value = threeEntries();
        EntryCodec codec = new EntryCodec();
        int closeBytes = codec.encodeClose(9, 4_000, JournalEntry.TRIGGER_ADMIN, "KOP01");
        byte[] torn = Arrays.copyOf(value, value.length - closeBytes + EntryCodec.HEADER_BYTES - 1);
        assertThatThrownBy(() -> split(torn)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("fewer than an entry header");
    }

    @Test
    void refusesAFlippedBitByTheEntrysChecksum() {
        byte[] value = threeEntries();
        EntryCodec codec = new EntryCodec();
        int paymentBytes = codec.encodePayment(7, 2_000, PAYMENT, "TR1", "KOP01");
        // the void's voided sequence, in its body: the lengths still add up, only the CRC32C sees it
        value[paymentBytes + EntryCodec.HEADER_BYTES + 16] ^= 0x01;
        assertThatThrownBy(() -> split(value)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("entry 2 at byte " + paymentBytes + ": CRC32C mismatch");
    }

    @Test
    void refusesAnEntryLongerThanAnyEntry() {
        byte[] value = threeEntries();
        value[EntryCodec.LENGTH_OFFSET] = (byte) 0xFF;
        value[EntryCodec.LENGTH_OFFSET + 1] = (byte) 0xFF;
        assertThatThrownBy(() -> split(value)).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("entry 1 at byte 0 claims " + (EntryCodec.HEADER_BYTES + 0xFFFF) + " bytes, more than any entry");
    }

    @Test
    void refusesAnEmptyValue() {
        assertThatThrownBy(() -> split(new byte[0])).isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("no entry");
    }
}
