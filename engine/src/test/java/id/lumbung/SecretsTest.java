package id.lumbung;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.engine.Engine;
import id.lumbung.gateway.IsoTerminal;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret leaks: a full in-process run (payments over HTTP and ISO 8583, a batch, a void, a
 * close, cooperative pulls with the demo tokens, an admin close with the admin token, failed
 * attempts with wrong secrets) with the engine's java.util.logging output captured at every level;
 * then the log text, the /metrics scrape and every file under the data folder are searched for
 * every demo terminal key (hex either case, raw bytes, base64), every next key, every cooperative
 * token, the admin token, the wrong secrets tried, and the full PAN. Only {@code admin.token}
 * itself may hold the admin token, and it must be mode 0600.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretsTest {
    static final String PAN = "4111111111111111";
    static final String WRONG_COOP_TOKEN = "demo-token-guessed-wrong";
    static final String WRONG_ADMIN_TOKEN = "wrong-admin-token-d41d8cd98f00b204";

    @Test
    void noSecretInLogsMetricsOrDataFiles(@TempDir Path data) throws Exception {
        Assumptions.assumeTrue(System.getenv(EngineConfig.ADMIN_TOKEN_ENV_NAME) == null,
                "LUMBUNG_ADMIN_TOKEN is set: the admin token file would not be made");
        LogCapture capture = LogCapture.onRootLogger();
        String scrape;
        String adminToken;
        try {
            adminToken = Engine.adminToken(data);
            try (TestEngine t = new TestEngine(data, Map.of(), adminToken)) {
                exercise(t, adminToken);
                scrape = t.ops("GET", "/metrics", null, null).body();
            }
        } finally {
            capture.detach();
        }
        String log = capture.text();
        assertThat(log).as("the run did log").contains("event=ready").contains("event=stopped");

        Map<String, byte[]> secrets = secrets(adminToken);
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, byte[]> s : secrets.entrySet()) {
            if (contains(log.getBytes(StandardCharsets.UTF_8), s.getValue())) {
                leaks.add(s.getKey() + " in the log");
            }
            if (contains(scrape.getBytes(StandardCharsets.UTF_8), s.getValue())) {
                leaks.add(s.getKey() + " in /metrics");
            }
        }
        Path tokenFile = data.resolve("admin.token");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.equals(tokenFile)).toList();
        }
        assertThat(files).as("journal, settlement files and ledger were written")
                .anyMatch(p -> p.toString().endsWith(".cq4"))
                .anyMatch(p -> p.toString().endsWith(".csv"))
                .anyMatch(p -> p.toString().endsWith(".camt053.xml"))
                .anyMatch(p -> p.toString().endsWith(".postings.csv"));
        boolean searchable = false;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            // the search does see journal content: the ISO payment's RRN is journaled as its txnId
            searchable |= contains(content, "RRN-SECRET-1".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> s : secrets.entrySet()) {
                if (contains(content, s.getValue())) {
                    leaks.add(s.getKey() + " in " + data.relativize(file));
                }
            }
        }
        assertThat(searchable).as("the journal was read").isTrue();
        assertThat(leaks).as("secrets found").isEmpty();

        assertThat(Files.readString(tokenFile).trim()).isEqualTo(adminToken);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
    }

    private static void exercise(TestEngine t, String adminToken) throws Exception {
        ReferenceData ref = t.engine.reference();
        // a payment from every active terminal (T0000003 also with its next key), one rejected signature
        for (int i = 0; i < ref.terminalCount(); i++) {
            Terminal term = ref.terminal(i);
            HttpResponse<String> r = t.post(term.terminalId(), TestEngine.payment(term.terminalId(), "s-" + i, "15000"));
            assertThat(r.statusCode()).isIn(201, 403);
            if (term.nextKey() != null) {
                byte[] body = TestEngine.payment(term.terminalId(), "n-" + i, "700000").getBytes(StandardCharsets.UTF_8);
                assertThat(t.signed("POST", "/v1/payments", term.terminalId(), body, term.nextKey(),
                        Long.toString(System.currentTimeMillis()), "application/json").statusCode()).isEqualTo(201);
            }
        }
        byte[] bad = TestEngine.payment("T0000001", "bad", "1").getBytes(StandardCharsets.UTF_8);
        assertThat(t.signed("POST", "/v1/payments", "T0000001", bad, DemoCredentials.terminalKey("T0000002"),
                Long.toString(System.currentTimeMillis()), "application/json").statusCode()).isEqualTo(401);
        String batch = "{\"payments\":[" + TestEngine.payment("T0000002", "b1", "1000") + ","
                + TestEngine.payment("T0000002", "b2", "0") + "]}";
        assertThat(t.signed("POST", "/v1/payments/batch", "T0000002", batch.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        String voidable = new JsonObject(t.post("T0000001", TestEngine.payment("T0000001", "v", "500")).body()).getString("paymentId");
        assertThat(t.signed("POST", "/v1/payments/" + voidable + "/void", "T0000001", new byte[0]).statusCode()).isEqualTo(200);
        assertThat(isoPurchaseWithCard(t)).isEqualTo("00");

        // admin: a wrong token, then the real one closes every window
        assertThat(t.ops("POST", "/admin/v1/settlements/close", null, WRONG_ADMIN_TOKEN).statusCode()).isEqualTo(401);
        HttpResponse<String> close = t.ops("POST", "/admin/v1/settlements/close", null, adminToken);
        assertThat(close.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(close.body()).getJsonArray("batches")).isNotEmpty();

        // cooperatives pull their listing, accounts and every file with their tokens; a wrong token fails
        for (Coop coop : ref.coops()) {
            String auth = "Bearer " + DemoCredentials.coopToken(coop.coopId());
            assertThat(t.get("/v1/coops/" + coop.coopId() + "/settlements", "Bearer " + WRONG_COOP_TOKEN).statusCode()).isIn(401, 404);
            HttpResponse<String> listing = t.get("/v1/coops/" + coop.coopId() + "/settlements", auth);
            assertThat(listing.statusCode()).isEqualTo(200);
            JsonArray batches = new JsonObject(listing.body()).getJsonArray("batches");
            for (int b = 0; b < batches.size(); b++) {
                JsonObject batchJson = batches.getJsonObject(b);
                JsonArray files = batchJson.getJsonArray("files");
                for (int f = 0; f < files.size(); f++) {
                    String path = "/v1/coops/" + coop.coopId() + "/settlements/" + batchJson.getString("batchId") + "/"
                            + files.getJsonObject(f).getString("name");
                    assertThat(t.get(path, auth).statusCode()).isEqualTo(200);
                }
            }
            assertThat(t.get("/v1/coops/" + coop.coopId() + "/accounts", auth).statusCode()).isEqualTo(200);
        }
    }

    /** Every secret under a name, as the bytes that must not appear. */
    private static Map<String, byte[]> secrets(String adminToken) throws Exception {
        FeeSchedule fees = FeeSchedule.defaults();
        ReferenceData ref = ReferenceFiles.loadBundledDemo(fees.toConfig().keySet());
        Map<String, byte[]> s = new LinkedHashMap<>();
        for (int i = 0; i < ref.terminalCount(); i++) {
            Terminal term = ref.terminal(i);
            keyForms(s, term.terminalId() + " key", term.key());
            if (term.nextKey() != null) {
                keyForms(s, term.terminalId() + " next key", term.nextKey());
            }
        }
        for (Coop coop : ref.coops()) {
            s.put(coop.coopId() + " token", DemoCredentials.coopToken(coop.coopId()).getBytes(StandardCharsets.UTF_8));
        }
        s.put("a wrong cooperative token", WRONG_COOP_TOKEN.getBytes(StandardCharsets.UTF_8));
        s.put("the admin token", adminToken.getBytes(StandardCharsets.UTF_8));
        s.put("a wrong admin token", WRONG_ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8));
        s.put("the full PAN", PAN.getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static void keyForms(Map<String, byte[]> s, String name, byte[] key) {
        String hex = HexFormat.of().formatHex(key);
        s.put(name + " (hex)", hex.getBytes(StandardCharsets.US_ASCII));
        s.put(name + " (HEX)", hex.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        s.put(name + " (raw)", key);
        s.put(name + " (base64)", Base64.getEncoder().encode(key));
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        // Latin-1 maps bytes to chars one to one, and String.indexOf is fast on large inputs
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    private static String isoPurchaseWithCard(TestEngine t) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", t.engine.isoPort())) {
            socket.setSoTimeout(15_000);
            return IsoTerminal.exchange(socket, IsoTerminal.purchaseNow("T0000001", "BRH-001", "RRN-SECRET-1", 2_500_000, PAN))
                    .getString(39);
        }
    }
}
