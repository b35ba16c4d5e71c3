package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.gateway.IsoTerminal;
import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS and mutual TLS on the terminal port and the ISO 8583 port, with a CA, a server certificate
 * and per-terminal client certificates made by the openssl CLI at test time (skipped without it),
 * exactly as docs/TLS.md tells an operator to make them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsTest {
    static final char[] P12_PASSWORD = "changeit".toCharArray();
    @TempDir
    static Path pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Assumptions.assumeTrue(openssl("version") == 0, "openssl CLI not available");
        ca("ca", "Lumbung Test CA");
        ca("rogue", "Some Other CA");
        Files.writeString(pki.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Files.writeString(pki.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        leaf("server", "localhost", "ca", "server.ext");
        leaf("T0000001", "T0000001", "ca", "client.ext");
        leaf("T0000002", "T0000002", "ca", "client.ext");
        leaf("rogue-T0000001", "T0000001", "rogue", "client.ext");
        for (String client : List.of("T0000001", "T0000002", "rogue-T0000001")) {
            assertThat(openssl("pkcs12", "-export", "-inkey", client + ".key", "-in", client + ".crt", "-out", client + ".p12",
                    "-passout", "pass:changeit")).isZero();
        }
    }

    private static void ca(String name, String cn) throws Exception {
        assertThat(openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".crt", "-subj", "/CN=" + cn, "-days", "2")).isZero();
    }

    private static void leaf(String name, String cn, String ca, String ext) throws Exception {
        assertThat(openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/O=Lumbung/CN=" + cn)).isZero();
        assertThat(openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", ext)).isZero();
    }

    private static int openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true)
                    .redirectOutput(pki.resolve("openssl.log").toFile()).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static Map<String, String> tls(boolean mutual) {
        Map<String, String> v = new HashMap<>();
        v.put(EngineConfig.TLS_KEY_PATH_PROP_NAME, pki.resolve("server.key").toString());
        v.put(EngineConfig.TLS_CERT_PATH_PROP_NAME, pki.resolve("server.crt").toString());
        if (mutual) {
            v.put(EngineConfig.TLS_CLIENT_AUTH_PROP_NAME, "required");
            v.put(EngineConfig.TLS_CLIENT_CA_PATH_PROP_NAME, pki.resolve("ca.crt").toString());
        }
        return v;
    }

    /** Trusts the test CA; presents the client certificate in {@code <p12Name>.p12} unless null. */
    private static SSLContext context(String p12Name) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (p12Name != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pki.resolve(p12Name + ".p12"))) {
                keys.load(in, P12_PASSWORD);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, P12_PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A signed POST /v1/payments over HTTPS as {@code terminalId}, with the client certificate {@code p12Name}. */
    private static HttpResponse<String> post(TestEngine t, String p12Name, String terminalId, String txnId) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context(p12Name)).build();
        byte[] body = TestEngine.payment(terminalId, txnId, "15000").getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(System.currentTimeMillis());
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + t.engine.httpPort() + "/v1/payments"))
                .header("X-Terminal-Id", terminalId).header("X-Timestamp", ts)
                .header("X-Signature", TerminalAuth.sign(DemoCredentials.terminalKey(terminalId), "POST", "/v1/payments", ts, body))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** One ISO 8583 0200 over TLS; answers field 39. */
    private static String isoPurchase(TestEngine t, String p12Name, String terminalId, String traderId, String rrn) throws Exception {
        try (SSLSocket socket = (SSLSocket) context(p12Name).getSocketFactory().createSocket("127.0.0.1", t.engine.isoPort())) {
            socket.setSoTimeout(15_000);
            socket.startHandshake();
            return IsoTerminal.exchange(socket, IsoTerminal.purchaseNow(terminalId, traderId, rrn, 1_500_000, null)).getString(39);
        }
    }

    @Test
    void portalSessionCookieIsSecureUnderTls(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, tls(false))) {
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context(null)).build();
            String origin = "https://127.0.0.1:" + t.engine.httpPort();
            String form = "coopId=KSP-BERINGHARJO&token=demo-token-KSP-BERINGHARJO";
            HttpResponse<String> signIn = https.send(HttpRequest.newBuilder(URI.create(origin + "/portal/signin"))
                    .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(303);
            String cookie = signIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("lumbung_session="))
                    .findFirst().orElseThrow();
            // attribute names are case-insensitive (RFC 6265 section 5.2)
            List<String> attributes = java.util.Arrays.stream(cookie.split("; *")).skip(1)
                    .map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList();
            assertThat(attributes).contains("secure", "httponly", "samesite=strict", "max-age=28800", "path=/portal/");
            // over TLS the page's own origin is https: a form from the http origin of the same host is another origin
            HttpResponse<String> plainOrigin = https.send(HttpRequest.newBuilder(URI.create(origin + "/portal/signin"))
                    .header("Origin", "http://127.0.0.1:" + t.engine.httpPort())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plainOrigin.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void mutualTlsBindsTheClientCertificateToTheTerminal(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, tls(true))) {
            assertThat(post(t, "T0000001", "T0000001", "m1").statusCode()).isEqualTo(201);
            // T0000002 signs correctly, but over T0000001's certificate: the certificate does not name it
            HttpResponse<String> borrowed = post(t, "T0000001", "T0000002", "m2");
            assertThat(borrowed.statusCode()).isEqualTo(401);
            assertThat(new JsonObject(borrowed.body()).getString("code")).isEqualTo("UNAUTHENTICATED");
            assertThat(post(t, "T0000002", "T0000002", "m2").statusCode()).isEqualTo(201);
            // no client certificate, or one from another CA: the handshake fails
            assertThatThrownBy(() -> post(t, null, "T0000001", "m3")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> post(t, "rogue-T0000001", "T0000001", "m3")).isInstanceOf(IOException.class);
            // plain HTTP on the TLS port gets nowhere
            assertThatThrownBy(() -> t.post("T0000001", TestEngine.payment("T0000001", "m4", "15000"))).isInstanceOf(IOException.class);

            assertThat(isoPurchase(t, "T0000001", "T0000001", "BRH-001", "RRN-TLS-1")).isEqualTo("00");
            assertThat(isoPurchase(t, "T0000001", "T0000002", "BRH-001", "RRN-TLS-2")).isEqualTo("03");
            assertThat(isoPurchase(t, "T0000002", "T0000002", "BRH-001", "RRN-TLS-2")).isEqualTo("00");
            assertThatThrownBy(() -> isoPurchase(t, null, "T0000001", "BRH-001", "RRN-TLS-3")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void serverOnlyTlsNeedsNoClientCertificate(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, tls(false))) {
            assertThat(post(t, null, "T0000001", "s1").statusCode()).isEqualTo(201);
            // a client certificate naming another terminal is irrelevant without mutual TLS
            assertThat(post(t, "T0000001", "T0000002", "s2").statusCode()).isEqualTo(201);
            assertThat(isoPurchase(t, null, "T0000001", "BRH-001", "RRN-S-1")).isEqualTo("00");
        }
    }

    @Test
    void opsPortServesItsAdminEndpointsOverTlsWhenTlsIsConfigured(@TempDir Path data) throws Exception {
        for (boolean mutual : new boolean[] {false, true}) {
            try (TestEngine t = new TestEngine(data.resolve(mutual ? "mutual" : "server"), tls(mutual))) {
                assertThat(post(t, mutual ? "T0000001" : null, "T0000001", "ops-1").statusCode()).isEqualTo(201);
                // the engine's own warm-up of its ops port went over TLS too
                id.lumbung.metrics.OpsWarmUp.Result warmUp = t.engine.opsWarmUp().toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                assertThat(warmUp.statuses()).hasSize(3 * Engine.OPS_WARM_UP_ROUNDS).doesNotContain(404, 500);
                // the admin token authorises: no client certificate is asked for, in either mode
                HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context(null)).build();
                String base = "https://127.0.0.1:" + t.engine.opsPort();
                HttpResponse<String> close = https.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/settlements/close"))
                        .header("Authorization", "Bearer " + TestEngine.ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(close.statusCode()).as("mutual=%s", mutual).isEqualTo(200);
                assertThat(new JsonObject(close.body()).getJsonArray("batches").getJsonObject(0).getLong("payments")).isEqualTo(1L);
                HttpResponse<String> wrongToken = https.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/settlements/close"))
                        .header("Authorization", "Bearer wrong").POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(wrongToken.statusCode()).isEqualTo(401);
                assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                // the admin token never travels in clear: plain HTTP on the ops port gets no answer
                assertThatThrownBy(() -> t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void incompleteTlsSettingsStopTheStart() {
        Map<String, String> keyOnly = new HashMap<>(tls(false));
        keyOnly.remove(EngineConfig.TLS_CERT_PATH_PROP_NAME);
        assertThatThrownBy(() -> EngineConfig.of(keyOnly)).hasMessageContaining("tls.cert.path");
        Map<String, String> noCa = new HashMap<>(tls(true));
        noCa.remove(EngineConfig.TLS_CLIENT_CA_PATH_PROP_NAME);
        assertThatThrownBy(() -> EngineConfig.of(noCa)).hasMessageContaining("tls.client.ca.path");
        assertThatThrownBy(() -> EngineConfig.of(Map.of(EngineConfig.TLS_CLIENT_AUTH_PROP_NAME, "optional")))
                .hasMessageContaining("none or required");
    }

    @Test
    void isoMacOffNeedsMutualTls() {
        assertThatThrownBy(() -> EngineConfig.of(Map.of(EngineConfig.ISO_MAC_PROP_NAME, "off")))
                .hasMessage("iso.mac=off trusts the transport alone: it needs tls.client.auth=required (mutual TLS)");
        Map<String, String> serverOnly = new HashMap<>(tls(false));
        serverOnly.put(EngineConfig.ISO_MAC_PROP_NAME, "off");
        assertThatThrownBy(() -> EngineConfig.of(serverOnly)).hasMessageContaining("tls.client.auth=required");
        Map<String, String> mutual = new HashMap<>(tls(true));
        mutual.put(EngineConfig.ISO_MAC_PROP_NAME, "OFF");
        assertThat(EngineConfig.of(mutual).isoMac).isEqualTo(id.lumbung.config.IsoMacMode.OFF);
        assertThat(EngineConfig.defaults().isoMac).isEqualTo(id.lumbung.config.IsoMacMode.REQUIRED);
        assertThat(EngineConfig.of(Map.of(EngineConfig.ISO_MAC_PROP_NAME, "optional")).isoMac)
                .isEqualTo(id.lumbung.config.IsoMacMode.OPTIONAL);
        assertThatThrownBy(() -> EngineConfig.of(Map.of(EngineConfig.ISO_MAC_PROP_NAME, "sometimes")))
                .hasMessageContaining("iso.mac must be required, optional or off");
    }
}
