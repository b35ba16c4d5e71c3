package id.lumbung.core.journal;

import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal entry layout: round trips (ASCII and UTF-8 strings), corruption and malformed bodies caught, version 1 still read. */
class EntryCodecTest {
    private static final String ALPHABET = "ABCXYZabcxyz0129-_ .éñ—☕ç";

    private static String randomString(Random rnd, int maxChars, boolean asciiOnly) {
        int n = rnd.nextInt(maxChars + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int bound = asciiOnly ? 17 : ALPHABET.length();
            sb.append(ALPHABET.charAt(rnd.nextInt(bound)));
        }
        return sb.toString();
    }

    @Test
    void paymentsRoundTripWithAsciiAndUtf8StringsForManySeeds() {
        EntryCodec enc = new EntryCodec();
        EntryCodec dec = new EntryCodec();
        JournalEntry out = new JournalEntry();
        for (long seed = 1; seed <= 2_000; seed++) {
            Random rnd = new Random(seed);
            PaymentRequest r = new PaymentRequest(randomString(rnd, 16, true), randomString(rnd, 32, true),
                    1 + rnd.nextInt(10_000_000), "IDR", rnd.nextLong(), rnd.nextInt(64_801) - 32_400,
                    randomString(rnd, 16, true), rnd.nextBoolean() ? randomString(rnd, 64, false) : null,
                    rnd.nextBoolean() ? randomString(rnd, 32, false) : null);
            long sequence = 1 + (rnd.nextLong() >>> 1);
            int n = enc.encodePayment(sequence, 1234L, r, "TR-" + seed, "KSP-" + seed);
            byte[] copy = Arrays.copyOf(enc.buffer(), n);
            assertThat(dec.decode(copy, n, out)).as("seed %d", seed).isEqualTo(EntryCodec.OK);
            assertThat(out.type).isEqualTo(JournalEntry.TYPE_PAYMENT);
            assertThat(out.sequence).isEqualTo(sequence);
            assertThat(out.request).as("seed %d", seed).isEqualTo(r);
            assertThat(out.traderId).isEqualTo("TR-" + seed);
            assertThat(out.coopId).isEqualTo("KSP-" + seed);
            // any single flipped bit is caught (header or body)
            int at = rnd.nextInt(n);
            copy[at] ^= (byte) (1 << rnd.nextInt(8));
            assertThat(dec.decode(copy, n, out)).as("seed %d, bit flip at %d", seed, at).isNotEqualTo(EntryCodec.OK);
        }
    }

    @Test
    void longestAsciiStringFitsAndLongerUtf8IsRefused() {
        EntryCodec enc = new EntryCodec();
        JournalEntry out = new JournalEntry();
        String longest = "x".repeat(255);
        PaymentRequest r = new PaymentRequest("T1", "tx", 1, "IDR", 0, 0, "QRIS", longest, null);
        int n = enc.encodePayment(1, 0, r, "TR", "C");
        assertThat(new EntryCodec().decode(enc.buffer(), n, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.request.payerRef()).isEqualTo(longest);
        PaymentRequest tooLong = new PaymentRequest("T1", "tx", 1, "IDR", 0, 0, "QRIS", null, "é".repeat(128));
        assertThatThrownBy(() -> enc.encodePayment(2, 0, tooLong, "TR", "C"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255 bytes");
        PaymentRequest payerRefTooLong = new PaymentRequest("T1", "tx", 1, "IDR", 0, 0, "QRIS", "é".repeat(129), null);
        assertThatThrownBy(() -> enc.encodePayment(2, 0, payerRefTooLong, "TR", "C"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 bytes");
    }

    @Test
    void aPayerRefOf64CharactersOutsideTheBmpFitsIn256Bytes() {
        EntryCodec enc = new EntryCodec();
        String emoji = "\ud83d\ude00".repeat(64);
        PaymentRequest r = new PaymentRequest("T0000001", "tx-1", 1, "IDR", 5, 25_200, "QRIS", emoji, "M1");
        int n = enc.encodePayment(7, 9, r, "TR", "C");
        byte[] raw = Arrays.copyOf(enc.buffer(), n);
        assertThat(raw[EntryCodec.VERSION_OFFSET]).isEqualTo(EntryCodec.VERSION);
        JournalEntry out = new JournalEntry();
        assertThat(new EntryCodec().decode(raw, n, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.request).isEqualTo(r);
        assertThat(new EntryCodec().decodeForReplay(raw, n, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.payerRefLength).isEqualTo(256);
        assertThat(new String(raw, out.payerRefAt, out.payerRefLength, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(emoji);
        assertThat(new String(raw, out.merchantIdAt, out.merchantIdLength, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("M1");
        assertThat(new PaymentDraft().set(r).sameContent(out)).isTrue();
        assertThat(new PaymentDraft().set(new PaymentRequest("T0000001", "tx-1", 1, "IDR", 5, 25_200, "QRIS",
                emoji.substring(2), "M1")).sameContent(out)).isFalse();
        assertThat(n).isLessThanOrEqualTo(EntryCodec.ENTRY_BYTES_MAX);
    }

    @Test
    void versionTwoEntriesWithAPayerRefAreStillRead() {
        // version 2: the payerRef's length is one byte; the rest as version 3, checksum over header and body
        PaymentRequest r = new PaymentRequest("T0000001", "000123", 15_000, "IDR", 1_700_000_000_000L, 25_200, "QRIS",
                "pembeli \u00e0 \u2615", "M1");
        EntryCodec enc = new EntryCodec();
        int n3 = enc.encodePayment(42, 99, r, "TR00000001", "KSP000001");
        byte[] v3 = Arrays.copyOf(enc.buffer(), n3);
        JournalEntry slices = new JournalEntry();
        assertThat(new EntryCodec().decodeForReplay(v3, n3, slices)).isEqualTo(EntryCodec.OK);
        int lengthAt = slices.payerRefAt - 2;
        byte[] v2 = new byte[n3 - 1];
        System.arraycopy(v3, 0, v2, 0, lengthAt);
        v2[lengthAt] = (byte) slices.payerRefLength;
        System.arraycopy(v3, slices.payerRefAt, v2, lengthAt + 1, n3 - slices.payerRefAt);
        v2[EntryCodec.VERSION_OFFSET] = EntryCodec.VERSION_2;
        v2 = reseal(v2, v2.length);
        JournalEntry out = new JournalEntry();
        assertThat(new EntryCodec().decode(v2, v2.length, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.request).isEqualTo(r);
        assertThat(out.sequence).isEqualTo(42);
        assertThat(new EntryCodec().decodeForReplay(v2, v2.length, out)).isEqualTo(EntryCodec.OK);
        assertThat(new PaymentDraft().set(r).sameContent(out)).isTrue();
        assertThat(out.merchantIdLength).isEqualTo(2);
        // the same bytes read as version 3 are malformed, not another payment
        byte[] asV3 = v2.clone();
        asV3[EntryCodec.VERSION_OFFSET] = EntryCodec.VERSION;
        assertThat(new EntryCodec().decode(reseal(asV3, asV3.length), asV3.length, out)).isEqualTo(EntryCodec.ERR_BODY);
    }
    // ---------------------------------------------------------------- malformed bodies, format versions

    /** The base entry of the malformed-body cases: 65 bytes, flags at 44, string lengths at 45, 48, 51, 55, 60, 63. */
    private static byte[] smallPayment() {
        EntryCodec enc = new EntryCodec();
        int n = enc.encodePayment(1, 0, new PaymentRequest("T1", "tx", 1, "IDR", 0, 0, "QRIS", null, null), "TR", "C");
        assertThat(n).isEqualTo(65);
        return Arrays.copyOf(enc.buffer(), n);
    }

    /** Gives {@code e[0, length)} a correct header (version 2 or 3: the same checksum) for its (possibly broken) body. */
    private static byte[] reseal(byte[] e, int length) {
        byte[] out = Arrays.copyOf(e, length);
        int body = length - EntryCodec.HEADER_BYTES;
        out[EntryCodec.LENGTH_OFFSET] = (byte) body;
        out[EntryCodec.LENGTH_OFFSET + 1] = (byte) (body >>> 8);
        CRC32C crc = new CRC32C();
        crc.update(out, 0, EntryCodec.CRC_OFFSET);
        crc.update(out, EntryCodec.HEADER_BYTES, body);
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            out[EntryCodec.CRC_OFFSET + i] = (byte) (c >>> (8 * i));
        }
        return out;
    }

    private static void assertMalformed(String what, byte[] entry) {
        JournalEntry out = new JournalEntry();
        assertThat(new EntryCodec().decode(entry, entry.length, out)).as(what).isEqualTo(EntryCodec.ERR_BODY);
        assertThat(new EntryCodec().decodeForReplay(entry, entry.length, out)).as(what + ", replay").isEqualTo(EntryCodec.ERR_BODY);
        // the same entry inside a larger buffer with bytes after it: still only the entry is read
        byte[] padded = Arrays.copyOf(entry, EntryCodec.ENTRY_BYTES_MAX);
        Arrays.fill(padded, entry.length, padded.length, (byte) 7);
        assertThat(new EntryCodec().decodeForReplay(padded, entry.length, out)).as(what + ", padded").isEqualTo(EntryCodec.ERR_BODY);
    }

    @Test
    void bodiesThatDoNotMatchTheirShapeAreMalformedWhateverTheirChecksum() {
        byte[] raw = smallPayment();
        assertMalformed("last string cut short", reseal(raw, 64));
        byte[] past = raw.clone();
        past[63] = 2;
        assertMalformed("last length byte points past the end", reseal(past, 65));
        past[63] = (byte) 255;
        assertMalformed("last length byte 255", reseal(past, 65));
        assertMalformed("a byte after the last string", reseal(Arrays.copyOf(raw, 66), 66));
        assertMalformed("entry ends on a length byte", reseal(raw, 45));
        byte[] flag = raw.clone();
        flag[44] |= 1;
        assertMalformed("payerRef flagged but absent", reseal(flag, 65));

        EntryCodec enc = new EntryCodec();
        int v = enc.encodeVoid(7, 0, 3);
        byte[] voidEntry = Arrays.copyOf(enc.buffer(), v);
        assertMalformed("void one byte short", reseal(voidEntry, v - 1));
        assertMalformed("void one byte long", reseal(Arrays.copyOf(voidEntry, v + 1), v + 1));
    }

    @Test
    void replayDecodeFindsTheIdsWhereTheyLie() {
        byte[] raw = smallPayment();
        JournalEntry out = new JournalEntry();
        assertThat(new EntryCodec().decodeForReplay(raw, raw.length, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.raw).isSameAs(raw);
        assertThat(out.amountRupiah).isEqualTo(1);
        assertThat(new int[] {out.terminalIdAt, out.terminalIdLength, out.txnIdAt, out.txnIdLength,
                out.traderIdAt, out.traderIdLength, out.coopIdAt, out.coopIdLength})
                .containsExactly(46, 2, 49, 2, 61, 2, 64, 1);
        assertThat(out.request).isNull();
    }

    @Test
    void everySingleBitFlipIsCaughtTheTypeIncluded() {
        EntryCodec enc = new EntryCodec();
        // a one-cooperative close whose id has 5 bytes has a void's body size (24 bytes): under
        // version 1 a flip of the type's low bit turned one into the other and decoded cleanly
        int c = enc.encodeClose(9, 0, (byte) 1, "KSP-1");
        assertThat(c - EntryCodec.HEADER_BYTES).isEqualTo(24);
        byte[] close = Arrays.copyOf(enc.buffer(), c);
        int v = enc.encodeVoid(9, 0, 327_937);
        byte[] voidEntry = Arrays.copyOf(enc.buffer(), v);
        for (byte[] entry : new byte[][] {smallPayment(), close, voidEntry}) {
            JournalEntry out = new JournalEntry();
            assertThat(new EntryCodec().decode(entry, entry.length, out)).isEqualTo(EntryCodec.OK);
            for (int bit = 0; bit < entry.length * 8; bit++) {
                byte[] flipped = entry.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThat(new EntryCodec().decode(flipped, flipped.length, out)).as("type %d, bit %d", entry[1], bit)
                        .isNotEqualTo(EntryCodec.OK);
            }
        }
    }

    @Test
    void versionOneEntriesAreStillRead() {
        EntryCodec enc = new EntryCodec();
        // without a payerRef, versions 1 to 3 lay out a payment body alike
        PaymentRequest r = new PaymentRequest("T0000001", "000123", 15_000, "IDR", 1_700_000_000_000L, 25_200, "QRIS", null, "M1");
        int n = enc.encodePayment(42, 99, r, "TR00000001", "KSP000001");
        byte[] v1 = Arrays.copyOf(enc.buffer(), n);
        // version 1: the same bytes with a checksum over the body alone
        v1[EntryCodec.VERSION_OFFSET] = EntryCodec.VERSION_1;
        CRC32C crc = new CRC32C();
        crc.update(v1, EntryCodec.HEADER_BYTES, n - EntryCodec.HEADER_BYTES);
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            v1[EntryCodec.CRC_OFFSET + i] = (byte) (c >>> (8 * i));
        }
        JournalEntry out = new JournalEntry();
        assertThat(new EntryCodec().decode(v1, n, out)).isEqualTo(EntryCodec.OK);
        assertThat(out.request).isEqualTo(r);
        assertThat(out.sequence).isEqualTo(42);
        assertThat(out.traderId).isEqualTo("TR00000001");
        // a version 2 checksum on a version 1 entry (or the reverse) is a mismatch, not a guess
        byte[] mixed = v1.clone();
        mixed[EntryCodec.VERSION_OFFSET] = EntryCodec.VERSION;
        assertThat(new EntryCodec().decode(mixed, n, out)).isEqualTo(EntryCodec.ERR_CRC);
        byte[] unknown = v1.clone();
        unknown[EntryCodec.VERSION_OFFSET] = EntryCodec.VERSION + 1;
        assertThat(new EntryCodec().decode(unknown, n, out)).isEqualTo(EntryCodec.ERR_VERSION);
    }
}
