package id.lumbung.kafka;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.JournalUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A group commit whose Kafka commit fails with its outcome unknown, on real brokers: the
 * transaction coordinator's broker is SIGSTOPped for 5 s under a commit that gives up after 2 s.
 * Settled while the consumer group still names the node the owner, the group is answered as
 * committed and its entries are in the journal once; when the group names another owner, nothing
 * is settled and the writer answers the group unavailable.
 */
@ExtendWith(KafkaBrokers.Resolver.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaGroupCommitTest {
    private static final int MAX_BLOCK_MS = 2_000;
    private static final long STALL_MS = 5_000;
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers b) {
        brokers = b;
    }

    @Test
    void aCommitThatFailsWhileTheNodeStillOwnsThePartitionIsSettledAndAnsweredCommitted() throws Exception {
        KafkaSettings s = topic("group-settled");
        int coordinator = coordinatorOf(s);
        long[] askedAfterMs = {-1};
        long[] stalledAt = {0};
        // the group is asked once the commit failed: here it answers only once the broker runs again
        BooleanSupplier stillOwner = () -> {
            askedAfterMs[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt[0]);
            resumeAfterStall(coordinator, stalledAt[0]);
            return true;
        };
        try (PartitionLog log = new PartitionLog(s, 0, MAX_BLOCK_MS, MAX_BLOCK_MS)) {
            log.open();
            KafkaGroupCommit commit = new KafkaGroupCommit(log, stillOwner);
            appendClose(commit, 1);
            assertThat(commit.commit()).isTrue();
            appendClose(commit, 2);
            appendClose(commit, 3);
            stalledAt[0] = System.nanoTime();
            brokers.pause(coordinator);
            try {
                assertThat(commit.commit()).as("the group is answered as committed").isTrue();
            } finally {
                brokers.resume(coordinator);
            }
            assertThat(askedAfterMs[0]).as("the group was asked after the commit failed").isGreaterThanOrEqualTo(MAX_BLOCK_MS);
            appendClose(commit, 4);
            assertThat(commit.commit()).as("the log serves on").isTrue();
        }
        assertThat(sequencesInJournal(s)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aCommitThatFailsAfterTheGroupMovedThePartitionIsNotSettled() throws Exception {
        KafkaSettings s = topic("group-moved");
        int coordinator = coordinatorOf(s);
        long[] stalledAt = {0};
        BooleanSupplier anotherOwner = () -> {
            resumeAfterStall(coordinator, stalledAt[0]);
            return false;
        };
        try (PartitionLog log = new PartitionLog(s, 0, MAX_BLOCK_MS, MAX_BLOCK_MS)) {
            log.open();
            KafkaGroupCommit commit = new KafkaGroupCommit(log, anotherOwner);
            appendClose(commit, 1);
            assertThat(commit.commit()).isTrue();
            appendClose(commit, 2);
            stalledAt[0] = System.nanoTime();
            brokers.pause(coordinator);
            try {
                assertThatThrownBy(commit::commit).isInstanceOf(JournalUnavailableException.class)
                        .hasMessageContaining("outcome unknown");
            } finally {
                brokers.resume(coordinator);
            }
            assertThatThrownBy(() -> appendClose(commit, 3)).isInstanceOf(JournalUnavailableException.class);
            assertThat(commit.fenced()).isFalse();
        }
        // whatever became of entry 2, a new owner's open settles it; entry 3 was never taken
        try (PartitionLog owner = new PartitionLog(s, 0)) {
            owner.open();
        }
        assertThat(sequencesInJournal(s)).startsWith(1L).doesNotContain(3L);
    }

    private static void resumeAfterStall(int broker, long stalledAtNs) {
        long left = STALL_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAtNs);
        try {
            if (left > 0) {
                Thread.sleep(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        brokers.resume(broker);
    }

    private static void appendClose(KafkaGroupCommit commit, long sequence) {
        EntryCodec codec = new EntryCodec();
        int n = codec.encodeClose(sequence, 1_000 * sequence, JournalEntry.TRIGGER_ADMIN, "KOP01");
        commit.appended(codec.buffer(), n);
    }

    private static KafkaSettings topic(String name) throws KafkaStartException {
        KafkaSettings s = brokers.settings(KafkaBrokers.newTopic(name), 1, 3);
        KafkaTopic.ensure(s, Duration.ofSeconds(30));
        return s;
    }

    private static int coordinatorOf(KafkaSettings s) throws Exception {
        // the coordinator of a transactional id is known once a producer initialised it
        try (PartitionLog log = new PartitionLog(s, 0)) {
            log.open();
        }
        try (Admin admin = brokers.admin()) {
            return admin.describeTransactions(List.of(s.transactionalId(0))).description(s.transactionalId(0)).get()
                    .coordinatorId();
        }
    }

    /** The sequences of the entries in the partition's committed records, in order. */
    private static List<Long> sequencesInJournal(KafkaSettings s) throws Exception {
        List<Long> sequences = new ArrayList<>();
        RecordEntries split = new RecordEntries();
        new PartitionReader(s, 0).replay((offset, key, value) ->
                split.forEachEntry(offset, value, (entry, bytes, length) -> sequences.add(entry.sequence)));
        return sequences;
    }
}
