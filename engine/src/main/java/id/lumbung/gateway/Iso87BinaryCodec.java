package id.lumbung.gateway;

/**
 * ISO 8583:1987 binary codec, byte for byte what jPOS 2.1.10 {@code ISO87BPackager} reads and
 * writes: MTI as 2 BCD bytes, a binary primary bitmap (8 bytes) and, when bit 1 is set, a binary
 * secondary bitmap (8 bytes), then the present fields in ascending order.
 *
 * <p>The field table ({@link #kind}, {@link #maxUnits}) is {@code ISO87BPackager}'s, field by
 * field, as read from the 2.1.10 jar:
 * <ul>
 * <li>{@code IFB_NUMERIC}: fixed BCD, {@code (n + 1) / 2} bytes, left-padded with a 0 nibble when n is odd;</li>
 * <li>{@code IFB_LLNUM} (2, 32, 33, 35, 99, 100): 1-byte BCD digit count, then the digits BCD,
 *     <em>right</em>-padded with a 0 nibble when odd (the packager builds them with pad=false);</li>
 * <li>{@code IFB_LLCHAR}: 1-byte BCD length, ASCII; {@code IFB_LLLCHAR}: 2-byte BCD length, ASCII;</li>
 * <li>{@code IF_CHAR}: fixed ASCII (37, 38, 39, 41, 42, 49 among others), space-padded on the right;</li>
 * <li>{@code IFB_BINARY}: fixed bytes (52, 64, 65, 96, 128);</li>
 * <li>{@code IFB_AMOUNT} (28..31, 97): one ASCII sign character ({@code C}/{@code D}) then n-1 digits fixed BCD.</li>
 * </ul>
 *
 * <p>Decoding is total: every malformed input yields a negative {@code ERR_*} value, never an
 * exception, and reads only within the frame. Lengths above a field's maximum are refused (jPOS
 * refuses them too, or silently drops the field).
 */
public final class Iso87BinaryCodec {

    static final byte KIND_FIXED_BCD = 1;
    static final byte KIND_LL_BCD = 2;
    static final byte KIND_LL_CHAR = 3;
    static final byte KIND_LLL_CHAR = 4;
    static final byte KIND_FIXED_CHAR = 5;
    static final byte KIND_FIXED_BINARY = 6;
    static final byte KIND_AMOUNT = 7;

    /** Decoded without fault. */
    public static final int OK = 0;
    /** The frame ends inside the MTI, a bitmap, a length prefix or a field. */
    public static final int ERR_TRUNCATED = -1;
    /** The MTI is not four decimal digits. */
    public static final int ERR_MTI = -2;
    /** A length prefix is not BCD, or exceeds the field's maximum. */
    public static final int ERR_FIELD_LENGTH = -3;
    /** Bytes remain after the last field the bitmap announces. */
    public static final int ERR_TRAILING_BYTES = -4;
    /** The frame does not fit the message buffer. */
    public static final int ERR_FRAME_TOO_LONG = -5;

    private static final int MTI_BYTES = 2;
    private static final int BITMAP_BYTES = 8;
    private static final long SECONDARY_BITMAP_BIT = 1L << 63;

    private static final byte[] KIND = new byte[Iso8583Message.FIELD_MAX + 1];
    private static final short[] MAX_UNITS = new short[Iso8583Message.FIELD_MAX + 1];

    static {
        fixedBcd(3, 6); fixedBcd(4, 12); fixedBcd(5, 12); fixedBcd(6, 12); fixedBcd(7, 10);
        fixedBcd(8, 8); fixedBcd(9, 8); fixedBcd(10, 8); fixedBcd(11, 6); fixedBcd(12, 6);
        for (int f = 13; f <= 18; f++) {
            fixedBcd(f, 4);
        }
        for (int f = 19; f <= 24; f++) {
            fixedBcd(f, 3);
        }
        fixedBcd(25, 2); fixedBcd(26, 2); fixedBcd(27, 1);
        for (int f = 28; f <= 31; f++) {
            define(f, KIND_AMOUNT, 9);
        }
        define(2, KIND_LL_BCD, 19); define(32, KIND_LL_BCD, 11); define(33, KIND_LL_BCD, 11);
        define(34, KIND_LL_CHAR, 28); define(35, KIND_LL_BCD, 37); define(36, KIND_LLL_CHAR, 104);
        fixedChar(37, 12); fixedChar(38, 6); fixedChar(39, 2); fixedChar(40, 3); fixedChar(41, 8);
        fixedChar(42, 15); fixedChar(43, 40);
        define(44, KIND_LL_CHAR, 25); define(45, KIND_LL_CHAR, 76);
        for (int f = 46; f <= 48; f++) {
            define(f, KIND_LLL_CHAR, 999);
        }
        fixedChar(49, 3); fixedChar(50, 3); fixedChar(51, 3);
        define(52, KIND_FIXED_BINARY, 8); fixedBcd(53, 16); define(54, KIND_LLL_CHAR, 120);
        for (int f = 55; f <= 63; f++) {
            define(f, KIND_LLL_CHAR, 999);
        }
        define(64, KIND_FIXED_BINARY, 8); define(65, KIND_FIXED_BINARY, 1);
        fixedBcd(66, 1); fixedBcd(67, 2); fixedBcd(68, 3); fixedBcd(69, 3); fixedBcd(70, 3);
        fixedBcd(71, 4); fixedBcd(72, 4); fixedBcd(73, 6);
        for (int f = 74; f <= 81; f++) {
            fixedBcd(f, 10);
        }
        for (int f = 82; f <= 85; f++) {
            fixedBcd(f, 12);
        }
        for (int f = 86; f <= 89; f++) {
            fixedBcd(f, 16);
        }
        fixedBcd(90, 42);
        fixedChar(91, 1); fixedChar(92, 2); fixedChar(93, 6); fixedChar(94, 7); fixedChar(95, 42);
        define(96, KIND_FIXED_BINARY, 16); define(97, KIND_AMOUNT, 17); fixedChar(98, 25);
        define(99, KIND_LL_BCD, 11); define(100, KIND_LL_BCD, 11);
        define(101, KIND_LL_CHAR, 17); define(102, KIND_LL_CHAR, 28); define(103, KIND_LL_CHAR, 28);
        define(104, KIND_LLL_CHAR, 100);
        for (int f = 105; f <= 127; f++) {
            define(f, KIND_LLL_CHAR, 999);
        }
        define(128, KIND_FIXED_BINARY, 8);
        for (int f = 2; f <= Iso8583Message.FIELD_MAX; f++) {
            if (KIND[f] == 0) {
                throw new AssertionError("ISO87B field table has no entry for field " + f);
            }
        }
    }

    private Iso87BinaryCodec() {
    }

    private static void fixedBcd(int field, int digits) {
        define(field, KIND_FIXED_BCD, digits);
    }

    private static void fixedChar(int field, int chars) {
        define(field, KIND_FIXED_CHAR, chars);
    }

    private static void define(int field, byte kind, int maxUnits) {
        KIND[field] = kind;
        MAX_UNITS[field] = (short) maxUnits;
    }

    /** The field's kind ({@code KIND_*}); 0 for field 1 (the secondary bitmap) and out of range. */
    static byte kind(int field) {
        return field < 0 || field > Iso8583Message.FIELD_MAX ? 0 : KIND[field];
    }

    /** Fixed length, or maximum length of a variable field, in digits, characters or bytes. */
    static int maxUnits(int field) {
        return MAX_UNITS[field];
    }

    /** Bytes of the length prefix: 1 for LL, 2 for LLL, 0 for fixed fields. */
    static int prefixBytes(int field) {
        byte kind = KIND[field];
        if (kind == KIND_LL_BCD || kind == KIND_LL_CHAR) {
            return 1;
        }
        return kind == KIND_LLL_CHAR ? 2 : 0;
    }

    /**
     * Decodes the frame body already copied to {@code message.buffer()[0..frameLength)}.
     *
     * @return {@link #OK} or a negative {@code ERR_*} value
     */
    public static int decode(Iso8583Message message, int frameLength) {
        byte[] buf = message.buffer();
        if (frameLength < 0 || frameLength > buf.length) {
            return ERR_FRAME_TOO_LONG;
        }
        message.reset(frameLength);
        if (frameLength < MTI_BYTES + BITMAP_BYTES) {
            return ERR_TRUNCATED;
        }
        int mti = bcdValue(buf, 0, 4);
        if (mti < 0) {
            return ERR_MTI;
        }
        int pos = MTI_BYTES;
        long primary = readLong(buf, pos);
        pos += BITMAP_BYTES;
        long secondary = 0;
        if ((primary & SECONDARY_BITMAP_BIT) != 0) {
            if (frameLength < pos + BITMAP_BYTES) {
                return ERR_TRUNCATED;
            }
            secondary = readLong(buf, pos);
            pos += BITMAP_BYTES;
        }
        message.setMti(mti);
        message.setBitmaps(primary, secondary);
        for (int field = 2; field <= Iso8583Message.FIELD_MAX; field++) {
            long bitmap = field <= 64 ? primary : secondary;
            if ((bitmap & (1L << (63 - ((field - 1) & 63)))) == 0) {
                continue;
            }
            pos = decodeField(message, field, pos, frameLength);
            if (pos < 0) {
                return pos;
            }
        }
        return pos == frameLength ? OK : ERR_TRAILING_BYTES;
    }

    /** Decodes one field at {@code pos}; returns the position after it or a negative error. */
    private static int decodeField(Iso8583Message message, int field, int pos, int end) {
        byte[] buf = message.buffer();
        int max = MAX_UNITS[field];
        int units;
        int contentBytes;
        switch (KIND[field]) {
            case KIND_FIXED_BCD:
                units = max;
                contentBytes = (max + 1) / 2;
                break;
            case KIND_AMOUNT:
                units = max;
                contentBytes = 1 + max / 2;
                break;
            case KIND_FIXED_CHAR:
            case KIND_FIXED_BINARY:
                units = max;
                contentBytes = max;
                break;
            case KIND_LL_BCD:
            case KIND_LL_CHAR:
                if (pos + 1 > end) {
                    return ERR_TRUNCATED;
                }
                units = bcdValue(buf, pos, 2);
                pos += 1;
                contentBytes = KIND[field] == KIND_LL_BCD ? (units + 1) / 2 : units;
                break;
            case KIND_LLL_CHAR:
                if (pos + 2 > end) {
                    return ERR_TRUNCATED;
                }
                units = bcdValue(buf, pos, 4);
                pos += 2;
                contentBytes = units;
                break;
            default:
                throw new AssertionError("field " + field + " has no kind");
        }
        if (units < 0 || units > max) {
            return ERR_FIELD_LENGTH;
        }
        if (pos + contentBytes > end) {
            return ERR_TRUNCATED;
        }
        message.setField(field, pos, contentBytes, units);
        return pos + contentBytes;
    }

    /** Value of {@code digits} BCD nibbles from {@code offset}, or -1 if any nibble exceeds 9. */
    private static int bcdValue(byte[] buf, int offset, int digits) {
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int b = buf[offset + (i >> 1)] & 0xFF;
            int d = (i & 1) == 0 ? b >>> 4 : b & 0x0F;
            if (d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static long readLong(byte[] buf, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[offset + i] & 0xFF);
        }
        return v;
    }

    /**
     * Writes one message, fields in ascending order, into a caller-owned buffer: primary bitmap
     * only (fields 2..64; this gateway never sends a secondary bitmap). Every {@code put*}
     * returns false, and writes nothing, when the value does not fit the field or the buffer.
     * Reusable: {@link #start} resets it.
     */
    public static final class Writer {
        private static final int BITMAP_OFFSET = MTI_BYTES;
        private static final int FIELD_MAX_SENT = 64;

        private byte[] dst;
        private int pos;
        private int lastField;
        private long bitmap;

        /** Starts a message with the MTI (for example {@code 210}) at offset 0 of {@code dst}. */
        public Writer start(byte[] dst, int mti) {
            if (mti < 0 || mti > 9999) {
                throw new IllegalArgumentException("MTI out of range: " + mti);
            }
            this.dst = dst;
            this.bitmap = 0;
            this.lastField = 1;
            dst[0] = (byte) (((mti / 1000) << 4) | (mti / 100 % 10));
            dst[1] = (byte) (((mti / 10 % 10) << 4) | (mti % 10));
            this.pos = MTI_BYTES + BITMAP_BYTES;
            return this;
        }

        /** A fixed BCD numeric field (IFB_NUMERIC) from a non-negative value, zero-padded on the left. */
        public boolean putNumeric(int field, long value) {
            if (!writable(field) || KIND[field] != KIND_FIXED_BCD || value < 0) {
                return false;
            }
            int digits = MAX_UNITS[field];
            int bytes = (digits + 1) / 2;
            if (pos + bytes > dst.length || digits < 19 && value >= pow10(digits)) {
                return false;
            }
            long rest = value;
            for (int i = bytes - 1; i >= 0; i--) {
                int low = (int) (rest % 10);
                rest /= 10;
                int high = (int) (rest % 10);
                rest /= 10;
                dst[pos + i] = (byte) ((high << 4) | low);
            }
            return commit(field, bytes);
        }

        /**
         * A field from text: digits for BCD kinds (fixed: left zero-padded; LL: right-padded
         * nibble), characters for char kinds (fixed: right space-padded), sign + digits for
         * amounts. Refuses non-digits where digits are due, and non-ASCII characters.
         */
        public boolean put(int field, CharSequence value) {
            if (!writable(field)) {
                return false;
            }
            int max = MAX_UNITS[field];
            int n = value.length();
            switch (KIND[field]) {
                case KIND_FIXED_BCD:
                    return n <= max && allDigits(value, 0) && putBcd(field, value, 0, max, false, 0);
                case KIND_LL_BCD:
                    return n <= max && allDigits(value, 0) && putBcd(field, value, 0, n, true, 1);
                case KIND_AMOUNT:
                    return n >= 1 && n <= max && value.charAt(0) < 0x80 && allDigits(value, 1)
                            && putAmount(field, value);
                case KIND_FIXED_CHAR:
                    return n <= max && putChars(field, value, max, 0);
                case KIND_LL_CHAR:
                    return n <= max && putChars(field, value, n, 1);
                case KIND_LLL_CHAR:
                    return n <= max && putChars(field, value, n, 2);
                default:
                    return false;
            }
        }

        /** A fixed binary field (IFB_BINARY) of exactly its defined length. */
        public boolean putBinary(int field, byte[] value) {
            if (!writable(field) || KIND[field] != KIND_FIXED_BINARY || value.length != MAX_UNITS[field]
                    || pos + value.length > dst.length) {
                return false;
            }
            System.arraycopy(value, 0, dst, pos, value.length);
            return commit(field, value.length);
        }

        /** Copies a field's encoding, prefix included, from a decoded message: the echo of a request field. */
        public boolean copy(int field, Iso8583Message from) {
            if (!writable(field) || !from.has(field)) {
                return false;
            }
            int bytes = from.encodedBytes(field);
            if (pos + bytes > dst.length) {
                return false;
            }
            System.arraycopy(from.buffer(), from.encodedOffset(field), dst, pos, bytes);
            return commit(field, bytes);
        }

        /** Writes the bitmap and returns the message length in bytes. */
        public int finish() {
            writeBitmap();
            return pos;
        }

        /**
         * Announces field 64 (8 bytes, the MAC) and writes the bitmap, so that every byte before
         * the returned offset is final: the MAC input. The caller writes the 8 MAC bytes at that
         * offset, then calls {@link #finish}. Returns -1, and writes nothing, when field 64 cannot
         * follow the fields written or does not fit.
         */
        public int reserveMac() {
            int macBytes = MAX_UNITS[64];
            if (!writable(64) || pos + macBytes > dst.length) {
                return -1;
            }
            int at = pos;
            commit(64, macBytes);
            writeBitmap();
            return at;
        }

        private void writeBitmap() {
            long b = bitmap;
            for (int i = BITMAP_BYTES - 1; i >= 0; i--) {
                dst[BITMAP_OFFSET + i] = (byte) b;
                b >>>= 8;
            }
        }

        private boolean writable(int field) {
            return dst != null && field > lastField && field >= 2 && field <= FIELD_MAX_SENT;
        }

        private boolean commit(int field, int bytes) {
            pos += bytes;
            lastField = field;
            bitmap |= 1L << (63 - (field - 1));
            return true;
        }

        private boolean putBcd(int field, CharSequence digits, int from, int width, boolean rightPad, int prefix) {
            int bytes = (width + 1) / 2;
            if (pos + prefix + bytes > dst.length) {
                return false;
            }
            if (prefix == 1) {
                dst[pos] = (byte) (((width / 10) << 4) | (width % 10));
            }
            int n = digits.length() - from;
            // nibble index i of the padded field: left padding puts (width - n) zeros first,
            // right padding leaves the last nibble of an odd count 0
            int lead = rightPad ? 0 : (bytes * 2 - n);
            int at = pos + prefix;
            for (int i = 0; i < bytes * 2; i++) {
                int k = i - lead;
                int d = k >= 0 && k < n ? digits.charAt(from + k) - '0' : 0;
                if ((i & 1) == 0) {
                    dst[at + (i >> 1)] = (byte) (d << 4);
                } else {
                    dst[at + (i >> 1)] |= (byte) d;
                }
            }
            return commit(field, prefix + bytes);
        }

        private boolean putAmount(int field, CharSequence value) {
            int digitsWidth = MAX_UNITS[field] - 1;
            int bytes = 1 + (digitsWidth + 1) / 2;
            if (pos + bytes > dst.length) {
                return false;
            }
            dst[pos] = (byte) value.charAt(0);
            pos += 1;
            int n = value.length() - 1;
            int lead = (digitsWidth + 1) / 2 * 2 - n;
            for (int i = 0; i < bytes * 2 - 2; i++) {
                int k = i - lead;
                int d = k >= 0 ? value.charAt(1 + k) - '0' : 0;
                if ((i & 1) == 0) {
                    dst[pos + (i >> 1)] = (byte) (d << 4);
                } else {
                    dst[pos + (i >> 1)] |= (byte) d;
                }
            }
            pos -= 1;
            return commit(field, bytes);
        }

        private boolean putChars(int field, CharSequence value, int width, int prefix) {
            if (pos + prefix + width > dst.length) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) > 0x7F) {
                    return false;
                }
            }
            if (prefix == 1) {
                dst[pos] = (byte) (((width / 10) << 4) | (width % 10));
            } else if (prefix == 2) {
                dst[pos] = (byte) (width / 100);
                dst[pos + 1] = (byte) (((width / 10 % 10) << 4) | (width % 10));
            }
            int at = pos + prefix;
            for (int i = 0; i < width; i++) {
                dst[at + i] = i < value.length() ? (byte) value.charAt(i) : (byte) ' ';
            }
            return commit(field, prefix + width);
        }

        private static boolean allDigits(CharSequence s, int from) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }

        private static long pow10(int n) {
            long p = 1;
            for (int i = 0; i < n; i++) {
                p *= 10;
            }
            return p;
        }
    }
}
