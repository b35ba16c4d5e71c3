package id.lumbung.core.digest;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) on the JDK's SHA-256, H((K xor opad) || H((K xor ipad) || message)),
 * without allocating per MAC: the terminals' request signatures (HTTP) and the ISO 8583 field 64
 * both go through it. Not {@code javax.crypto.Mac}, because its {@code doFinal(byte[], int)} builds
 * the result in a new array and copies it (48 B per key tried, JMH), and {@code init} wants a new
 * {@code SecretKeySpec} (another 96 B) per key.
 *
 * <p>Use: {@link #start} with the key, {@link #update} with the message in any number of pieces,
 * {@link #finish} into a caller's array. Not thread-safe: one instance per thread (event loop or
 * connection). HmacSha256Test checks it against {@code javax.crypto.Mac}.
 */
public final class HmacSha256 {
    /** The MAC's length in bytes. */
    public static final int MAC_BYTES = 32;
    /** SHA-256 block size in bytes: HMAC pads the key to one block. */
    private static final int BLOCK_BYTES = 64;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha256;
    private final byte[] pad = new byte[BLOCK_BYTES];
    private final byte[] longKeyDigest = new byte[MAC_BYTES];
    private final byte[] inner = new byte[MAC_BYTES];
    /** The key of the MAC under way (a caller's array, or {@link #longKeyDigest}); null between MACs. */
    private byte[] key;

    public HmacSha256() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest Javadoc), so this is a broken JDK
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** Begins a MAC under {@code key}; a MAC under way is dropped. The key array must not change until {@link #finish}. */
    public void start(byte[] key) {
        if (key.length > BLOCK_BYTES) { // RFC 2104: a key longer than a block is hashed first (terminal keys are 32 bytes)
            sha256.reset();
            sha256.update(key, 0, key.length);
            digestInto(longKeyDigest);
            key = longKeyDigest;
        }
        this.key = key;
        sha256.reset();
        keyPad(key, IPAD);
        sha256.update(pad, 0, BLOCK_BYTES);
    }

    /** Adds {@code bytes[offset, offset + length)} to the message. */
    public void update(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
    }

    /** Ends the MAC: its {@link #MAC_BYTES} bytes go to {@code out[0, 32)}. */
    public void finish(byte[] out) {
        if (key == null) {
            throw new IllegalStateException("finish without start");
        }
        digestInto(inner);
        keyPad(key, OPAD);
        key = null;
        sha256.update(pad, 0, BLOCK_BYTES);
        sha256.update(inner, 0, MAC_BYTES);
        digestInto(out);
    }

    /** The key zero-padded to one block, each byte XORed with {@code with}, into {@link #pad}. */
    private void keyPad(byte[] key, byte with) {
        for (int i = 0; i < BLOCK_BYTES; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ with);
        }
    }

    private void digestInto(byte[] out) {
        try {
            sha256.digest(out, 0, MAC_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
