package id.lumbung.core.digest;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lowercase hex that request signatures are read and written in, against the JDK's HexFormat. */
class HexTest {

    @Test
    void formatsAndParsesLowercaseAsHexFormatDoes() {
        Random random = new Random(18);
        for (int round = 0; round < 1_000; round++) {
            byte[] bytes = new byte[random.nextInt(65)];
            random.nextBytes(bytes);
            byte[] ascii = new byte[2 * bytes.length];
            Hex.formatLowercase(bytes, ascii);
            String text = new String(ascii, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(text).isEqualTo(HexFormat.of().formatHex(bytes));
            byte[] parsed = new byte[bytes.length];
            assertThat(Hex.parseLowercase(text, parsed)).isTrue();
            assertThat(parsed).isEqualTo(bytes);
        }
    }

    @Test
    void refusesUppercaseOtherCharactersAndOtherLengths() {
        String digest = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        byte[] out = new byte[32];
        assertThat(Hex.parseLowercase(digest, out)).isTrue();
        assertThat(Hex.parseLowercase(digest.toUpperCase(), out)).isFalse();
        assertThat(Hex.parseLowercase(digest.substring(1), out)).isFalse();
        assertThat(Hex.parseLowercase(digest + "0", out)).isFalse();
        assertThat(Hex.parseLowercase(digest.substring(2) + "0g", out)).isFalse();
        assertThat(Hex.parseLowercase(digest.substring(2) + " 0", out)).isFalse();
        assertThat(Hex.parseLowercase(digest.substring(2) + "0/", out)).isFalse();
        assertThat(Hex.parseLowercase(digest.substring(2) + "0:", out)).isFalse();
    }
}
