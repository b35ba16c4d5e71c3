package id.lumbung.core.obligation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * The body of an obligation journal entry, little-endian; the journal's entry codec frames it
 * (version, type, length, checksum, sequence, time):
 *
 * <pre>
 * PUT: op u8 = 1, coopId, obligationId, traderId (each a u8 length + ASCII), kind u8 (1 RETRIBUSI,
 *      2 ANGSURAN, 3 SIMPANAN_WAJIB), dailyAmount i64, startDate i32 (epoch day), flags u8
 *      (bit 0: total present), [total i64]
 * END: op u8 = 2, coopId, obligationId, endDate i32 (epoch day)
 * </pre>
 *
 * Decoding checks every field as a request would be checked and throws on anything else: a body
 * that decodes is an event the book can apply. Stateless; obligation changes are rare, so each
 * encode allocates its array.
 */
public final class ObligationCodec {
    public static final int OP_PUT = 1;
    public static final int OP_END = 2;
    private static final int FLAG_TOTAL = 1;
    /**
     * The longest body: a PUT of 1 + (1 + 16) + (1 + 32) + (1 + 32) + 1 + 8 + 4 + 1 + 8 = 106 bytes.
     */
    public static final int BODY_BYTES_MAX = 1 + (1 + Obligation.COOP_ID_CHARS_MAX)
            + (1 + Obligation.OBLIGATION_ID_CHARS_MAX) + (1 + Obligation.TRADER_ID_CHARS_MAX) + 1 + 8 + 4 + 1 + 8;

    private ObligationCodec() {
    }

    /** The body of a PUT of {@code obligation}, which carries no end date. */
    public static byte[] encodePut(Obligation obligation) {
        if (obligation.endDate() != null) {
            throw new IllegalArgumentException("a put carries terms only; obligation " + obligation.obligationId()
                    + " has an end date");
        }
        ByteBuffer buf = ByteBuffer.allocate(BODY_BYTES_MAX).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) OP_PUT);
        putAscii(buf, obligation.coopId());
        putAscii(buf, obligation.obligationId());
        putAscii(buf, obligation.traderId());
        buf.put((byte) obligation.kind().code());
        buf.putLong(obligation.dailyAmountRupiah());
        buf.putInt((int) obligation.startDate().toEpochDay());
        Long total = obligation.totalRupiah();
        buf.put((byte) (total == null ? 0 : FLAG_TOTAL));
        if (total != null) {
            buf.putLong(total);
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /** The body of an END. */
    public static byte[] encodeEnd(String coopId, String obligationId, LocalDate endDate) {
        check(Obligation.isId(coopId, Obligation.COOP_ID_CHARS_MAX), "coopId");
        check(Obligation.isId(obligationId, Obligation.OBLIGATION_ID_CHARS_MAX), "obligationId");
        check(Obligation.inDateRange(endDate), "endDate");
        ByteBuffer buf = ByteBuffer.allocate(BODY_BYTES_MAX).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) OP_END);
        putAscii(buf, coopId);
        putAscii(buf, obligationId);
        buf.putInt((int) endDate.toEpochDay());
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /** The body of {@code event}. */
    public static byte[] encode(ObligationEvent event) {
        if (event instanceof ObligationEvent.Put put) {
            return encodePut(put.obligation());
        }
        ObligationEvent.End end = (ObligationEvent.End) event;
        return encodeEnd(end.coopId(), end.obligationId(), end.endDate());
    }

    /**
     * Decodes a body.
     *
     * @throws IllegalArgumentException naming what is wrong: unknown op, a short or overlong body,
     *         a field out of range
     */
    public static ObligationEvent decode(byte[] bytes, int offset, int length) {
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        try {
            int op = buf.get();
            ObligationEvent event;
            if (op == OP_PUT) {
                event = decodePut(buf);
            } else if (op == OP_END) {
                String coopId = getAscii(buf, "coopId");
                String obligationId = getAscii(buf, "obligationId");
                LocalDate endDate = date(buf.getInt(), "endDate");
                check(Obligation.isId(coopId, Obligation.COOP_ID_CHARS_MAX), "coopId");
                check(Obligation.isId(obligationId, Obligation.OBLIGATION_ID_CHARS_MAX), "obligationId");
                event = new ObligationEvent.End(coopId, obligationId, endDate);
            } else {
                throw new IllegalArgumentException("unknown obligation op " + op);
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " bytes after the obligation event");
            }
            return event;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("obligation event body of " + length + " bytes is short", e);
        }
    }

    private static ObligationEvent decodePut(ByteBuffer buf) {
        String coopId = getAscii(buf, "coopId");
        String obligationId = getAscii(buf, "obligationId");
        String traderId = getAscii(buf, "traderId");
        ObligationKind kind = ObligationKind.ofCode(buf.get());
        check(kind != null, "kind");
        long daily = buf.getLong();
        LocalDate start = date(buf.getInt(), "startDate");
        int flags = buf.get();
        check((flags & ~FLAG_TOTAL) == 0, "flags");
        Long total = (flags & FLAG_TOTAL) != 0 ? buf.getLong() : null;
        Checked<Obligation> checked = Obligation.check(coopId, obligationId, traderId, kind.name(), daily,
                start.toString(), total);
        check(Obligation.isId(coopId, Obligation.COOP_ID_CHARS_MAX), "coopId");
        if (!checked.ok()) {
            throw new IllegalArgumentException("obligation event: " + checked.rejection().detail());
        }
        return new ObligationEvent.Put(checked.value());
    }

    private static LocalDate date(int epochDay, String field) {
        check(epochDay >= Obligation.DATE_MIN.toEpochDay() && epochDay <= Obligation.DATE_MAX.toEpochDay(), field);
        return LocalDate.ofEpochDay(epochDay);
    }

    private static void check(boolean ok, String field) {
        if (!ok) {
            throw new IllegalArgumentException("obligation event " + field + " out of range");
        }
    }

    private static void putAscii(ByteBuffer buf, String s) {
        buf.put((byte) s.length());
        for (int i = 0; i < s.length(); i++) {
            buf.put((byte) s.charAt(i));
        }
    }

    private static String getAscii(ByteBuffer buf, String field) {
        int n = buf.get() & 0xFF;
        check(n <= Obligation.TRADER_ID_CHARS_MAX, field);
        byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
