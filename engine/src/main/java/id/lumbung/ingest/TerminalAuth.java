package id.lumbung.ingest;

import id.lumbung.reference.Sha256;
import id.lumbung.reference.Terminal;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a terminal request's signature: lowercase hex of HMAC-SHA256(key,
 * {@code METHOD \n PATH \n X-Timestamp \n hex(SHA-256(body))}), compared in constant time, against
 * the terminal's key and, during a key changeover, its next key. One instance per event loop.
 */
public final class TerminalAuth {
    /** Clocks of terminals and engine may differ by up to five minutes (DESIGN: ±300 s). */
    public static final long TIMESTAMP_SKEW_MAX_MS = 300_000L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Mac mac;
    /** The key being tried, handed to {@link Mac#init} without a SecretKeySpec per request. */
    private final ReusedKey macKey = new ReusedKey();
    private final MessageDigest sha256 = Sha256.newDigest();
    private final byte[] presented = new byte[32];
    private final byte[] bodyDigest = new byte[32];
    private final byte[] bodyDigestHex = new byte[64];
    private final byte[] computed = new byte[32];
    /** Method, path and timestamp as ASCII; a path longer than the HTTP initial line limit (4 KiB) cannot arrive. */
    private final byte[] scratch = new byte[4096];
    private int filled;

    public TerminalAuth() {
        try {
            mac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /** Whether the timestamp header is a number within the allowed skew of {@code nowMs}. */
    public static boolean timestampFresh(String header, long nowMs) {
        if (header == null || header.isEmpty() || header.length() > 19) {
            return false;
        }
        long ts = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            ts = ts * 10 + (c - '0');
        }
        return Math.abs(nowMs - ts) <= TIMESTAMP_SKEW_MAX_MS;
    }

    /** Whether {@code signatureHex} signs the request with the terminal's key or next key. */
    public boolean verify(Terminal terminal, String method, String path, String timestamp, byte[] body, int bodyLength,
            String signatureHex) {
        if (signatureHex == null || !unhex(signatureHex, presented)) {
            return false;
        }
        sha256.reset();
        sha256.update(body, 0, bodyLength);
        try {
            sha256.digest(bodyDigest, 0, bodyDigest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < 32; i++) {
            bodyDigestHex[2 * i] = (byte) HEX[(bodyDigest[i] >> 4) & 0xF];
            bodyDigestHex[2 * i + 1] = (byte) HEX[bodyDigest[i] & 0xF];
        }
        boolean ok = matches(terminal.key(), method, path, timestamp);
        if (!ok && terminal.nextKey() != null) {
            ok = matches(terminal.nextKey(), method, path, timestamp);
        }
        return ok;
    }

    private boolean matches(byte[] key, String method, String path, String timestamp) {
        try {
            macKey.set(key);
            mac.init(macKey);
        } catch (InvalidKeyException e) {
            return false;
        }
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
        mac.update(bodyDigestHex);
        try {
            mac.doFinal(computed, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return MessageDigest.isEqual(computed, presented);
    }

    /**
     * A terminal key as a {@link SecretKey} that hands out one reused array. {@code new SecretKeySpec(key)}
     * per request cost 96 B (the spec and its copy of the key) on top of the copy {@code getEncoded}
     * makes for {@code Mac.init}. The JDK's HMAC (SunJCE {@code HmacCore.engineInit}) XORs the array
     * it gets into its own pads at once and then zeroes it, so one array per verifier serves every
     * init: {@link #getEncoded} refills it each time, and nothing else ever sees it.
     */
    private static final class ReusedKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private transient byte[] key = new byte[0];
        private transient byte[] handedOut = new byte[0];

        void set(byte[] key) {
            this.key = key;
            if (handedOut.length != key.length) {
                handedOut = new byte[key.length]; // once per key length: every key is 32 bytes
            }
        }

        @Override
        public byte[] getEncoded() {
            System.arraycopy(key, 0, handedOut, 0, key.length);
            return handedOut;
        }

        @Override
        public String getAlgorithm() {
            return "HmacSHA256";
        }

        @Override
        public String getFormat() {
            return "RAW";
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
            mac.update(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < n; i++) {
            scratch[filled + i] = (byte) s.charAt(i);
        }
        filled += n;
    }

    private static boolean unhex(String s, byte[] out) {
        if (s.length() != out.length * 2) {
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            int hi = nibble(s.charAt(2 * i));
            int lo = nibble(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return false;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return true;
    }

    private static int nibble(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
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
