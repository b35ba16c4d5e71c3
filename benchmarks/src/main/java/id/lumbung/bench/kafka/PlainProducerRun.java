package id.lumbung.bench.kafka;

import id.lumbung.bench.load.LatencyUs;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.kafka.KafkaSettings;
import id.lumbung.kafka.KafkaTopic;
import id.lumbung.reference.ReferenceDataGenerator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The limit of the brokers under the Kafka journal: a plain idempotent producer with
 * {@code acks=all} and no transactions writes records the size of a journaled payment to a topic
 * laid out as the journal's ({@link KafkaTopic#ensure}: the same partitions, replication,
 * {@code min.insync.replicas} and retention), on the same brokers, and reports records acknowledged
 * per second and the latency from {@code send} to its acknowledgement (HdrHistogram).
 *
 * <p>Closed loop with {@code --in-flight-per-partition} records outstanding on each partition: 1
 * awaits each record before the next on its partition, as the engine's writer awaits each commit
 * of a partition before the next; more pipelines, and the producer batches what waits.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.kafka.PlainProducerRun \
 *     --bootstrap 127.0.0.1:29092 --in-flight-per-partition 1 --warmup-s 5 --duration-s 15
 * </pre>
 *
 * <p>Threads: the main thread sends; the producer's network thread completes sends, records their
 * latency and hands the partition's slot back through a bounded queue.
 */
@Command(name = "plain-producer", mixinStandardHelpOptions = true,
        description = "A plain idempotent Kafka producer (acks=all, no transactions), closed loop, records the size of a payment entry.")
public final class PlainProducerRun implements Callable<Integer> {
    /** The hard bound on one run, warm-up included: the box is shared. */
    static final int RUN_S_MAX = 30;
    /** Sends outstanding on one partition at most: 1,024 records of about 110 bytes is about 110 kB a partition. */
    static final int IN_FLIGHT_PER_PARTITION_MAX = 1024;
    /** The journal's producer timeouts (the engine's), so that a send here fails as a commit there would. */
    static final int REQUEST_TIMEOUT_MS = id.lumbung.kafka.PartitionLog.REQUEST_TIMEOUT_MS;
    static final int DELIVERY_TIMEOUT_MS = id.lumbung.kafka.PartitionLog.DELIVERY_TIMEOUT_MS;
    static final int MAX_BLOCK_MS = id.lumbung.kafka.PartitionLog.MAX_BLOCK_MS;
    /** After the last send, acknowledgements are awaited this long: longer than a send's delivery timeout. */
    static final int DRAIN_S = DELIVERY_TIMEOUT_MS / 1000 + 5;
    /** 60 s in ns: anything slower has timed out anyway; 3 significant digits is 0.1% resolution. */
    static final long LATENCY_NS_MAX = TimeUnit.SECONDS.toNanos(60);
    static final int LATENCY_DIGITS = 3;
    /** How long the sender waits for a free slot before it looks at the clock again. */
    static final long SLOT_POLL_MS = 10;
    /**
     * Kafka's client logs its whole configuration and every step at INFO (through SLF4J to JUL here):
     * warnings only, so that the run's own lines stand out. Held here: JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    @Option(names = "--bootstrap", required = true, description = "Brokers HOST:PORT[,HOST:PORT...], loopback only")
    String bootstrap;
    @Option(names = "--topic", description = "Topic, created with the journal's layout when missing. Default ${DEFAULT-VALUE}")
    String topic = "lumbung.bench.plain";
    @Option(names = "--partitions", description = "The topic's partitions, written evenly. Default ${DEFAULT-VALUE}")
    int partitions = KafkaSettings.PARTITIONS_DEFAULT;
    @Option(names = "--replication", description = "The topic's replication factor. Default ${DEFAULT-VALUE}")
    int replication = KafkaSettings.REPLICATION_DEFAULT;
    @Option(names = "--in-flight-per-partition", description = "Records outstanding on each partition (1: each awaited). Default ${DEFAULT-VALUE}")
    int inFlightPerPartition = 1;
    @Option(names = "--duration-s", description = "Measured seconds. Default ${DEFAULT-VALUE}")
    int durationS = 15;
    @Option(names = "--warmup-s", description = "Unrecorded seconds before measuring. Default ${DEFAULT-VALUE}")
    int warmupS = 5;
    @Option(names = "--label", description = "Free text copied into the summary")
    String label = "";
    @Option(names = "--json-out", description = "Append the summary JSON line to this file")
    Path jsonOut;

    private final Recorder latencyNs = new Recorder(LATENCY_NS_MAX, LATENCY_DIGITS);
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong ackedInWindow = new AtomicLong();
    private final Map<String, Long> outcomes = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        KAFKA_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new PlainProducerRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = check();
        if (problem != null) {
            System.err.println("plain-producer: " + problem);
            return 2;
        }
        KafkaTopic.ensure(new KafkaSettings(bootstrap, topic, partitions, replication, "lumbung-bench", "plain-producer"),
                Duration.ofSeconds(30));
        String key = ReferenceDataGenerator.coopId(0);
        byte[] value = paymentEntry();
        System.out.printf(Locale.ROOT, "plain producer: topic %s, %d partitions x %d in flight, records of a %d-byte key and a"
                + " %d-byte value (a payment entry), %d s after %d s warm-up%n", topic, partitions, inFlightPerPartition,
                key.length(), value.length, durationS, warmupS);
        long startNs = System.nanoTime();
        long measureStartNs = startNs + TimeUnit.SECONDS.toNanos(warmupS);
        long endNs = measureStartNs + TimeUnit.SECONDS.toNanos(durationS);
        long cpuAtMeasureNs = -1;
        long cpuAtEndNs;
        long sentInWindow = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            ArrayBlockingQueue<Integer> free = new ArrayBlockingQueue<>(partitions * inFlightPerPartition);
            for (int k = 0; k < inFlightPerPartition; k++) {
                for (int p = 0; p < partitions; p++) {
                    free.add(p);
                }
            }
            long now;
            while ((now = System.nanoTime()) < endNs) {
                if (cpuAtMeasureNs < 0 && now >= measureStartNs) {
                    cpuAtMeasureNs = processCpuNs();
                }
                Integer p = free.poll(SLOT_POLL_MS, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                long sendNs = System.nanoTime();
                boolean measured = sendNs >= measureStartNs && sendNs < endNs;
                if (measured) {
                    sentInWindow++;
                }
                inFlight.incrementAndGet();
                producer.send(new ProducerRecord<>(topic, p, key, value), (metadata, error) -> {
                    long doneNs = System.nanoTime();
                    if (error != null) {
                        if (measured) {
                            outcomes.merge("error:" + error.getClass().getSimpleName(), 1L, Long::sum);
                        }
                    } else {
                        if (measured) {
                            latencyNs.recordValue(Math.min(doneNs - sendNs, LATENCY_NS_MAX));
                            outcomes.merge("acked", 1L, Long::sum);
                        }
                        if (doneNs >= measureStartNs && doneNs < endNs) {
                            ackedInWindow.incrementAndGet();
                        }
                    }
                    inFlight.decrementAndGet();
                    free.offer(p);
                });
            }
            cpuAtEndNs = processCpuNs();
            long drainEndNs = endNs + TimeUnit.SECONDS.toNanos(DRAIN_S);
            while (inFlight.get() > 0 && System.nanoTime() < drainEndNs) {
                LockSupport.parkNanos(1_000_000);
            }
            if (inFlight.get() > 0) {
                outcomes.merge("client:NOT_ACKED_BY_END", inFlight.get(), Long::sum);
            }
        }
        Histogram latency = latencyNs.getIntervalHistogram();
        String json = json(key.length(), value.length, sentInWindow, latency, (cpuAtEndNs - Math.max(cpuAtMeasureNs, 0)) / 1e9);
        System.out.printf(Locale.ROOT, "records/s       %.0f acknowledged in the window (%d sent in it)%n",
                ackedInWindow.get() / (double) durationS, sentInWindow);
        System.out.printf(Locale.ROOT, "latency µs      %s   (send to acknowledgement)%n", LatencyUs.text(latency));
        System.out.println("outcomes        " + new TreeMap<>(outcomes));
        System.out.println("JSON " + json);
        if (jsonOut != null) {
            Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    private String check() {
        for (String hostPort : bootstrap.split(",")) {
            String host = hostPort.substring(0, Math.max(0, hostPort.lastIndexOf(':')));
            if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                return "--bootstrap must name 127.0.0.1 or localhost brokers (this box is shared): " + hostPort;
            }
        }
        if (warmupS < 0 || durationS < 1 || warmupS + durationS > RUN_S_MAX) {
            return "--warmup-s + --duration-s must be 1.." + RUN_S_MAX;
        }
        if (partitions < 1 || partitions > KafkaSettings.PARTITIONS_MAX) {
            return "--partitions must be 1.." + KafkaSettings.PARTITIONS_MAX;
        }
        if (inFlightPerPartition < 1 || inFlightPerPartition > IN_FLIGHT_PER_PARTITION_MAX) {
            return "--in-flight-per-partition must be 1.." + IN_FLIGHT_PER_PARTITION_MAX;
        }
        return null;
    }

    /** The engine's journal producer ({@code kafka.PartitionLog}) without its transactional id. */
    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "plain-producer");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        return c;
    }

    /**
     * The bytes the journal holds for a payment of the load generator: terminal {@code T0000001}, a
     * txnId of 18 characters ({@code <run id>-<worker>-<n>}), 15,000 IDR by QRIS, and the trader and
     * cooperative ids of the generated reference data.
     */
    static byte[] paymentEntry() {
        EntryCodec codec = new EntryCodec();
        long nowMs = System.currentTimeMillis();
        PaymentRequest request = new PaymentRequest(ReferenceDataGenerator.terminalId(0), "mq3b8k2x-0-1234567", 15_000, "IDR",
                nowMs, 7 * 3600, "QRIS", null, null);
        int length = codec.encodePayment(1_234_567, nowMs, request, ReferenceDataGenerator.traderId(0),
                ReferenceDataGenerator.coopId(0));
        return Arrays.copyOf(codec.buffer(), length);
    }

    private String json(int keyBytes, int valueBytes, long sentInWindow, Histogram latency, double generatorCpuS) {
        StringBuilder sb = new StringBuilder(512).append('{');
        sb.append("\"label\":\"").append(label.replace("\"", "'")).append('"')
                .append(",\"mode\":\"plain-producer\"")
                .append(",\"partitions\":").append(partitions)
                .append(",\"inFlightPerPartition\":").append(inFlightPerPartition)
                .append(",\"durationS\":").append(durationS)
                .append(",\"warmupS\":").append(warmupS)
                .append(",\"keyBytes\":").append(keyBytes)
                .append(",\"valueBytes\":").append(valueBytes)
                .append(",\"requests\":").append(sentInWindow)
                .append(",\"answersInWindow\":").append(ackedInWindow.get())
                .append(",\"recordsPerS\":").append(Math.round(ackedInWindow.get() / (double) durationS))
                .append(",\"latencyUs\":").append(LatencyUs.json(latency))
                .append(String.format(Locale.ROOT, ",\"generatorCpuS\":%.2f", generatorCpuS))
                .append(",\"outcomes\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : new TreeMap<>(outcomes).entrySet()) {
            sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        return sb.append("}}").toString();
    }

    private static long processCpuNs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}
