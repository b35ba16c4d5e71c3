package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.reference.ReferenceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A started engine warms settlement with the reference it serves, not the empty one a new
 * journal starts from: each cooperative's folder appears under {@code files/} soon after ready,
 * with no file in it (the synthetic batches are rendered in memory only).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SettlementWarmUpTest {

    @Test
    void aNewEngineMakesEveryCooperativesFolderAndWritesNoFile(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        ReferenceData demo = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        try (TestEngine t = new TestEngine(data, Map.of())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !demo.coops().stream()
                    .allMatch(c -> Files.isDirectory(data.resolve("files").resolve(c.coopId())))) {
                Thread.sleep(20);
            }
            for (Coop c : demo.coops()) {
                Path folder = data.resolve("files").resolve(c.coopId());
                assertThat(folder).isDirectory();
                try (var files = Files.list(folder)) {
                    assertThat(files.toList()).as("files in %s", folder).isEmpty();
                }
            }
        }
    }
}
