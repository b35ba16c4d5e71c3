package id.lumbung.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka journal's settings: DESIGN.md's defaults, and a cooperative's partition as Kafka picks it. */
@ExtendWith(KafkaBrokers.Resolver.class)
class KafkaSettingsTest {

    @Test
    void defaultsAreTheContracts() {
        KafkaSettings s = KafkaSettings.of("127.0.0.1:9092", "node-a");
        assertThat(s.topic()).isEqualTo("lumbung.journal");
        assertThat(s.partitions()).isEqualTo(12);
        assertThat(s.replication()).isEqualTo(3);
        assertThat(s.group()).isEqualTo("lumbung");
        assertThat(s.minInsyncReplicas()).isEqualTo(2);
        assertThat(s.transactionalId(0)).isEqualTo("lumbung-journal-0");
        assertThat(s.transactionalId(11)).isEqualTo("lumbung-journal-11");
    }

    @Test
    void minInsyncReplicasIsTwoOrTheReplicationWhenLower() {
        assertThat(new KafkaSettings("b:1", "t", 1, 1, "g", "n").minInsyncReplicas()).isEqualTo(1);
        assertThat(new KafkaSettings("b:1", "t", 1, 2, "g", "n").minInsyncReplicas()).isEqualTo(2);
        assertThat(new KafkaSettings("b:1", "t", 1, 5, "g", "n").minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void transactionalIdIsPerGroupAndPartitionAndOnlyForPartitionsThatExist() {
        KafkaSettings s = new KafkaSettings("b:1", "t", 3, 1, "market-a", "n");
        assertThat(s.transactionalId(2)).isEqualTo("market-a-journal-2");
        assertThatThrownBy(() -> s.transactionalId(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.transactionalId(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSettingsNoTopicCouldHave() {
        assertThatThrownBy(() -> new KafkaSettings("b:1", "t", 0, 3, "g", "n")).hasMessageContaining("kafka.partitions");
        assertThatThrownBy(() -> new KafkaSettings("b:1", "t", KafkaSettings.PARTITIONS_MAX + 1, 3, "g", "n"))
                .hasMessageContaining("kafka.partitions must be 1 to " + KafkaSettings.PARTITIONS_MAX);
        assertThatThrownBy(() -> new KafkaSettings("b:1", "t", 12, 0, "g", "n")).hasMessageContaining("kafka.replication");
        assertThatThrownBy(() -> new KafkaSettings("b:1", "a topic", 12, 3, "g", "n")).hasMessageContaining("kafka.topic");
        assertThatThrownBy(() -> new KafkaSettings(" ", "t", 12, 3, "g", "n")).hasMessageContaining("kafka.bootstrap");
        assertThatThrownBy(() -> new KafkaSettings("b:1", "t", 12, 3, "", "n")).hasMessageContaining("kafka.group");
        assertThatThrownBy(() -> new KafkaSettings("b:1", "t", 12, 3, "g", null)).hasMessageContaining("node.id");
    }

    /**
     * The partitions pinned here are what Kafka 4.4's default partitioner (murmur2 of the key's
     * UTF-8 bytes) gives with 12 partitions; a plain producer that names no partition must agree,
     * so stock tools find a cooperative where the journal keeps it.
     */
    @Test
    @Timeout(60)
    void partitionOfIsWhereAPlainProducerPutsTheKey(KafkaBrokers brokers) throws Exception {
        KafkaSettings settings = brokers.settings(KafkaBrokers.newTopic("partition-of"), 12, 3);
        KafkaTopic.ensure(settings, Duration.ofSeconds(30));
        Map<String, Integer> pinned = new LinkedHashMap<>();
        pinned.put("KSP-BERINGHARJO", 11);
        pinned.put("KSP-KLEWER", 2);
        pinned.put("KSP-TANAHABANG", 5);
        pinned.put("KOP01", 6);
        pinned.put("Koperasi-Ü", 6);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "test-plain-producer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, Integer> e : pinned.entrySet()) {
                int picked = producer.send(new ProducerRecord<>(settings.topic(), e.getKey(), "v")).get(30, TimeUnit.SECONDS)
                        .partition();
                assertThat(List.of(settings.partitionOf(e.getKey()), picked)).as(e.getKey())
                        .containsExactly(e.getValue(), e.getValue());
            }
        }
    }
}
