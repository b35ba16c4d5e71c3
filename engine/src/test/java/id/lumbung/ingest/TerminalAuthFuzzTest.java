package id.lumbung.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import id.lumbung.core.reference.Terminal;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.web.RequestTimestamp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for request signature checks (docs/FUZZING.md). The input is split on {@code \n}
 * into method, path, X-Timestamp, X-Signature and body (the rest), so that seeds are readable
 * text. Whatever the headers and body: {@code verify} never throws; a presented signature that is
 * not the HMAC of the request under the terminal's key or next key is refused; the signature a
 * terminal computes with {@link TerminalAuth#sign} is accepted, with either key; and the same
 * signature on any other body is refused.
 */
class TerminalAuthFuzzTest {
    private static final Terminal TERMINAL = new Terminal(0, "T0000003", 0, DemoCredentials.terminalKey("T0000003"),
            DemoCredentials.terminalNextKey("T0000003"), false);
    private static final Terminal NO_NEXT_KEY = new Terminal(1, "T0000001", 0, DemoCredentials.terminalKey("T0000001"),
            null, false);
    private final TerminalAuth auth = new TerminalAuth();

    @FuzzTest(maxDuration = "2m")
    void verify(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 5);
        String method = part(parts, 0);
        String path = part(parts, 1);
        String timestamp = part(parts, 2);
        String presented = parts.length > 3 ? parts[3] : null;
        byte[] body = part(parts, 4).getBytes(StandardCharsets.UTF_8);

        // arbitrary headers: no exception, and a signature is only accepted when it is the real one
        boolean accepted = auth.verify(TERMINAL, method, path, timestamp, body, body.length, presented);
        boolean real = presented != null && (presented.equals(TerminalAuth.sign(TERMINAL.key(), method, path, timestamp, body))
                || presented.equals(TerminalAuth.sign(TERMINAL.nextKey(), method, path, timestamp, body)));
        assertThat(accepted).as("accepted exactly the real signatures").isEqualTo(real);

        // the terminal's own signature, with either key, verifies; it does not verify another body
        for (byte[] key : new byte[][] {TERMINAL.key(), TERMINAL.nextKey()}) {
            String signature = TerminalAuth.sign(key, method, path, timestamp, body);
            assertThat(auth.verify(TERMINAL, method, path, timestamp, body, body.length, signature)).isTrue();
            byte[] other = Arrays.copyOf(body, body.length + 1);
            assertThat(auth.verify(TERMINAL, method, path, timestamp, other, other.length, signature)).isFalse();
            // a prefix of a longer buffer: only bodyLength bytes count
            assertThat(auth.verify(TERMINAL, method, path, timestamp, other, body.length, signature)).isTrue();
        }
        // a next key belongs to its terminal only
        String withNextKey = TerminalAuth.sign(TERMINAL.nextKey(), method, path, timestamp, body);
        assertThat(auth.verify(NO_NEXT_KEY, method, path, timestamp, body, body.length, withNextKey)).isFalse();
        // whatever the header holds, the freshness check answers without throwing
        RequestTimestamp.fresh(timestamp, System.currentTimeMillis());
    }

    private static String part(String[] parts, int i) {
        return parts.length > i ? parts[i] : "";
    }
}
