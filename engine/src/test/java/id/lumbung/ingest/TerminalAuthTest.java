package id.lumbung.ingest;

import id.lumbung.core.reference.Terminal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalAuthTest {
    private static final byte[] KEY = new byte[32];
    private static final byte[] NEXT = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            KEY[i] = (byte) i;
            NEXT[i] = (byte) (100 + i);
        }
    }

    @Test
    void verifiesWhatSignSignsAndNothingElse() {
        TerminalAuth auth = new TerminalAuth();
        Terminal t = new Terminal(0, "T1", 0, KEY, NEXT, false);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            String path = random.nextBoolean() ? "/v1/payments" : "/v1/payments/P" + random.nextInt(1000) + "/void";
            String ts = Long.toString(1_700_000_000_000L + random.nextInt(1_000_000));
            String sig = TerminalAuth.sign(random.nextBoolean() ? KEY : NEXT, "POST", path, ts, body);
            assertThat(auth.verify(t, "POST", path, ts, body, body.length, sig)).isTrue();
            assertThat(auth.verify(t, "GET", path, ts, body, body.length, sig)).isFalse();
            assertThat(auth.verify(t, "POST", path + "x", ts, body, body.length, sig)).isFalse();
            assertThat(auth.verify(t, "POST", path, ts + "1", body, body.length, sig)).isFalse();
            if (body.length > 0) {
                body[0] ^= 1;
                assertThat(auth.verify(t, "POST", path, ts, body, body.length, sig)).isFalse();
            }
        }
    }

    @Test
    void nonAsciiPathsAndMalformedSignaturesAreHandled() {
        TerminalAuth auth = new TerminalAuth();
        Terminal t = new Terminal(0, "T1", 0, KEY, null, false);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String path = "/v1/payments/P\u00e9/void";
        String sig = TerminalAuth.sign(KEY, "POST", path, "1", body);
        assertThat(auth.verify(t, "POST", path, "1", body, body.length, sig)).isTrue();
        assertThat(auth.verify(t, "POST", path, "1", body, body.length, sig.toUpperCase())).isFalse();
        assertThat(auth.verify(t, "POST", path, "1", body, body.length, sig.substring(2))).isFalse();
        assertThat(auth.verify(t, "POST", path, "\u00e9", body, body.length, sig)).isFalse();
        assertThat(auth.verify(t, "POST", path, "1", body, body.length, null)).isFalse();
    }

    /** verify's HMAC is computed on MessageDigest, sign's by javax.crypto.Mac: they must agree for any key length. */
    @Test
    void verifiesWhatTheJdkMacSignsForKeysOfEveryLength() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        TerminalAuth auth = new TerminalAuth();
        for (int round = 0; round < 2_000; round++) {
            byte[] key = new byte[1 + random.nextInt(130)];
            random.nextBytes(key);
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            String ts = Long.toString(random.nextLong(1L << 42));
            String path = "/v1/payments/P" + random.nextInt(1_000_000) + "/void";
            Terminal t = new Terminal(0, "T1", 0, key, null, false);
            String sig = TerminalAuth.sign(key, "POST", path, ts, body);
            assertThat(auth.verify(t, "POST", path, ts, body, body.length, sig)).as("key of %d bytes", key.length).isTrue();
            byte[] other = key.clone();
            other[random.nextInt(other.length)] ^= 1;
            assertThat(auth.verify(new Terminal(0, "T1", 0, other, null, false), "POST", path, ts, body, body.length, sig))
                    .as("key of %d bytes, one bit flipped", key.length).isFalse();
        }
    }
}
