package id.lumbung.core.settlement;

import id.lumbung.core.digest.Sha256;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Name, size and SHA-256 of one settlement file, as the cooperative API lists it
 * ({@code "files":[{"name","size","sha256"}]}, lowercase hex) and serves it
 * ({@code Repr-Digest: sha-256=:<base64>:}).
 *
 * @param name file name inside the batch folder, e.g. {@code <batchId>.csv}
 * @param sizeBytes length in bytes
 * @param sha256Hex SHA-256 of the bytes, 64 lowercase hex digits
 */
public record FileDigest(String name, long sizeBytes, String sha256Hex) {

    private static final int SHA256_HEX_CHARS = 64; // 32 bytes * 2 hex digits

    public FileDigest {
        if (sha256Hex.length() != SHA256_HEX_CHARS || !sha256Hex.equals(sha256Hex.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256Hex);
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size " + sizeBytes + " for " + name);
        }
    }

    /** The digest of {@code bytes} under {@code name}. */
    public static FileDigest of(String name, byte[] bytes) {
        return new FileDigest(name, bytes.length, sha256Hex(bytes));
    }

    /** The same digest in base64, for {@code Repr-Digest: sha-256=:<base64>:}. */
    public String sha256Base64() {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
    }

    /** SHA-256 of {@code bytes} as 64 lowercase hex digits. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.of(bytes));
    }

    /** SHA-256 of {@code bytes} in standard base64 with padding (44 characters). */
    public static String sha256Base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(Sha256.of(bytes));
    }
}
