package id.lumbung.delivery.sftp;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.settlement.Settlement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The SFTP delivery server: user {@code <coopId>}, public keys from {@code ssh_keys.csv}, no
 * passwords, no shell, exec or forwarding, and one subsystem, SFTP over the cooperative's
 * {@link SettlementTree}. The host key is {@code <data>/ssh_host_ed25519_key} (OpenSSH format, mode
 * 0600, with its {@code .pub} beside it), generated at the first start and written before the port
 * is bound.
 *
 * <p>Threads: the caller's for {@link #start} and {@link #close}; MINA's "sshd-*" workers for the rest.
 */
public final class SftpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SftpServer.class.getName());
    public static final String HOST_KEY_FILE = "ssh_host_ed25519_key";
    /**
     * Sessions at once: a cooperative pulls with one or two; 1,000 cooperatives pulling after the
     * same cut-off fit, and one misbehaving client cannot take every worker.
     */
    public static final int SESSIONS_MAX = 2_000;
    /** Failed authentications per connection before it is dropped (OpenSSH's MaxAuthTries is 6). */
    public static final int AUTH_TRIES_MAX = 6;

    private final SshServer sshd;
    /** Each cooperative's decoded public keys, by id; swapped whole by {@link #credentials}. */
    private volatile Map<String, List<PublicKey>> keysByCoop;

    private SftpServer(SshServer sshd, Map<String, List<PublicKey>> keysByCoop) {
        this.sshd = sshd;
        this.keysByCoop = keysByCoop;
    }

    /**
     * Writes the host key if it is missing, then listens on {@code host:port} (0: a free port).
     *
     * @throws IllegalStateException naming the cooperative whose key MINA cannot decode
     */
    /**
     * @param reference the reference in effect (it changes at a reload): a session's cooperative is
     *     looked up in it, with the settlement listing's indexes
     */
    public static SftpServer start(String host, int port, Path dataDir, Supplier<ReferenceData> reference,
            DeliveryCredentials credentials, Settlement settlement, MeterRegistry registry) throws IOException {
        Path hostKey = dataDir.resolve(HOST_KEY_FILE);
        if (!Files.exists(hostKey)) {
            writeHostKey(hostKey);
        }
        SftpServer server = new SftpServer(SshServer.setUpDefaultServer(), decodeKeys(credentials));
        SshServer sshd = server.sshd;
        TreeFileSystemProvider provider = new TreeFileSystemProvider();
        sshd.setHost(host);
        sshd.setPort(port);
        FileKeyPairProvider hostKeys = new FileKeyPairProvider(hostKey);
        try {
            // read at start, not at the first connection: a damaged key file stops the start naming it
            if (!hostKeys.loadKeys(null).iterator().hasNext()) {
                throw new IOException("no key in " + hostKey);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("SFTP host key " + hostKey + " cannot be read (" + e.getMessage() + "); restore it from"
                    + " backup, or move it away to have a new one made (cooperatives must then pin the new key)", e);
        }
        sshd.setKeyPairProvider(hostKeys);
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setPublickeyAuthenticator((user, key, session) -> {
            if (reference.get().coop(user) == null) {
                return false;
            }
            for (PublicKey k : server.keysByCoop.getOrDefault(user, List.of())) {
                if (KeyUtils.compareKeys(k, key)) {
                    return true;
                }
            }
            return false;
        });
        sshd.addSessionListener(new SessionLog(reference, registry));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        sshd.setAgentFactory(null);
        sshd.setShellFactory(null);
        sshd.setCommandFactory(null);
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(sshd, SESSIONS_MAX);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, AUTH_TRIES_MAX);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.setFileSystemAccessor(ReadOnlyAccessor.INSTANCE);
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new FileSystemFactory() {
            @Override
            public Path getUserHomeDir(SessionContext session) {
                return null; // a session starts in "/"
            }

            @Override
            public java.nio.file.FileSystem createFileSystem(SessionContext session) throws IOException {
                Coop coop = reference.get().coop(session.getUsername());
                if (coop == null) {
                    throw new IOException("no cooperative for the session's user"); // authentication let it through: a bug
                }
                return provider.newFileSystem(new SettlementTree(settlement, coop));
            }
        });
        sshd.start();
        LOG.log(System.Logger.Level.INFO, "event=sftp_listening port={0,number,#} host_key={1}", sshd.getPort(), hostKey);
        return server;
    }

    /**
     * Puts reloaded keys, decoded by {@link #checkKeys}, in effect at once for every new sign-in
     * (sessions already open stay open).
     */
    public void credentials(Keys reloaded) {
        keysByCoop = reloaded.byCoop;
    }

    /**
     * Each cooperative's public keys as MINA decoded them from a {@link DeliveryCredentials}: a
     * reload decodes them once, off the event loop, where it checks them, and puts these in effect.
     */
    public static final class Keys {
        private final Map<String, List<PublicKey>> byCoop;

        private Keys(Map<String, List<PublicKey>> byCoop) {
            this.byCoop = byCoop;
        }
    }

    /** Key lines decoded, every server together (a reload's count shows it decodes each key once). */
    private static final java.util.concurrent.atomic.AtomicLong KEY_LINES_DECODED = new java.util.concurrent.atomic.AtomicLong();

    /** Key lines decoded so far by every server in this JVM. */
    public static long keyLinesDecoded() {
        return KEY_LINES_DECODED.get();
    }

    /**
     * Decodes every key of {@code credentials}, as a reload does before it changes anything.
     *
     * @throws IllegalStateException naming the cooperative whose key MINA cannot decode
     */
    public static Keys checkKeys(DeliveryCredentials credentials) {
        return new Keys(decodeKeys(credentials));
    }

    /**
     * One line per session that signs in ({@code event=sftp_signed_in}) and per connection closed
     * without signing in ({@code event=sftp_refused}: a wrong key or user, or a probe), counted in
     * {@code lumbung_sftp_sessions_total{result=signed_in|refused}}. MINA's own lines reach the same
     * log through SLF4J (docs/DECISIONS.md, "One logging path").
     */
    private static final class SessionLog implements SessionListener {
        private final Supplier<ReferenceData> reference;
        private final Counter signedIn;
        private final Counter refused;

        SessionLog(Supplier<ReferenceData> reference, MeterRegistry registry) {
            this.reference = reference;
            signedIn = counter(registry, "signed_in");
            refused = counter(registry, "refused");
        }

        private static Counter counter(MeterRegistry registry, String result) {
            return Counter.builder("lumbung.sftp.sessions").tag("result", result)
                    .description("SFTP connections: signed_in (a cooperative's key accepted), refused (closed without signing in)")
                    .register(registry);
        }

        @Override
        public void sessionEvent(Session session, Event event) {
            if (event == Event.Authenticated) {
                signedIn.increment();
                LOG.log(System.Logger.Level.INFO, "event=sftp_signed_in coop_id={0} remote={1}", user(session),
                        session.getRemoteAddress());
            }
        }

        @Override
        public void sessionClosed(Session session) {
            if (!session.isAuthenticated()) {
                refused.increment();
                LOG.log(System.Logger.Level.WARNING, "event=sftp_refused user={0} remote={1}", user(session),
                        session.getRemoteAddress());
            }
        }

        /** The user name if it is a cooperative's id; anything else a client sent is not echoed into the log. */
        private String user(Session session) {
            String user = session.getUsername();
            return user != null && reference.get().coop(user) != null ? user : "(not a cooperative)";
        }
    }

    private static Map<String, List<PublicKey>> decodeKeys(DeliveryCredentials credentials) {
        Map<String, List<PublicKey>> keysByCoop = new HashMap<>();
        for (String coopId : credentials.coopsWithSshKeys()) {
            List<PublicKey> keys = new ArrayList<>();
            List<String> lines = credentials.sshKeys(coopId);
            for (int i = 0; i < lines.size(); i++) {
                KEY_LINES_DECODED.incrementAndGet();
                try {
                    keys.add(AuthorizedKeyEntry.parseAuthorizedKeyEntry(lines.get(i))
                            .resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    throw new IllegalStateException("ssh_keys.csv: key " + (i + 1) + " of cooperative " + coopId
                            + " cannot be used: " + e.getMessage(), e);
                }
            }
            keysByCoop.put(coopId, List.copyOf(keys));
        }
        return Map.copyOf(keysByCoop);
    }

    /**
     * A new Ed25519 host key, private part in OpenSSH format at mode 0600 from its creation (never
     * readable by others, even for a moment), written to a temp file, fsynced and renamed; then
     * the public part beside it.
     */
    static void writeHostKey(Path file) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator g = SecurityUtils.getKeyPairGenerator(SecurityUtils.EDDSA);
            g.initialize(256);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an Ed25519 host key", e);
        }
        ByteArrayOutputStream privateKey = new ByteArrayOutputStream();
        ByteArrayOutputStream publicKey = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "lumbung", null, privateKey);
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair, "lumbung", publicKey);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the Ed25519 host key", e);
        }
        Files.createDirectories(file.getParent());
        writeDurably(file.resolveSibling(HOST_KEY_FILE + ".pub"), publicKey.toByteArray(), "rw-r--r--");
        writeDurably(file, privateKey.toByteArray(), "rw-------");
        LOG.log(System.Logger.Level.INFO, "event=sftp_host_key_generated file={0} fingerprint={1}", file,
                KeyUtils.getFingerPrint(pair.getPublic()));
    }

    private static void writeDurably(Path file, byte[] bytes, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        id.lumbung.files.AtomicFiles.forceFolder(file.getParent());
    }

    /** The port it listens on. */
    public int port() {
        return sshd.getPort();
    }

    /** Closes the port and every session at once. */
    @Override
    public void close() {
        try {
            sshd.stop(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event=sftp_close_failed error=\"{0}\"", e.getMessage());
        }
    }
}
