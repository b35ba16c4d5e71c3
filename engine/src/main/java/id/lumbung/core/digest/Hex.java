package id.lumbung.core.digest;

/**
 * Hand-written hex for 32-byte keys and digests. Reference data holds millions of keys, so
 * parsing avoids regex, exceptions and intermediate strings: one pass, one array per key, null
 * when the text is not a key. Request signatures (terminal and node-to-node) parse and format
 * lowercase hex into caller's arrays, so that checking one allocates nothing. Formatting into a
 * string uses the JDK's {@link java.util.HexFormat}.
 */
public final class Hex {
    /** 32 bytes (SHA-256 output, HMAC-SHA256 key) are 64 hex characters. */
    public static final int KEY_BYTES = 32;
    public static final int KEY_HEX_CHARS = KEY_BYTES * 2;

    private static final byte[] LOWERCASE_DIGITS = {
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

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

    /**
     * Parses exactly {@code 2 * out.length} lowercase hex characters into {@code out}. Signatures are
     * lowercase by contract, so an uppercase digit is refused as any other wrong character.
     *
     * @return false when the text is anything else ({@code out} then holds a partial parse)
     */
    public static boolean parseLowercase(String text, byte[] out) {
        if (text.length() != out.length * 2) {
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            int high = lowercaseDigit(text.charAt(2 * i));
            int low = lowercaseDigit(text.charAt(2 * i + 1));
            if ((high | low) < 0) {
                return false;
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return true;
    }

    /** Writes the lowercase hex of {@code bytes} as ASCII into {@code ascii[0, 2 * bytes.length)}. */
    public static void formatLowercase(byte[] bytes, byte[] ascii) {
        for (int i = 0; i < bytes.length; i++) {
            ascii[2 * i] = LOWERCASE_DIGITS[(bytes[i] >> 4) & 0xF];
            ascii[2 * i + 1] = LOWERCASE_DIGITS[bytes[i] & 0xF];
        }
    }

    private static int lowercaseDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
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
