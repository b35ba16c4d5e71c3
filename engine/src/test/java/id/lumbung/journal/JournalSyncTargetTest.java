package id.lumbung.journal;

import id.lumbung.config.Durability;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a force covers: the cycle file of the entries appended since the last force, the files of
 * both days when a group crosses midnight (the daily roll), and the folder whenever a cycle file is
 * new.
 */
class JournalSyncTargetTest {
    private static final byte[] ENTRY = new byte[48];
    /** An entry whose type byte says close: what makes ASYNC force its group. */
    private static final byte[] CLOSE = new byte[48];

    static {
        CLOSE[id.lumbung.core.journal.EntryCodec.TYPE_OFFSET] = id.lumbung.core.journal.JournalEntry.TYPE_CLOSE;
    }

    @TempDir
    Path dir;

    @Test
    void coversTheCycleFilesAGroupWentToAndTheFolderWhenOneIsNew() {
        SetTimeProvider time = new SetTimeProvider(java.time.Instant.parse("2026-11-30T23:59:58Z"));
        try (Journal journal = new Journal(dir, Durability.SYNC, time)) {
            assertThat(journal.takeSyncTarget()).as("nothing appended").isNull();

            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget first = journal.takeSyncTarget();
            assertThat(first.files()).hasSize(1);
            File day1 = first.files().get(0);
            assertThat(day1).exists().hasParent(dir.toFile());
            assertThat(first.folder()).as("the first cycle file is new").isTrue();
            journal.sync(first);

            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget second = journal.takeSyncTarget();
            assertThat(second.files()).containsExactly(day1);
            assertThat(second.folder()).as("same file, nothing new in the folder").isFalse();
            journal.sync(second);
            journal.append(ENTRY, ENTRY.length);
            assertThat(journal.takeSyncTarget()).as("the usual group reuses its target").isSameAs(second);

            // a group that crosses midnight: entries in both days' files, forced together
            journal.append(ENTRY, ENTRY.length);
            time.advanceMillis(TimeUnit.SECONDS.toMillis(4));
            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget crossing = journal.takeSyncTarget();
            assertThat(crossing.files()).hasSize(2);
            assertThat(crossing.files().get(0)).isEqualTo(day1);
            File day2 = crossing.files().get(1);
            assertThat(day2).isNotEqualTo(day1).exists();
            assertThat(crossing.folder()).as("the new day's file is new in the folder").isTrue();
            journal.sync(crossing);

            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget next = journal.takeSyncTarget();
            assertThat(next.files()).containsExactly(day2);
            assertThat(next.folder()).isFalse();
            journal.sync(next);
            assertThat(journal.takeSyncTarget()).isNull();
        }
    }

    /**
     * ASYNC forces only a group with a close. That force must also cover what earlier, unforced
     * groups left: the folder entry of a cycle file they created, and the previous day's file after
     * a roll. Otherwise a power loss could keep the close (and so its batch files) but lose the
     * payments it settled, or the day file's directory entry.
     */
    @Test
    void anAsyncCloseForceCoversTheFilesAndFolderOfEarlierUnforcedGroups() {
        SetTimeProvider time = new SetTimeProvider(java.time.Instant.parse("2026-11-30T23:59:58Z"));
        try (Journal journal = new Journal(dir, Durability.ASYNC, time)) {
            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget first = journal.takeSyncTarget();
            assertThat(first.folder()).as("the first cycle file is new").isTrue();
            assertThat(first.forcedUnder(Durability.ASYNC)).isFalse();
            File day1 = first.files().get(0);

            journal.append(CLOSE, CLOSE.length);
            Journal.SyncTarget sameDayClose = journal.takeSyncTarget();
            assertThat(sameDayClose.forcedUnder(Durability.ASYNC)).isTrue();
            assertThat(sameDayClose.files()).containsExactly(day1);
            assertThat(sameDayClose.folder()).as("day 1's file entry was never forced").isTrue();
            journal.sync(sameDayClose);

            journal.append(ENTRY, ENTRY.length);
            time.advanceMillis(TimeUnit.SECONDS.toMillis(4));
            journal.append(ENTRY, ENTRY.length); // day 2: a roll, in an unforced group
            Journal.SyncTarget crossing = journal.takeSyncTarget();
            assertThat(crossing.forcedUnder(Durability.ASYNC)).isFalse();
            File day2 = crossing.files().get(1);
            journal.append(ENTRY, ENTRY.length);
            assertThat(journal.takeSyncTarget().files()).containsExactly(day2);

            journal.append(CLOSE, CLOSE.length);
            Journal.SyncTarget nextDayClose = journal.takeSyncTarget();
            assertThat(nextDayClose.files()).as("day 1's last entries were never forced").containsExactlyInAnyOrder(day1, day2);
            assertThat(nextDayClose.folder()).as("day 2's file entry was never forced").isTrue();
            journal.sync(nextDayClose);

            journal.append(CLOSE, CLOSE.length);
            Journal.SyncTarget after = journal.takeSyncTarget();
            assertThat(after.files()).as("all forced by the previous close").containsExactly(day2);
            assertThat(after.folder()).isFalse();
        }
    }

    /**
     * The usual morning close: yesterday's payments went out in unforced ASYNC groups, the day
     * rolled between two groups, and the close is the first entry of a later group. Its force must
     * still cover yesterday's file, which no group of its own touched.
     */
    @Test
    void anAsyncCloseAfterARollBetweenGroupsCoversYesterdaysFile() {
        SetTimeProvider time = new SetTimeProvider(java.time.Instant.parse("2026-11-30T23:59:58Z"));
        try (Journal journal = new Journal(dir, Durability.ASYNC, time)) {
            journal.append(ENTRY, ENTRY.length);
            File day1 = journal.takeSyncTarget().files().get(0); // unforced
            journal.append(ENTRY, ENTRY.length);
            assertThat(journal.takeSyncTarget().forcedUnder(Durability.ASYNC)).isFalse(); // the usual group, unforced
            time.advanceMillis(TimeUnit.SECONDS.toMillis(4));
            journal.append(ENTRY, ENTRY.length); // the roll, in a group of its own
            Journal.SyncTarget rolled = journal.takeSyncTarget();
            assertThat(rolled.forcedUnder(Durability.ASYNC)).isFalse();
            File day2 = rolled.files().get(rolled.files().size() - 1);
            assertThat(day2).isNotEqualTo(day1);

            journal.append(CLOSE, CLOSE.length);
            Journal.SyncTarget closing = journal.takeSyncTarget();
            assertThat(closing.forcedUnder(Durability.ASYNC)).isTrue();
            assertThat(closing.files()).as("yesterday's payments were never forced").containsExactlyInAnyOrder(day1, day2);
            assertThat(closing.folder()).as("neither day file's entry was forced").isTrue();
            journal.sync(closing);

            journal.append(CLOSE, CLOSE.length);
            assertThat(journal.takeSyncTarget().files()).as("everything was forced by the previous close").containsExactly(day2);
        }
    }

    @Test
    void aGroupThatStartsInTheNewDayCoversOnlyItsFile() {
        SetTimeProvider time = new SetTimeProvider(java.time.Instant.parse("2026-11-30T23:59:58Z"));
        try (Journal journal = new Journal(dir, Durability.SYNC, time)) {
            journal.append(ENTRY, ENTRY.length);
            File day1 = journal.takeSyncTarget().files().get(0);
            time.advanceMillis(TimeUnit.SECONDS.toMillis(4));
            journal.append(ENTRY, ENTRY.length);
            Journal.SyncTarget target = journal.takeSyncTarget();
            assertThat(target.files()).hasSize(1).doesNotContain(day1);
            assertThat(target.folder()).isTrue();
            journal.sync(target);
        }
    }
}
