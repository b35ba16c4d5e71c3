package id.lumbung.core.payment;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationCode;
import id.lumbung.core.obligation.ObligationEvent;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.reference.ReferenceFiles;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal writer's side of member obligations: a PUT or END is checked against the journaled
 * terms and the cooperative's last close date, journaled only when it changes something, and handed
 * to the window sink in journal order with the closed windows, only once published (after the
 * force); replay rebuilds the same terms and hands over the same sequence.
 */
class PaymentBookObligationTest {
    private final PaymentBookTest.MutableClock clock = new PaymentBookTest.MutableClock();
    private final List<String> handedOver = new ArrayList<>();

    private final WindowSink sink = new WindowSink() {
        @Override
        public void onWindowClosed(ClosedWindow window) {
            handedOver.add("close " + window.closeSequence() + " of " + (window.onlyCoopId() == null ? "all" : window.onlyCoopId()));
        }

        @Override
        public void onObligationEvent(ObligationEvent event) {
            handedOver.add(event instanceof ObligationEvent.Put p ? "put " + p.obligation().obligationId()
                    : "end " + ((ObligationEvent.End) event).obligationId() + " on " + ((ObligationEvent.End) event).endDate());
        }
    };

    private static Obligation obligation(String id, String coopId, String traderId, long daily) {
        return new Obligation(id, coopId, traderId, ObligationKind.ANGSURAN, daily, LocalDate.of(2026, 11, 1), null, 50_000L);
    }

    @Test
    void checksJournalsAndHandsOverInJournalOrder(@TempDir Path dir) throws Exception {
        ReferenceData ref = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        // 2026-11-29T03:00Z is 10:00 on 29 November in Jakarta
        LocalDate closeDate = LocalDate.of(2026, 11, 29);
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook book = new PaymentBook(ref, clock, journal, sink, 7 * TimeUnit.DAYS.toMillis(1), 1000);
            assertThat(book.putObligation(obligation("O-1", "KSP-BERINGHARJO", "BRH-001", 1000)).status())
                    .isEqualTo(ObligationOutcome.Status.CREATED);
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            assertThat(book.endObligation("KSP-BERINGHARJO", "O-1", closeDate).status()).isEqualTo(ObligationOutcome.Status.ENDED);
            long journaled = book.lastSequence();
            // refusals and a replayed PUT journal nothing
            assertThat(book.putObligation(obligation("O-1", "KSP-BERINGHARJO", "BRH-001", 1000)).status())
                    .isEqualTo(ObligationOutcome.Status.UNCHANGED);
            assertThat(book.putObligation(obligation("O-1", "KSP-BERINGHARJO", "BRH-001", 2000)).rejection().code())
                    .isEqualTo(ObligationCode.IDEMPOTENCY_CONFLICT);
            assertThat(book.putObligation(obligation("O-2", "KSP-BERINGHARJO", "KLW-001", 1000)).rejection().code())
                    .isEqualTo(ObligationCode.NOT_FOUND);
            assertThat(book.endObligation("KSP-BERINGHARJO", "O-1", closeDate.minusDays(1)).rejection().code())
                    .isEqualTo(ObligationCode.INVALID_FIELD);
            assertThat(book.endObligation("KSP-BERINGHARJO", "O-9", closeDate).rejection().code())
                    .isEqualTo(ObligationCode.NOT_FOUND);
            // another cooperative has closed too (a close of all), so its end before the close's date is refused
            assertThat(book.putObligation(obligation("O-3", "KSP-KLEWER", "KLW-001", 1000)).status())
                    .isEqualTo(ObligationOutcome.Status.CREATED);
            assertThat(book.endObligation("KSP-KLEWER", "O-3", closeDate.minusDays(1)).rejection().code())
                    .isEqualTo(ObligationCode.INVALID_FIELD);
            assertThat(book.lastSequence()).isEqualTo(journaled + 1);
            // nothing reaches settlement before the entries are published (the writer does it after the force)
            assertThat(handedOver).isEmpty();
            book.publishWindows();
        }
        List<String> expected = List.of("put O-1", "close 2 of all", "end O-1 on 2026-11-29", "put O-3");
        assertThat(handedOver).containsExactlyElementsOf(expected);

        handedOver.clear();
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            PaymentBook replayed = new PaymentBook(ref, clock, journal, sink, 7 * TimeUnit.DAYS.toMillis(1), 1000);
            Journal.ReplayResult r = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r.lastSequence(), r.discardedTailIndex());
            assertThat(handedOver).containsExactlyElementsOf(expected);
            assertThat(replayed.obligation("KSP-BERINGHARJO", "O-1").endDate()).isEqualTo(closeDate);
            assertThat(replayed.putObligation(obligation("O-1", "KSP-BERINGHARJO", "BRH-001", 2000)).rejection().code())
                    .isEqualTo(ObligationCode.IDEMPOTENCY_CONFLICT);
            assertThat(replayed.endObligation("KSP-KLEWER", "O-3", closeDate.minusDays(1)).rejection().code())
                    .isEqualTo(ObligationCode.INVALID_FIELD);
        }
    }
}
