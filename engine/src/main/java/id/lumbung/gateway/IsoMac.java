package id.lumbung.gateway;

import id.lumbung.core.digest.Sha256;
import id.lumbung.core.reference.Terminal;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * Field 64 (DESIGN.md, "Security defaults"): the first 8 bytes of HMAC-SHA256(terminal key, the
 * message's bytes from the MTI up to field 64, exclusive, as sent, without the length header).
 * Verifies a request's MAC against the terminal's key and, during a changeover, its next key, and
 * signs an answer with the key that verified. One instance per connection, used on its event loop.
 *
 * <p>HMAC (RFC 2104) on the JDK's SHA-256, H((K xor opad) || H((K xor ipad) || message)), as
 * {@code ingest.TerminalAuth} computes it and for the same reason: {@code javax.crypto.Mac} would
 * allocate a key spec and a result array per request. IsoGatewayTest checks it against
 * {@code javax.crypto.Mac} through jPOS-packed messages.
 */
final class IsoMac {
    /** Field 64 is 8 bytes ({@code IFB_BINARY 8} in ISO87B). */
    static final int MAC_BYTES = 8;
    static final int FIELD_MAC = 64;
    /** SHA-256 block size in bytes: HMAC pads the key to one block. */
    private static final int BLOCK_BYTES = 64;
    private static final int DIGEST_BYTES = 32;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha256 = Sha256.newDigest();
    private final byte[] pad = new byte[BLOCK_BYTES];
    private final byte[] longKeyDigest = new byte[DIGEST_BYTES];
    private final byte[] digest = new byte[DIGEST_BYTES];

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
        if (key.length > BLOCK_BYTES) { // RFC 2104: a key longer than a block is hashed first (keys are 32 bytes)
            sha256.reset();
            sha256.update(key, 0, key.length);
            digestInto(longKeyDigest);
            key = longKeyDigest;
        }
        sha256.reset();
        keyPad(key, IPAD);
        sha256.update(pad, 0, BLOCK_BYTES);
        sha256.update(message, 0, length);
        digestInto(digest);
        keyPad(key, OPAD);
        sha256.update(pad, 0, BLOCK_BYTES);
        sha256.update(digest, 0, DIGEST_BYTES);
        digestInto(digest);
    }

    /** The key zero-padded to one block, each byte XORed with {@code with}, into {@link #pad}. */
    private void keyPad(byte[] key, byte with) {
        for (int i = 0; i < BLOCK_BYTES; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ with);
        }
    }

    private void digestInto(byte[] out) {
        try {
            sha256.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
