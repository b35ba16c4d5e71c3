package id.lumbung.ingest;

import id.lumbung.core.digest.Hex;
import id.lumbung.core.digest.HmacSha256;
import id.lumbung.core.digest.Sha256;
import id.lumbung.core.reference.Terminal;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a terminal request's signature: lowercase hex of HMAC-SHA256(key,
 * {@code METHOD \n PATH \n X-Timestamp \n hex(SHA-256(body))}), compared in constant time, against
 * the terminal's key and, during a key changeover, its next key. One instance per event loop.
 */
public final class TerminalAuth {
    private final MessageDigest sha256 = Sha256.newDigest();
    /** The HMAC: its own hash, apart from the body digest's, so that the two never share state. */
    private final HmacSha256 mac = new HmacSha256();
    private final byte[] presented = new byte[32];
    private final byte[] bodyDigest = new byte[32];
    private final byte[] bodyDigestHex = new byte[64];
    private final byte[] computed = new byte[32];
    /** Method, path and timestamp as ASCII; a path longer than the HTTP initial line limit (4 KiB) cannot arrive. */
    private final byte[] scratch = new byte[4096];
    private int filled;

    /** Whether {@code signatureHex} signs the request with the terminal's key or next key. */
    public boolean verify(Terminal terminal, String method, String path, String timestamp, byte[] body, int bodyLength,
            String signatureHex) {
        if (signatureHex == null || !Hex.parseLowercase(signatureHex, presented)) {
            return false;
        }
        sha256.reset();
        sha256.update(body, 0, bodyLength);
        digestInto(sha256, bodyDigest);
        Hex.formatLowercase(bodyDigest, bodyDigestHex);
        boolean ok = matches(terminal.key(), method, path, timestamp);
        if (!ok && terminal.nextKey() != null) {
            ok = matches(terminal.nextKey(), method, path, timestamp);
        }
        return ok;
    }

    /**
     * HMAC-SHA256 of the canonical string with {@code key} ({@link HmacSha256}, allocation-free),
     * compared in constant time. Checked against {@code javax.crypto.Mac} by {@link #sign} in
     * TerminalAuthTest and TerminalAuthFuzzTest.
     */
    private boolean matches(byte[] key, String method, String path, String timestamp) {
        mac.start(key);
        // UTF-8 throughout, as sign() builds the string; ASCII (every real header) is copied into a
        // reused buffer, anything else goes through getBytes so two headers never share a MAC input
        filled = 0;
        put(method);
        put('\n');
        put(path);
        put('\n');
        put(timestamp);
        put('\n');
        mac.update(scratch, 0, filled);
        mac.update(bodyDigestHex, 0, bodyDigestHex.length);
        mac.finish(computed);
        return MessageDigest.isEqual(computed, presented);
    }

    private static void digestInto(MessageDigest digest, byte[] out) {
        try {
            digest.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private void put(char c) {
        if (filled == scratch.length) {
            mac.update(scratch, 0, filled);
            filled = 0;
        }
        scratch[filled++] = (byte) c;
    }

    /** Appends a string's UTF-8 bytes to the MAC input, through the scratch buffer when it is short ASCII. */
    private void put(String s) {
        int n = s.length();
        boolean ascii = filled + n <= scratch.length;
        for (int i = 0; ascii && i < n; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (!ascii) {
            mac.update(scratch, 0, filled);
            filled = 0;
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            mac.update(utf8, 0, utf8.length);
            return;
        }
        for (int i = 0; i < n; i++) {
            scratch[filled + i] = (byte) s.charAt(i);
        }
        filled += n;
    }

    /** Signs a request as a terminal would (used by clients, tests and the load generator). */
    public static String sign(byte[] key, String method, String path, String timestamp, byte[] body) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            String bodyHex = HexFormat.of().formatHex(Sha256.of(body));
            String canonical = method + "\n" + path + "\n" + timestamp + "\n" + bodyHex;
            return HexFormat.of().formatHex(m.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
