package id.lumbung.payment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The journal's binary entry layout, version 1, little-endian:
 *
 * <pre>
 * offset size field
 *  0      1   version (1)
 *  1      1   type (1 payment, 2 void, 3 close)
 *  2      2   body length in bytes (u16)
 *  4      4   CRC32C of the body
 *  8      n   body
 * </pre>
 *
 * Payment body: sequence i64, acceptedAt i64, amount i64, occurredAt i64, occurredAtOffset i32,
 * flags u8 (bit 0 payerRef present, bit 1 merchantId present), then length-prefixed (u8) UTF-8
 * strings terminalId, txnId, currency, method, traderId, coopId, [payerRef], [merchantId].
 * Void body: sequence i64, at i64, voided payment's sequence i64.
 * Close body: sequence i64, at i64, trigger u8, flags u8 (bit 0 one cooperative), [coopId].
 * Discard body: sequence i64, at i64, Chronicle index of the discarded torn entry i64.
 *
 * <p>Not thread-safe: one instance per thread (the journal writer encodes, replay decodes).
 * Encoding allocates nothing for ASCII strings.
 */
public final class EntryCodec {
    public static final byte VERSION = 1;
    public static final int HEADER_BYTES = 8;
    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int CRC_OFFSET = 4;
    /** A payment body is at most 8×4+4+1 fixed bytes plus 8 strings of at most 1+255 bytes. */
    public static final int ENTRY_BYTES_MAX = HEADER_BYTES + 37 + 8 * 256;

    /** Decode results: 0 is success, negative values name what is wrong. */
    public static final int OK = 0;
    public static final int ERR_SHORT = -1;
    public static final int ERR_VERSION = -2;
    public static final int ERR_LENGTH = -3;
    public static final int ERR_CRC = -4;
    public static final int ERR_TYPE = -5;
    public static final int ERR_BODY = -6;

    private static final int FLAG_PAYER_REF = 1;
    private static final int FLAG_MERCHANT_ID = 2;
    private static final int FLAG_ONE_COOP = 1;

    private final CRC32C crc = new CRC32C();
    private final byte[] bytes = new byte[ENTRY_BYTES_MAX];
    private final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    /** The buffer the last encode wrote into; valid up to the length it returned. */
    public byte[] buffer() {
        return bytes;
    }

    public int encodePayment(long sequence, long acceptedAtEpochMs, PaymentRequest r, String traderId, String coopId) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(acceptedAtEpochMs).putLong(r.amountRupiah()).putLong(r.occurredAtEpochMs())
                .putInt(r.occurredAtOffsetSeconds());
        int flags = (r.payerRef() != null ? FLAG_PAYER_REF : 0) | (r.merchantId() != null ? FLAG_MERCHANT_ID : 0);
        buf.put((byte) flags);
        putString(r.terminalId());
        putString(r.txnId());
        putString(r.currency());
        putString(r.method());
        putString(traderId);
        putString(coopId);
        if (r.payerRef() != null) {
            putString(r.payerRef());
        }
        if (r.merchantId() != null) {
            putString(r.merchantId());
        }
        return seal(JournalEntry.TYPE_PAYMENT);
    }

    public int encodeVoid(long sequence, long atEpochMs, long voidedSequence) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs).putLong(voidedSequence);
        return seal(JournalEntry.TYPE_VOID);
    }

    public int encodeDiscard(long sequence, long atEpochMs, long discardedIndex) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs).putLong(discardedIndex);
        return seal(JournalEntry.TYPE_DISCARD);
    }

    public int encodeClose(long sequence, long atEpochMs, byte trigger, String coopIdOrNull) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs).put(trigger).put((byte) (coopIdOrNull != null ? FLAG_ONE_COOP : 0));
        if (coopIdOrNull != null) {
            putString(coopIdOrNull);
        }
        return seal(JournalEntry.TYPE_CLOSE);
    }

    private int seal(byte type) {
        int end = buf.position();
        int bodyBytes = end - HEADER_BYTES;
        crc.reset();
        crc.update(bytes, HEADER_BYTES, bodyBytes);
        buf.put(VERSION_OFFSET, VERSION).put(TYPE_OFFSET, type).putShort(LENGTH_OFFSET, (short) bodyBytes)
                .putInt(CRC_OFFSET, (int) crc.getValue());
        return end;
    }

    /** A u8 length and the string's UTF-8 bytes; ASCII (every id the engine accepts) is copied char by char into the array. */
    private void putString(String s) {
        int n = s.length();
        int at = buf.position();
        if (n <= 255 && at + 1 + n <= bytes.length) {
            int i = 0;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                bytes[at + 1 + i] = (byte) c;
            }
            if (i == n) {
                bytes[at] = (byte) n;
                buf.position(at + 1 + n);
                return;
            }
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 255) {
            throw new IllegalArgumentException("journal string longer than 255 bytes");
        }
        buf.put((byte) utf8.length).put(utf8);
    }

    /**
     * Decodes and checks one entry: version, length, checksum, type and body shape.
     *
     * @return {@link #OK} or a negative error code
     */
    public int decode(byte[] src, int length, JournalEntry out) {
        return decode(src, length, out, true);
    }

    /**
     * Like {@link #decode}, with the same checks, but a payment's strings are not built: the entry
     * gets the amount and the slices of {@code src} where its ids lie (request, traderId and coopId
     * stay null). Replay reads millions of entries and needs only the ids, found without a String.
     */
    public int decodeForReplay(byte[] src, int length, JournalEntry out) {
        return decode(src, length, out, false);
    }

    private int decode(byte[] src, int length, JournalEntry out, boolean strings) {
        if (length < HEADER_BYTES) {
            return ERR_SHORT;
        }
        ByteBuffer in = ByteBuffer.wrap(src, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        if (in.get(VERSION_OFFSET) != VERSION) {
            return ERR_VERSION;
        }
        int bodyBytes = in.getShort(LENGTH_OFFSET) & 0xFFFF;
        if (bodyBytes != length - HEADER_BYTES) {
            return ERR_LENGTH;
        }
        crc.reset();
        crc.update(src, HEADER_BYTES, bodyBytes);
        if ((int) crc.getValue() != in.getInt(CRC_OFFSET)) {
            return ERR_CRC;
        }
        byte type = in.get(TYPE_OFFSET);
        in.position(HEADER_BYTES);
        try {
            switch (type) {
                case JournalEntry.TYPE_PAYMENT -> {
                    if (strings) {
                        decodePayment(in, out);
                    } else {
                        decodePaymentSlices(in, out);
                    }
                }
                case JournalEntry.TYPE_VOID -> decodeVoid(in, out);
                case JournalEntry.TYPE_CLOSE -> decodeClose(in, out);
                case JournalEntry.TYPE_DISCARD -> decodeDiscard(in, out);
                default -> {
                    return ERR_TYPE;
                }
            }
        } catch (RuntimeException e) {
            return ERR_BODY;
        }
        if (in.remaining() != 0) {
            return ERR_BODY;
        }
        out.type = type;
        return OK;
    }

    private static void decodePayment(ByteBuffer in, JournalEntry out) {
        out.sequence = in.getLong();
        out.atEpochMs = in.getLong();
        long amount = in.getLong();
        long occurredAt = in.getLong();
        int offset = in.getInt();
        int flags = in.get();
        String terminalId = getString(in);
        String txnId = getString(in);
        String currency = getString(in);
        String method = getString(in);
        out.traderId = getString(in);
        out.coopId = getString(in);
        String payerRef = (flags & FLAG_PAYER_REF) != 0 ? getString(in) : null;
        String merchantId = (flags & FLAG_MERCHANT_ID) != 0 ? getString(in) : null;
        out.request = new PaymentRequest(terminalId, txnId, amount, currency, occurredAt, offset, method, payerRef, merchantId);
    }

    private static void decodePaymentSlices(ByteBuffer in, JournalEntry out) {
        out.sequence = in.getLong();
        out.atEpochMs = in.getLong();
        out.amountRupiah = in.getLong();
        in.getLong(); // occurredAt
        in.getInt(); // offset
        int flags = in.get();
        out.request = null;
        out.traderId = null;
        out.coopId = null;
        out.raw = in.array();
        out.terminalIdLength = in.get(in.position()) & 0xFF;
        out.terminalIdAt = skipString(in);
        out.txnIdLength = in.get(in.position()) & 0xFF;
        out.txnIdAt = skipString(in);
        skipString(in); // currency
        skipString(in); // method
        out.traderIdLength = in.get(in.position()) & 0xFF;
        out.traderIdAt = skipString(in);
        out.coopIdLength = in.get(in.position()) & 0xFF;
        out.coopIdAt = skipString(in);
        if ((flags & FLAG_PAYER_REF) != 0) {
            skipString(in);
        }
        if ((flags & FLAG_MERCHANT_ID) != 0) {
            skipString(in);
        }
    }

    /** Moves past a length-prefixed string; returns where its bytes start. */
    private static int skipString(ByteBuffer in) {
        int n = in.get() & 0xFF;
        int at = in.arrayOffset() + in.position();
        in.position(in.position() + n);
        return at;
    }

    private static void decodeVoid(ByteBuffer in, JournalEntry out) {
        out.sequence = in.getLong();
        out.atEpochMs = in.getLong();
        out.voidedSequence = in.getLong();
    }

    private static void decodeDiscard(ByteBuffer in, JournalEntry out) {
        out.sequence = in.getLong();
        out.atEpochMs = in.getLong();
        out.discardedIndex = in.getLong();
    }

    private static void decodeClose(ByteBuffer in, JournalEntry out) {
        out.sequence = in.getLong();
        out.atEpochMs = in.getLong();
        out.trigger = in.get();
        int flags = in.get();
        out.coopId = (flags & FLAG_ONE_COOP) != 0 ? getString(in) : null;
    }

    private static String getString(ByteBuffer in) {
        int n = in.get() & 0xFF;
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** A human-readable name for a decode error code. */
    public static String errorName(int code) {
        return switch (code) {
            case ERR_SHORT -> "entry shorter than its header";
            case ERR_VERSION -> "unknown format version";
            case ERR_LENGTH -> "body length does not match the entry";
            case ERR_CRC -> "CRC32C mismatch";
            case ERR_TYPE -> "unknown entry type";
            case ERR_BODY -> "malformed body";
            default -> "ok";
        };
    }
}
