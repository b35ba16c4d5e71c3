package id.lumbung.gateway;

import java.nio.charset.StandardCharsets;

/**
 * A decoded ISO 8583:1987 message: a flyweight over one reusable frame buffer. Decoding
 * ({@link Iso87BinaryCodec#decode}) records where each present field's content starts and how
 * long it is; accessors read straight from the buffer. Nothing here throws on bad content:
 * readers answer {@code -1} or {@code null}, and the caller turns that into response code 30.
 *
 * <p>One instance per in-flight request slot; it is reused once that request's answer is sent.
 */
public final class Iso8583Message {

    /** Highest field number of ISO 8583:1987 with a secondary bitmap. */
    public static final int FIELD_MAX = 128;
    /** Longest BCD numeric that {@link #numeric} turns into a {@code long}: 10^18 - 1 fits in 63 bits. */
    static final int NUMERIC_DIGITS_MAX = 18;

    private final byte[] buffer;
    private int length;
    private int mti = -1;
    private long bitmapPrimary;
    private long bitmapSecondary;
    /** Content offset of each present field, after any length prefix. */
    private final int[] contentOffset = new int[FIELD_MAX + 1];
    /** Content length in bytes of each present field (BCD: packed bytes, not digits). */
    private final int[] contentBytes = new int[FIELD_MAX + 1];
    /** Number of digits (BCD fields) or characters/bytes (others) of each present field. */
    private final int[] contentUnits = new int[FIELD_MAX + 1];

    /** A message over a buffer of {@code capacityBytes}, the largest frame it may hold. */
    public Iso8583Message(int capacityBytes) {
        this.buffer = new byte[capacityBytes];
    }

    /** The backing buffer; the frame body is copied here before {@link Iso87BinaryCodec#decode}. */
    public byte[] buffer() {
        return buffer;
    }

    /** Frame length in bytes of the last decode. */
    public int length() {
        return length;
    }

    /** Message type indicator as a decimal number, for example {@code 200} for 0200; -1 before a decode. */
    public int mti() {
        return mti;
    }

    /** True when {@code field} (2..128) is present. */
    public boolean has(int field) {
        if (field < 1 || field > FIELD_MAX) {
            return false;
        }
        long bitmap = field <= 64 ? bitmapPrimary : bitmapSecondary;
        int bit = (field - 1) & 63;
        return (bitmap & (1L << (63 - bit))) != 0;
    }

    /**
     * Value of a BCD numeric field (fixed or LL) as a long, or -1 when absent, when a nibble is
     * not a decimal digit or when it has more than {@value #NUMERIC_DIGITS_MAX} digits.
     */
    public long numeric(int field) {
        if (!has(field) || Iso87BinaryCodec.kind(field) != Iso87BinaryCodec.KIND_FIXED_BCD
                && Iso87BinaryCodec.kind(field) != Iso87BinaryCodec.KIND_LL_BCD) {
            return -1;
        }
        int digits = contentUnits[field];
        if (digits > NUMERIC_DIGITS_MAX) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits; i++) {
            int d = digit(field, i);
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Number of digits (BCD), characters or bytes of a present field; -1 when absent. */
    public int units(int field) {
        return has(field) ? contentUnits[field] : -1;
    }

    /**
     * Nibble {@code index} (0-based, padding skipped) of a present BCD field, 0..15. Fixed fields
     * are left-padded (jPOS {@code BCDInterpreter.LEFT_PADDED}), LL fields right-padded
     * ({@code RIGHT_PADDED}, as {@code ISO87BPackager} builds {@code IFB_LLNUM} with pad=false).
     */
    int digit(int field, int index) {
        int digits = contentUnits[field];
        int skip = Iso87BinaryCodec.kind(field) == Iso87BinaryCodec.KIND_FIXED_BCD ? (digits & 1) : 0;
        int nibble = index + skip;
        int b = buffer[contentOffset[field] + (nibble >> 1)] & 0xFF;
        return (nibble & 1) == 0 ? b >>> 4 : b & 0x0F;
    }

    /** True when every byte of a present character field is printable ASCII (0x20..0x7E). */
    public boolean isPrintable(int field) {
        if (!has(field)) {
            return false;
        }
        int from = contentOffset[field];
        int to = from + contentBytes[field];
        for (int i = from; i < to; i++) {
            int b = buffer[i] & 0xFF;
            if (b < 0x20 || b > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** True when a present character field equals {@code ascii} exactly (no trimming). */
    public boolean charsEqual(int field, String ascii) {
        if (!has(field) || contentBytes[field] != ascii.length()) {
            return false;
        }
        int from = contentOffset[field];
        for (int i = 0; i < ascii.length(); i++) {
            if ((buffer[from + i] & 0xFF) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A present, printable character field with spaces trimmed on both ends (jPOS pads
     * {@code IF_CHAR} with trailing spaces); {@code null} when absent, not printable or blank.
     */
    public String trimmedChars(int field) {
        long span = trimmed(field);
        if (span < 0) {
            return null;
        }
        int from = (int) (span >>> 32);
        return new String(buffer, from, (int) span - from, StandardCharsets.US_ASCII);
    }

    /**
     * {@link #trimmedChars} copied into {@code into} instead of a new String: the number of
     * characters, or -1 when the field is absent, not printable, blank or longer than {@code into}.
     */
    public int trimmedChars(int field, char[] into) {
        long span = trimmed(field);
        if (span < 0) {
            return -1;
        }
        int from = (int) (span >>> 32);
        int n = (int) span - from;
        if (n > into.length) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            into[i] = (char) buffer[from + i];
        }
        return n;
    }

    /** Whether {@link #trimmedChars} would equal {@code s}, without making the String. */
    public boolean trimmedCharsEqual(int field, String s) {
        long span = trimmed(field);
        if (span < 0) {
            return false;
        }
        int from = (int) (span >>> 32);
        int n = (int) span - from;
        if (n != s.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((buffer[from + i] & 0xFF) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@link #trimmedChars} would give a String (present, printable, not blank). */
    public boolean hasTrimmedChars(int field) {
        return trimmed(field) >= 0;
    }

    /** The trimmed content's offsets as {@code from << 32 | to}; -1 when absent, not printable or blank. */
    private long trimmed(int field) {
        if (!isPrintable(field)) {
            return -1;
        }
        int from = contentOffset[field];
        int to = from + contentBytes[field];
        while (from < to && buffer[from] == ' ') {
            from++;
        }
        while (to > from && buffer[to - 1] == ' ') {
            to--;
        }
        return from == to ? -1 : (long) from << 32 | to;
    }

    int contentOffset(int field) {
        return contentOffset[field];
    }

    int contentBytes(int field) {
        return contentBytes[field];
    }

    /** Offset of the field's encoding including its length prefix. */
    int encodedOffset(int field) {
        return contentOffset[field] - Iso87BinaryCodec.prefixBytes(field);
    }

    /** Length of the field's encoding including its length prefix. */
    int encodedBytes(int field) {
        return contentBytes[field] + Iso87BinaryCodec.prefixBytes(field);
    }

    void reset(int frameLength) {
        this.length = frameLength;
        this.mti = -1;
        this.bitmapPrimary = 0;
        this.bitmapSecondary = 0;
    }

    void setMti(int mti) {
        this.mti = mti;
    }

    void setBitmaps(long primary, long secondary) {
        this.bitmapPrimary = primary;
        this.bitmapSecondary = secondary;
    }

    void setField(int field, int offset, int bytes, int units) {
        contentOffset[field] = offset;
        contentBytes[field] = bytes;
        contentUnits[field] = units;
    }
}
