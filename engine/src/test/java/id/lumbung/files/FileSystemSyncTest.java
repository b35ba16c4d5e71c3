package id.lumbung.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real {@code syncfs(2)} through JNA where the file system serves it, and the refusal
 * elsewhere. On this project's machines (Linux 6 on ext4) the temp folder's file system is
 * served, so a sync runs for real.
 */
class FileSystemSyncTest {

    @Test
    void syncsTheTempFoldersFileSystemWhereItIsExt4XfsOrBtrfsOnLinux58OrLater(@TempDir Path dir) throws Exception {
        String type = Files.getFileStore(dir).type();
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        boolean served = linux && FileSystemSync.kernelAtLeast(System.getProperty("os.version"), 5, 8)
                && FileSystemSync.TYPES.contains(type);

        FileSystemSync.Choice choice = FileSystemSync.open(dir);
        assertThat(choice.sync() != null).as("file system %s: %s", type, choice.refusal()).isEqualTo(served);
        assertThat(choice.refusal() == null).isEqualTo(served);
        if (served) {
            try (FileSystemSync sync = choice.sync()) {
                long before = FileSystemSync.syncs();
                Files.writeString(dir.resolve("a"), "bytes");
                sync.sync();
                assertThat(FileSystemSync.syncs() - before).isEqualTo(1);
                assertThat(sync.type()).isEqualTo(type);
                // the descriptor was opened before the writes it covers: removing the folder's file
                // later does not matter, the descriptor still names the file system
                Files.delete(dir.resolve("a"));
                sync.sync();
                sync.close();
                assertThatThrownBy(sync::sync).isInstanceOf(IllegalStateException.class).hasMessageContaining("after close");
            }
        }
    }

    @Test
    void aFolderThatCannotBeOpenedIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        Files.createDirectories(missing);
        Files.delete(missing);
        FileSystemSync.Choice choice = FileSystemSync.open(missing);
        assertThat(choice.sync()).isNull();
        assertThat(choice.refusal()).containsAnyOf("cannot be read", "cannot open " + missing);
    }

    @Test
    void tmpfsKeepsAnFsyncPerFile() throws Exception {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.getFileStore(shm).type().equals("tmpfs")) {
            return; // no tmpfs at the usual place: nothing to refuse here
        }
        FileSystemSync.Choice choice = FileSystemSync.open(shm);
        assertThat(choice.sync()).isNull();
        assertThat(choice.refusal()).isEqualTo("file system type tmpfs is not one of [btrfs, ext4, xfs]");
    }

    @Test
    void readsTheKernelVersionAsDistributionsSpellIt() {
        assertThat(FileSystemSync.kernelAtLeast("6.18.44-fc-v1252", 5, 8)).isTrue();
        assertThat(FileSystemSync.kernelAtLeast("6.1.0-18-amd64", 5, 8)).isTrue();
        assertThat(FileSystemSync.kernelAtLeast("5.8.0", 5, 8)).isTrue();
        assertThat(FileSystemSync.kernelAtLeast("5.10.0-28-cloud-amd64", 5, 8)).isTrue();
        assertThat(FileSystemSync.kernelAtLeast("5.7.19", 5, 8)).isFalse();
        assertThat(FileSystemSync.kernelAtLeast("4.19.0-26-amd64", 5, 8)).isFalse();
        assertThat(FileSystemSync.kernelAtLeast("unknown", 5, 8)).isFalse();
    }
}
