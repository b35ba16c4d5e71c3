package id.lumbung.settlement;

import id.lumbung.config.Durability;
import id.lumbung.config.FilesSync;
import id.lumbung.core.journal.FileDigests;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's journaled file digests against the files settlement wrote: the same digests pass, a
 * file with other bytes, a file missing, or a batch never settled here is a fatal inconsistency,
 * as a new owner of a Kafka partition meets them when it writes the files again.
 */
class FileDigestsCheckTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T04:00:00Z"), ZoneOffset.UTC);

    private record Rig(Settlement settlement, PaymentBook book, Journal journal, List<Throwable> fatal, BatchRecord batch)
            implements AutoCloseable {
        @Override
        public void close() {
            settlement.close();
            journal.close();
        }
    }

    private static Rig settled(Path dir) throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        Settlement settlement = new Settlement(reference, FeeSchedule.defaults(), dir.resolve("data"),
                new Ledger(reference.coopCount(), reference.traderCount()), new EngineMetrics(new SimpleMeterRegistry()),
                (t, e) -> fatal.add(e), FilesSync.PER_FILE);
        Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC);
        PaymentBook book = new PaymentBook(reference, CLOCK, journal, settlement, TimeUnit.DAYS.toMillis(7), 1_000);
        book.post(new PaymentRequest("T0000006", "t-1", 15_000, "IDR", CLOCK.millis(), 25_200, "QRIS", null, null),
                reference.terminal("T0000006"));
        assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
        long close = book.lastSequence();
        book.publishWindows();
        settlement.batchesOfClose(close).get(30, TimeUnit.SECONDS);
        BatchRecord batch = settlement.batchesOf(reference.coop("KSP-KLEWER").index()).get(0);
        return new Rig(settlement, book, journal, fatal, batch);
    }

    private static FileDigests digestsOf(BatchRecord batch, int alterFile) {
        List<FileDigests.File> files = new ArrayList<>();
        for (int i = 0; i < batch.files().size(); i++) {
            FileDigest f = batch.files().get(i);
            byte[] sha = HexFormat.of().parseHex(f.sha256Hex());
            if (i == alterFile) {
                sha[0] ^= 1;
            }
            files.add(new FileDigests.File(f.name(), f.sizeBytes(), sha));
        }
        return new FileDigests(batch.batch().batchId(), files);
    }

    /**
     * Journals {@code digests} through the book (as the owner does), then hands them to settlement
     * as the book's replay of that entry does ({@code WindowSink.onFileDigests}).
     */
    private static void replayDigests(Rig rig, FileDigests digests) throws Exception {
        assertThat(rig.book().journalFileDigests(digests)).isTrue();
        rig.settlement().onFileDigests(digests);
        rig.settlement().drained().get(30, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(60)
    void theDigestsTheFilesWereWrittenWithPass(@TempDir Path dir) throws Exception {
        try (Rig rig = settled(dir)) {
            replayDigests(rig, digestsOf(rig.batch(), -1));
            assertThat(rig.fatal()).isEmpty();
            assertThat(rig.settlement().differenceFrom(digestsOf(rig.batch(), -1))).isNull();
        }
    }

    @Test
    @Timeout(60)
    void aFileWithOtherBytesIsFatal(@TempDir Path dir) throws Exception {
        try (Rig rig = settled(dir)) {
            replayDigests(rig, digestsOf(rig.batch(), 1));
            assertThat(rig.fatal()).singleElement().satisfies(e -> assertThat(e.getMessage())
                    .contains(rig.batch().batch().batchId()).contains(rig.batch().files().get(1).name()).contains("journaled"));
        }
    }

    @Test
    @Timeout(60)
    void aMissingFileOrAnUnknownBatchDiffer(@TempDir Path dir) throws Exception {
        try (Rig rig = settled(dir)) {
            FileDigests all = digestsOf(rig.batch(), -1);
            FileDigests twoOfThree = new FileDigests(all.batchId(), all.files().subList(0, 2));
            assertThat(rig.settlement().differenceFrom(twoOfThree)).contains("written here but not journaled");
            assertThat(rig.settlement().differenceFrom(new FileDigests("KSP-KLEWER-999", all.files())))
                    .isEqualTo("no such batch was settled here");
        }
    }
}
