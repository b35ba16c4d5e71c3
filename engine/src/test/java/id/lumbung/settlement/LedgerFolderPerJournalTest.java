package id.lumbung.settlement;

import id.lumbung.config.Durability;
import id.lumbung.config.FilesSync;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two journals settling into one data folder (a Kafka node's partitions) number their closes each
 * from 1, so the same {@code close-<sequence>.postings.csv} comes from both: each journal's
 * settlement keeps its postings in a folder of its own, while the cooperatives' batch files share
 * {@code files/}.
 */
class LedgerFolderPerJournalTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T04:00:00Z"), ZoneOffset.UTC);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoJournalsClosingAtTheSameSequenceEachKeepTheirPostings(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<Throwable> fatal = new CopyOnWriteArrayList<>();

        long first = settleOnePayment(dir.resolve("j0"), data, data.resolve("ledger").resolve("p0"), "T0000001", fatal);
        long second = settleOnePayment(dir.resolve("j1"), data, data.resolve("ledger").resolve("p1"), "T0000006", fatal);

        assertThat(fatal).isEmpty();
        assertThat(second).as("both journals close at the same sequence").isEqualTo(first);
        String postings = "close-" + first + ".postings.csv";
        assertThat(Files.readString(data.resolve("ledger").resolve("p0").resolve(postings)))
                .contains(PaymentIds.batchId("KSP-BERINGHARJO", first) + ",clearing,15000,0")
                .doesNotContain("KSP-KLEWER");
        assertThat(Files.readString(data.resolve("ledger").resolve("p1").resolve(postings)))
                .contains(PaymentIds.batchId("KSP-KLEWER", first) + ",clearing,15000,0")
                .doesNotContain("KSP-BERINGHARJO");
        assertThat(data.resolve("files").resolve("KSP-BERINGHARJO").resolve(PaymentIds.batchId("KSP-BERINGHARJO", first) + ".csv"))
                .exists();
        assertThat(data.resolve("files").resolve("KSP-KLEWER").resolve(PaymentIds.batchId("KSP-KLEWER", first) + ".csv"))
                .exists();
    }

    /** Why the folder is per journal: with one folder the second journal's close has other postings under the same name. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneSharedLedgerFolderRefusesTheSecondJournalsClose(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<Throwable> fatal = new CopyOnWriteArrayList<>();

        settleOnePayment(dir.resolve("j0"), data, data.resolve("ledger"), "T0000001", fatal);
        assertThat(fatal).isEmpty();
        settleOnePayment(dir.resolve("j1"), data, data.resolve("ledger"), "T0000006", fatal);

        assertThat(fatal).as("the second close's postings collide with the first's").hasSize(1);
    }

    /** Posts one payment of 15,000 from {@code terminalId} into a new journal, closes, settles; returns the close's sequence. */
    private static long settleOnePayment(Path journalDir, Path data, Path ledgerDir, String terminalId, List<Throwable> fatal)
            throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        Settlement settlement = new Settlement(reference, FeeSchedule.defaults(), data, ledgerDir,
                new Ledger(reference.coopCount(), reference.traderCount()), new EngineMetrics(new SimpleMeterRegistry()),
                (thread, e) -> fatal.add(e), FilesSync.PER_FILE);
        try (Journal journal = new Journal(journalDir, Durability.ASYNC)) {
            PaymentBook book = new PaymentBook(reference, CLOCK, journal, settlement, TimeUnit.DAYS.toMillis(7), 1_000);
            PostOutcome posted = book.post(new PaymentRequest(terminalId, "t-1", 15_000, "IDR", CLOCK.millis(), 25_200,
                    "QRIS", null, null), reference.terminal(terminalId));
            assertThat(posted.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            long closeSequence = book.lastSequence();
            java.util.concurrent.CompletableFuture<List<Batch>> batches = settlement.batchesOfClose(closeSequence);
            book.publishWindows();
            settlement.drained().get(30, TimeUnit.SECONDS);
            if (fatal.isEmpty()) {
                assertThat(batches.get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            return closeSequence;
        } finally {
            settlement.close();
        }
    }
}
