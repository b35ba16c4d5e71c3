package id.lumbung.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The journal entry layout: round trips (ASCII and UTF-8 strings), and every corruption caught. */
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
        PaymentRequest tooLong = new PaymentRequest("T1", "tx", 1, "IDR", 0, 0, "QRIS", "é".repeat(128), null);
        assertThatThrownBy(() -> enc.encodePayment(2, 0, tooLong, "TR", "C"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255 bytes");
    }
}
