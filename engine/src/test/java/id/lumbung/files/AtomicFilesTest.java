package id.lumbung.files;

import id.lumbung.core.settlement.FileDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    private static final byte[] CSV = "trader_id,payments,gross,fee,net\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void writesTheBytesAndLeavesNoTempFile() throws IOException {
        FileDigest digest = AtomicFiles.write(dir, "B-1.csv", CSV);
        assertThat(Files.readAllBytes(dir.resolve("B-1.csv"))).isEqualTo(CSV);
        assertThat(digest).isEqualTo(FileDigest.of("B-1.csv", CSV));
        assertThat(digest.sizeBytes()).isEqualTo(CSV.length);
        assertThat(listNames()).containsExactly("B-1.csv");
    }

    @Test
    void writingTheSameBytesAgainIsANoOp() throws IOException {
        AtomicFiles.write(dir, "B-1.csv", CSV);
        long modifiedMs = Files.getLastModifiedTime(dir.resolve("B-1.csv")).toMillis();
        AtomicFiles.write(dir, "B-1.csv", CSV.clone());
        assertThat(Files.readAllBytes(dir.resolve("B-1.csv"))).isEqualTo(CSV);
        assertThat(Files.getLastModifiedTime(dir.resolve("B-1.csv")).toMillis()).isEqualTo(modifiedMs);
        assertThat(listNames()).containsExactly("B-1.csv");
    }

    @Test
    void refusesToReplaceAFileWithDifferentBytes() throws IOException {
        AtomicFiles.write(dir, "B-1.csv", CSV);
        byte[] other = "trader_id,payments,gross,fee,net\nTOTAL,0,0,0,0\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AtomicFiles.write(dir, "B-1.csv", other))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists with different bytes")
                .hasMessageContaining(FileDigest.sha256Hex(CSV))
                .hasMessageContaining(FileDigest.sha256Hex(other));
        assertThatThrownBy(() -> AtomicFiles.write(dir, "B-1.csv", new byte[0]))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(dir.resolve("B-1.csv"))).isEqualTo(CSV);
        assertThat(listNames()).containsExactly("B-1.csv");
    }

    @Test
    void writesEmptyFiles() throws IOException {
        AtomicFiles.write(dir, "empty", new byte[0]);
        assertThat(Files.size(dir.resolve("empty"))).isZero();
    }

    @Test
    void overwritesATempFileLeftByACrash() throws IOException {
        Files.write(dir.resolve(".B-1.csv.tmp"), "torn".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir, "B-1.csv", CSV);
        assertThat(Files.readAllBytes(dir.resolve("B-1.csv"))).isEqualTo(CSV);
        assertThat(listNames()).containsExactly("B-1.csv");
    }

    @Test
    void rejectsNamesThatAreNotAPlainFileName() {
        for (String name : new String[] {"../B-1.csv", "a/b.csv", ".hidden", "", "..", "x".repeat(256), "a b.csv"}) {
            assertThatThrownBy(() -> AtomicFiles.write(dir, name, CSV)).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not 1..255 characters of [A-Za-z0-9._-]");
        }
    }

    @Test
    void failsLoudlyWhenTheFolderIsMissing() {
        assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("missing"), "B-1.csv", CSV))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void digestsMatchKnownVectors() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        // FIPS 180-2 test vector for "abc"
        assertThat(FileDigest.sha256Hex(abc))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(FileDigest.sha256Base64(abc)).isEqualTo("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assertThat(FileDigest.of("abc.csv", abc).sha256Base64()).isEqualTo(FileDigest.sha256Base64(abc));
    }

    private List<String> listNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
