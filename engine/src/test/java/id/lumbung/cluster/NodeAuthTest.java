package id.lumbung.cluster;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node-to-node signature: exactly the scheme DECISIONS gives, and refused when anything in it is off. */
class NodeAuthTest {
    private static final String TOKEN = "cluster-admin-token-\u00e9";
    private static final long NOW_MS = 1_760_000_000_000L;
    private static final String PATH = "/v1/coops/K1/files?from=2025-01-01&to=2025-01-31";
    private static final byte[] BODY = "{\"amount\":15000}".getBytes(StandardCharsets.UTF_8);

    private static Clock at(long epochMs) {
        return Clock.fixed(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    private static MultiMap signed(NodeAuth signer, String method, String path, byte[] body) {
        MultiMap headers = HttpHeaders.headers();
        signer.sign(headers, method, path, body);
        return headers;
    }

    private static boolean verify(NodeAuth verifier, String method, String path, MultiMap h, byte[] body) {
        return verifier.verify(method, path, h.get(NodeAuth.NODE_HEADER), h.get(NodeAuth.TIMESTAMP_HEADER),
                h.get(NodeAuth.SIGNATURE_HEADER), body, body.length);
    }

    /** Computed here from the scheme's text with the JDK's Mac, not with the code under test. */
    private static String specSignature(String token, String method, String path, String timestamp, String sender,
            byte[] body) throws Exception {
        byte[] key = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String bodyHex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        String canonical = method + "\n" + path + "\n" + timestamp + "\n" + sender + "\n" + bodyHex;
        return HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signsWithTheSpecifiedHmacAndNeverSendsTheToken() throws Exception {
        MultiMap h = signed(new NodeAuth(TOKEN, "node-a", at(NOW_MS)), "POST", PATH, BODY);

        assertThat(h.names()).containsExactlyInAnyOrder(NodeAuth.NODE_HEADER, NodeAuth.TIMESTAMP_HEADER, NodeAuth.SIGNATURE_HEADER);
        assertThat(h.get(NodeAuth.NODE_HEADER)).isEqualTo("node-a");
        assertThat(h.get(NodeAuth.TIMESTAMP_HEADER)).isEqualTo(Long.toString(NOW_MS));
        assertThat(h.get(NodeAuth.SIGNATURE_HEADER))
                .isEqualTo(specSignature(TOKEN, "POST", PATH, Long.toString(NOW_MS), "node-a", BODY))
                .matches("[0-9a-f]{64}");
        assertThat(h.toString()).doesNotContain(TOKEN);
        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS)), "POST", PATH, h, BODY)).isTrue();
    }

    @Test
    void refusesABadSignature() {
        NodeAuth owner = new NodeAuth(TOKEN, "node-b", at(NOW_MS));
        MultiMap h = signed(new NodeAuth(TOKEN, "node-a", at(NOW_MS)), "POST", PATH, BODY);
        String good = h.get(NodeAuth.SIGNATURE_HEADER);
        char last = good.charAt(63);
        for (String bad : new String[] {good.substring(0, 63) + (last == '0' ? '1' : '0'), good.toUpperCase(),
                good.substring(2), good + "00", "", "zz" + good.substring(2)}) {
            MultiMap forged = HttpHeaders.headers().addAll(h).set(NodeAuth.SIGNATURE_HEADER, bad);
            assertThat(verify(owner, "POST", PATH, forged, BODY)).as(bad).isFalse();
        }
        assertThat(owner.verify("POST", PATH, "node-a", h.get(NodeAuth.TIMESTAMP_HEADER), null, BODY, BODY.length)).isFalse();
    }

    @Test
    void refusesARequestChangedInAnySignedPart() {
        NodeAuth owner = new NodeAuth(TOKEN, "node-b", at(NOW_MS));
        MultiMap h = signed(new NodeAuth(TOKEN, "node-a", at(NOW_MS)), "POST", PATH, BODY);
        byte[] otherBody = BODY.clone();
        otherBody[10] ^= 1;

        assertThat(verify(owner, "PUT", PATH, h, BODY)).isFalse();
        assertThat(verify(owner, "POST", PATH.replace("K1", "K2"), h, BODY)).isFalse();
        assertThat(verify(owner, "POST", PATH.replace("2025-01-31", "2025-02-28"), h, BODY)).isFalse();
        assertThat(verify(owner, "POST", PATH, h, otherBody)).isFalse();
        assertThat(verify(owner, "POST", PATH, HttpHeaders.headers().addAll(h).set(NodeAuth.NODE_HEADER, "node-c"), BODY)).isFalse();
        assertThat(owner.verify("POST", PATH, null, h.get(NodeAuth.TIMESTAMP_HEADER), h.get(NodeAuth.SIGNATURE_HEADER),
                BODY, BODY.length)).isFalse();
        // only bodyLength bytes count: the body as a prefix of a longer buffer verifies
        byte[] longer = java.util.Arrays.copyOf(BODY, BODY.length + 5);
        assertThat(owner.verify("POST", PATH, "node-a", h.get(NodeAuth.TIMESTAMP_HEADER), h.get(NodeAuth.SIGNATURE_HEADER),
                longer, BODY.length)).isTrue();
    }

    @Test
    void refusesAStaleOrFutureTimestampBeyondThreeHundredSeconds() {
        MultiMap h = signed(new NodeAuth(TOKEN, "node-a", at(NOW_MS)), "GET", PATH, new byte[0]);

        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS + 300_000)), "GET", PATH, h, new byte[0])).isTrue();
        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS - 300_000)), "GET", PATH, h, new byte[0])).isTrue();
        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS + 300_001)), "GET", PATH, h, new byte[0])).isFalse();
        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS - 300_001)), "GET", PATH, h, new byte[0])).isFalse();
    }

    @Test
    void refusesATimestampThatIsNotTheSignedOne() throws Exception {
        NodeAuth owner = new NodeAuth(TOKEN, "node-b", at(NOW_MS));
        MultiMap h = signed(new NodeAuth(TOKEN, "node-a", at(NOW_MS)), "GET", PATH, new byte[0]);
        String sig = h.get(NodeAuth.SIGNATURE_HEADER);

        assertThat(owner.verify("GET", PATH, "node-a", Long.toString(NOW_MS + 1), sig, new byte[0], 0)).isFalse();
        // a signature over a non-numeric timestamp is refused for its timestamp, though the MAC is right
        String odd = "17e11";
        assertThat(owner.verify("GET", PATH, "node-a", odd, specSignature(TOKEN, "GET", PATH, odd, "node-a", new byte[0]),
                new byte[0], 0)).isFalse();
        assertThat(owner.verify("GET", PATH, "node-a", null, sig, new byte[0], 0)).isFalse();
    }

    @Test
    void refusesASignatureMadeWithAnotherToken() {
        MultiMap h = signed(new NodeAuth("another-cluster-token", "node-a", at(NOW_MS)), "POST", PATH, BODY);

        assertThat(verify(new NodeAuth(TOKEN, "node-b", at(NOW_MS)), "POST", PATH, h, BODY)).isFalse();
        assertThat(verify(new NodeAuth("another-cluster-token", "node-b", at(NOW_MS)), "POST", PATH, h, BODY)).isTrue();
    }

    @Test
    void refusesAnEmptyTokenAndNodeIdsThatAreNoHeaderValue() {
        assertThatThrownBy(() -> new NodeAuth(" ", "node-a", at(NOW_MS))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeAuth(null, "node-a", at(NOW_MS))).isInstanceOf(IllegalArgumentException.class);
        for (String id : new String[] {"", "node a", "n\u00f6de", "n\r\nX: y", "x".repeat(NodeAuth.NODE_ID_CHARS_MAX + 1)}) {
            assertThatThrownBy(() -> new NodeAuth(TOKEN, id, at(NOW_MS))).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new NodeAuth(TOKEN, "x".repeat(NodeAuth.NODE_ID_CHARS_MAX), at(NOW_MS)).nodeId()).hasSize(64);
    }
}
