package id.lumbung.cli;

import id.lumbung.config.EngineConfig;
import id.lumbung.kafka.KafkaSettings;
import id.lumbung.kafka.KafkaStartException;
import id.lumbung.kafka.KafkaTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reconcile}: recomputes every batch from the journal and compares with ledger and files.
 * With {@code --config}, the settings that decide what settlement computes (fee plans) and where
 * it reads and writes (data and reference folders, the journal and its Kafka topic) come from the
 * engine's own properties file, read as {@code serve} reads it, flags on top.
 *
 * <p>{@code --journal kafka} ({@link KafkaReconciler}) recomputes every partition of the topic,
 * read without fencing its owner, and compares with a node's data folder when one is given
 * ({@code --data}, or the config's {@code data.dir} when the file sets it).
 *
 * <p>Exit codes: 0 all agree, 1 differences found, 2 the config, the reference data or the flags
 * are unusable, the data folder holds no journal (no {@code partitions/} for the Kafka journal), or
 * the topic is missing or unlike the configuration, 3 the journal is corrupt.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Recompute every batch from the journal; compare with the ledger and the files. Exit 0 when all agree.")
public final class ReconcileCommand implements Callable<Integer> {
    /**
     * The topic check's bound, as a node's start: brokers that answer nothing in 15 s are down.
     */
    static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(15);
    /**
     * reconcile's name in its Kafka client ids, whatever node's config it reads: it joins no group
     * and owns no partition, and brokers' logs tell it from the nodes.
     */
    static final String KAFKA_CLIENT_NAME = "reconcile";

    @Option(names = "--config", description = "The engine's properties file (as given to serve): its fee plans, data and reference folders, "
            + "journal and Kafka topic. Flags override it. Default: the default fee plans")
    Path configFile;
    @Option(names = "--data", description = "Data folder. Default: the config's data.dir; required without --config "
            + "(with --journal kafka: a node's data folder to compare with, optional)")
    String data;
    @Option(names = "--reference", description = "Reference data folder. Default: the config's reference.dir, else bundled demo data")
    String reference;
    @Option(names = "--journal", description = "chronicle (default) or kafka (every partition of the topic, with --kafka)")
    String journal;
    @Option(names = "--kafka", description = "Kafka bootstrap servers HOST:PORT[,HOST:PORT...] (with --journal kafka)")
    String kafka;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(EngineConfig.DATA_DIR_PROP_NAME, data);
        flags.put(EngineConfig.REFERENCE_DIR_PROP_NAME, reference);
        flags.put(EngineConfig.JOURNAL_PROP_NAME, journal);
        flags.put(EngineConfig.KAFKA_BOOTSTRAP_PROP_NAME, kafka);
        flags.put(EngineConfig.NODE_ID_PROP_NAME, KAFKA_CLIENT_NAME);
        EngineSettings settings = EngineSettings.loadOrExplain(configFile, flags, System.err);
        if (settings == null) {
            return 2;
        }
        if (settings.config().kafkaJournal()) {
            return reconcileKafka(settings);
        }
        if (kafka != null) {
            System.err.println("lumbung: --kafka reads the Kafka journal: add --journal kafka");
            return 2;
        }
        if (configFile == null && data == null) {
            System.err.println("lumbung: reconcile needs --data DIR, or --config FILE (whose data.dir, default ./data, is used)");
            return 2;
        }
        Path journalDir = settings.config().dataDir.resolve("journal");
        if (!Files.isDirectory(journalDir)) {
            // an empty recomputation would agree with an empty folder: a wrong path must not read as "all agree"
            System.err.println("lumbung: no journal folder " + journalDir.toAbsolutePath().normalize()
                    + "; is the data folder right (--data, or data.dir in the config)?");
            return 2;
        }
        return new Reconciler(settings).run(System.out);
    }

    private Integer reconcileKafka(EngineSettings settings) throws Exception {
        EngineConfig config = settings.config();
        KafkaSettings topic;
        try {
            topic = new KafkaSettings(config.kafkaBootstrap, config.kafkaTopic, config.kafkaPartitions,
                    config.kafkaReplication, config.kafkaGroup, KAFKA_CLIENT_NAME);
        } catch (IllegalArgumentException e) {
            System.err.println("lumbung: " + e.getMessage());
            return 2;
        }
        Path nodeData = config.isSet(EngineConfig.DATA_DIR_PROP_NAME) ? config.dataDir : null;
        if (nodeData != null && !Files.isDirectory(nodeData.resolve("partitions"))) {
            // a node keeps partitions/p<N>/ for each partition it served: without it nothing would be compared
            System.err.println("lumbung: no partitions folder " + nodeData.resolve("partitions").toAbsolutePath().normalize()
                    + "; is the data folder a Kafka node's (--data, or data.dir in the config)?");
            return 2;
        }
        int found;
        try {
            found = KafkaTopic.partitionCount(topic, TOPIC_CHECK_TIMEOUT);
        } catch (KafkaStartException e) {
            System.err.println("lumbung: " + e.getMessage());
            return 2;
        }
        if (found != topic.partitions()) {
            // a cooperative's partition is its key's hash modulo the count: with another count the
            // recomputation would not be the nodes' (and partitions beyond the count would go unread)
            System.err.println("lumbung: Kafka topic " + topic.topic() + " has " + found + " partitions, not the "
                    + topic.partitions() + " configured (kafka.partitions); reconcile with the nodes' own setting");
            return 2;
        }
        return new KafkaReconciler(new Reconciler(settings), topic, nodeData).run(System.out);
    }
}
