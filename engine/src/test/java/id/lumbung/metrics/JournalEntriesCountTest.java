package id.lumbung.metrics;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.payment.WindowSink;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lumbung_journal_entries_total} counts what every book of the process appended: one per
 * journal (a Kafka node's partitions), and a book no longer counted keeps its entries counted.
 */
class JournalEntriesCountTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T04:00:00Z"), ZoneOffset.UTC);
    private static final WindowSink NO_SETTLEMENT = windows -> { };

    @Test
    void countsEveryBooksEntriesAndNeverGoesDownWhenABookIsNoLongerCounted(@TempDir Path dir) throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        try (Journal j0 = new Journal(dir.resolve("j0"), Durability.ASYNC); Journal j1 = new Journal(dir.resolve("j1"), Durability.ASYNC)) {
            PaymentBook first = new PaymentBook(reference, CLOCK, j0, NO_SETTLEMENT, TimeUnit.DAYS.toMillis(7), 1_000);
            PaymentBook second = new PaymentBook(reference, CLOCK, j1, NO_SETTLEMENT, TimeUnit.DAYS.toMillis(7), 1_000);
            metrics.countEntriesOf(first);
            metrics.countEntriesOf(second);
            post(first, reference, "T0000001", "a-1");
            post(first, reference, "T0000001", "a-2");
            post(second, reference, "T0000006", "b-1");
            assertThat(second.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();

            assertThat(metrics.paymentEntries.count()).isEqualTo(3.0);
            assertThat(metrics.closeEntries.count()).isEqualTo(1.0);

            metrics.stopCountingEntriesOf(first);
            assertThat(metrics.paymentEntries.count()).as("the first book's entries stay counted").isEqualTo(3.0);
            post(first, reference, "T0000001", "a-3"); // no longer counted
            post(second, reference, "T0000006", "b-2");
            assertThat(metrics.paymentEntries.count()).isEqualTo(4.0);
            metrics.stopCountingEntriesOf(first); // a second stop changes nothing
            assertThat(metrics.paymentEntries.count()).isEqualTo(4.0);
        }
    }

    private static void post(PaymentBook book, ReferenceData reference, String terminalId, String txnId) {
        PostOutcome o = book.post(new PaymentRequest(terminalId, txnId, 15_000, "IDR", CLOCK.millis(), 25_200, "QRIS", null, null),
                reference.terminal(terminalId));
        assertThat(o.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
    }
}
