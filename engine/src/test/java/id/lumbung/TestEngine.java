package id.lumbung;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.engine.Engine;
import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** An engine started in-process on free ports with the demo data, and a signing HTTP client for it. */
public final class TestEngine implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token";
    /**
     * Journal entries a new journal starts with on the demo data: its reference, one entry per
     * fee plan (3), cooperative (3), trader (12) and terminal (20), then one per row of the demo's
     * obligations.csv (4). The first payment or close of a test that starts on an empty data
     * folder has the next sequence.
     */
    public static final int DEMO_REFERENCE_ENTRIES = 38 + 4;
    /** Of {@link #DEMO_REFERENCE_ENTRIES}, the obligation entries (the last ones). */
    public static final int DEMO_OBLIGATION_ENTRIES = 4;
    public final Engine engine;
    /**
     * HTTP/1.1 only: the JDK client's default (HTTP/2 with an h2c upgrade on plain http) fails
     * intermittently against Vert.x's cleartext upgrade ("Frame type(101) ... exceeds
     * MAX_FRAME_SIZE"); terminals and Prometheus speak HTTP/1.1.
     */
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    public final Path data;

    public TestEngine(Path data, Map<String, String> settings) throws Exception {
        this(data, settings, ADMIN_TOKEN);
    }

    /** With the given admin token (for example one {@link Engine#adminToken} made in {@code data}). */
    public TestEngine(Path data, Map<String, String> settings, String adminToken) throws Exception {
        this(data, settings, adminToken, demoReference(), Clock.systemUTC());
    }

    /**
     * With the given reference data (terminal keys and cooperative tokens as {@link DemoCredentials}
     * derives them, so that {@link #signed} and the demo bearer tokens work) and engine clock.
     */
    public TestEngine(Path data, Map<String, String> settings, ReferenceData reference, Clock clock) throws Exception {
        this(data, settings, ADMIN_TOKEN, reference, clock);
    }

    private TestEngine(Path data, Map<String, String> settings, String adminToken, ReferenceData reference, Clock clock)
            throws Exception {
        this.data = data;
        Map<String, String> v = new HashMap<>(settings);
        v.put(EngineConfig.DATA_DIR_PROP_NAME, data.toString());
        v.put(EngineConfig.HTTP_HOST_PROP_NAME, "127.0.0.1");
        v.putIfAbsent(EngineConfig.HTTP_PORT_PROP_NAME, "0");
        v.putIfAbsent(EngineConfig.OPS_PORT_PROP_NAME, "0");
        v.putIfAbsent(EngineConfig.ISO_PORT_PROP_NAME, "0");
        v.putIfAbsent(EngineConfig.CUTOFFS_PROP_NAME, "none");
        v.putIfAbsent(EngineConfig.DISK_RESERVE_BYTES_PROP_NAME, "0");
        EngineConfig config = EngineConfig.of(v);
        engine = new Engine(config, reference, FeeSchedule.defaults(), clock, adminToken, (t, e) -> {
            throw new AssertionError("engine fatal: " + e, e);
        });
        if (config.referenceDir == null && isDemo(reference)) {
            engine.withBundledDemoObligations(); // as `serve` on the bundled demo data
        }
        engine.start();
    }

    /** True when {@code reference} has the bundled demo's traders, each in its cooperative. */
    static boolean isDemo(ReferenceData reference) throws Exception {
        ReferenceData demo = demoReference();
        if (reference.traderCount() != demo.traderCount()) {
            return false;
        }
        for (int i = 0; i < demo.traderCount(); i++) {
            id.lumbung.core.reference.Trader t = reference.trader(demo.trader(i).traderId());
            if (t == null || !reference.coop(t.coopIndex()).coopId().equals(demo.coop(demo.trader(i).coopIndex()).coopId())) {
                return false;
            }
        }
        return true;
    }

    /** The bundled demo reference data, with the default fee plans. */
    public static ReferenceData demoReference() throws Exception {
        return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    public static String nowOffset() {
        return OffsetDateTime.now(ZoneOffset.ofHours(7)).withNano(0).toString();
    }

    public static String payment(String terminalId, String txnId, String amountJson) {
        return "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amountJson
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + nowOffset() + "\",\"method\":\"QRIS\"}";
    }

    public HttpResponse<String> signed(String method, String path, String terminalId, byte[] body) throws Exception {
        return signed(method, path, terminalId, body, DemoCredentials.terminalKey(terminalId),
                Long.toString(engine.clock().millis()), "application/json");
    }

    public HttpResponse<String> signed(String method, String path, String terminalId, byte[] body, byte[] key,
            String timestamp, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort() + path))
                .header("X-Terminal-Id", terminalId)
                .header("X-Timestamp", timestamp)
                .header("X-Signature", TerminalAuth.sign(key, method, path, timestamp, body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String terminalId, String body) throws Exception {
        return signed("POST", "/v1/payments", terminalId, body.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> ops(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.opsPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        engine.close();
    }
}
