package id.lumbung.cluster;

import id.lumbung.core.digest.Hex;
import id.lumbung.core.digest.HmacSha256;
import id.lumbung.core.digest.Sha256;
import id.lumbung.web.RequestTimestamp;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Signs and verifies a request one node sends another, with the shared admin token but without
 * sending it. Headers: {@value #NODE_HEADER} (the sender's node id), {@value #TIMESTAMP_HEADER}
 * (epoch ms) and {@value #SIGNATURE_HEADER}: lowercase hex HMAC-SHA256(key = SHA-256 of the token's
 * UTF-8 bytes, {@code METHOD \n PATH-with-query \n timestamp \n sender \n hex(SHA-256(body))}),
 * compared in constant time; the timestamp must be within {@link RequestTimestamp#SKEW_MAX_MS} of
 * the receiver's clock.
 *
 * <p>Thread-safe: each call uses digests of its own, so one instance serves every event loop. A
 * forwarded request allocates its client request, headers and body buffer anyway; two digests
 * per call are small next to those.
 */
public final class NodeAuth {
    public static final String NODE_HEADER = "X-Lumbung-Node";
    public static final String TIMESTAMP_HEADER = "X-Lumbung-Node-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Lumbung-Node-Signature";
    /** A node id is a short name ({@code --node-id}); 64 characters bound what a header may claim. */
    public static final int NODE_ID_CHARS_MAX = 64;

    /** SHA-256 of the token: a 32-byte HMAC key whatever the token's length, and the token itself is never kept. */
    private final byte[] key;
    private final String nodeId;
    private final Clock clock;

    /**
     * @param adminToken the admin token every node of the cluster shares
     * @param nodeId this node's id, sent with what it signs: 1 to {@value #NODE_ID_CHARS_MAX} visible ASCII characters
     * @param clock the clock timestamps are written and checked with
     */
    public NodeAuth(String adminToken, String nodeId, Clock clock) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("node requests are signed with the admin token, and it is empty");
        }
        if (!validNodeId(nodeId)) {
            throw new IllegalArgumentException("a node id is 1 to " + NODE_ID_CHARS_MAX
                    + " visible ASCII characters (no space), not \"" + nodeId + "\"");
        }
        this.key = Sha256.of(adminToken);
        this.nodeId = nodeId;
        this.clock = clock;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Sets the three node headers on {@code headers} (replacing any there) for a request this node sends now. */
    public void sign(MultiMap headers, String method, String pathAndQuery, byte[] body) {
        String timestamp = Long.toString(clock.millis());
        headers.set(NODE_HEADER, nodeId)
                .set(TIMESTAMP_HEADER, timestamp)
                .set(SIGNATURE_HEADER, HexFormat.of().formatHex(mac(method, pathAndQuery, timestamp, nodeId, body, body.length)));
    }

    /**
     * Whether the header values sign this request with the shared token and the timestamp is fresh.
     * Only {@code body[0, bodyLength)} counts. Any header missing or malformed is false.
     */
    public boolean verify(String method, String pathAndQuery, String sender, String timestamp, String signatureHex,
            byte[] body, int bodyLength) {
        if (!validNodeId(sender) || !RequestTimestamp.fresh(timestamp, clock.millis()) || signatureHex == null) {
            return false;
        }
        byte[] presented = new byte[HmacSha256.MAC_BYTES];
        if (!Hex.parseLowercase(signatureHex, presented)) {
            return false;
        }
        return MessageDigest.isEqual(mac(method, pathAndQuery, timestamp, sender, body, bodyLength), presented);
    }

    private byte[] mac(String method, String pathAndQuery, String timestamp, String sender, byte[] body, int bodyLength) {
        MessageDigest bodySha256 = Sha256.newDigest();
        bodySha256.update(body, 0, bodyLength);
        byte[] bodyHex = new byte[2 * HmacSha256.MAC_BYTES];
        Hex.formatLowercase(bodySha256.digest(), bodyHex);
        byte[] head = (method + '\n' + pathAndQuery + '\n' + timestamp + '\n' + sender + '\n').getBytes(StandardCharsets.UTF_8);
        HmacSha256 hmac = new HmacSha256();
        hmac.start(key);
        hmac.update(head, 0, head.length);
        hmac.update(bodyHex, 0, bodyHex.length);
        byte[] out = new byte[HmacSha256.MAC_BYTES];
        hmac.finish(out);
        return out;
    }

    /** 1 to {@link #NODE_ID_CHARS_MAX} characters from '!' to '~': a header value that needs no quoting. */
    static boolean validNodeId(String id) {
        if (id == null || id.isEmpty() || id.length() > NODE_ID_CHARS_MAX) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
