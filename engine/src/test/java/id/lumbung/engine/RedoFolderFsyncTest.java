package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.files.AtomicFiles;
import id.lumbung.files.FileSystemSync;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close settled again by a restart finds its files already there (as after a kill between a
 * file's rename and its folder's fsync): the folders are fsynced anyway, once, so that the files'
 * directory entries cannot still be lost to a power loss; with a file system sync per close, the
 * redo's syncs cover them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedoFolderFsyncTest {

    @Test
    void aRedoOfACloseFsyncsTheFoldersItsFilesWereFoundIn(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (TestEngine t = new TestEngine(data, Map.of("settlement.files.sync", "per-file"))) {
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "REDO1", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        }
        // without a snapshot the restart replays the whole journal and settles the close again:
        // every file it renders is already on disk with the same bytes, so nothing is renamed
        long before = AtomicFiles.folderForces();
        try (TestEngine t = new TestEngine(data, Map.of("snapshot.enabled", "false", "settlement.files.sync", "per-file"))) {
            long redo = AtomicFiles.folderForces() - before;
            // the cooperative's folder, the ledger folder, and their parents (files/ and the data folder)
            assertThat(redo).isGreaterThanOrEqualTo(4);
        }
    }

    /**
     * With a file system sync per close, the redo's close syncs the file system after finding its
     * files (which covers every folder, its own and its parents, whatever made them).
     */
    @Test
    void aRedoOfACloseSyncsTheFileSystemWhereTheCloseIsMadeDurableByASync(@TempDir Path tmp) throws Exception {
        FileSystemSync.Choice here = FileSystemSync.open(tmp);
        if (here.sync() != null) {
            here.sync().close();
        }
        // CI's machines are Linux 6 on ext4: there this runs
        org.junit.jupiter.api.Assumptions.assumeTrue(here.sync() != null, "the temp folder takes no syncfs: " + here.refusal());
        Path data = tmp.resolve("data");
        try (TestEngine t = new TestEngine(data, Map.of())) {
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "REDO1", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        }
        long before = FileSystemSync.syncs();
        long foldersBefore = AtomicFiles.folderForces();
        try (TestEngine t = new TestEngine(data, Map.of("snapshot.enabled", "false"))) {
            // one at start (the first sync of the files and ledger folders' one file system), two in
            // the redone close
            assertThat(FileSystemSync.syncs() - before).isEqualTo(3);
            assertThat(AtomicFiles.folderForces() - foldersBefore).isZero();
        }
    }
}
