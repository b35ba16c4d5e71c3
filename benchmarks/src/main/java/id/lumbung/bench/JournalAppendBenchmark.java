package id.lumbung.bench;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Appending one encoded payment (about 100 bytes, with a payerRef) to the Chronicle journal, in a
 * temp folder under {@code java.io.tmpdir} (must be a real disk for the SYNC numbers to mean
 * anything: tmpfs makes msync free). ASYNC is the floor SYNC builds on; SYNC is measured with a
 * force after every entry (no group commit) and after every 100 entries (group commit of 100).
 *
 * <p>Each iteration gets a fresh journal, deleted after it: ASYNC appends millions of entries a
 * second, so one journal for the whole run could reach gigabytes. The forked JVM gets Chronicle's
 * --add-opens here because JMH forks with {@code -cp}, so the jar manifest's Add-Opens do not apply.
 */
// Chronicle's JVM flags: forks inherit them from the host JVM, which the scripts start with them
// (benchmarks/chronicle-flags.sh reads them from the root pom, the single copy)
public class JournalAppendBenchmark extends HotPathBenchmark {
    /** Entries per force in the group-commit variant. */
    private static final int GROUP_ENTRIES = 100;

    /** One encoded payment entry, the bytes the journal writer appends. */
    @State(Scope.Benchmark)
    public static class Entry {
        byte[] bytes;
        int length;

        @Setup
        public void setUp() {
            EntryCodec codec = new EntryCodec();
            length = codec.encodePayment(1, Fixtures.OCCURRED_AT_EPOCH_MS + 250, Fixtures.paymentWithPayerRef(),
                    Fixtures.TRADER_ID, Fixtures.COOP_ID);
            bytes = Arrays.copyOf(codec.buffer(), length);
        }
    }

    /**
     * The appending thread's own allocation per iteration, as secondary results (JSON
     * {@code secondaryMetrics.appendingThreadBytes} / {@code appendingThreadEntries}, one raw value
     * per iteration, warm-down ops included in both) so that a script can check B/entry, which
     * {@code -prof gc} cannot show (it counts Chronicle's background threads too).
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class AppendingThread {
        public long appendingThreadBytes;
        public long appendingThreadEntries;
    }

    /** A journal in a fresh temp folder for each iteration; the journal writer is the only appender. */
    @State(Scope.Thread)
    public abstract static class JournalState {
        /**
         * -prof gc counts every thread, and Chronicle's background threads allocate about 50 KB/s
         * whatever the append rate, which at a few thousand ops/s looks like bytes per op. This
         * counts the appending thread's own allocation and prints it per iteration.
         */
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        Path dir;
        Journal journal;
        long entries;
        private long allocatedBytesAtStart;

        abstract Durability durability();

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("lumbung-jmh-journal-");
            journal = new Journal(dir, durability());
            journal.append(new byte[1], 1); // the appender is created lazily: keep that out of the count
            entries = 0;
            allocatedBytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
        }

        @TearDown(Level.Iteration)
        public void closeAndDelete(AppendingThread counters) {
            long allocatedBytes = THREADS.getCurrentThreadAllocatedBytes() - allocatedBytesAtStart;
            counters.appendingThreadBytes = allocatedBytes;
            counters.appendingThreadEntries = entries;
            System.out.println("  [appending thread: " + allocatedBytes + " B over " + entries + " entries = "
                    + (entries == 0 ? 0 : allocatedBytes / (double) entries) + " B/entry]");
            journal.close();
            deleteRecursively(dir);
        }
    }

    public static class AsyncJournal extends JournalState {
        @Override
        Durability durability() {
            return Durability.ASYNC;
        }
    }

    public static class SyncJournal extends JournalState {
        @Override
        Durability durability() {
            return Durability.SYNC;
        }
    }

    /** Where {@link #baselineCopyEntry} copies to: one entry's worth, reused. */
    @State(Scope.Thread)
    public static class CopyTarget {
        final byte[] bytes = new byte[EntryCodec.ENTRY_BYTES_MAX];
    }

    /** Baseline: copying the entry's bytes once, the least an append into a mapped file must do. */
    @Benchmark
    public byte baselineCopyEntry(CopyTarget into, Entry e) {
        System.arraycopy(e.bytes, 0, into.bytes, 0, e.length);
        return into.bytes[e.length - 1];
    }

    @Benchmark
    public void appendAsync(AsyncJournal j, Entry e) {
        j.journal.append(e.bytes, e.length);
        j.entries++;
    }

    /** SYNC without group commit: one msync per entry. */
    @Benchmark
    public void appendSyncForceEach(SyncJournal j, Entry e) {
        j.journal.append(e.bytes, e.length);
        j.journal.force();
        j.entries++;
    }

    /** SYNC with group commit: one msync per 100 entries; reported per entry. */
    @Benchmark
    @OperationsPerInvocation(GROUP_ENTRIES)
    public void appendSyncForceEvery100(SyncJournal j, Entry e) {
        for (int i = 0; i < GROUP_ENTRIES; i++) {
            j.journal.append(e.bytes, e.length);
        }
        j.journal.force();
        j.entries += GROUP_ENTRIES;
    }

    public static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot delete benchmark journal " + dir, ex);
        }
    }
}
