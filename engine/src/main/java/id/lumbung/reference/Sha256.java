package id.lumbung.reference;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of UTF-8 text, for token checks and the demo key derivation. */
final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest; {@link MessageDigest} is not thread-safe, so each caller owns its own. */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (MessageDigest Javadoc), so this is a broken JDK
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, using {@code digest} (reset afterwards). */
    static byte[] of(MessageDigest digest, String text) {
        return digest.digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    static byte[] of(String text) {
        return of(newDigest(), text);
    }
}
