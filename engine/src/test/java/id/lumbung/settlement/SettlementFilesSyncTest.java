package id.lumbung.settlement;

import id.lumbung.config.FilesSync;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.MemberTotals;
import id.lumbung.reference.ReferenceFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A close made durable by a file system sync ({@code settlement.files.sync=auto}): every file is
 * written under its temp name before the first sync and renamed only after it, the close ends
 * only after a second sync, and the files are byte for byte those of an fsync per file. What the
 * file system sees at each sync is recorded by the test's own sync, which then calls nothing: the
 * order is what is checked here; {@code FileSystemSyncTest} checks the real syncfs.
 */
class SettlementFilesSyncTest {
    private static final ReferenceData REFERENCE = demo();

    private static ReferenceData demo() {
        try {
            return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the files folder held at one sync: final names and temp names. */
    private record Seen(List<String> finals, List<String> temps) {
    }

    @Test
    void everyFileIsWrittenBeforeTheFirstSyncAndRenamedBeforeTheSecondAndTheCloseEndsAfterIt(@TempDir Path dir) throws Exception {
        Path files = dir.resolve("files");
        Path ledger = dir.resolve("ledger");
        List<Seen> seen = new ArrayList<>();
        SettlementFiles writer = new SettlementFiles(REFERENCE, files, ledger, 4, () -> seen.add(look(dir)), "test");
        List<Batch> batches = batches(7);
        try {
            List<BatchRecord> records = writer.write(7, batches);

            assertThat(seen).hasSize(2);
            int expectedFiles = batches.size() * 3 + 1; // three per batch and the postings
            assertThat(seen.get(0).finals()).as("no file is under its final name before its bytes are durable").isEmpty();
            assertThat(seen.get(0).temps()).hasSize(expectedFiles);
            assertThat(seen.get(1).temps()).as("every rename is done before the second sync").isEmpty();
            assertThat(seen.get(1).finals()).hasSize(expectedFiles);
            assertThat(look(dir)).as("nothing changes after the second sync").isEqualTo(seen.get(1));
            assertThat(records).extracting(r -> r.batch().batchId()).containsExactlyElementsOf(
                    batches.stream().map(Batch::batchId).toList());
        } finally {
            writer.close();
        }
    }

    @Test
    void theCloseTellsWhereItsFilesPhaseWent(@TempDir Path dir) throws Exception {
        int[] syncs = {0};
        // the first sync takes 300 ms and the second 30 ms, so each is told apart from the other
        SettlementFiles writer = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4, () -> {
            sleep(++syncs[0] == 1 ? 300 : 30);
        }, "test");
        SettlementFiles perFile = new SettlementFiles(REFERENCE, dir.resolve("b/files"), dir.resolve("b/ledger"), 4,
                FilesSync.PER_FILE);
        try {
            writer.write(7, batches(7));
            SettlementFiles.Phases p = writer.lastPhases();
            assertThat(p.firstSyncMs()).isBetween(300L, 10_000L);
            assertThat(p.secondSyncMs()).isBetween(30L, 299L);
            assertThat(p.stageMs()).isBetween(0L, 10_000L);
            assertThat(p.renameMs()).isBetween(0L, 10_000L);
            perFile.write(7, batches(7));
            assertThat(perFile.lastPhases()).as("fsync per file: no phases to tell").isEqualTo(SettlementFiles.Phases.NONE);
        } finally {
            writer.close();
            perFile.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void writesTheSameBytesAsAnFsyncPerFile(@TempDir Path dir) throws Exception {
        List<Batch> batches = batches(3);
        SettlementFiles synced = new SettlementFiles(REFERENCE, dir.resolve("a/files"), dir.resolve("a/ledger"), 4, () -> { },
                "test");
        SettlementFiles perFile = new SettlementFiles(REFERENCE, dir.resolve("b/files"), dir.resolve("b/ledger"), 4,
                FilesSync.PER_FILE);
        try {
            List<BatchRecord> a = synced.write(3, batches);
            List<BatchRecord> b = perFile.write(3, batches);

            assertThat(a).extracting(BatchRecord::files).isEqualTo(b.stream().map(BatchRecord::files).toList());
            assertThat(tree(dir.resolve("a"))).isEqualTo(tree(dir.resolve("b")));
            for (String name : tree(dir.resolve("a"))) {
                assertThat(Files.readAllBytes(dir.resolve("a").resolve(name))).as(name)
                        .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(name)));
            }
        } finally {
            synced.close();
            perFile.close();
        }
    }

    @Test
    void aFailedFirstSyncRenamesNothingLeavesNoTempFileAndTheRedoWritesTheSameFiles(@TempDir Path dir) throws Exception {
        Path files = dir.resolve("files");
        Path ledger = dir.resolve("ledger");
        List<Batch> batches = batches(5);
        SettlementFiles failing = new SettlementFiles(REFERENCE, files, ledger, 4, () -> {
            throw new UncheckedIOException(new IOException("syncfs failed: errno 5 Input/output error"));
        }, "test");
        try {
            assertThatThrownBy(() -> failing.write(5, batches)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("errno 5");
            assertThat(look(dir)).isEqualTo(new Seen(List.of(), List.of()));
        } finally {
            failing.close();
        }
        List<Seen> seen = new ArrayList<>();
        SettlementFiles redo = new SettlementFiles(REFERENCE, files, ledger, 4, () -> seen.add(look(dir)), "test");
        try {
            List<BatchRecord> records = redo.write(5, batches);
            assertThat(seen).hasSize(2);
            assertThat(look(dir).finals()).hasSize(batches.size() * 3 + 1);
            assertThat(records).hasSize(batches.size());
        } finally {
            redo.close();
        }
    }

    @Test
    void aFileThatCannotBeStagedFailsTheCloseBeforeAnySyncAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
        List<Batch> batches = batches(4);
        Batch last = batches.get(batches.size() - 1);
        // the last batch's CSV is already there with other bytes: corruption, which stops the close
        Path coopDir = Files.createDirectories(dir.resolve("files").resolve(last.coopId()));
        Files.writeString(coopDir.resolve(last.batchId() + ".csv"), "other bytes\n");
        List<Seen> seen = new ArrayList<>();
        SettlementFiles writer = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4,
                () -> seen.add(look(dir)), "test");
        try {
            assertThatThrownBy(() -> writer.write(4, batches)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already exists with different bytes");
            assertThat(seen).as("no sync: nothing is renamed").isEmpty();
            assertThat(look(dir)).isEqualTo(new Seen(List.of("files/" + last.coopId() + "/" + last.batchId() + ".csv"),
                    List.of()));
        } finally {
            writer.close();
        }
    }

    @Test
    void aFailedSecondSyncFailsTheCloseAfterTheRenames(@TempDir Path dir) throws Exception {
        List<Batch> batches = batches(6);
        int[] calls = {0};
        SettlementFiles writer = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4, () -> {
            if (++calls[0] == 2) {
                throw new UncheckedIOException(new IOException("syncfs failed: errno 5 Input/output error"));
            }
        }, "test");
        try {
            // the close is not done: the engine stops, and its restart settles the close again
            assertThatThrownBy(() -> writer.write(6, batches)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("errno 5");
            assertThat(look(dir).temps()).isEmpty();
            assertThat(look(dir).finals()).hasSize(batches.size() * 3 + 1);
        } finally {
            writer.close();
        }
    }

    @Test
    void aRedoOfAWrittenCloseFindsTheSameBytesAndRenamesNothing(@TempDir Path dir) throws Exception {
        List<Batch> batches = batches(9);
        List<Seen> seen = new ArrayList<>();
        SettlementFiles first = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4, () -> { },
                "test");
        List<BatchRecord> written;
        try {
            written = first.write(9, batches);
        } finally {
            first.close();
        }
        SettlementFiles again = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4,
                () -> seen.add(look(dir)), "test");
        try {
            assertThat(again.write(9, batches)).extracting(BatchRecord::files)
                    .isEqualTo(written.stream().map(BatchRecord::files).toList());
            assertThat(seen).allSatisfy(s -> assertThat(s.temps()).isEmpty());
        } finally {
            again.close();
        }
    }

    @Test
    void theWarmUpMakesTheCooperativesFoldersRendersInMemoryAndWritesNoFile(@TempDir Path dir) throws Exception {
        List<Seen> seen = new ArrayList<>();
        SettlementFiles writer = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4,
                () -> seen.add(look(dir)), "test");
        try {
            assertThat(writer.warmUp(REFERENCE).get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .as("every synthetic batch rendered").isEqualTo(SettlementFiles.warmUpBatches(REFERENCE)).isPositive();

            assertThat(seen).as("no sync: nothing was written").isEmpty();
            assertThat(tree(dir)).isEmpty();
            assertThat(REFERENCE.coops()).allSatisfy(c -> assertThat(dir.resolve("files").resolve(c.coopId())).isDirectory());
            assertThat(writer.write(1, batches(1))).hasSize(REFERENCE.coopCount());
        } finally {
            writer.close();
        }
    }

    @Test
    void aWarmUpAfterTheWritersStoppedRendersNothingAndDoesNotFail(@TempDir Path dir) throws Exception {
        SettlementFiles writer = new SettlementFiles(REFERENCE, dir.resolve("files"), dir.resolve("ledger"), 4, () -> { },
                "test");
        writer.close();

        assertThat(writer.warmUp(REFERENCE).get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(tree(dir)).isEmpty();
    }

    /** One batch per demo cooperative, each with its first trader. */
    private static List<Batch> batches(long closeSequence) {
        List<Batch> out = new ArrayList<>();
        for (int c = 0; c < REFERENCE.coopCount(); c++) {
            Coop coop = REFERENCE.coop(c);
            String trader = REFERENCE.tradersOf(c).get(0).traderId();
            long gross = 15_000L * (c + 1);
            long fee = gross * 7 / 1000;
            out.add(new Batch(coop.coopId() + "-" + closeSequence, coop.coopId(), 1, closeSequence,
                    1_767_592_500_000L, List.of(new MemberTotals(trader, 1, gross, fee, gross - fee)), 1, gross, fee,
                    gross - fee, 0));
        }
        return out;
    }

    private static Seen look(Path dir) {
        List<String> finals = new ArrayList<>();
        List<String> temps = new ArrayList<>();
        for (String name : tree(dir)) {
            (Path.of(name).getFileName().toString().startsWith(".") ? temps : finals).add(name);
        }
        return new Seen(finals, temps);
    }

    /** Every regular file under {@code dir}, as sorted relative paths. */
    private static List<String> tree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
