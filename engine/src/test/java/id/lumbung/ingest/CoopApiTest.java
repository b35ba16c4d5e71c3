package id.lumbung.ingest;

import id.lumbung.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The cooperative API: bearer tokens, listing, files with digests, accounts, isolation. */
class CoopApiTest {
    private static final String BRH = "Bearer demo-token-KSP-BERINGHARJO";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void listsPullsAndBalancesOnlyItsOwnSettlements(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of())) {
            // BRH-001 (UMI): 600,000 pays 0.3% = 1,800; BRH-002 (REG) via T0000003: 15,000 pays 0.7% = 105
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "c1", "600000")).statusCode()).isEqualTo(201);
            assertThat(t.post("T0000003", TestEngine.payment("T0000003", "c2", "15000")).statusCode()).isEqualTo(201);
            assertThat(t.post("T0000006", TestEngine.payment("T0000006", "c3", "5000")).statusCode()).isEqualTo(201);
            JsonArray closed = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN).body())
                    .getJsonArray("batches");
            assertThat(closed).hasSize(2);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "c4", "1000")).statusCode()).isEqualTo(201);
            t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-BERINGHARJO\"}", TestEngine.ADMIN_TOKEN);
            // a cooperative with nothing new gets no batch
            assertThat(new JsonObject(t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-KLEWER\"}",
                    TestEngine.ADMIN_TOKEN).body()).getJsonArray("batches")).isEmpty();

            JsonArray batches = new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/settlements", BRH).body()).getJsonArray("batches");
            assertThat(batches).hasSize(2);
            JsonObject first = batches.getJsonObject(0);
            assertThat(first.getLong("payments")).isEqualTo(2);
            assertThat(first.getLong("gross")).isEqualTo(615_000);
            assertThat(first.getLong("fee")).isEqualTo(1_905);
            assertThat(first.getLong("net")).isEqualTo(613_095);
            assertThat(first.getString("batchId")).matches("[A-Za-z0-9-]{1,35}");
            assertThat(first.getLong("firstSequence")).isEqualTo(1);
            assertThat(batches.getJsonObject(1).getLong("firstSequence")).isEqualTo(first.getLong("lastSequence") + 1);
            JsonArray since = new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/settlements?since=" + first.getString("batchId"), BRH)
                    .body()).getJsonArray("batches");
            assertThat(since).hasSize(1);
            assertThat(since.getJsonObject(0).getString("batchId")).isEqualTo(batches.getJsonObject(1).getString("batchId"));
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/settlements?since=nope", BRH).statusCode()).isEqualTo(404);

            for (Object f : first.getJsonArray("files")) {
                JsonObject file = (JsonObject) f;
                HttpResponse<byte[]> r = t.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.engine.httpPort()
                        + "/v1/coops/KSP-BERINGHARJO/settlements/" + first.getString("batchId") + "/" + file.getString("name")))
                        .header("Authorization", BRH).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                byte[] sha = MessageDigest.getInstance("SHA-256").digest(r.body());
                assertThat(HexFormat.of().formatHex(sha)).isEqualTo(file.getString("sha256"));
                assertThat((long) r.body().length).isEqualTo(file.getLong("size"));
                assertThat(r.headers().firstValue("ETag")).hasValue("\"" + file.getString("sha256") + "\"");
                assertThat(r.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + Base64.getEncoder().encodeToString(sha) + ":");
                assertThat(Files.readAllBytes(data.resolve("files/KSP-BERINGHARJO/" + file.getString("name")))).isEqualTo(r.body());
            }

            JsonObject accounts = new JsonObject(t.get("/v1/coops/KSP-BERINGHARJO/accounts", BRH).body());
            assertThat(accounts.getLong("balance")).isEqualTo(613_095 + 1_000);
            assertThat(accounts.getJsonArray("members").getJsonObject(0).getString("traderId")).isEqualTo("BRH-001");
            // a member's balance is the sum of its payouts: the demo's obligations of BRH-001 (retribusi
            // 2,000 and angsuran 10,000, capped at their totals) came out of its first batch's net
            assertThat(accounts.getJsonArray("members").getJsonObject(0).getLong("balance"))
                    .isEqualTo(598_200 + 1_000 - 2_000 - 10_000);
            // BRH-002's net of 14,895 went whole to the demo's simpanan wajib of BRH-002 (due up to its 50,000 total)
            assertThat(accounts.getJsonArray("members").getJsonObject(1).getLong("balance")).isZero();
            assertThat(accounts.getJsonArray("members").getJsonObject(1).getLong("savings")).isEqualTo(14_895);

            // isolation: another cooperative's token is 404, none is 401
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/settlements", "Bearer demo-token-KSP-KLEWER").statusCode()).isEqualTo(404);
            String file = first.getJsonArray("files").getJsonObject(0).getString("name");
            assertThat(t.get("/v1/coops/KSP-KLEWER/settlements/" + first.getString("batchId") + "/" + file,
                    "Bearer demo-token-KSP-KLEWER").statusCode()).isEqualTo(404);
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/accounts", "Bearer demo-token-KSP-KLEWER").statusCode()).isEqualTo(404);
            assertThat(t.get("/v1/coops/KSP-BERINGHARJO/settlements", null).statusCode()).isEqualTo(401);
        }
    }
}
