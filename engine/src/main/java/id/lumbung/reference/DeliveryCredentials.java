package id.lumbung.reference;

import id.lumbung.core.digest.Hex;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What delivery to cooperatives needs beyond the money-moving reference data: each cooperative's
 * batch-ready webhook URL (optional {@code webhook_url} column of {@value ReferenceFiles#COOPS_FILE}),
 * its webhook signing secret ({@value #WEBHOOK_SECRETS_FILE}, {@code coop_id,secret_hex}) and its
 * SSH public keys for SFTP ({@value #SSH_KEYS_FILE}, {@code coop_id,public_key}, several rows per
 * cooperative allowed). Keys and secrets are credentials: read at start, never journaled. Both
 * files are optional; a cooperative with a webhook URL and no secret stops the load.
 *
 * <p>Read once, on the caller's thread; immutable afterwards.
 */
public final class DeliveryCredentials {
    public static final String SSH_KEYS_FILE = "ssh_keys.csv";
    public static final String WEBHOOK_SECRETS_FILE = "webhook_secrets.csv";
    static final List<String> SSH_KEY_COLUMNS = List.of("coop_id", "public_key");
    static final List<String> SECRET_COLUMNS = List.of("coop_id", "secret_hex");
    /** An OpenSSH public key line: an RSA 16,384-bit key is about 2,800 characters; 8 KiB leaves room for a comment. */
    public static final int PUBLIC_KEY_CHARS_MAX = 8 * 1024;
    /** Keys per cooperative: enough for every staff member and system that pulls, small enough to try each at login. */
    public static final int SSH_KEYS_PER_COOP_MAX = 64;
    /** URL length most HTTP stacks accept without complaint. */
    public static final int WEBHOOK_URL_CHARS_MAX = 2048;

    /*
     * By cooperative id, not index: the settlement's indexes follow the journaled reference, whose
     * order can differ from the files' (a cooperative removed from coops.csv keeps its index).
     */
    private final Map<String, URI> webhookUrlByCoop = new HashMap<>();
    private final Map<String, byte[]> webhookSecretByCoop = new HashMap<>();
    private final Map<String, List<String>> sshKeysByCoop = new HashMap<>();

    private DeliveryCredentials() {
    }

    /** No webhooks, no SSH keys: what an engine without a reference folder's delivery files has. */
    public static DeliveryCredentials none() {
        return new DeliveryCredentials();
    }

    /**
     * Reads the delivery columns and files for the cooperatives of {@code reference}.
     *
     * @param referenceDir the reference folder, or null for the bundled demo data
     * @param webhookSecretsFile the secrets file, or null for {@value #WEBHOOK_SECRETS_FILE} in the reference folder
     * @throws ReferenceDataException naming file, line and field at fault, or the cooperative whose
     *     webhook has no secret
     */
    public static DeliveryCredentials load(Path referenceDir, Path webhookSecretsFile, ReferenceData reference)
            throws ReferenceDataException {
        Objects.requireNonNull(reference, "reference");
        ReferenceSource source = referenceDir == null
                ? ReferenceSource.classpath(ReferenceData.class, ReferenceFiles.BUNDLED_DEMO_FOLDER)
                : ReferenceSource.directory(referenceDir);
        DeliveryCredentials c = new DeliveryCredentials();
        c.readWebhookUrls(source, reference);
        if (webhookSecretsFile != null) {
            Path abs = webhookSecretsFile.toAbsolutePath();
            c.readSecrets(ReferenceSource.directory(abs.getParent()), abs.getFileName().toString(), reference, true);
        } else {
            c.readSecrets(source, WEBHOOK_SECRETS_FILE, reference, false);
        }
        c.readSshKeys(source, reference);
        for (String coopId : c.coopsWithWebhook()) {
            if (!c.webhookSecretByCoop.containsKey(coopId)) {
                throw new ReferenceDataException("cooperative " + coopId + " has a webhook_url in "
                        + source.describe(ReferenceFiles.COOPS_FILE) + " but no secret in "
                        + (webhookSecretsFile != null ? webhookSecretsFile.toString() : source.describe(WEBHOOK_SECRETS_FILE))
                        + ": add a row coop_id,secret_hex (32 bytes as 64 hex characters) or remove the webhook_url");
            }
        }
        return c;
    }

    private void readWebhookUrls(ReferenceSource source, ReferenceData reference) throws ReferenceDataException {
        try (CsvTable table = CsvTable.open(source, ReferenceFiles.COOPS_FILE, ReferenceDataReader.COOP_COLUMNS,
                ReferenceDataReader.COOP_OPTIONAL_COLUMNS)) {
            int urlColumn = ReferenceDataReader.COOP_COLUMNS.size();
            if (table.columnCount() <= urlColumn) {
                return;
            }
            while (table.next()) {
                String url = table.field(urlColumn);
                if (url.isEmpty()) {
                    continue;
                }
                webhookUrlByCoop.put(coopOf(table, reference).coopId(), parseUrl(table, url));
            }
        }
    }

    private static URI parseUrl(CsvTable table, String url) throws ReferenceDataException {
        if (url.length() > WEBHOOK_URL_CHARS_MAX) {
            throw table.error("webhook_url is longer than " + WEBHOOK_URL_CHARS_MAX + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw table.error("webhook_url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw table.error("webhook_url must be an http or https URL with a host and no user info or fragment, found '"
                    + url + "'");
        }
        return uri;
    }

    private void readSecrets(ReferenceSource source, String fileName, ReferenceData reference, boolean required)
            throws ReferenceDataException {
        if (!required && !exists(source, fileName)) {
            return;
        }
        try (CsvTable table = CsvTable.open(source, fileName, SECRET_COLUMNS, List.of())) {
            while (table.next()) {
                Coop coop = coopOf(table, reference);
                byte[] secret = Hex.parseKey(table.field(1));
                if (secret == null) {
                    // a secret: say what is wrong with it, never echo it
                    throw table.error("secret_hex must be " + Hex.KEY_HEX_CHARS + " hex characters (32 bytes), found "
                            + table.field(1).length() + " characters");
                }
                if (webhookSecretByCoop.putIfAbsent(coop.coopId(), secret) != null) {
                    throw table.error("duplicate coop_id '" + coop.coopId() + "'");
                }
            }
        }
    }

    private void readSshKeys(ReferenceSource source, ReferenceData reference) throws ReferenceDataException {
        if (!exists(source, SSH_KEYS_FILE)) {
            return;
        }
        Map<String, List<String>> keys = new HashMap<>();
        try (CsvTable table = CsvTable.open(source, SSH_KEYS_FILE, SSH_KEY_COLUMNS, List.of())) {
            while (table.next()) {
                Coop coop = coopOf(table, reference);
                String key = table.field(1);
                checkPublicKey(table, key);
                List<String> of = keys.computeIfAbsent(coop.coopId(), k -> new ArrayList<>());
                if (of.size() == SSH_KEYS_PER_COOP_MAX) {
                    throw table.error("more than " + SSH_KEYS_PER_COOP_MAX + " keys for cooperative " + coop.coopId());
                }
                of.add(key);
            }
        }
        keys.forEach((coopId, lines) -> sshKeysByCoop.put(coopId, List.copyOf(lines)));
    }

    /**
     * An OpenSSH public key line: {@code <type> <base64 blob> [comment]}, whose blob starts with
     * the type as an SSH string (RFC 4253 section 6.6). The SFTP server decodes the key itself; this
     * check names the file and line of a pasted-wrong key at start.
     */
    private static void checkPublicKey(CsvTable table, String line) throws ReferenceDataException {
        if (line.isEmpty() || line.length() > PUBLIC_KEY_CHARS_MAX) {
            throw table.error("public_key must be 1 to " + PUBLIC_KEY_CHARS_MAX + " characters, found " + line.length());
        }
        String[] parts = line.split(" ", 3);
        byte[] blob;
        try {
            blob = parts.length < 2 ? null : Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            blob = null;
        }
        byte[] type = parts[0].getBytes(StandardCharsets.US_ASCII);
        boolean ok = blob != null && blob.length >= 4 + type.length
                && ((blob[0] & 0xff) << 24 | (blob[1] & 0xff) << 16 | (blob[2] & 0xff) << 8 | (blob[3] & 0xff)) == type.length
                && java.util.Arrays.equals(blob, 4, 4 + type.length, type, 0, type.length);
        if (!ok) {
            throw table.error("public_key must be an OpenSSH public key line ('<type> <base64> [comment]', as in a .pub file)");
        }
    }

    private static Coop coopOf(CsvTable table, ReferenceData reference) throws ReferenceDataException {
        Coop coop = reference.coop(table.field(0));
        if (coop == null) {
            throw table.error("unknown coop_id '" + table.field(0) + "'");
        }
        return coop;
    }

    private static boolean exists(ReferenceSource source, String fileName) {
        try (java.io.InputStream in = source.openStream(fileName)) {
            return in != null;
        } catch (java.io.IOException e) {
            return true; // open() reports the real problem with the file's name
        }
    }

    /** The cooperative's webhook URL, or null when it has none. */
    public URI webhookUrl(String coopId) {
        return webhookUrlByCoop.get(coopId);
    }

    /** The cooperative's 32-byte webhook secret (a copy), or null when it has none. */
    public byte[] webhookSecret(String coopId) {
        byte[] s = webhookSecretByCoop.get(coopId);
        return s == null ? null : s.clone();
    }

    /** The cooperatives with a webhook, by id, sorted. */
    public List<String> coopsWithWebhook() {
        return webhookUrlByCoop.keySet().stream().sorted().toList();
    }

    /** The cooperative's SSH public key lines, OpenSSH format, in file order (empty when none). */
    public List<String> sshKeys(String coopId) {
        return sshKeysByCoop.getOrDefault(coopId, List.of());
    }

    /** The cooperatives with SSH keys, by id, sorted. */
    public List<String> coopsWithSshKeys() {
        return sshKeysByCoop.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "DeliveryCredentials[webhooks=" + webhookUrlByCoop.size() + ", ssh_key_holders=" + sshKeysByCoop.size()
                + ", secrets and keys redacted]";
    }
}
