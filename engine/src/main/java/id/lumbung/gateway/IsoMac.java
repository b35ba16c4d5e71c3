package id.lumbung.gateway;

import id.lumbung.core.digest.HmacSha256;
import id.lumbung.core.reference.Terminal;

/**
 * Field 64 (DESIGN.md, "Security defaults"): the first 8 bytes of HMAC-SHA256(terminal key, the
 * message's bytes from the MTI up to field 64, exclusive, as sent, without the length header).
 * Verifies a request's MAC against the terminal's key and, during a changeover, its next key, and
 * signs an answer with the key that verified. One instance per connection, used on its event loop.
 *
 * <p>The HMAC is {@link HmacSha256}, the engine's allocation-free one, as for HTTP request
 * signatures. IsoGatewayTest checks field 64 against {@code javax.crypto.Mac} through jPOS-packed
 * messages.
 */
final class IsoMac {
    /** Field 64 is 8 bytes ({@code IFB_BINARY 8} in ISO87B). */
    static final int MAC_BYTES = 8;
    static final int FIELD_MAC = 64;
    private final HmacSha256 hmac = new HmacSha256();
    private final byte[] digest = new byte[HmacSha256.MAC_BYTES];

    /**
     * The key under which the request's field 64 is valid: the terminal's key, else its next key;
     * null when the request has no field 64 or neither key gives it.
     */
    byte[] verifiedKey(Iso8583Message request, Terminal terminal) {
        if (!request.has(FIELD_MAC) || request.contentBytes(FIELD_MAC) != MAC_BYTES) {
            return null;
        }
        int macOffset = request.contentOffset(FIELD_MAC);
        if (matches(terminal.key(), request.buffer(), macOffset)) {
            return terminal.key();
        }
        byte[] next = terminal.nextKey();
        return next != null && matches(next, request.buffer(), macOffset) ? next : null;
    }

    /** Writes the MAC of {@code message[0..length)} under {@code key} at {@code message[length..length+8)}. */
    void sign(byte[] key, byte[] message, int length) {
        hmac(key, message, length);
        System.arraycopy(digest, 0, message, length, MAC_BYTES);
    }

    /** Whether the 8 bytes at {@code message[macOffset..]} are the MAC of the bytes before them; constant time. */
    private boolean matches(byte[] key, byte[] message, int macOffset) {
        hmac(key, message, macOffset);
        int difference = 0;
        for (int i = 0; i < MAC_BYTES; i++) {
            difference |= digest[i] ^ message[macOffset + i];
        }
        return difference == 0;
    }

    private void hmac(byte[] key, byte[] message, int length) {
        hmac.start(key);
        hmac.update(message, 0, length);
        hmac.finish(digest);
    }
}
