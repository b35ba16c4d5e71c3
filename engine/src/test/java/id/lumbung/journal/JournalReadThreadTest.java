package id.lumbung.journal;

import id.lumbung.config.Durability;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Journal#read} on the replaying thread, then on the journal writer thread: replay reads a
 * payment back when a later payment takes its key again (found by the life-cycle simulator, seed
 * 3: the writer's first read after such a replay failed with Chronicle's ThreadingIllegalStateException).
 */
class JournalReadThreadTest {
    @Test
    @Timeout(30)
    void readsOnTheReplayingThreadThenOnTheWriters(@TempDir Path dir) throws Exception {
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            byte[] entry = {9, 8, 7, 6, 5};
            long index = journal.append(entry, entry.length);
            byte[] into = new byte[16];
            assertThat(journal.read(index, into)).isEqualTo(5);
            CompletableFuture<Integer> writer = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    writer.complete(journal.read(index, new byte[16]));
                } catch (Throwable e) {
                    writer.completeExceptionally(e);
                }
            }, "lumbung-journal-writer");
            t.start();
            assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(5);
        }
    }
}
