package id.lumbung.core.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, the one place the engine asks the JDK for it: token checks, the demo key derivation,
 * settlement file digests, the admin token check and request signing.
 */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest; {@link MessageDigest} is not thread-safe, so each caller owns its own. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest Javadoc), so this is a broken JDK
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, using {@code digest} (reset afterwards). */
    public static byte[] of(MessageDigest digest, String text) {
        return digest.digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static byte[] of(String text) {
        return of(newDigest(), text);
    }

    /** SHA-256 of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        return newDigest().digest(bytes);
    }
}
