package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The obligation events' bytes: exact layout, round trips, and every malformed body refused. */
class ObligationCodecTest {
    private static final Obligation LOAN = Obligations.of("L-1", "TR1", ObligationKind.ANGSURAN, 5_000, "2026-12-01", 150_000L);

    @Test
    void putHasTheDocumentedLayout() {
        byte[] body = ObligationCodec.encodePut(LOAN);
        // op 1, "C1", "L-1", "TR1", kind 2, 5000 LE, epoch day 20788 (2026-12-01) LE, flags 1, 150000 LE
        assertThat(HexFormat.of().formatHex(body)).isEqualTo("01" + "024331" + "034c2d31" + "03545231" + "02"
                + "8813000000000000" + "34510000" + "01" + "f049020000000000");
        assertThat(LocalDate.of(2026, 12, 1).toEpochDay()).isEqualTo(0x5134);
    }

    @Test
    void eventsRoundTrip() {
        Obligation open = Obligations.of("R-9", "TR-2", ObligationKind.RETRIBUSI, 1, "1970-01-01", null);
        for (Obligation o : new Obligation[] {LOAN, open}) {
            byte[] body = ObligationCodec.encodePut(o);
            assertThat(ObligationCodec.decode(body, 0, body.length)).isEqualTo(new ObligationEvent.Put(o));
        }
        ObligationEvent.End end = new ObligationEvent.End("C1", "L-1", LocalDate.of(9999, 12, 31));
        byte[] body = ObligationCodec.encode(end);
        byte[] framed = new byte[body.length + 7];
        System.arraycopy(body, 0, framed, 3, body.length);
        assertThat(ObligationCodec.decode(framed, 3, body.length)).isEqualTo(end);
        assertThat(ObligationCodec.encodePut(Obligations.of("x".repeat(32), "y".repeat(32), ObligationKind.SIMPANAN_WAJIB,
                1, "2026-01-01", 1L))).hasSizeLessThanOrEqualTo(ObligationCodec.BODY_BYTES_MAX);
    }

    @Test
    void decodedEventsApplyToABookAndOnlyOnce() {
        ObligationBook book = new ObligationBook("C1");
        byte[] put = ObligationCodec.encodePut(LOAN);
        byte[] end = ObligationCodec.encodeEnd("C1", "L-1", LocalDate.of(2026, 12, 31));
        assertThat(book.apply(ObligationCodec.decode(put, 0, put.length))).isEqualTo(LOAN);
        assertThat(book.apply(ObligationCodec.decode(end, 0, end.length)).endDate()).isEqualTo(LocalDate.of(2026, 12, 31));
        // a second PUT of the same terms changes nothing: it was never journaled twice
        assertThatThrownBy(() -> book.apply(ObligationCodec.decode(put, 0, put.length)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UNCHANGED");
        assertThatThrownBy(() -> book.apply(new ObligationEvent.End("C1", "L-9", LocalDate.of(2026, 12, 31))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no obligation L-9");
        assertThatThrownBy(() -> new ObligationBook("C2").apply(new ObligationEvent.Put(LOAN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPutCarriesNoEnd() {
        assertThatThrownBy(() -> ObligationCodec.encodePut(LOAN.endedOn(LocalDate.of(2027, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesEveryMalformedBody() {
        byte[] put = ObligationCodec.encodePut(LOAN);
        for (int n = 0; n < put.length; n++) {
            int length = n;
            assertThatThrownBy(() -> ObligationCodec.decode(put, 0, length)).as("truncated to " + n)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(put, put.length + 1);
        assertThatThrownBy(() -> ObligationCodec.decode(longer, 0, longer.length)).hasMessageContaining("after");
        assertBad(put, 0, 3); // unknown op
        assertBad(put, 12, 4); // kind 4
        assertBad(put, 12, 0); // kind 0
        assertBad(put, 1, 0); // empty coop id
        assertBad(put, 2, '_'); // a coop id character outside [A-Za-z0-9-]
        assertBad(put, 13, 0); // daily amount 0 (5000 = 0x1388 → 0x1300 is fine, so zero both bytes)
        assertBad(put, 25, 3); // unknown flag
        byte[] noTotal = ObligationCodec.encodePut(Obligations.of("L-1", "TR1", ObligationKind.ANGSURAN, 5_000,
                "2026-12-01", null));
        assertBad(noTotal, 24, 0x80); // start date 0x80005134: a negative epoch day
        assertBad(noTotal, 23, 0x7f); // start date 0x007f5134: day 8,343,860, after 9999-12-31 (day 2,932,896)
    }

    private static void assertBad(byte[] body, int offset, int value) {
        byte[] bad = body.clone();
        bad[offset] = (byte) value;
        if (offset == 13) {
            bad[14] = 0;
        }
        assertThatThrownBy(() -> ObligationCodec.decode(bad, 0, bad.length)).as("byte " + offset + " = " + value)
                .isInstanceOf(IllegalArgumentException.class);
    }
}
