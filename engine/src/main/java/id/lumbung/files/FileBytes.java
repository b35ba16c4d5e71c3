package id.lumbung.files;

import java.util.Arrays;

/**
 * A growable byte buffer that settlement files are rendered into: ASCII text, decimal integers and
 * XML-escaped UTF-8, with no intermediate {@code String} per field. One instance renders one file,
 * on one thread; {@link #scratch} lends each thread one reusable instance so that a render
 * allocates only its result.
 *
 * <p>Why not {@code XMLStreamWriter} over a {@code ByteArrayOutputStream}: the JDK's writer pushes
 * each byte through a synchronized {@code write(int)}; for 1,000 camt.053 files of 100 entries
 * (~100 MB) that alone took ~4.5 s of CPU on 2 cores (JFR, FilePhaseRun).
 */
final class FileBytes {
    private static final int DIGITS_MAX = 20; // "-9223372036854775808" is 20 characters
    /**
     * A thread keeps its scratch buffer up to this size: 1 MiB holds a camt.053 of ~1,000 members
     * (~1 KB each); the file writers (4) then retain at most 4 MiB. Larger files get a buffer of their own.
     */
    static final int SCRATCH_BYTES_MAX = 1 << 20;
    private static final ThreadLocal<FileBytes> SCRATCH = ThreadLocal.withInitial(() -> new FileBytes(0));

    private byte[] bytes;
    private int length;

    FileBytes(int capacityBytes) {
        bytes = new byte[capacityBytes];
    }

    /**
     * This thread's empty buffer with room for {@code capacityBytes}, or a new one when that is
     * above {@link #SCRATCH_BYTES_MAX}. Valid until the thread's next call: render one file at a
     * time and take {@link #toByteArray} before starting the next.
     */
    static FileBytes scratch(int capacityBytes) {
        if (capacityBytes > SCRATCH_BYTES_MAX) {
            return new FileBytes(capacityBytes);
        }
        FileBytes scratch = SCRATCH.get();
        if (scratch.bytes.length > SCRATCH_BYTES_MAX) {
            scratch.bytes = new byte[capacityBytes]; // grew past the cap while rendering the last file: let it go
        }
        scratch.length = 0;
        scratch.ensure(capacityBytes);
        return scratch;
    }

    /** Appends text known to be ASCII (tags, constants, ids checked by the caller). */
    FileBytes ascii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                throw new IllegalArgumentException("not ASCII: '" + text + "'");
            }
            bytes[length++] = (byte) c;
        }
        return this;
    }

    FileBytes ascii(char c) {
        if (c >= 0x80) {
            throw new IllegalArgumentException("not ASCII: U+" + Integer.toHexString(c));
        }
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Appends raw bytes (a pre-rendered piece). */
    FileBytes bytes(byte[] piece) {
        ensure(piece.length);
        System.arraycopy(piece, 0, bytes, length, piece.length);
        length += piece.length;
        return this;
    }

    /** Forgets what was written; keeps the array. */
    void clear() {
        length = 0;
    }

    /** Appends {@code value} as {@link Long#toString(long)} would, without the String. */
    FileBytes decimal(long value) {
        ensure(DIGITS_MAX);
        if (value == Long.MIN_VALUE) {
            return ascii(Long.toString(value));
        }
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    /** Appends a newline and {@code depth} levels of two-space indent. */
    FileBytes newLine(int depth) {
        ensure(1 + 2 * depth);
        bytes[length++] = '\n';
        for (int i = 0; i < 2 * depth; i++) {
            bytes[length++] = ' ';
        }
        return this;
    }

    /**
     * Appends character data as the JDK's {@code XMLStreamWriter.writeCharacters} writes it to a
     * UTF-8 stream: {@code &}, {@code <} and {@code >} escaped, everything else UTF-8 encoded.
     *
     * @throws IllegalArgumentException on an unpaired surrogate, which has no UTF-8 encoding
     */
    FileBytes xmlText(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> ascii("&amp;");
                case '<' -> ascii("&lt;");
                case '>' -> ascii("&gt;");
                default -> {
                    if (c < 0x80) {
                        ensure(1);
                        bytes[length++] = (byte) c;
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                        utf8(Character.toCodePoint(c, text.charAt(++i)));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("unpaired surrogate at " + i + " in '" + text + "'");
                    } else {
                        utf8(c);
                    }
                }
            }
        }
        return this;
    }

    private void utf8(int codePoint) {
        ensure(4);
        if (codePoint < 0x800) {
            bytes[length++] = (byte) (0xC0 | codePoint >> 6);
        } else if (codePoint < 0x10000) {
            bytes[length++] = (byte) (0xE0 | codePoint >> 12);
            bytes[length++] = (byte) (0x80 | (codePoint >> 6 & 0x3F));
        } else {
            bytes[length++] = (byte) (0xF0 | codePoint >> 18);
            bytes[length++] = (byte) (0x80 | (codePoint >> 12 & 0x3F));
            bytes[length++] = (byte) (0x80 | (codePoint >> 6 & 0x3F));
        }
        bytes[length++] = (byte) (0x80 | (codePoint & 0x3F));
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, 2 * bytes.length));
        }
    }

    /** A copy of the bytes rendered so far. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }
}
