package id.lumbung.writer;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.journal.Journal;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Chronicle group commit forces exactly the groups the durability asks for, says so, and
 * allocates nothing for the usual group.
 */
class ChronicleGroupCommitTest {
    private static final byte[] ENTRY = new byte[64];

    @TempDir
    Path dir;

    @Test
    void forcesWhatTheDurabilityAsksForAndSaysWhetherItDid() {
        try (Journal journal = new Journal(dir, Durability.ASYNC)) {
            List<Journal.SyncTarget> forced = new ArrayList<>();
            GroupCommit commit = new ChronicleGroupCommit(journal, forced::add);
            assertThat(commit.commit()).as("nothing appended").isFalse();
            journal.append(ENTRY, ENTRY.length);
            assertThat(commit.commit()).as("a payment group in async").isFalse();
            EntryCodec codec = new EntryCodec();
            journal.append(codec.buffer(), codec.encodeClose(1, 0, JournalEntry.TRIGGER_ADMIN, null));
            assertThat(commit.commit()).as("a close, forced whatever the durability").isTrue();
            assertThat(forced).singleElement().satisfies(t -> assertThat(t.close()).isTrue());
        }
    }

    @Test
    void theUsualGroupAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
        try (Journal journal = new Journal(dir, Durability.SYNC)) {
            int[] forces = {0};
            // the force itself is the journal's (an fdatasync); what is measured is the commit around it
            GroupCommit commit = new ChronicleGroupCommit(journal, target -> forces[0]++);
            int warmUpGroups = 1_000;
            int groups = 10_000;
            long allocatedBytes = 0;
            for (int i = 0; i < warmUpGroups + groups; i++) {
                journal.append(ENTRY, ENTRY.length);
                long before = threads.getCurrentThreadAllocatedBytes();
                boolean forced = commit.commit();
                long after = threads.getCurrentThreadAllocatedBytes();
                assertThat(forced).isTrue();
                if (i >= warmUpGroups) {
                    allocatedBytes += after - before;
                }
            }
            assertThat(forces[0]).isEqualTo(warmUpGroups + groups);
            // the smallest object is 16 B: one per group would be 160,000 B
            assertThat(allocatedBytes).as("bytes allocated by %,d group commits", groups).isLessThan(groups);
        }
    }
}
