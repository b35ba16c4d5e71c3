package id.lumbung.core.obligation;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The PUT and end fields' checks: which code and field each bad value gets. */
class ObligationCheckTest {

    private static ObligationRejection put(String id, String trader, String kind, Long daily, String start, Long total) {
        Checked<Obligation> c = Obligation.check("C1", id, trader, kind, daily, start, total);
        assertThat(c.ok()).as("accepted: " + c.value()).isFalse();
        return c.rejection();
    }

    private static void assertRejected(ObligationRejection r, ObligationCode code, String field) {
        assertThat(r.code()).as(r.detail()).isEqualTo(code);
        assertThat(r.field()).isEqualTo(field);
    }

    @Test
    void acceptsAValidObligation() {
        Checked<Obligation> c = Obligation.check("C1", "L-2026-01", "TR1", "ANGSURAN", 5_000L, "2026-12-01", 150_000L);
        assertThat(c.value()).isEqualTo(new Obligation("L-2026-01", "C1", "TR1", ObligationKind.ANGSURAN, 5_000,
                LocalDate.of(2026, 12, 1), null, 150_000L));
        assertThat(Obligation.check("C1", "R", "TR1", "RETRIBUSI", 1L, "2026-12-01", null).value().totalRupiah()).isNull();
    }

    @Test
    void missingFieldsAreMissingField() {
        assertRejected(put("X", null, "RETRIBUSI", 1L, "2026-12-01", null), ObligationCode.MISSING_FIELD, "traderId");
        assertRejected(put("X", "TR1", null, 1L, "2026-12-01", null), ObligationCode.MISSING_FIELD, "kind");
        assertRejected(put("X", "TR1", "RETRIBUSI", null, "2026-12-01", null), ObligationCode.MISSING_FIELD, "dailyAmount");
        assertRejected(put("X", "TR1", "RETRIBUSI", 1L, null, null), ObligationCode.MISSING_FIELD, "startDate");
        assertRejected(Obligation.checkEndDate(null).rejection(), ObligationCode.MISSING_FIELD, "endDate");
    }

    @Test
    void badIdsKindsAndDatesAreInvalidField() {
        for (String id : new String[] {"", "a_b", "x".repeat(33), "ü"}) {
            assertRejected(put(id, "TR1", "RETRIBUSI", 1L, "2026-12-01", null), ObligationCode.INVALID_FIELD, "obligationId");
        }
        assertThat(Obligation.check("C1", "x".repeat(32), "TR1", "RETRIBUSI", 1L, "2026-12-01", null).ok()).isTrue();
        assertRejected(put("X", "T 1", "RETRIBUSI", 1L, "2026-12-01", null), ObligationCode.INVALID_FIELD, "traderId");
        for (String kind : new String[] {"", "retribusi", "SIMPANAN", "SIMPANAN_WAJIB "}) {
            assertRejected(put("X", "TR1", kind, 1L, "2026-12-01", null), ObligationCode.INVALID_FIELD, "kind");
        }
        for (String date : new String[] {"2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "+2026-01-01",
                "2026-01-01T00:00", "1969-12-31", "２０２６-01-01", ""}) {
            assertRejected(put("X", "TR1", "RETRIBUSI", 1L, date, null), ObligationCode.INVALID_FIELD, "startDate");
            assertRejected(Obligation.checkEndDate(date).rejection(), ObligationCode.INVALID_FIELD, "endDate");
        }
        assertThat(Obligation.checkEndDate("2028-02-29").value()).isEqualTo(LocalDate.of(2028, 2, 29));
        assertThat(Obligation.parseDate("1970-01-01")).isEqualTo(Obligation.DATE_MIN);
        assertThat(Obligation.parseDate("9999-12-31")).isEqualTo(Obligation.DATE_MAX);
    }

    @Test
    void amountsOutOfRangeAreInvalidAmount() {
        long maxDaily = Obligation.DAILY_AMOUNT_MAX_RUPIAH;
        long maxTotal = Obligation.TOTAL_MAX_RUPIAH;
        for (long daily : new long[] {0, -1, maxDaily + 1, Long.MIN_VALUE}) {
            assertRejected(put("X", "TR1", "RETRIBUSI", daily, "2026-12-01", null), ObligationCode.INVALID_AMOUNT, "dailyAmount");
        }
        for (long total : new long[] {0, -5, maxTotal + 1}) {
            assertRejected(put("X", "TR1", "RETRIBUSI", 1L, "2026-12-01", total), ObligationCode.INVALID_AMOUNT, "total");
        }
        assertThat(Obligation.check("C1", "X", "TR1", "RETRIBUSI", maxDaily, "2026-12-01", maxTotal).ok()).isTrue();
    }

    @Test
    void theLongestAccrualFitsALongWithRoomForAMembersSum() {
        Obligation o = Obligation.check("C1", "X", "TR1", "RETRIBUSI", Obligation.DAILY_AMOUNT_MAX_RUPIAH,
                "1970-01-01", null).value();
        ObligationBook book = new ObligationBook("C1");
        book.put(o);
        book.settle(Obligation.DATE_MAX).finish();
        long accrued = book.view("X").accruedRupiah();
        assertThat(accrued).isEqualTo(Obligation.DAILY_AMOUNT_MAX_RUPIAH * (Obligation.DATE_MAX.toEpochDay() + 1));
        assertThat(Long.MAX_VALUE / accrued).isGreaterThan(ObligationBook.OBLIGATIONS_PER_TRADER_MAX);
    }
}
