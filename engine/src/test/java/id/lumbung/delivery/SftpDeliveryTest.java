package id.lumbung.delivery;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.DeliveryFixture.Run;
import id.lumbung.delivery.sftp.SftpServer;
import id.lumbung.reference.ReferenceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.delivery.DeliveryFixture.BRH;
import static id.lumbung.delivery.DeliveryFixture.KLW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SFTP delivery, driven by OpenSSH's own {@code sftp} client in batch mode (and MINA's client where
 * it reaches what OpenSSH's cannot ask): a cooperative signed in with its key sees only
 * {@code /settlements/<batchId>/<file>} of its own batches, downloads the bytes the HTTP API
 * serves, and every write, every way out of the tree, another cooperative's batch, a wrong key and
 * a password are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SftpDeliveryTest {
    @TempDir
    static Path dir;
    private TestEngine t;
    private Path key;
    private Path klewerKey;
    private Path wrongKey;
    private Path knownHosts;
    private String batch;
    private String klewerBatch;
    private Map<String, String> dataFilesBefore;

    @BeforeAll
    void start() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref"));
        key = sshKeygen("brh_key");
        klewerKey = sshKeygen("klw_key");
        wrongKey = sshKeygen("wrong_key");
        Files.writeString(ref.resolve("ssh_keys.csv"), "coop_id,public_key\n"
                + BRH + "," + Files.readString(dir.resolve("klw_key.pub")).trim() + "\n" // a second key of BRH: several rows per cooperative
                + BRH + "," + Files.readString(dir.resolve("brh_key.pub")).trim() + "\n"
                + KLW + "," + Files.readString(dir.resolve("klw_key.pub")).trim() + "\n");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        t = new TestEngine(dir.resolve("data"), Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString(),
                EngineConfig.SFTP_PORT_PROP_NAME, "0"), reference, Clock.systemUTC());
        DeliveryFixture.pay(t, "T0000001", "s1", 600_000);
        DeliveryFixture.pay(t, "T0000003", "s2", 15_000);
        DeliveryFixture.pay(t, "T0000006", "s3", 5_000);
        List<String> ids = DeliveryFixture.close(t);
        assertThat(ids).hasSize(2);
        batch = ids.stream().filter(b -> b.startsWith(BRH)).findFirst().orElseThrow();
        klewerBatch = ids.stream().filter(b -> b.startsWith(KLW)).findFirst().orElseThrow();
        Path pub = t.data.resolve(SftpServer.HOST_KEY_FILE + ".pub");
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + t.engine.sftpPort() + " " + Files.readString(pub).trim() + "\n");
        dataFilesBefore = snapshot(t.data.resolve("files"));
    }

    @AfterAll
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private Path sshKeygen(String name) throws Exception {
        Run r = DeliveryFixture.run(dir, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                dir.resolve(name).toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        return dir.resolve(name);
    }

    /** OpenSSH's sftp in batch mode as {@code user} with {@code identity}, host key pinned, no agent, no password. */
    private Run sftp(String user, Path identity, String... commands) throws Exception {
        Path batchFile = Files.createTempFile(dir, "batch", ".txt");
        Files.writeString(batchFile, String.join("\n", commands) + "\n");
        List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batchFile.toString(), "-P", Integer.toString(t.engine.sftpPort()),
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no", "-F", "/dev/null"));
        if (identity != null) {
            cmd.addAll(List.of("-i", identity.toString()));
        }
        cmd.add(user + "@127.0.0.1");
        return DeliveryFixture.run(dir, cmd);
    }

    @Test
    void hostKeyIsOpenSshEd25519WrittenMode0600() throws Exception {
        Path hostKey = t.data.resolve(SftpServer.HOST_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey))).isEqualTo("rw-------");
        assertThat(Files.readString(hostKey)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        // OpenSSH derives the same public key from the private one
        Run derived = DeliveryFixture.run(dir, List.of("ssh-keygen", "-y", "-f", hostKey.toString()));
        assertThat(derived.exit()).as(derived.err()).isZero();
        assertThat(derived.out().split(" ")[1]).isEqualTo(Files.readString(t.data.resolve(SftpServer.HOST_KEY_FILE + ".pub")).split(" ")[1]);
        assertThat(derived.out()).startsWith("ssh-ed25519 ");
    }

    @Test
    void hostKeyIsKeptAcrossRestartsAndADamagedOneStopsTheStart() throws Exception {
        Path ref = dir.resolve("ref");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        Map<String, String> settings = Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString(),
                EngineConfig.SFTP_PORT_PROP_NAME, "0");
        Path data = dir.resolve("data-restart");
        byte[] first;
        try (TestEngine e = new TestEngine(data, settings, reference, Clock.systemUTC())) {
            first = Files.readAllBytes(data.resolve(SftpServer.HOST_KEY_FILE));
        }
        try (TestEngine e = new TestEngine(data, settings, reference, Clock.systemUTC())) {
            assertThat(Files.readAllBytes(data.resolve(SftpServer.HOST_KEY_FILE))).isEqualTo(first);
            Path pinned = dir.resolve("known_hosts_restart");
            Files.writeString(pinned, "[127.0.0.1]:" + e.engine.sftpPort() + " "
                    + Files.readString(data.resolve(SftpServer.HOST_KEY_FILE + ".pub")).trim() + "\n");
            Run r = DeliveryFixture.run(dir, List.of("sftp", "-b", "-", "-P", Integer.toString(e.engine.sftpPort()), "-F", "/dev/null",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + pinned, "-o", "BatchMode=yes",
                    "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", key.toString(), BRH + "@127.0.0.1"));
            assertThat(r.exit()).as(r.err()).isZero(); // the same pinned key is accepted after the restart
        }
        Files.writeString(data.resolve(SftpServer.HOST_KEY_FILE), "-----BEGIN OPENSSH PRIVATE KEY-----\nbroken\n");
        assertThatThrownBy(() -> SftpServer.start("127.0.0.1", 0, data, () -> reference,
                id.lumbung.reference.DeliveryCredentials.none(), null,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).close())
                .hasMessageStartingWith("SFTP host key " + data.resolve(SftpServer.HOST_KEY_FILE) + " cannot be read");
    }

    @Test
    void reloadedKeysTakeEffectAtOnceAndAFaultyReloadChangesNothing() throws Exception {
        Path ref = DeliveryFixture.demoReference(dir.resolve("ref-reload"));
        Path keys = ref.resolve("ssh_keys.csv");
        Files.writeString(keys, "coop_id,public_key\n" + BRH + "," + Files.readString(dir.resolve("brh_key.pub")).trim() + "\n");
        ReferenceData reference = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        Path data = dir.resolve("data-reload");
        try (TestEngine e = new TestEngine(data, Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString(),
                EngineConfig.SFTP_PORT_PROP_NAME, "0"), reference, Clock.systemUTC())) {
            Path pinned = dir.resolve("known_hosts_reload");
            Files.writeString(pinned, "[127.0.0.1]:" + e.engine.sftpPort() + " "
                    + Files.readString(data.resolve(SftpServer.HOST_KEY_FILE + ".pub")).trim() + "\n");
            assertThat(connect(e, pinned, key).exit()).isZero();
            assertThat(connect(e, pinned, wrongKey).exit()).isEqualTo(255);

            Files.writeString(keys, "coop_id,public_key\n" + BRH + "," + Files.readString(dir.resolve("wrong_key.pub")).trim() + "\n"
                    + KLW + "," + Files.readString(dir.resolve("klw_key.pub")).trim() + "\n");
            long decoded = SftpServer.keyLinesDecoded();
            assertThat(DeliveryFixture.reload(e).statusCode()).isEqualTo(200);
            assertThat(SftpServer.keyLinesDecoded() - decoded).as("each key line decoded once, where the reload checks it")
                    .isEqualTo(2);
            assertThat(connect(e, pinned, key).exit()).isEqualTo(255);
            assertThat(connect(e, pinned, wrongKey).exit()).isZero();

            Files.writeString(keys, "coop_id,public_key\n" + BRH + ",ssh-ed25519 AAAA\n");
            java.net.http.HttpResponse<String> refused = DeliveryFixture.reload(e);
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains(keys + " line 2: public_key must be an OpenSSH public key line");
            assertThat(connect(e, pinned, wrongKey).exit()).isZero();
        }
    }

    private Run connect(TestEngine e, Path pinned, Path identity) throws Exception {
        return DeliveryFixture.run(dir, List.of("sftp", "-b", "-", "-P", Integer.toString(e.engine.sftpPort()), "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + pinned, "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", identity.toString(), BRH + "@127.0.0.1"));
    }

    @Test
    void listsOnlyItsOwnTree() throws Exception {
        Run r = sftp(BRH, key, "ls -1 /", "ls -1 /settlements", "ls -1 /settlements/" + batch, "pwd");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(lines(r.out())).containsExactly(
                "sftp> ls -1 /", "/settlements",
                "sftp> ls -1 /settlements", "/settlements/" + batch,
                "sftp> ls -1 /settlements/" + batch, "/settlements/" + batch + "/" + batch + ".camt053.xml",
                "/settlements/" + batch + "/" + batch + ".csv",
                "/settlements/" + batch + "/" + batch + ".payouts.csv",
                "sftp> pwd", "Remote working directory: /");
    }

    @Test
    void downloadsTheBytesHttpServes() throws Exception {
        Path local = Files.createDirectories(dir.resolve("got"));
        Run r = sftp(BRH, key, "cd /settlements/" + batch, "get " + batch + ".csv " + local.resolve("a.csv"),
                "get /settlements/" + batch + "/" + batch + ".camt053.xml " + local.resolve("a.xml"));
        assertThat(r.exit()).as(r.err()).isZero();
        byte[] csv = DeliveryFixture.httpFile(t, BRH, batch, batch + ".csv");
        byte[] xml = DeliveryFixture.httpFile(t, BRH, batch, batch + ".camt053.xml");
        assertThat(Files.readAllBytes(local.resolve("a.csv"))).isEqualTo(csv);
        assertThat(Files.readAllBytes(local.resolve("a.xml"))).isEqualTo(xml);
        assertThat(new String(csv, StandardCharsets.UTF_8)).startsWith("trader_id,payments,gross,fee,net\n");
    }

    @Test
    void refusesEveryWrite() throws Exception {
        Path upload = dir.resolve("upload.csv");
        Files.writeString(upload, "x\n");
        String file = "/settlements/" + batch + "/" + batch + ".csv";
        List<String[]> writes = List.of(
                new String[] {"put " + upload + " /settlements/new.csv"},
                new String[] {"put " + upload + " /settlements/" + batch + "/new.csv"},
                new String[] {"put " + upload + " " + file},
                new String[] {"put " + upload + " /new.csv"},
                new String[] {"rename " + file + " /settlements/" + batch + "/moved.csv"},
                new String[] {"rm " + file},
                new String[] {"rmdir /settlements/" + batch},
                new String[] {"mkdir /settlements/new"},
                new String[] {"mkdir /new"},
                new String[] {"chmod 666 " + file},
                new String[] {"chgrp 0 " + file},
                new String[] {"symlink " + file + " /settlements/" + batch + "/link"},
                new String[] {"ln " + file + " /settlements/" + batch + "/hardlink"});
        for (String[] write : writes) {
            Run r = sftp(BRH, key, write);
            assertThat(r.exit()).as(write[0] + ": " + r.err()).isEqualTo(1);
            assertThat(r.err()).as(write[0]).containsAnyOf("Permission denied", "denied");
        }
        Run after = sftp(BRH, key, "ls -1 /settlements/" + batch, "ls -1 /");
        assertThat(lines(after.out())).containsExactly("sftp> ls -1 /settlements/" + batch,
                "/settlements/" + batch + "/" + batch + ".camt053.xml", "/settlements/" + batch + "/" + batch + ".csv",
                "/settlements/" + batch + "/" + batch + ".payouts.csv",
                "sftp> ls -1 /", "/settlements");
        assertThat(snapshot(t.data.resolve("files"))).isEqualTo(dataFilesBefore);
        assertThat(Files.readAllBytes(t.data.resolve("files").resolve(BRH).resolve(batch + ".csv")))
                .isEqualTo(DeliveryFixture.httpFile(t, BRH, batch, batch + ".csv"));
    }

    @Test
    void noWayOutOfTheTree() throws Exception {
        Run up = sftp(BRH, key, "cd ..", "pwd", "cd /settlements/..", "pwd", "cd /settlements/../..", "pwd", "ls -1 ..");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(lines(up.out())).containsExactly("sftp> cd ..", "sftp> pwd", "Remote working directory: /",
                "sftp> cd /settlements/..", "sftp> pwd", "Remote working directory: /",
                "sftp> cd /settlements/../..", "sftp> pwd", "Remote working directory: /",
                "sftp> ls -1 ..", "../settlements");
        Path local = Files.createDirectories(dir.resolve("escapes"));
        for (String escape : List.of("get ../../etc/passwd " + local.resolve("p1"), "get /etc/passwd " + local.resolve("p2"),
                "get /settlements/" + batch + "/../../../etc/passwd " + local.resolve("p3"), "ls /etc", "cd /etc",
                "cd /tmp", "ls /settlements/" + batch + "/../../../../" + t.data.toAbsolutePath(),
                "get " + t.data.toAbsolutePath().resolve("files").resolve(BRH).resolve(batch + ".csv") + " " + local.resolve("p4"),
                "get /settlements/" + batch + "/" + batch + ".csv/.. " + local.resolve("p5"),
                "get /" + t.data.toAbsolutePath() + "/admin.token " + local.resolve("p6"))) {
            Run r = sftp(BRH, key, escape);
            assertThat(r.exit()).as(escape + ": " + r.err()).isEqualTo(1);
            // "x.csv/.." is the batch's folder, inside the tree: not a file to download
            assertThat(r.err()).as(escape).containsAnyOf("No such file", "not found", "not a regular file",
                    "Can't change directory");
        }
        try (Stream<Path> got = Files.list(local)) {
            assertThat(got.toList()).isEmpty();
        }
    }

    @Test
    void anotherCooperativesBatchDoesNotExist() throws Exception {
        Path local = Files.createDirectories(dir.resolve("other"));
        for (String cmd : List.of("ls /settlements/" + klewerBatch, "cd /settlements/" + klewerBatch,
                "get /settlements/" + klewerBatch + "/" + klewerBatch + ".csv " + local.resolve("k.csv"),
                "get /settlements/" + batch + "/" + klewerBatch + ".csv " + local.resolve("k2.csv"))) {
            Run r = sftp(BRH, key, cmd);
            assertThat(r.exit()).as(cmd + ": " + r.err()).isEqualTo(1);
            assertThat(r.err()).as(cmd).containsAnyOf("No such file", "not found", "Can't change directory");
        }
        // the same request as its own cooperative succeeds: the refusal is about ownership, not the name
        Run own = sftp(KLW, klewerKey, "ls -1 /settlements", "get /settlements/" + klewerBatch + "/" + klewerBatch + ".csv "
                + local.resolve("own.csv"));
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(lines(own.out())).contains("/settlements/" + klewerBatch).doesNotContain("/settlements/" + batch);
        assertThat(Files.readAllBytes(local.resolve("own.csv"))).isEqualTo(DeliveryFixture.httpFile(t, KLW, klewerBatch,
                klewerBatch + ".csv"));
        assertThat(Files.exists(local.resolve("k.csv"))).isFalse();
        assertThat(Files.exists(local.resolve("k2.csv"))).isFalse();
    }

    @Test
    void wrongKeyUnknownUserAndPasswordAreRefused() throws Exception {
        double refusedBefore = sessions("refused");
        double signedInBefore = sessions("signed_in");
        Run wrong = sftp(BRH, wrongKey, "ls /");
        assertThat(wrong.exit()).isEqualTo(255);
        assertThat(wrong.err()).contains("Permission denied (publickey)");
        Run otherCoopsKeyForWrongUser = sftp(KLW, key, "ls /");
        assertThat(otherCoopsKeyForWrongUser.exit()).isEqualTo(255);
        Run unknownUser = sftp("KSP-NOBODY", key, "ls /");
        assertThat(unknownUser.exit()).isEqualTo(255);
        assertThat(unknownUser.err()).contains("Permission denied (publickey)");
        // OpenSSH offers a password only when the server lists the method: it lists publickey alone
        Run password = sftp(BRH, null, "ls /");
        assertThat(password.exit()).isEqualTo(255);
        assertThat(password.err()).contains("Permission denied (publickey)");
        // each refusal is counted once the server has closed its connection
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (sessions("refused") < refusedBefore + 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sessions("refused")).isEqualTo(refusedBefore + 4);
        assertThat(sessions("signed_in")).isEqualTo(signedInBefore);
    }

    private double sessions(String result) {
        return t.engine.registry().get("lumbung.sftp.sessions").tag("result", result).counter().count();
    }

    @Test
    void minaClientPasswordRefusedAndKeyReads() throws Exception {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier((session, address, serverKey) -> true);
            client.start();
            try (ClientSession s = client.connect(BRH, "127.0.0.1", t.engine.sftpPort()).verify(Duration.ofSeconds(10)).getSession()) {
                s.addPasswordIdentity("demo-token-" + BRH);
                assertThatThrownBy(() -> s.auth().verify(Duration.ofSeconds(10))).hasMessageContaining("No more authentication methods");
            }
            KeyPair pair;
            try (var in = Files.newInputStream(key)) {
                pair = SecurityUtils.loadKeyPairIdentities(null, null, in, FilePasswordProvider.EMPTY).iterator().next();
            }
            try (ClientSession s = client.connect(BRH, "127.0.0.1", t.engine.sftpPort()).verify(Duration.ofSeconds(10)).getSession()) {
                s.addPublicKeyIdentity(pair);
                s.auth().verify(Duration.ofSeconds(10));
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
                    assertThat(sftp.canonicalPath("/settlements/../..")).isEqualTo("/");
                    try (var in = sftp.read("/settlements/" + batch + "/" + batch + ".camt053.xml")) {
                        assertThat(in.readAllBytes()).isEqualTo(DeliveryFixture.httpFile(t, BRH, batch, batch + ".camt053.xml"));
                    }
                    SftpClient.Attributes a = sftp.stat("/settlements/" + batch + "/" + batch + ".csv");
                    assertThat(a.getSize()).isEqualTo(DeliveryFixture.httpFile(t, BRH, batch, batch + ".csv").length);
                    assertThatThrownBy(() -> sftp.write("/settlements/" + batch + "/" + batch + ".csv").close())
                            .isInstanceOf(SftpException.class).hasMessageContaining("denied");
                    assertThatThrownBy(() -> sftp.open("/settlements/" + batch + "/" + batch + ".csv",
                            SftpClient.OpenMode.Read, SftpClient.OpenMode.Append)).isInstanceOf(SftpException.class);
                    assertThatThrownBy(() -> sftp.setStat("/settlements/" + batch + "/" + batch + ".csv",
                            new SftpClient.Attributes().modifyTime(0))).isInstanceOf(SftpException.class);
                    assertThatThrownBy(() -> sftp.stat("/settlements/" + klewerBatch)).isInstanceOf(SftpException.class)
                            .hasMessageContaining("No such file");
                }
            }
        }
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.isRegularFile(p)
                        ? java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p)) : "folder");
            }
        }
        return m;
    }
}
