package id.lumbung.core.obligation;

import java.util.List;
import org.junit.jupiter.api.Test;

import static id.lumbung.core.obligation.ObligationKind.ANGSURAN;
import static id.lumbung.core.obligation.ObligationKind.RETRIBUSI;
import static id.lumbung.core.obligation.ObligationKind.SIMPANAN_WAJIB;
import static id.lumbung.core.obligation.Obligations.COOP;
import static id.lumbung.core.obligation.Obligations.date;
import static id.lumbung.core.obligation.Obligations.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each clause of the rule (DESIGN.md, "Member obligations", "Rule") on a small book. */
class ObligationRuleTest {
    private final ObligationBook book = new ObligationBook(COOP);

    private PayoutLine settleOne(String closeDate, String trader, long net) {
        ObligationSettling s = book.settle(date(closeDate));
        PayoutLine line = s.member(trader, net);
        s.finish();
        return line;
    }

    private void put(Obligation o) {
        assertThat(book.put(o).status()).isEqualTo(ObligationOutcome.Status.CREATED);
    }

    @Test
    void accruesEveryDayFromStartToCloseDateBothInclusive() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-01", null));
        // 1, 2 and 3 December: three days
        assertThat(settleOne("2026-12-03", "TR1", 50_000))
                .isEqualTo(new PayoutLine("TR1", 50_000, 3_000, 0, 0, 47_000));
    }

    @Test
    void startOnTheCloseDateAccruesOneDay() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-03", null));
        assertThat(settleOne("2026-12-03", "TR1", 50_000).retribusiRupiah()).isEqualTo(1_000);
    }

    @Test
    void startInTheFutureAccruesNothingUntilThen() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-04", null));
        assertThat(settleOne("2026-12-03", "TR1", 50_000).payoutRupiah()).isEqualTo(50_000);
        assertThat(book.view("R1").accruedRupiah()).isZero();
        assertThat(settleOne("2026-12-05", "TR1", 50_000).retribusiRupiah()).isEqualTo(2_000);
    }

    @Test
    void endDateStopsAccrualButWhatIsDueIsStillCollected() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-01", null));
        assertThat(book.end("R1", date("2026-12-02")).status()).isEqualTo(ObligationOutcome.Status.ENDED);
        // accrued to 2 December only, collected at a close on the 10th
        assertThat(settleOne("2026-12-10", "TR1", 50_000).retribusiRupiah()).isEqualTo(2_000);
        assertThat(settleOne("2026-12-11", "TR1", 50_000).retribusiRupiah()).isZero();
    }

    @Test
    void totalCapsWhatIsEverCollected() {
        put(of("L1", "TR1", ANGSURAN, 10_000, "2026-12-01", 25_000L));
        assertThat(settleOne("2026-12-02", "TR1", 100_000).angsuranRupiah()).isEqualTo(20_000);
        assertThat(settleOne("2026-12-03", "TR1", 100_000).angsuranRupiah()).isEqualTo(5_000);
        assertThat(settleOne("2026-12-04", "TR1", 100_000).angsuranRupiah()).isZero();
        assertThat(book.view("L1")).isEqualTo(new ObligationView(book.obligation("L1"), 25_000, 25_000, 0));
    }

    @Test
    void paysRetribusiThenAngsuranThenSimpananWajibThenByObligationId() {
        put(of("S1", "TR1", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        put(of("L-B", "TR1", ANGSURAN, 3_000, "2026-12-01", null));
        put(of("L-A", "TR1", ANGSURAN, 3_000, "2026-12-01", null));
        put(of("R1", "TR1", RETRIBUSI, 2_000, "2026-12-01", null));
        ObligationSettling s = book.settle(date("2026-12-01"));
        // 2,000 retribusi, 3,000 for L-A, 1,500 of L-B's 3,000; nothing for savings
        assertThat(s.member("TR1", 6_500)).isEqualTo(new PayoutLine("TR1", 6_500, 2_000, 4_500, 0, 0));
        assertThat(s.finish().deductions()).containsExactly(
                new Deduction("R1", "TR1", RETRIBUSI, 2_000),
                new Deduction("L-A", "TR1", ANGSURAN, 3_000),
                new Deduction("L-B", "TR1", ANGSURAN, 1_500));
    }

    @Test
    void shortfallStaysDueAndIsTakenFirstFromTheNextBatch() {
        put(of("L1", "TR1", ANGSURAN, 10_000, "2026-12-01", null));
        put(of("S1", "TR1", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        assertThat(settleOne("2026-12-01", "TR1", 4_000)).isEqualTo(new PayoutLine("TR1", 4_000, 0, 4_000, 0, 0));
        assertThat(book.view("L1").dueRupiah()).isEqualTo(6_000);
        // 2 December: L1 due 6,000 + 10,000, S1 due 2,000
        assertThat(settleOne("2026-12-02", "TR1", 17_000)).isEqualTo(new PayoutLine("TR1", 17_000, 0, 16_000, 1_000, 0));
        assertThat(settleOne("2026-12-03", "TR1", 30_000)).isEqualTo(new PayoutLine("TR1", 30_000, 0, 10_000, 2_000, 18_000));
    }

    @Test
    void memberWithoutPaymentIsNotTouchedAndItsDueGrows() {
        put(of("S1", "TR1", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        put(of("S2", "TR2", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        ObligationSettling s = book.settle(date("2026-12-02"));
        s.member("TR2", 10_000);
        BatchDeductions batch = s.finish();
        assertThat(batch.lines()).extracting(PayoutLine::traderId).containsExactly("TR2");
        assertThat(book.view("S1")).isEqualTo(new ObligationView(book.obligation("S1"), 2_000, 0, 2_000));
        assertThat(book.dues("TR1")).isEqualTo(new MemberDues(0, 0, 2_000));
        assertThat(book.dues("TR2")).isEqualTo(new MemberDues(2_000, 0, 0));
    }

    @Test
    void memberWithoutObligationsIsPaidItsNet() {
        put(of("S1", "TR1", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        assertThat(settleOne("2026-12-02", "TR9", 7_000)).isEqualTo(new PayoutLine("TR9", 7_000, 0, 0, 0, 7_000));
    }

    @Test
    void zeroNetDeductsNothing() {
        put(of("S1", "TR1", SIMPANAN_WAJIB, 1_000, "2026-12-01", null));
        assertThat(settleOne("2026-12-02", "TR1", 0)).isEqualTo(new PayoutLine("TR1", 0, 0, 0, 0, 0));
        assertThat(book.view("S1").dueRupiah()).isEqualTo(2_000);
    }

    @Test
    void anEarlierCloseDateNeverUnaccrues() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-01", null));
        assertThat(settleOne("2026-12-05", "TR1", 5_000).retribusiRupiah()).isEqualTo(5_000);
        // a close dated before the previous one (a clock stepped back) accrues to the previous date
        ObligationSettling s = book.settle(date("2026-12-03"));
        assertThat(s.closeDate()).isEqualTo(date("2026-12-05"));
        assertThat(s.member("TR1", 5_000).retribusiRupiah()).isZero();
        s.finish();
    }

    @Test
    void lastCloseDateMovesOnEveryCloseWithOrWithoutMembers() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-01", null));
        assertThat(book.lastCloseDate()).isNull();
        assertThat(book.view("R1").accruedRupiah()).isZero();
        book.settle(date("2026-12-04")).finish();
        assertThat(book.lastCloseDate()).isEqualTo(date("2026-12-04"));
        assertThat(book.views(null)).containsExactly(new ObligationView(book.obligation("R1"), 4_000, 0, 4_000));
    }

    @Test
    void endBeforeTheLastCloseDateIsInvalidOnItIsAccepted() {
        put(of("R1", "TR1", RETRIBUSI, 1_000, "2026-12-01", null));
        book.settle(date("2026-12-04")).finish();
        ObligationOutcome early = book.end("R1", date("2026-12-03"));
        assertThat(early.rejection().code()).isEqualTo(ObligationCode.INVALID_FIELD);
        assertThat(early.rejection().field()).isEqualTo("endDate");
        assertThat(book.obligation("R1").endDate()).isNull();
        ObligationOutcome onIt = book.end("R1", date("2026-12-04"));
        assertThat(onIt.status()).isEqualTo(ObligationOutcome.Status.ENDED);
        assertThat(onIt.obligation().endDate()).isEqualTo(date("2026-12-04"));
        assertThat(book.end("R9", date("2026-12-04")).rejection().code()).isEqualTo(ObligationCode.NOT_FOUND);
    }

    @Test
    void putIsIdempotentOnEqualTermsAndConflictsOnOthers() {
        Obligation o = of("L1", "TR1", ANGSURAN, 10_000, "2026-12-01", 25_000L);
        assertThat(book.put(o).status()).isEqualTo(ObligationOutcome.Status.CREATED);
        assertThat(book.put(o).status()).isEqualTo(ObligationOutcome.Status.UNCHANGED);
        book.end("L1", date("2026-12-09"));
        ObligationOutcome again = book.put(o);
        assertThat(again.status()).isEqualTo(ObligationOutcome.Status.UNCHANGED);
        assertThat(again.obligation().endDate()).isEqualTo(date("2026-12-09"));
        for (Obligation other : List.of(of("L1", "TR2", ANGSURAN, 10_000, "2026-12-01", 25_000L),
                of("L1", "TR1", RETRIBUSI, 10_000, "2026-12-01", 25_000L),
                of("L1", "TR1", ANGSURAN, 10_001, "2026-12-01", 25_000L),
                of("L1", "TR1", ANGSURAN, 10_000, "2026-12-02", 25_000L),
                of("L1", "TR1", ANGSURAN, 10_000, "2026-12-01", null))) {
            assertThat(book.put(other).rejection().code()).as(other.toString())
                    .isEqualTo(ObligationCode.IDEMPOTENCY_CONFLICT);
        }
        assertThat(book.size()).isEqualTo(1);
    }

    @Test
    void aMemberHoldsAtMostItsLimitOfObligations() {
        for (int i = 0; i < ObligationBook.OBLIGATIONS_PER_TRADER_MAX; i++) {
            put(of("S" + i, "TR1", SIMPANAN_WAJIB, 1, "2026-12-01", null));
        }
        ObligationOutcome over = book.put(of("S-over", "TR1", SIMPANAN_WAJIB, 1, "2026-12-01", null));
        assertThat(over.rejection().code()).isEqualTo(ObligationCode.LIMIT_REACHED);
        assertThat(book.put(of("S-other", "TR2", SIMPANAN_WAJIB, 1, "2026-12-01", null)).status())
                .isEqualTo(ObligationOutcome.Status.CREATED);
    }

    @Test
    void membersMustComeInTraderIdOrderOnce() {
        ObligationSettling s = book.settle(date("2026-12-01"));
        s.member("TR2", 1);
        assertThatThrownBy(() -> s.member("TR1", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.member("TR2", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.member("TR3", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherCooperativesObligationIsABug() {
        Checked<Obligation> c = Obligation.check("C2", "X1", "TR1", "RETRIBUSI", 1L, "2026-12-01", null);
        assertThatThrownBy(() -> book.put(c.value())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeDateIsTheJakartaDate() {
        // 2026-12-01T16:59:59.999Z is 23:59:59.999 in Jakarta; a millisecond later it is 2 December there
        long lastMsOfFirst = java.time.Instant.parse("2026-12-01T16:59:59.999Z").toEpochMilli();
        assertThat(JakartaDates.closeDate(lastMsOfFirst)).isEqualTo(date("2026-12-01"));
        assertThat(JakartaDates.closeDate(lastMsOfFirst + 1)).isEqualTo(date("2026-12-02"));
        assertThat(JakartaDates.closedAt(lastMsOfFirst + 1)).isEqualTo("2026-12-02T00:00:00.000+07:00");
    }
}
