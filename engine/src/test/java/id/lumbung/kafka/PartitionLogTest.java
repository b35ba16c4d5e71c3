package id.lumbung.kafka;

import id.lumbung.core.journal.JournalCorruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One partition's journal on real brokers: commits, replay, fencing of an earlier owner, a broker's death. */
@ExtendWith(KafkaBrokers.Resolver.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionLogTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers cluster) {
        brokers = cluster;
    }

    private static KafkaSettings topic(String name, int partitions) throws KafkaStartException {
        KafkaSettings s = brokers.settings(KafkaBrokers.newTopic(name), partitions, 3);
        KafkaTopic.ensure(s, TIMEOUT);
        return s;
    }

    private static PartitionLog.Record record(String key, String value) {
        return new PartitionLog.Record(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static long[] committed(PartitionLog log, PartitionLog.Record... records) {
        PartitionLog.CommitResult r = log.commit(List.of(records));
        assertThat(r).isInstanceOf(PartitionLog.Committed.class);
        return ((PartitionLog.Committed) r).offsets();
    }

    /** The log's replay as {@code offset key value} lines. */
    private static List<String> replay(PartitionLog log) throws KafkaStartException {
        List<String> seen = new ArrayList<>();
        PartitionLog.Replayed r = log.replay((offset, key, value) ->
                seen.add(offset + " " + key + " " + new String(value, StandardCharsets.UTF_8)));
        assertThat(r.records()).isEqualTo(seen.size());
        return seen;
    }

    /**
     * {@link #replay} by the log that has just committed, once {@code records} are visible. Kafka
     * writes a transaction's commit markers after {@code commitTransaction} returns, and a
     * {@code read_committed} reader sees the records only then, so the committing log's own replay
     * right after its commit may end before them. The engine never replays that way: a node replays
     * a partition only after its {@code open()}, whose {@code initTransactions} waits until the
     * earlier transaction is complete.
     */
    private static List<String> replayOnceVisible(PartitionLog log, int records) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = replay(log);
        while (seen.size() < records && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = replay(log);
        }
        return seen;
    }

    /** What a new owner of the partition replays (it fences whoever had it). */
    private static List<String> replayAsNewOwner(KafkaSettings s, int partition) throws KafkaStartException {
        try (PartitionLog log = new PartitionLog(s, partition)) {
            log.open();
            return replay(log);
        }
    }

    /** Every value in the partition, committed or not, as a read_uncommitted reader sees them. */
    private static List<String> readUncommitted(KafkaSettings s, int partition) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        TopicPartition tp = new TopicPartition(s.topic(), partition);
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.seekToBeginning(List.of(tp));
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return seen;
    }

    private static int coordinatorOf(String transactionalId) throws Exception {
        try (Admin admin = brokers.admin()) {
            return admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get().coordinatorId();
        }
    }

    private static int leaderOf(KafkaSettings s, int partition) throws Exception {
        try (Admin admin = brokers.admin()) {
            return KafkaBrokers.eventually(() -> admin.describeTopics(List.of(s.topic())).allTopicNames().get()
                    .get(s.topic()).partitions().get(partition).leader().id());
        }
    }

    @Test
    void committedRecordsReplayInOrderWithTheirOffsets() throws Exception {
        KafkaSettings s = topic("commit", 2);
        long[] first;
        long[] second;
        try (PartitionLog log = new PartitionLog(s, 1); PartitionLog other = new PartitionLog(s, 0)) {
            log.open();
            other.open();
            assertThat(log.replay((o, k, v) -> { })).isEqualTo(new PartitionLog.Replayed(0, -1));
            first = committed(log, record("KOP01", "pay-1"), record(null, "close-all"));
            committed(other, record("KOP02", "not this partition"));
            second = committed(log, record("KOP03", "pay-2"));
        }
        // each transaction ends with its commit marker, which takes an offset of its own
        assertThat(first).containsExactly(0, 1);
        assertThat(second).containsExactly(3);
        try (PartitionLog log = new PartitionLog(s, 1)) {
            log.open();
            assertThat(replayOnceVisible(log, 3)).containsExactly("0 KOP01 pay-1", "1 null close-all", "3 KOP03 pay-2");
            assertThat(log.replay((o, k, v) -> { })).isEqualTo(new PartitionLog.Replayed(3, 3));
        }
    }

    @Test
    void anEarlierOwnerIsFencedByTheNextOpenAndItsCommitIsNotInTheJournal() throws Exception {
        KafkaSettings s = topic("zombie", 1);
        try (PartitionLog a = new PartitionLog(s, 0); PartitionLog b = new PartitionLog(s, 0)) {
            a.open();
            committed(a, record("KOP01", "a-1"));
            b.open();
            PartitionLog.CommitResult late = a.commit(List.of(record("KOP01", "a-2 after b opened")));
            assertThat(late).isInstanceOf(PartitionLog.Fenced.class);
            assertThatThrownBy(() -> a.commit(List.of(record("KOP01", "a-3")))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not open");
            assertThat(replay(b)).containsExactly("0 KOP01 a-1");
            long[] b1 = committed(b, record("KOP01", "b-1"));
            assertThat(replayOnceVisible(b, 2)).containsExactly("0 KOP01 a-1", b1[0] + " KOP01 b-1");
        }
    }

    /**
     * An owner that died inside a transaction left its records in the partition, uncommitted. The
     * next owner's open aborts that transaction: replay never hands those records on, and the last
     * stable offset moves past them, so what the new owner commits is replayed.
     */
    @Test
    void anOpenTransactionOfAnEarlierOwnerIsAbortedByOpenAndNeverReplayed() throws Exception {
        KafkaSettings s = topic("open-transaction", 1);
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.transactionalId(0));
        try (KafkaProducer<String, byte[]> dying = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
            dying.initTransactions();
            dying.beginTransaction();
            dying.send(new ProducerRecord<>(s.topic(), 0, "KOP01", "never committed".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            try (PartitionLog next = new PartitionLog(s, 0)) {
                next.open();
                assertThat(replay(next)).isEmpty();
                long[] mine = committed(next, record("KOP01", "after the takeover"));
                assertThat(replayOnceVisible(next, 1)).containsExactly(mine[0] + " KOP01 after the takeover");
            }
            assertThat(replayAsNewOwner(s, 0)).hasSize(1).allMatch(line -> line.endsWith("after the takeover"));
            assertThat(readUncommitted(s, 0)).as("the aborted record is in the partition")
                    .containsExactly("never committed", "after the takeover");
            dying.close(Duration.ZERO);
        }
    }

    /** A commit Kafka refuses fails as a whole: nothing of it is replayed, and the log must be opened again. */
    @Test
    void aFailedCommitLeavesNothingAndTheLogIsOpenedAgain() throws Exception {
        KafkaSettings s = topic("failed", 1);
        try (PartitionLog log = new PartitionLog(s, 0)) {
            log.open();
            committed(log, record("KOP01", "before"));
            // more than the producer's max.request.size (1 MiB): refused before it leaves the node
            byte[] tooLarge = new byte[1_100_000];
            PartitionLog.CommitResult r = log.commit(List.of(record("KOP01", "in the same transaction"),
                    new PartitionLog.Record("KOP01", tooLarge)));
            assertThat(r).isInstanceOf(PartitionLog.Failed.class);
            assertThat(((PartitionLog.Failed) r).cause()).hasRootCauseInstanceOf(RecordTooLargeException.class);
            assertThatThrownBy(() -> log.commit(List.of(record("KOP01", "x")))).isInstanceOf(IllegalStateException.class);
            log.open();
            assertThat(replay(log)).containsExactly("0 KOP01 before");
            long[] after = committed(log, record("KOP01", "after"));
            assertThat(replayOnceVisible(log, 2)).containsExactly("0 KOP01 before", after[0] + " KOP01 after");
        }
    }

    /**
     * The partition's leader killed with SIGKILL: commits wait for a new leader (the controller
     * fences the dead broker after its session timeout) and succeed; nothing is lost.
     */
    @Test
    void commitsSucceedWithTheLeaderKilledAndReplayIsComplete() throws Exception {
        KafkaSettings s = topic("broker-killed", 1);
        try (PartitionLog log = new PartitionLog(s, 0)) {
            log.open();
            List<String> expected = new ArrayList<>();
            expected.add(committed(log, record("KOP01", "before"))[0] + " KOP01 before");
            int leader = leaderOf(s, 0);
            brokers.kill(leader);
            try {
                for (int i = 1; i <= 3; i++) {
                    long startNs = System.nanoTime();
                    long[] offsets = committed(log, record("KOP01", "while down " + i));
                    assertThat(Duration.ofNanos(System.nanoTime() - startNs)).as("commit %d", i)
                            .isLessThan(Duration.ofSeconds(20));
                    expected.add(offsets[0] + " KOP01 while down " + i);
                }
                assertThat(leaderOf(s, 0)).isNotEqualTo(leader);
                assertThat(replayOnceVisible(log, expected.size())).containsExactlyElementsOf(expected);
            } finally {
                brokers.start(leader);
            }
            expected.add(committed(log, record("KOP01", "after the restart"))[0] + " KOP01 after the restart");
            assertThat(replayAsNewOwner(s, 0)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * The transaction coordinator stalls longer than {@code max.block.ms} (its broker SIGSTOPped,
     * for less than the session timeout, so the coordinator does not move): the first
     * {@code commitTransaction} times out, the commit asks again, and it commits once the broker
     * runs again. Nothing is doubled and nothing lost.
     */
    @Test
    void aCommitWhoseCoordinatorStallsPastMaxBlockIsAskedAgainAndCommits() throws Exception {
        KafkaSettings s = topic("coordinator-stalled", 1);
        int maxBlockMs = 2_000;
        try (PartitionLog log = new PartitionLog(s, 0, maxBlockMs, 10_000)) {
            log.open();
            long before = committed(log, record("KOP01", "before"))[0];
            int coordinator = coordinatorOf(s.transactionalId(0));
            brokers.pause(coordinator);
            Thread resumer = new Thread(() -> {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    brokers.resume(coordinator);
                }
            }, "resume-coordinator");
            long startNs = System.nanoTime();
            resumer.start();
            PartitionLog.CommitResult stalled;
            try {
                stalled = log.commit(List.of(record("KOP01", "while stalled")));
            } finally {
                resumer.join();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - startNs);
            assertThat(stalled).as("took %s", took).isInstanceOf(PartitionLog.Committed.class);
            assertThat(took).isGreaterThan(Duration.ofMillis(maxBlockMs));
            long at = ((PartitionLog.Committed) stalled).offsets()[0];
            assertThat(replayAsNewOwner(s, 0)).containsExactly(before + " KOP01 before", at + " KOP01 while stalled");
        }
    }

    /**
     * A commit whose answer was lost, settled by the next opening of the partition: the records are
     * found in the journal, answered as committed at their offsets, and not appended again.
     */
    @Test
    void settleFindsACommitThatHappenedAndAppendsNothing() throws Exception {
        KafkaSettings s = topic("settle-found", 1);
        List<PartitionLog.Record> group = List.of(record("KOP01", "one"), record("KOP02", "two"));
        long before;
        long[] offsets;
        try (PartitionLog first = new PartitionLog(s, 0)) {
            first.open();
            before = committed(first, record("KOP01", "before"))[0];
            offsets = committed(first, group.toArray(new PartitionLog.Record[0]));
        }
        try (PartitionLog owner = new PartitionLog(s, 0)) {
            PartitionLog.CommitResult settled = owner.settle(group);
            assertThat(settled).isInstanceOf(PartitionLog.Committed.class);
            assertThat(((PartitionLog.Committed) settled).offsets()).containsExactly(offsets);
            assertThatThrownBy(() -> owner.settle(group)).as("settle follows a failure only").isInstanceOf(IllegalStateException.class);
        }
        assertThat(replayAsNewOwner(s, 0)).containsExactly(before + " KOP01 before", offsets[0] + " KOP01 one",
                offsets[1] + " KOP02 two");
    }

    /** A commit that failed with nothing journaled: settling commits its records, once. */
    @Test
    void settleCommitsAgainWhatAFailedCommitLeftOut() throws Exception {
        KafkaSettings s = topic("settle-again", 1);
        try (PartitionLog log = new PartitionLog(s, 0)) {
            log.open();
            long before = committed(log, record("KOP01", "before"))[0];
            PartitionLog.CommitResult failed = log.commit(List.of(new PartitionLog.Record("KOP01", new byte[1_100_000])));
            assertThat(failed).isInstanceOf(PartitionLog.Failed.class);
            assertSettledOnce(s, log, before, "settled");
        }
    }

    /**
     * The coordinator stalls past the whole commit's wait (its broker SIGSTOPped for 5 s, a commit
     * that gives up after 2 s): the commit fails with its outcome unknown, the EndTxn possibly
     * still in the stalled broker's socket. Settled once the broker runs again, the record is in
     * the journal exactly once, whichever way the transaction ended.
     */
    @Test
    void settleAfterACoordinatorStallLeavesTheRecordOnce() throws Exception {
        KafkaSettings s = topic("settle-stalled", 1);
        int maxBlockMs = 2_000;
        try (PartitionLog log = new PartitionLog(s, 0, maxBlockMs, maxBlockMs)) {
            log.open();
            long before = committed(log, record("KOP01", "before"))[0];
            int coordinator = coordinatorOf(s.transactionalId(0));
            brokers.pause(coordinator);
            PartitionLog.CommitResult failed;
            try {
                failed = log.commit(List.of(record("KOP01", "while stalled")));
                Thread.sleep(5_000 - maxBlockMs);
            } finally {
                brokers.resume(coordinator);
            }
            assertThat(failed).isInstanceOf(PartitionLog.Failed.class);
            assertSettledOnce(s, log, before, "while stalled");
        }
    }

    /**
     * {@code log.settle} of one record {@code value} after a failed commit: committed, and a new
     * owner replays the record at offset {@code before} and that one, once.
     */
    private static void assertSettledOnce(KafkaSettings s, PartitionLog log, long before, String value) throws Exception {
        PartitionLog.CommitResult settled = log.settle(List.of(record("KOP01", value)));
        assertThat(settled).isInstanceOf(PartitionLog.Committed.class);
        long at = ((PartitionLog.Committed) settled).offsets()[0];
        assertThat(replayAsNewOwner(s, 0)).containsExactly(before + " KOP01 before", at + " KOP01 " + value);
    }

    @Test
    void replayRefusesAPartitionWhoseFirstRecordsWereDeleted() throws Exception {
        KafkaSettings s = topic("head-deleted", 1);
        try (PartitionLog log = new PartitionLog(s, 0)) {
            log.open();
            committed(log, record("KOP01", "first"));
            committed(log, record("KOP01", "second"));
            try (Admin admin = brokers.admin()) {
                admin.deleteRecords(Map.of(new TopicPartition(s.topic(), 0), RecordsToDelete.beforeOffset(1))).all().get();
            }
            assertThatThrownBy(() -> log.replay((o, k, v) -> { })).isInstanceOf(JournalCorruptException.class)
                    .hasMessageContaining("partition 0 of Kafka topic " + s.topic() + " starts at offset 1, not 0");
        }
    }
}
