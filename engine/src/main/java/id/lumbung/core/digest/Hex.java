package id.lumbung.core.digest;

/**
 * Hand-written hex parser for 32-byte keys and digests. Reference data holds millions of keys, so
 * parsing avoids regex, exceptions and intermediate strings: one pass, one array per key, null
 * when the text is not a key. Formatting uses the JDK's {@link java.util.HexFormat}.
 */
public final class Hex {
    /** 32 bytes (SHA-256 output, HMAC-SHA256 key) are 64 hex characters. */
    public static final int KEY_BYTES = 32;
    public static final int KEY_HEX_CHARS = KEY_BYTES * 2;

    private Hex() {
    }

    /**
     * Parses exactly 64 hex characters (either case) into 32 bytes.
     *
     * @return the bytes, or {@code null} when the text is not exactly 64 hex characters
     */
    public static byte[] parseKey(String text) {
        if (text.length() != KEY_HEX_CHARS) {
            return null;
        }
        byte[] bytes = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) {
            int high = digit(text.charAt(2 * i));
            int low = digit(text.charAt(2 * i + 1));
            if ((high | low) < 0) {
                return null;
            }
            bytes[i] = (byte) ((high << 4) | low);
        }
        return bytes;
    }

    /** Value of one hex digit, or -1. */
    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
