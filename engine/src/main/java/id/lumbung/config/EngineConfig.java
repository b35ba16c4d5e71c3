package id.lumbung.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the engine, with its default, loaded from one properties file and overridden by
 * command-line flags. Each setting is a {@code *_PROP_NAME} / {@code *_DEFAULT} pair; limits carry
 * their unit in the name and are checked when the config is built, so a bad value stops the start
 * with the setting named.
 */
public final class EngineConfig {

    /** Where the journal lives: {@code chronicle} (embedded, the default) or {@code kafka} (DESIGN: "Beyond one machine"). */
    public static final String JOURNAL_PROP_NAME = "journal";
    public static final String JOURNAL_CHRONICLE = "chronicle";
    public static final String JOURNAL_KAFKA = "kafka";
    public static final String KAFKA_BOOTSTRAP_PROP_NAME = "kafka.bootstrap";
    public static final String KAFKA_TOPIC_PROP_NAME = "kafka.topic";
    public static final String KAFKA_TOPIC_DEFAULT = "lumbung.journal";
    public static final String KAFKA_PARTITIONS_PROP_NAME = "kafka.partitions";
    public static final int KAFKA_PARTITIONS_DEFAULT = 12;
    public static final String KAFKA_REPLICATION_PROP_NAME = "kafka.replication";
    public static final int KAFKA_REPLICATION_DEFAULT = 3;
    public static final String KAFKA_GROUP_PROP_NAME = "kafka.group";
    public static final String KAFKA_GROUP_DEFAULT = "lumbung";
    /** The node's name in the group (Kafka journal); every node's must differ. */
    public static final String NODE_ID_PROP_NAME = "node.id";
    /** The node's terminal HTTP port as other nodes reach it, e.g. {@code http://10.0.0.5:8080}. */
    public static final String NODE_URL_PROP_NAME = "node.url";

    public static final String DATA_DIR_PROP_NAME = "data.dir";
    public static final String DATA_DIR_DEFAULT = "./data";
    /** Empty means the bundled demo reference data. */
    public static final String REFERENCE_DIR_PROP_NAME = "reference.dir";
    public static final String HTTP_HOST_PROP_NAME = "http.host";
    public static final String HTTP_HOST_DEFAULT = "0.0.0.0";
    public static final String HTTP_PORT_PROP_NAME = "http.port";
    public static final int HTTP_PORT_DEFAULT = 8080;
    public static final String OPS_PORT_PROP_NAME = "ops.port";
    public static final int OPS_PORT_DEFAULT = 9464;
    public static final String ISO_PORT_PROP_NAME = "iso.port";
    public static final int ISO_PORT_DEFAULT = 8583;
    /**
     * The ops port (metrics, health, admin) binds loopback unless told otherwise: its admin API
     * closes settlement windows, so it is reached from the machine itself or through a deliberate
     * choice of interface ({@code 0.0.0.0}, or one operators' network address).
     */
    public static final String OPS_BIND_PROP_NAME = "ops.bind";
    public static final String OPS_BIND_DEFAULT = "127.0.0.1";
    /** ISO 8583 field 64 MAC: {@code required}, {@code optional} or {@code off} (see {@link IsoMacMode}). */
    public static final String ISO_MAC_PROP_NAME = "iso.mac";
    public static final IsoMacMode ISO_MAC_DEFAULT = IsoMacMode.REQUIRED;
    public static final String DURABILITY_PROP_NAME = "durability";
    public static final Durability DURABILITY_DEFAULT = Durability.SYNC;
    /** Local cut-off times in Asia/Jakarta, like the larger Indonesian acquirers; "none" disables. */
    public static final String CUTOFFS_PROP_NAME = "settlement.cutoffs";
    public static final String CUTOFFS_DEFAULT = "04:10,08:10,11:45,14:10,19:10";
    public static final String TIMEZONE_PROP_NAME = "settlement.timezone";
    public static final String TIMEZONE_DEFAULT = "Asia/Jakarta";
    /** The QRIS cap per transaction: Rp10,000,000. */
    public static final String AMOUNT_MAX_PROP_NAME = "payment.amount.max.rupiah";
    public static final long AMOUNT_MAX_DEFAULT = 10_000_000L;
    /** One payment's JSON is about 250 bytes; 4 KiB leaves room for a long payerRef and spacing. */
    public static final String BODY_BYTES_MAX_PROP_NAME = "http.body.bytes.max";
    public static final int BODY_BYTES_MAX_DEFAULT = 4 * 1024;
    /** 1000 items of about 250 bytes is 250 KB; 512 KiB is twice that. */
    public static final String BATCH_BODY_BYTES_MAX_PROP_NAME = "http.batch.body.bytes.max";
    public static final int BATCH_BODY_BYTES_MAX_DEFAULT = 512 * 1024;
    public static final String BATCH_ITEMS_MAX_PROP_NAME = "http.batch.items.max";
    public static final int BATCH_ITEMS_MAX_DEFAULT = 1000;
    public static final String RATE_PER_SECOND_PROP_NAME = "terminal.rate.per.second";
    public static final int RATE_PER_SECOND_DEFAULT = 1000;
    public static final String RATE_BURST_PROP_NAME = "terminal.rate.burst";
    public static final int RATE_BURST_DEFAULT = 1000;
    /** Keys are kept at least this long, and always until the payment is settled. */
    public static final String RETENTION_DAYS_PROP_NAME = "idempotency.retention.days";
    public static final int RETENTION_DAYS_DEFAULT = 7;
    /**
     * Bound on retained payments (idempotency keys and statuses). At about 70 heap bytes per
     * payment (primitive columns and a key table, no object per payment), 20 M keys need about
     * 1.4 GB of heap; beyond the bound, new payments are refused with
     * 503 JOURNAL_UNAVAILABLE until a close and the retention sweep free room.
     */
    public static final String RETAINED_PAYMENTS_MAX_PROP_NAME = "idempotency.payments.max";
    public static final int RETAINED_PAYMENTS_MAX_DEFAULT = 20_000_000;
    /**
     * With {@code sync} durability on the local journal: how long the journal writer waits for more
     * payments before it forces a group that already has two or more, so that one force covers more
     * of them (PostgreSQL's {@code commit_delay}). A lone payment is never held. Off (0) by default:
     * it buys a few percent of throughput only when the cores are saturated, and costs latency at
     * any load below that (docs/DECISIONS.md, Journal).
     */
    public static final String COMMIT_DELAY_MICROS_PROP_NAME = "journal.commit.delay.micros";
    public static final int COMMIT_DELAY_MICROS_DEFAULT = 0;
    /** Commands waiting for the journal writer; beyond it the answer is 503 with Retry-After. */
    public static final String WRITER_QUEUE_MAX_PROP_NAME = "journal.queue.commands.max";
    public static final int WRITER_QUEUE_MAX_DEFAULT = 65_536;
    /**
     * Free space kept on the journal's file system. Chronicle maps its files in chunks of 64 MiB
     * or so and dies of SIGBUS when a page cannot be backed; 512 MiB keeps several chunks spare.
     */
    public static final String DISK_RESERVE_BYTES_PROP_NAME = "journal.disk.reserve.bytes";
    public static final long DISK_RESERVE_BYTES_DEFAULT = 512L * 1024 * 1024;
    /**
     * Snapshot of the derived state at a clean stop ({@code <data>/snapshot/}), loaded at the next
     * start so that only the journal written after it is replayed; {@code false} always replays
     * the whole journal. A snapshot that does not match the journal is ignored either way.
     */
    public static final String SNAPSHOT_ENABLED_PROP_NAME = "snapshot.enabled";
    /**
     * How a close makes its settlement files durable: {@code auto} syncs the file system once
     * before and once after renaming the files into place where it can (Linux 5.8+ on ext4, XFS,
     * Btrfs), and fsyncs each file and folder elsewhere; {@code per-file} always fsyncs each.
     */
    public static final String FILES_SYNC_PROP_NAME = "settlement.files.sync";
    public static final FilesSync FILES_SYNC_DEFAULT = FilesSync.AUTO;
    public static final boolean SNAPSHOT_ENABLED_DEFAULT = true;
    /**
     * {@code on} (default): the journal is forced as {@code durability} says.
     * {@code off-unsafe-test-only}: the force (fdatasync) is skipped while answers are still sent
     * as if it had run, so an acknowledged payment can be lost at a power cut. It exists only so
     * that the power-cut test can show it catches a missing force; it is refused unless the JVM
     * runs with {@code -Dlumbung.unsafe.test.only=true}, and an engine started with it says so on
     * stderr and in its log.
     */
    public static final String JOURNAL_FORCE_PROP_NAME = "journal.force";
    public static final String JOURNAL_FORCE_OFF_UNSAFE = "off-unsafe-test-only";
    /** The JVM system property without which {@code journal.force=off-unsafe-test-only} is refused. */
    public static final String UNSAFE_TEST_ONLY_SYSTEM_PROPERTY = "lumbung.unsafe.test.only";
    /**
     * A connection of the terminal or ops port on which nothing is read or written for this long
     * is closed, whatever it is waiting for: a kept-alive connection between requests, a head or
     * a body that stopped coming. A terminal posts every few seconds to minutes and reconnects
     * at no cost over a LAN or a VPN; 60 s keeps a busy switch's pooled connections open while
     * thousands of abandoned ones (a crashed terminal, a half-sent request) do not pile up.
     */
    public static final String HTTP_IDLE_TIMEOUT_SECONDS_PROP_NAME = "http.idle.timeout.seconds";
    public static final int HTTP_IDLE_TIMEOUT_SECONDS_DEFAULT = 60;
    public static final String ADMIN_TOKEN_ENV_NAME = "LUMBUNG_ADMIN_TOKEN";
    /**
     * TLS on the terminal port and the ISO 8583 port: the server's private key and certificate
     * chain, PEM files (docs/TLS.md). Both or neither; empty means plain TCP.
     */
    public static final String TLS_KEY_PATH_PROP_NAME = "tls.key.path";
    public static final String TLS_CERT_PATH_PROP_NAME = "tls.cert.path";
    /**
     * {@code none}: server-authenticated TLS only. {@code required}: mutual TLS; a client must
     * present a certificate issued by {@code tls.client.ca.path}, and a terminal's certificate
     * subject CN must be its terminal id (HTTP: X-Terminal-Id, else 401; ISO 8583: field 41, else 39=03).
     */
    public static final String TLS_CLIENT_AUTH_PROP_NAME = "tls.client.auth";
    public static final String TLS_CLIENT_AUTH_DEFAULT = "none";
    /** PEM file of the CA certificate(s) that issue client certificates; needed with {@code required}. */
    public static final String TLS_CLIENT_CA_PATH_PROP_NAME = "tls.client.ca.path";
    /** SFTP delivery port ({@code --sftp-port}); absent means no SFTP server. */
    public static final String SFTP_PORT_PROP_NAME = "sftp.port";
    /** Webhook signing secrets ({@code --webhook-secrets}); absent means {@code webhook_secrets.csv} in the reference folder. */
    public static final String WEBHOOK_SECRETS_PATH_PROP_NAME = "webhook.secrets.path";
    /**
     * Wait before the first webhook retry, in ms; the contract's 1 s, which only a test shortens
     * (the waits still double from it and are capped at 10 minutes). Never more than 1 s.
     */
    public static final String WEBHOOK_RETRY_FIRST_MS_PROP_NAME = "webhook.retry.first.ms";
    public static final long WEBHOOK_RETRY_FIRST_MS_DEFAULT = 1_000;

    public final Path dataDir;
    /** {@link #JOURNAL_CHRONICLE} or {@link #JOURNAL_KAFKA}. */
    public final String journal;
    /** Kafka journal only (null otherwise): bootstrap servers, topic, group, this node's id and advertised URL. */
    public final String kafkaBootstrap;
    public final String kafkaTopic;
    public final int kafkaPartitions;
    public final int kafkaReplication;
    public final String kafkaGroup;
    public final String nodeId;
    public final String nodeUrl;
    /** The values this config was built from, for {@link #with}. */
    private final Map<String, String> values;
    public final Path referenceDir;
    public final String httpHost;
    public final int httpPort;
    public final int opsPort;
    public final int isoPort;
    public final String opsBind;
    public final IsoMacMode isoMac;
    public final Durability durability;
    public final List<LocalTime> cutoffs;
    public final String timezone;
    public final long amountMaxRupiah;
    public final int bodyBytesMax;
    public final int batchBodyBytesMax;
    public final int batchItemsMax;
    public final int httpIdleTimeoutSeconds;
    public final int ratePerSecond;
    public final int rateBurst;
    public final int retentionDays;
    public final int retainedPaymentsMax;
    public final int writerQueueMax;
    public final int commitDelayMicros;
    public final long diskReserveBytes;
    /** {@code journal.force=off-unsafe-test-only}: the journal is never forced (tests only). */
    public final boolean journalForceOffUnsafe;
    /** Server key and certificate chain (PEM), both null when TLS is off. */
    public final Path tlsKeyPath;
    public final Path tlsCertPath;
    /** Mutual TLS: clients need a certificate from {@link #tlsClientCaPath}, terminals one naming them. */
    public final boolean tlsClientAuthRequired;
    public final boolean snapshotEnabled;
    /** {@code settlement.files.sync}. */
    public final FilesSync filesSync;
    public final Path tlsClientCaPath;
    /** The SFTP port, or -1 when SFTP is off. */
    public final int sftpPort;
    public final Path webhookSecretsPath;
    public final long webhookRetryFirstMs;
    /** Fee plan lines, {@code fee.plan.<NAME>=<tiers>}, by plan name; empty means the defaults. */
    public final Map<String, String> feePlans;

    private EngineConfig(Map<String, String> v) {
        values = Map.copyOf(v);
        dataDir = Path.of(v.getOrDefault(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT));
        journal = v.getOrDefault(JOURNAL_PROP_NAME, JOURNAL_CHRONICLE).trim().toLowerCase(java.util.Locale.ROOT);
        if (!journal.equals(JOURNAL_CHRONICLE) && !journal.equals(JOURNAL_KAFKA)) {
            throw new IllegalArgumentException(JOURNAL_PROP_NAME + " must be " + JOURNAL_CHRONICLE + " or " + JOURNAL_KAFKA
                    + ", got '" + journal + "'");
        }
        kafkaBootstrap = blankToNull(v.get(KAFKA_BOOTSTRAP_PROP_NAME));
        kafkaTopic = v.getOrDefault(KAFKA_TOPIC_PROP_NAME, KAFKA_TOPIC_DEFAULT).trim();
        kafkaPartitions = (int) longIn(v, KAFKA_PARTITIONS_PROP_NAME, KAFKA_PARTITIONS_DEFAULT, 1, 256);
        kafkaReplication = (int) longIn(v, KAFKA_REPLICATION_PROP_NAME, KAFKA_REPLICATION_DEFAULT, 1, 32);
        kafkaGroup = v.getOrDefault(KAFKA_GROUP_PROP_NAME, KAFKA_GROUP_DEFAULT).trim();
        nodeId = blankToNull(v.get(NODE_ID_PROP_NAME));
        nodeUrl = blankToNull(v.get(NODE_URL_PROP_NAME));
        if (journal.equals(JOURNAL_KAFKA) && (kafkaBootstrap == null || nodeId == null)) {
            throw new IllegalArgumentException(JOURNAL_PROP_NAME + "=" + JOURNAL_KAFKA + " needs " + KAFKA_BOOTSTRAP_PROP_NAME
                    + " (--kafka HOST:PORT,...) and " + NODE_ID_PROP_NAME + " (--node-id NAME)");
        }
        String ref = v.getOrDefault(REFERENCE_DIR_PROP_NAME, "");
        referenceDir = ref.isBlank() ? null : Path.of(ref);
        httpHost = v.getOrDefault(HTTP_HOST_PROP_NAME, HTTP_HOST_DEFAULT);
        httpPort = port(v, HTTP_PORT_PROP_NAME, HTTP_PORT_DEFAULT);
        opsPort = port(v, OPS_PORT_PROP_NAME, OPS_PORT_DEFAULT);
        isoPort = port(v, ISO_PORT_PROP_NAME, ISO_PORT_DEFAULT);
        opsBind = v.getOrDefault(OPS_BIND_PROP_NAME, OPS_BIND_DEFAULT).trim();
        if (opsBind.isEmpty()) {
            throw new IllegalArgumentException(OPS_BIND_PROP_NAME + " must be an address, got an empty value");
        }
        isoMac = IsoMacMode.parse(v.getOrDefault(ISO_MAC_PROP_NAME, ISO_MAC_DEFAULT.name()));
        durability = durability(v.getOrDefault(DURABILITY_PROP_NAME, DURABILITY_DEFAULT.name()));
        cutoffs = cutoffs(v.getOrDefault(CUTOFFS_PROP_NAME, CUTOFFS_DEFAULT));
        timezone = v.getOrDefault(TIMEZONE_PROP_NAME, TIMEZONE_DEFAULT);
        amountMaxRupiah = longIn(v, AMOUNT_MAX_PROP_NAME, AMOUNT_MAX_DEFAULT, 1, 1_000_000_000_000L);
        bodyBytesMax = (int) longIn(v, BODY_BYTES_MAX_PROP_NAME, BODY_BYTES_MAX_DEFAULT, 512, 1 << 20);
        batchBodyBytesMax = (int) longIn(v, BATCH_BODY_BYTES_MAX_PROP_NAME, BATCH_BODY_BYTES_MAX_DEFAULT, 1024, 64 << 20);
        batchItemsMax = (int) longIn(v, BATCH_ITEMS_MAX_PROP_NAME, BATCH_ITEMS_MAX_DEFAULT, 1, 100_000);
        httpIdleTimeoutSeconds = (int) longIn(v, HTTP_IDLE_TIMEOUT_SECONDS_PROP_NAME, HTTP_IDLE_TIMEOUT_SECONDS_DEFAULT, 1, 3600);
        ratePerSecond = (int) longIn(v, RATE_PER_SECOND_PROP_NAME, RATE_PER_SECOND_DEFAULT, 1, 10_000_000);
        rateBurst = (int) longIn(v, RATE_BURST_PROP_NAME, RATE_BURST_DEFAULT, 1, 10_000_000);
        retentionDays = (int) longIn(v, RETENTION_DAYS_PROP_NAME, RETENTION_DAYS_DEFAULT, 7, 3650);
        retainedPaymentsMax = (int) longIn(v, RETAINED_PAYMENTS_MAX_PROP_NAME, RETAINED_PAYMENTS_MAX_DEFAULT, 1000, 1_000_000_000);
        writerQueueMax = (int) longIn(v, WRITER_QUEUE_MAX_PROP_NAME, WRITER_QUEUE_MAX_DEFAULT, 16, 16 << 20);
        commitDelayMicros = (int) longIn(v, COMMIT_DELAY_MICROS_PROP_NAME, COMMIT_DELAY_MICROS_DEFAULT, 0, 10_000);
        diskReserveBytes = longIn(v, DISK_RESERVE_BYTES_PROP_NAME, DISK_RESERVE_BYTES_DEFAULT, 0, Long.MAX_VALUE);
        String force = v.getOrDefault(JOURNAL_FORCE_PROP_NAME, "on").trim();
        if (!force.equals("on") && !force.equals(JOURNAL_FORCE_OFF_UNSAFE)) {
            throw new IllegalArgumentException(JOURNAL_FORCE_PROP_NAME + " must be on or " + JOURNAL_FORCE_OFF_UNSAFE
                    + ", got '" + force + "'");
        }
        journalForceOffUnsafe = force.equals(JOURNAL_FORCE_OFF_UNSAFE);
        if (journalForceOffUnsafe && !Boolean.getBoolean(UNSAFE_TEST_ONLY_SYSTEM_PROPERTY)) {
            throw new IllegalArgumentException(JOURNAL_FORCE_PROP_NAME + "=" + JOURNAL_FORCE_OFF_UNSAFE + " loses acknowledged"
                    + " payments at a power cut and is for tests only: it needs -D" + UNSAFE_TEST_ONLY_SYSTEM_PROPERTY + "=true");
        }
        tlsKeyPath = optionalPath(v, TLS_KEY_PATH_PROP_NAME);
        tlsCertPath = optionalPath(v, TLS_CERT_PATH_PROP_NAME);
        tlsClientCaPath = optionalPath(v, TLS_CLIENT_CA_PATH_PROP_NAME);
        String sftp = v.get(SFTP_PORT_PROP_NAME);
        sftpPort = sftp == null || sftp.isBlank() ? -1 : port(v, SFTP_PORT_PROP_NAME, -1);
        webhookSecretsPath = optionalPath(v, WEBHOOK_SECRETS_PATH_PROP_NAME);
        webhookRetryFirstMs = longIn(v, WEBHOOK_RETRY_FIRST_MS_PROP_NAME, WEBHOOK_RETRY_FIRST_MS_DEFAULT, 1,
                WEBHOOK_RETRY_FIRST_MS_DEFAULT);
        String clientAuth = v.getOrDefault(TLS_CLIENT_AUTH_PROP_NAME, TLS_CLIENT_AUTH_DEFAULT).trim().toLowerCase(java.util.Locale.ROOT);
        if (!clientAuth.equals("none") && !clientAuth.equals("required")) {
            throw new IllegalArgumentException(TLS_CLIENT_AUTH_PROP_NAME + " must be none or required, got '" + clientAuth + "'");
        }
        tlsClientAuthRequired = clientAuth.equals("required");
        String snapshot = v.getOrDefault(SNAPSHOT_ENABLED_PROP_NAME, Boolean.toString(SNAPSHOT_ENABLED_DEFAULT)).trim()
                .toLowerCase(java.util.Locale.ROOT);
        if (!snapshot.equals("true") && !snapshot.equals("false")) {
            throw new IllegalArgumentException(SNAPSHOT_ENABLED_PROP_NAME + " must be true or false, got '" + snapshot + "'");
        }
        snapshotEnabled = snapshot.equals("true");
        filesSync = v.containsKey(FILES_SYNC_PROP_NAME) ? FilesSync.parse(FILES_SYNC_PROP_NAME, v.get(FILES_SYNC_PROP_NAME))
                : FILES_SYNC_DEFAULT;
        if ((tlsKeyPath == null) != (tlsCertPath == null)) {
            throw new IllegalArgumentException(TLS_KEY_PATH_PROP_NAME + " and " + TLS_CERT_PATH_PROP_NAME + " go together");
        }
        if (isoMac == IsoMacMode.OFF && !tlsClientAuthRequired) {
            // without a MAC and without client certificates, field 41 alone would say who pays
            throw new IllegalArgumentException(ISO_MAC_PROP_NAME + "=off trusts the transport alone: it needs "
                    + TLS_CLIENT_AUTH_PROP_NAME + "=required (mutual TLS)");
        }
        if (tlsClientAuthRequired && (tlsKeyPath == null || tlsClientCaPath == null)) {
            throw new IllegalArgumentException(TLS_CLIENT_AUTH_PROP_NAME + "=required needs " + TLS_KEY_PATH_PROP_NAME + ", "
                    + TLS_CERT_PATH_PROP_NAME + " and " + TLS_CLIENT_CA_PATH_PROP_NAME);
        }
        Map<String, String> plans = new LinkedHashMap<>();
        v.forEach((k, val) -> {
            if (k.startsWith("fee.plan.")) {
                plans.put(k.substring("fee.plan.".length()), val);
            }
        });
        feePlans = Map.copyOf(plans);
        if (httpPort != 0 && (httpPort == opsPort || httpPort == isoPort) || opsPort != 0 && opsPort == isoPort) {
            throw new IllegalArgumentException("http.port, ops.port and iso.port must differ");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Whether the journal is the Kafka topic. */
    public boolean kafkaJournal() {
        return journal.equals(JOURNAL_KAFKA);
    }

    /** These settings with some replaced (names and values as in the properties file), checked as any. */
    public EngineConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return of(merged);
    }

    /** Whether the file or a flag set this setting, rather than its default applying. */
    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    /** Whether the terminal and ISO 8583 ports speak TLS. */
    public boolean tlsEnabled() {
        return tlsKeyPath != null;
    }

    private static Path optionalPath(Map<String, String> v, String name) {
        String s = v.get(name);
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    /** The defaults alone. */
    public static EngineConfig defaults() {
        return of(Map.of());
    }

    /** Settings from a map of property names to values; unknown names are refused. */
    public static EngineConfig of(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key) && !key.startsWith("fee.plan.")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        }
        return new EngineConfig(values);
    }

    /** Reads a properties file (UTF-8) into a map; flags are layered on top by the caller. */
    public static Map<String, String> readFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    private static final List<String> KNOWN = List.of(DATA_DIR_PROP_NAME, REFERENCE_DIR_PROP_NAME, HTTP_HOST_PROP_NAME,
            HTTP_PORT_PROP_NAME, OPS_PORT_PROP_NAME, ISO_PORT_PROP_NAME, DURABILITY_PROP_NAME, CUTOFFS_PROP_NAME,
            TIMEZONE_PROP_NAME, AMOUNT_MAX_PROP_NAME, BODY_BYTES_MAX_PROP_NAME, BATCH_BODY_BYTES_MAX_PROP_NAME,
            BATCH_ITEMS_MAX_PROP_NAME, RATE_PER_SECOND_PROP_NAME, RATE_BURST_PROP_NAME, RETENTION_DAYS_PROP_NAME,
            RETAINED_PAYMENTS_MAX_PROP_NAME, WRITER_QUEUE_MAX_PROP_NAME, COMMIT_DELAY_MICROS_PROP_NAME, DISK_RESERVE_BYTES_PROP_NAME,
            TLS_KEY_PATH_PROP_NAME, TLS_CERT_PATH_PROP_NAME, TLS_CLIENT_AUTH_PROP_NAME, TLS_CLIENT_CA_PATH_PROP_NAME,
            SNAPSHOT_ENABLED_PROP_NAME, OPS_BIND_PROP_NAME, ISO_MAC_PROP_NAME, JOURNAL_FORCE_PROP_NAME,
            HTTP_IDLE_TIMEOUT_SECONDS_PROP_NAME, SFTP_PORT_PROP_NAME, WEBHOOK_SECRETS_PATH_PROP_NAME,
            WEBHOOK_RETRY_FIRST_MS_PROP_NAME, FILES_SYNC_PROP_NAME, JOURNAL_PROP_NAME, KAFKA_BOOTSTRAP_PROP_NAME,
            KAFKA_TOPIC_PROP_NAME, KAFKA_PARTITIONS_PROP_NAME, KAFKA_REPLICATION_PROP_NAME, KAFKA_GROUP_PROP_NAME,
            NODE_ID_PROP_NAME, NODE_URL_PROP_NAME);

    private static int port(Map<String, String> v, String name, int dflt) {
        return (int) longIn(v, name, dflt, 0, 65535);
    }

    private static long longIn(Map<String, String> v, String name, long dflt, long min, long max) {
        String s = v.get(name);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        long value;
        try {
            value = Long.parseLong(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + s + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static Durability durability(String s) {
        try {
            return Durability.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DURABILITY_PROP_NAME + " must be sync or async, got '" + s + "'");
        }
    }

    /** Parses {@code HH:MM,...} or {@code none}; sorted, without repeats. */
    public static List<LocalTime> cutoffs(String s) {
        if (s.isBlank() || s.trim().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<LocalTime> out = new ArrayList<>();
        for (String part : s.split(",")) {
            try {
                LocalTime t = LocalTime.parse(part.trim());
                if (!out.contains(t)) {
                    out.add(t);
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(CUTOFFS_PROP_NAME + ": '" + part.trim() + "' is not HH:MM");
            }
        }
        out.sort(null);
        return List.copyOf(out);
    }
}
