package id.lumbung.core.digest;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacSha256Test {

    private static byte[] jdkMac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        // SecretKeySpec refuses an empty key; RFC 2104 pads it to a block of zeros, as one zero byte is
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    @Test
    void equalsTheJdkMacForKeysShorterEqualAndLongerThanABlockAndMessagesInPieces() throws Exception {
        Random random = new Random(17);
        HmacSha256 hmac = new HmacSha256(); // one instance for every MAC: reuse must not carry state over
        byte[] out = new byte[HmacSha256.MAC_BYTES];
        for (int keyLength : new int[] {0, 1, 32, 63, 64, 65, 100, 200}) {
            for (int round = 0; round < 50; round++) {
                byte[] key = new byte[keyLength];
                random.nextBytes(key);
                byte[] message = new byte[random.nextInt(300)];
                random.nextBytes(message);
                hmac.start(key);
                int at = 0;
                while (at < message.length) {
                    int piece = Math.min(message.length - at, 1 + random.nextInt(70));
                    hmac.update(message, at, piece);
                    at += piece;
                }
                hmac.finish(out);
                assertThat(out).as("key %d bytes, message %d bytes", keyLength, message.length)
                        .isEqualTo(jdkMac(key, message));
            }
        }
    }

    @Test
    void aMacStartedAgainDropsTheOneUnderWay() throws Exception {
        HmacSha256 hmac = new HmacSha256();
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] message = "0200 purchase".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        hmac.start(new byte[] {1, 2, 3});
        hmac.update(new byte[] {9, 9, 9}, 0, 3);
        hmac.start(key);
        hmac.update(message, 0, message.length);
        byte[] out = new byte[HmacSha256.MAC_BYTES];
        hmac.finish(out);
        assertThat(out).isEqualTo(jdkMac(key, message));
    }

    @Test
    void finishWithoutStartIsRefused() {
        HmacSha256 hmac = new HmacSha256();
        assertThatThrownBy(() -> hmac.finish(new byte[HmacSha256.MAC_BYTES])).isInstanceOf(IllegalStateException.class);
    }
}
