package id.lumbung.reference;

/**
 * Hand-written hex codec for 32-byte keys and digests. Reference data holds millions of keys, so
 * parsing avoids regex and intermediate strings: one pass, one array per key.
 */
final class Hex {
    /** 32 bytes (SHA-256 output, HMAC-SHA256 key) are 64 hex characters. */
    static final int KEY_BYTES = 32;
    static final int KEY_HEX_CHARS = KEY_BYTES * 2;

    private static final char[] LOWER_DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /**
     * Parses exactly 64 hex characters (either case) into 32 bytes.
     *
     * @return the bytes, or {@code null} when the text is not exactly 64 hex characters
     */
    static byte[] parseKey(String text) {
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

    /** Lowercase hex of {@code bytes}. */
    static String toLowerHex(byte[] bytes) {
        char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = LOWER_DIGITS[(bytes[i] >> 4) & 0xF];
            chars[2 * i + 1] = LOWER_DIGITS[bytes[i] & 0xF];
        }
        return new String(chars);
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
