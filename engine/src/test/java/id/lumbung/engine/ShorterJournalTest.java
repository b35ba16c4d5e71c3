package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.core.journal.JournalCorruptException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A journal that ends before the newest snapshot (a lost, truncated or replaced journal file, as
 * after restoring an older copy of journal/ alone) is refused: serving it would lose acknowledged
 * payments and hand their ids out again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShorterJournalTest {

    private static void post(TestEngine t, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", prefix + i, "15000")).statusCode()).isEqualTo(201);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void aJournalOlderThanTheSnapshotIsRefused(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (TestEngine t = new TestEngine(data, Map.of())) {
            post(t, "OLD", 3);
        }
        Path older = tmp.resolve("journal-after-3");
        copy(data.resolve("journal"), older);
        try (TestEngine t = new TestEngine(data, Map.of())) {
            post(t, "NEW", 3);
        } // a clean stop: the snapshot now stands at sequence 6 after the demo reference
        delete(data.resolve("journal"));
        copy(older, data.resolve("journal"));

        assertThatThrownBy(() -> new TestEngine(data, Map.of()).close())
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("journal held sequence " + (TestEngine.DEMO_REFERENCE_ENTRIES + 6))
                .hasMessageContaining("ends at sequence " + (TestEngine.DEMO_REFERENCE_ENTRIES + 3));

        // on purpose, after moving the snapshots away, the shorter journal starts
        delete(data.resolve("snapshot"));
        try (TestEngine t = new TestEngine(data, Map.of())) {
            post(t, "AGAIN", 1);
        }
    }
}
