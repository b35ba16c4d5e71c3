package id.lumbung.kafka;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A partition read without fencing its owner, on real brokers: the reader sees what was committed
 * when it started, stops before a transaction still open, and leaves the owner committing; a local
 * copy made through it has the owner's sequence checks.
 */
@ExtendWith(KafkaBrokers.Resolver.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionReaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static KafkaBrokers brokers;

    @BeforeAll
    static void cluster(KafkaBrokers cluster) {
        brokers = cluster;
    }

    private static KafkaSettings topic(String name) throws KafkaStartException {
        KafkaSettings s = brokers.settings(KafkaBrokers.newTopic(name), 1, 3);
        KafkaTopic.ensure(s, TIMEOUT);
        return s;
    }

    private static PartitionLog.Record record(String key, byte[] value) {
        return new PartitionLog.Record(key, value);
    }

    private static List<String> read(PartitionRecords source) throws KafkaStartException {
        List<String> seen = new ArrayList<>();
        PartitionLog.Replayed r = source.replay((offset, key, value) -> seen.add(new String(value, StandardCharsets.UTF_8)));
        assertThat(r.records()).isEqualTo(seen.size());
        return seen;
    }

    /** A close of cooperative KOP01 journaled at {@code sequence}, as one record value. */
    private static byte[] close(long sequence) {
        EntryCodec codec = new EntryCodec();
        return Arrays.copyOf(codec.buffer(), codec.encodeClose(sequence, 1_000 + sequence, JournalEntry.TRIGGER_ADMIN, "KOP01"));
    }

    @Test
    void readsWhatWasCommittedAndLeavesTheOwnerCommitting() throws Exception {
        KafkaSettings s = topic("reader");
        try (PartitionLog owner = new PartitionLog(s, 0)) {
            owner.open();
            assertThat(owner.commit(List.of(record("KOP01", "one".getBytes(StandardCharsets.UTF_8)))))
                    .isInstanceOf(PartitionLog.Committed.class);
            // a transaction left open by another producer holds the last stable offset: the reader
            // ends before it, at once, rather than wait for it or hand on what it may yet abort
            Map<String, Object> c = new HashMap<>();
            c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
            c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.topic() + "-open");
            try (KafkaProducer<String, byte[]> open = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
                open.initTransactions();
                open.beginTransaction();
                open.send(new ProducerRecord<>(s.topic(), 0, "KOP01", "open".getBytes(StandardCharsets.UTF_8))).get();
                long t0 = System.nanoTime();
                assertThat(read(new PartitionReader(s, 0))).containsExactly("one");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(PartitionReader.REPLAY_STALL_MS);
                open.abortTransaction();
            }
            // the reader fenced nobody: the owner's next commit goes through
            assertThat(owner.commit(List.of(record("KOP01", "two".getBytes(StandardCharsets.UTF_8)))))
                    .isInstanceOf(PartitionLog.Committed.class);
            // the commit's markers reach the partition after commitTransaction returns: until then the
            // last stable offset, and so a reader's end, stays before it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<String> seen = read(new PartitionReader(s, 0));
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                seen = read(new PartitionReader(s, 0));
            }
            assertThat(seen).containsExactly("one", "two");
        }
    }

    @Test
    void aCopyMadeThroughAReaderChecksSequencesAsTheOwnersDoes(@TempDir Path dir) throws Exception {
        KafkaSettings good = topic("reader-copy");
        KafkaSettings gap = topic("reader-gap");
        try (PartitionLog owner = new PartitionLog(good, 0); PartitionLog gapOwner = new PartitionLog(gap, 0)) {
            owner.open();
            gapOwner.open();
            owner.commit(List.of(record("KOP01", close(1)), record("KOP01", close(2))));
            gapOwner.commit(List.of(record("KOP01", close(1)), record("KOP01", close(3))));

            assertThat(PartitionMirror.rebuild(new PartitionReader(good, 0), dir.resolve("good")))
                    .isEqualTo(new PartitionMirror.Rebuilt(2, 2, 2));
            assertThatThrownBy(() -> PartitionMirror.rebuild(new PartitionReader(gap, 0), dir.resolve("gap")))
                    .isInstanceOf(JournalCorruptException.class)
                    .hasMessageContaining("sequence 3 where 2 follows sequence 1")
                    .hasMessageContaining("gap");
            // copying fenced neither owner
            assertThat(owner.commit(List.of(record("KOP01", close(3))))).isInstanceOf(PartitionLog.Committed.class);
            assertThat(gapOwner.commit(List.of(record("KOP01", close(4))))).isInstanceOf(PartitionLog.Committed.class);
        }
    }
}
