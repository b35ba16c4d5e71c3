package id.lumbung.core.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The journal's binary entry layout, version 3, little-endian:
 *
 * <pre>
 * offset size field
 *  0      1   version (3; 2 and 1 are still read)
 *  1      1   type (1 payment, 2 void, 3 close, 4 discard, 5 reference, 6 obligation)
 *  2      2   body length in bytes (u16)
 *  4      4   CRC32C of bytes 0-3 (version, type, length) and then of the body; version 1: of the body only
 *  8      n   body
 * </pre>
 *
 * Version 2 exists because version 1 left the type outside its checksum: one flipped bit can turn
 * a close into a void of the same body size (a one-cooperative close whose id has 5 bytes is 24
 * bytes, a void's size), which would have decoded cleanly and been skipped on replay. Version 3
 * exists because a payerRef is up to 64 characters and a character up to 4 UTF-8 bytes: 64 emoji
 * are 256 bytes, one more than a u8 length holds, so a payment's payerRef has a u16 length. Entries
 * are written as version 3; entries of version 2 and 1 are read too, each by its own layout.
 *
 * Payment body: sequence i64, acceptedAt i64, amount i64, occurredAt i64, occurredAtOffset i32,
 * flags u8 (bit 0 payerRef present, bit 1 merchantId present), then length-prefixed UTF-8
 * strings terminalId, txnId, currency, method, traderId, coopId, [payerRef], [merchantId]; every
 * length is a u8 but payerRef's, a u16 (a u8 in versions 1 and 2).
 * Void body: sequence i64, at i64, voided payment's sequence i64.
 * Close body: sequence i64, at i64, trigger u8, flags u8 (bit 0 one cooperative), [coopId].
 * Discard body: sequence i64, at i64, Chronicle index of the discarded torn entry i64.
 * Reference body: sequence i64, at i64, kind u8 (1 cooperative, 2 trader, 3 terminal, 4 fee plan),
 * op u8 (1 set, 2 remove), flags u8 (bit 0 blocked: a terminal's status; bit 1 baseline: the
 * reference an upgraded journal records as in effect since its start), then the u8-prefixed
 * strings id, and for a set: parent (a trader's cooperative, a terminal's trader; empty for a
 * cooperative and a fee plan) and value (a cooperative's settlement account, a trader's fee plan,
 * a fee plan's tiers; empty for a terminal).
 * File digests body: sequence i64, at i64, batchId, count u8, then per file: name, size i64, SHA-256
 * (32 bytes); strings u8-prefixed UTF-8. Written only by a Kafka journal's owner, once a batch's
 * files are written.
 * Obligation body: sequence i64, at i64, then the event as {@code ObligationCodec} encodes it (a PUT
 * or an END of one cooperative's obligation, at most {@code ObligationCodec.BODY_BYTES_MAX} bytes).
 * Journals written before obligations existed hold no such entry and replay as they did.
 *
 * <p>Not thread-safe: one instance per thread (the journal writer encodes, replay decodes).
 * Encoding allocates nothing for ASCII strings.
 */
public final class EntryCodec {
    public static final byte VERSION = 3;
    /** The layout whose payerRef has a u8 length: read, never written. */
    public static final byte VERSION_2 = 2;
    /** The first layout, whose checksum covers only the body: read, never written. */
    public static final byte VERSION_1 = 1;
    public static final int HEADER_BYTES = 8;
    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int CRC_OFFSET = 4;
    /** From version 2 on, the checksum starts with the header up to the checksum itself. */
    private static final int CHECKED_HEADER_BYTES = CRC_OFFSET;
    /** A string's UTF-8 bytes at most, with its u8 length. */
    private static final int STRING_BYTES_MAX = 255;
    /** A payerRef's UTF-8 bytes at most, with its u16 length: 64 characters of at most 4 bytes. */
    public static final int PAYER_REF_BYTES_MAX = 64 * 4;
    /** A payment body is at most 8×4+4+1 fixed bytes, 7 strings of at most 1+255 bytes and a payerRef of 2+256. */
    public static final int ENTRY_BYTES_MAX = HEADER_BYTES + 37 + 7 * (1 + STRING_BYTES_MAX) + 2 + PAYER_REF_BYTES_MAX;

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
    private static final int FLAG_BLOCKED = 1;
    private static final int FLAG_BASELINE = 2;
    /** Reference entry kinds and operations as journaled (the values {@code JournaledReference} applies). */
    public static final byte REF_KIND_COOP = 1;
    public static final byte REF_KIND_TRADER = 2;
    public static final byte REF_KIND_TERMINAL = 3;
    public static final byte REF_KIND_FEE_PLAN = 4;
    public static final byte REF_OP_SET = 1;
    public static final byte REF_OP_REMOVE = 2;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final CRC32C crc = new CRC32C();
    /** Where {@link #encodePayment(long, long, PaymentRequest, String, String)} copies a request's fields. */
    private final PaymentDraft requestDraft = new PaymentDraft();
    private final byte[] bytes = new byte[ENTRY_BYTES_MAX];
    private final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    /** The entry being decoded, its version, the cursor in it and its end (exclusive). */
    private byte[] in;
    private byte version;
    private int at;
    private int end;

    /** The buffer the last encode wrote into; valid up to the length it returned. */
    public byte[] buffer() {
        return bytes;
    }

    /** Encodes a request's payment (tests, benchmarks): exactly the bytes of the same payment given as a {@link PaymentDraft}. */
    public int encodePayment(long sequence, long acceptedAtEpochMs, PaymentRequest r, String traderId, String coopId) {
        return encodePayment(sequence, acceptedAtEpochMs, requestDraft.set(r), traderId, coopId);
    }

    public int encodePayment(long sequence, long acceptedAtEpochMs, PaymentDraft d, String traderId, String coopId) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(acceptedAtEpochMs).putLong(d.amountRupiah()).putLong(d.occurredAtEpochMs())
                .putInt(d.occurredAtOffsetSeconds());
        int flags = (d.payerRefLength() >= 0 ? FLAG_PAYER_REF : 0) | (d.merchantId() != null ? FLAG_MERCHANT_ID : 0);
        buf.put((byte) flags);
        putString(d.terminalId());
        putChars(d.txnIdChars(), d.txnIdLength());
        putString(d.currency());
        putString(d.method());
        putString(traderId);
        putString(coopId);
        if (d.payerRefLength() >= 0) {
            putText(null, d.payerRefChars(), d.payerRefLength(), true);
        }
        if (d.merchantId() != null) {
            putString(d.merchantId());
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

    /**
     * Encodes one reference change; {@code parent} and {@code value} are ignored for a remove.
     *
     * @throws IllegalArgumentException if a string is longer than 255 UTF-8 bytes
     */
    public int encodeReference(long sequence, long atEpochMs, byte kind, byte op, String id, String parent, String value,
            boolean blocked, boolean baseline) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs).put(kind).put(op)
                .put((byte) ((blocked ? FLAG_BLOCKED : 0) | (baseline ? FLAG_BASELINE : 0)));
        putUtf8(id.getBytes(StandardCharsets.UTF_8), false);
        if (op == REF_OP_SET) {
            putUtf8(parent.getBytes(StandardCharsets.UTF_8), false);
            putUtf8(value.getBytes(StandardCharsets.UTF_8), false);
        }
        return seal(JournalEntry.TYPE_REFERENCE);
    }

    /** Encodes one obligation change: {@code body} is {@code ObligationCodec}'s encoding of the event. */
    public int encodeObligation(long sequence, long atEpochMs, byte[] body) {
        if (body.length > id.lumbung.core.obligation.ObligationCodec.BODY_BYTES_MAX) {
            throw new IllegalArgumentException("obligation body of " + body.length + " bytes");
        }
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs).put(body);
        return seal(JournalEntry.TYPE_OBLIGATION);
    }

    public int encodeFileDigests(long sequence, long atEpochMs, FileDigests digests) {
        buf.clear().position(HEADER_BYTES);
        buf.putLong(sequence).putLong(atEpochMs);
        putString(digests.batchId());
        buf.put((byte) digests.files().size());
        for (FileDigests.File f : digests.files()) {
            putString(f.name());
            buf.putLong(f.sizeBytes()).put(f.sha256());
        }
        return seal(JournalEntry.TYPE_FILE_DIGESTS);
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
        buf.put(VERSION_OFFSET, VERSION).put(TYPE_OFFSET, type).putShort(LENGTH_OFFSET, (short) bodyBytes);
        crc.reset();
        crc.update(bytes, 0, CHECKED_HEADER_BYTES);
        crc.update(bytes, HEADER_BYTES, bodyBytes);
        buf.putInt(CRC_OFFSET, (int) crc.getValue());
        return end;
    }

    /** A u8 length and the string's UTF-8 bytes; ASCII (every id the engine accepts) is copied char by char into the array. */
    private void putString(String s) {
        putText(s, null, s.length(), false);
    }

    /** {@link #putString} of {@code chars[0, n)}: the same bytes, without a String for ASCII text. */
    private void putChars(char[] chars, int n) {
        putText(null, chars, n, false);
    }

    /**
     * The text is {@code s} when it is not null, else {@code chars[0, n)}: one copy loop for both.
     * A payerRef ({@code wide}) has a u16 length and up to {@link #PAYER_REF_BYTES_MAX} bytes.
     */
    private void putText(String s, char[] chars, int n, boolean wide) {
        int at = buf.position();
        int lengthBytes = wide ? 2 : 1;
        if (n <= (wide ? PAYER_REF_BYTES_MAX : STRING_BYTES_MAX) && at + lengthBytes + n <= bytes.length) {
            int i = 0;
            for (; i < n; i++) {
                char c = s != null ? s.charAt(i) : chars[i];
                if (c >= 0x80) {
                    break;
                }
                bytes[at + lengthBytes + i] = (byte) c;
            }
            if (i == n) {
                putLength(at, n, wide);
                buf.position(at + lengthBytes + n);
                return;
            }
        }
        putUtf8((s != null ? s : new String(chars, 0, n)).getBytes(StandardCharsets.UTF_8), wide);
    }

    private void putLength(int at, int n, boolean wide) {
        if (wide) {
            SHORT_LE.set(bytes, at, (short) n);
        } else {
            bytes[at] = (byte) n;
        }
    }

    private void putUtf8(byte[] utf8, boolean wide) {
        int max = wide ? PAYER_REF_BYTES_MAX : STRING_BYTES_MAX;
        if (utf8.length > max) {
            throw new IllegalArgumentException("journal string longer than " + max + " bytes");
        }
        int at = buf.position();
        putLength(at, utf8.length, wide);
        buf.position(at + (wide ? 2 : 1));
        buf.put(utf8);
    }

    /**
     * Decodes and checks one entry: version, length, checksum, type and body shape.
     *
     * @param length the entry's length: {@code src[0, length)} is the entry, whatever follows it
     * @return {@link #OK} or a negative error code
     * @throws IndexOutOfBoundsException if {@code length} exceeds {@code src}
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
        Objects.checkFromIndexSize(0, length, src.length);
        if (length < HEADER_BYTES) {
            return ERR_SHORT;
        }
        byte version = src[VERSION_OFFSET];
        if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
            return ERR_VERSION;
        }
        int bodyBytes = (short) SHORT_LE.get(src, LENGTH_OFFSET) & 0xFFFF;
        if (bodyBytes != length - HEADER_BYTES) {
            return ERR_LENGTH;
        }
        crc.reset();
        if (version != VERSION_1) {
            crc.update(src, 0, CHECKED_HEADER_BYTES);
        }
        crc.update(src, HEADER_BYTES, bodyBytes);
        if ((int) crc.getValue() != (int) INT_LE.get(src, CRC_OFFSET)) {
            return ERR_CRC;
        }
        byte type = src[TYPE_OFFSET];
        in = src;
        this.version = version;
        at = HEADER_BYTES;
        end = length;
        try {
            switch (type) {
                case JournalEntry.TYPE_PAYMENT -> {
                    if (strings) {
                        decodePayment(out);
                    } else {
                        decodePaymentSlices(out);
                    }
                }
                case JournalEntry.TYPE_VOID -> decodeVoid(out);
                case JournalEntry.TYPE_CLOSE -> decodeClose(out);
                case JournalEntry.TYPE_DISCARD -> decodeDiscard(out);
                case JournalEntry.TYPE_REFERENCE -> {
                    if (!decodeReference(out)) {
                        return ERR_BODY;
                    }
                }
                case JournalEntry.TYPE_OBLIGATION -> {
                    if (!decodeObligation(out)) {
                        return ERR_BODY;
                    }
                }
                case JournalEntry.TYPE_FILE_DIGESTS -> {
                    if (!decodeFileDigests(out)) {
                        return ERR_BODY;
                    }
                }
                default -> {
                    return ERR_TYPE;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return ERR_BODY;
        } finally {
            in = null;
        }
        if (at != end) {
            return ERR_BODY;
        }
        out.type = type;
        return OK;
    }

    private void decodePayment(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        long amount = readLong();
        long occurredAt = readLong();
        int offset = readInt();
        int flags = readByte();
        String terminalId = readString();
        String txnId = readString();
        String currency = readString();
        String method = readString();
        out.traderId = readString();
        out.coopId = readString();
        String payerRef = (flags & FLAG_PAYER_REF) != 0 ? readPayerRef() : null;
        String merchantId = (flags & FLAG_MERCHANT_ID) != 0 ? readString() : null;
        out.request = new PaymentRequest(terminalId, txnId, amount, currency, occurredAt, offset, method, payerRef, merchantId);
    }

    private void decodePaymentSlices(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        out.amountRupiah = readLong();
        out.occurredAtEpochMs = readLong();
        out.occurredAtOffsetSeconds = readInt();
        int flags = readByte();
        out.request = null;
        out.traderId = null;
        out.coopId = null;
        out.raw = in;
        out.terminalIdLength = peekLength();
        out.terminalIdAt = skipString();
        out.txnIdLength = peekLength();
        out.txnIdAt = skipString();
        out.currencyLength = peekLength();
        out.currencyAt = skipString();
        out.methodLength = peekLength();
        out.methodAt = skipString();
        out.traderIdLength = peekLength();
        out.traderIdAt = skipString();
        out.coopIdLength = peekLength();
        out.coopIdAt = skipString();
        out.payerRefLength = -1;
        if ((flags & FLAG_PAYER_REF) != 0) {
            out.payerRefLength = wideLength() ? peekLength16() : peekLength();
            out.payerRefAt = wideLength() ? take(2 + out.payerRefLength) + 2 : skipString();
        }
        out.merchantIdLength = -1;
        if ((flags & FLAG_MERCHANT_ID) != 0) {
            out.merchantIdLength = peekLength();
            out.merchantIdAt = skipString();
        }
    }

    private void decodeVoid(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        out.voidedSequence = readLong();
    }

    private void decodeDiscard(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        out.discardedIndex = readLong();
    }

    /** False when the kind or operation is none of the known ones. */
    private boolean decodeReference(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        out.refKind = readByte();
        out.refOp = readByte();
        int flags = readByte();
        out.refBlocked = (flags & FLAG_BLOCKED) != 0;
        out.refBaseline = (flags & FLAG_BASELINE) != 0;
        out.refId = readString();
        if (out.refOp == REF_OP_SET) {
            out.refParent = readString();
            out.refValue = readString();
        } else {
            out.refParent = null;
            out.refValue = null;
        }
        return out.refKind >= REF_KIND_COOP && out.refKind <= REF_KIND_FEE_PLAN
                && (out.refOp == REF_OP_SET || out.refOp == REF_OP_REMOVE) && (flags & ~(FLAG_BLOCKED | FLAG_BASELINE)) == 0;
    }

    /** False when the event body does not decode ({@code ObligationCodec} names why; the entry is malformed). */
    private boolean decodeObligation(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        int n = end - at;
        try {
            out.obligation = id.lumbung.core.obligation.ObligationCodec.decode(in, take(n), n);
        } catch (IllegalArgumentException e) {
            out.obligation = null;
            return false;
        }
        return true;
    }

    /** False when the files do not make a batch's digests (no file, too many, a negative size). */
    private boolean decodeFileDigests(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        String batchId = readString();
        int count = readByte() & 0xFF;
        java.util.List<FileDigests.File> files = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = readString();
            long size = readLong();
            byte[] sha = new byte[32];
            System.arraycopy(in, take(32), sha, 0, 32);
            if (size < 0) {
                return false;
            }
            files.add(new FileDigests.File(name, size, sha));
        }
        if (count == 0 || count > FileDigests.FILES_MAX) {
            return false;
        }
        out.digests = new FileDigests(batchId, files);
        return true;
    }

    private void decodeClose(JournalEntry out) {
        out.sequence = readLong();
        out.atEpochMs = readLong();
        out.trigger = readByte();
        int flags = readByte();
        out.coopId = (flags & FLAG_ONE_COOP) != 0 ? readString() : null;
    }

    // The decode cursor reads the entry's array in place: no ByteBuffer per entry, so replay
    // allocates nothing whether or not the JIT's escape analysis removes a wrapper.

    /** Fails the decode (as a malformed body) when fewer than {@code n} bytes of the entry remain. */
    private int take(int n) {
        int from = at;
        if (end - from < n) {
            throw new IndexOutOfBoundsException("entry body ends early");
        }
        at = from + n;
        return from;
    }

    private long readLong() {
        return (long) LONG_LE.get(in, take(8));
    }

    private int readInt() {
        return (int) INT_LE.get(in, take(4));
    }

    private byte readByte() {
        return in[take(1)];
    }

    /** The u8 length of the string at the cursor, without moving past it. */
    private int peekLength() {
        if (at >= end) {
            throw new IndexOutOfBoundsException("entry body ends early");
        }
        return in[at] & 0xFF;
    }

    /** Moves past a length-prefixed string; returns where its bytes start. */
    private int skipString() {
        int n = readByte() & 0xFF;
        return take(n);
    }

    private String readString() {
        int n = readByte() & 0xFF;
        return new String(in, take(n), n, StandardCharsets.UTF_8);
    }

    /** Whether the entry's payerRef has a u16 length (version 3 on). */
    private boolean wideLength() {
        return version != VERSION_1 && version != VERSION_2;
    }

    /** The u16 length at the cursor, without moving past it. */
    private int peekLength16() {
        if (end - at < 2) {
            throw new IndexOutOfBoundsException("entry body ends early");
        }
        return (short) SHORT_LE.get(in, at) & 0xFFFF;
    }

    private String readPayerRef() {
        if (!wideLength()) {
            return readString();
        }
        int n = peekLength16();
        return new String(in, take(2 + n) + 2, n, StandardCharsets.UTF_8);
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
