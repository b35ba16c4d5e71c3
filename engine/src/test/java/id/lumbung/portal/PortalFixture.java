package id.lumbung.portal;

import id.lumbung.MovableClock;
import id.lumbung.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine on the demo data with settled batches on three days for Beringharjo and one for
 * Klewer, on a clock the test moves, and a portal client that signs in like a browser form does.
 */
final class PortalFixture implements AutoCloseable {
    static final String BRH = "KSP-BERINGHARJO";
    static final String KLW = "KSP-KLEWER";
    static final long DAY_MS = 86_400_000L;
    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    final MovableClock clock = new MovableClock();
    final TestEngine t;

    /**
     * Beringharjo: two days ago 600,000 (BRH-001, UMI: 0.3% = 1,800) and 15,000 (BRH-002, REG:
     * 0.7% = 105); yesterday 1,000 (BRH-001) and 250,000 (BRH-003, UMI: 0); today 50,000
     * (BRH-004, GOV: 0). Klewer: 5,000 (KLW-001) two days ago. The engine clock ends today.
     *
     * <p>Obligations: the demo data's (from 1 January 2026, fully accrued: BRH-001 retribusi 2,000 in
     * all and angsuran 10,000 in all, BRH-002 simpanan wajib up to 50,000, KLW-001 simpanan wajib up
     * to 25,000), and from two days ago: BRH-001 retribusi {@code RET-BRH1} Rp2,000 a day; BRH-003
     * simpanan wajib {@code SW-BRH3} Rp10,000 a day up to Rp15,000; Klewer's KLW-001 angsuran
     * {@code ANG-KLW1} Rp1,000 a day. So two days ago BRH-001's 598,200 pays 4,000 retribusi, 10,000
     * angsuran and 584,200 out; BRH-002's 14,895 all goes to simpanan wajib; KLW-001's 4,965 pays
     * 1,000 angsuran and 3,965 simpanan wajib. Yesterday BRH-001's 1,000 all goes to RET-BRH1 (1,000
     * of 2,000 due; 1,000 short) and BRH-003's 250,000 pays 15,000 simpanan wajib and 235,000 out.
     */
    PortalFixture(Path data) throws Exception {
        t = new TestEngine(data, Map.of(), TestEngine.demoReference(), clock);
        clock.offsetMs.set(-2 * DAY_MS);
        String start = LocalDate.ofInstant(clock.instant(), JAKARTA).toString();
        putObligation(BRH, "RET-BRH1", "{\"traderId\":\"BRH-001\",\"kind\":\"RETRIBUSI\",\"dailyAmount\":2000,\"startDate\":\""
                + start + "\"}");
        putObligation(BRH, "SW-BRH3", "{\"traderId\":\"BRH-003\",\"kind\":\"SIMPANAN_WAJIB\",\"dailyAmount\":10000,"
                + "\"startDate\":\"" + start + "\",\"total\":15000}");
        putObligation(KLW, "ANG-KLW1", "{\"traderId\":\"KLW-001\",\"kind\":\"ANGSURAN\",\"dailyAmount\":1000,\"startDate\":\""
                + start + "\"}");
        post("T0000001", "p1", 600_000);
        post("T0000003", "p2", 15_000);
        post("T0000006", "p3", 5_000);
        close(null);
        clock.offsetMs.set(-DAY_MS);
        post("T0000001", "p4", 1_000);
        post("T0000004", "p5", 250_000);
        close(BRH);
        clock.offsetMs.set(0);
        post("T0000005", "p6", 50_000);
        close(BRH);
    }

    private void putObligation(String coopId, String obligationId, String json) throws Exception {
        HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/coops/" + coopId + "/obligations/"
                + obligationId)).header("Authorization", "Bearer demo-token-" + coopId).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** A GET of the cooperative API with the cooperative's own token, as JSON. */
    JsonObject api(String coopId, String pathAndQuery) throws Exception {
        HttpResponse<String> r = t.get("/v1/coops/" + coopId + pathAndQuery, "Bearer demo-token-" + coopId);
        assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** The engine clock's date in Jakarta, {@code daysAgo} days back. */
    LocalDate jakartaDate(int daysAgo) {
        return LocalDate.ofInstant(clock.instant(), JAKARTA).minusDays(daysAgo);
    }

    private void post(String terminalId, String txnId, long amountRupiah) throws Exception {
        String occurredAt = clock.instant().atOffset(ZoneOffset.ofHours(7)).withNano(0).toString();
        String body = "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amountRupiah
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + occurredAt + "\",\"method\":\"QRIS\"}";
        assertThat(t.post(terminalId, body).statusCode()).isEqualTo(201);
    }

    private void close(String coopId) throws Exception {
        HttpResponse<String> r = t.ops("POST", "/admin/v1/settlements/close", coopId == null ? null : "{\"coopId\":\"" + coopId + "\"}",
                TestEngine.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
    }

    String base() {
        return "http://127.0.0.1:" + t.engine.httpPort();
    }

    /** The cooperative API's listing, oldest first. */
    JsonArray apiBatches(String coopId) throws Exception {
        HttpResponse<String> r = t.get("/v1/coops/" + coopId + "/settlements", "Bearer demo-token-" + coopId);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("batches");
    }

    /** A file's bytes through the cooperative API. */
    byte[] apiFile(String coopId, String batchId, String name) throws Exception {
        HttpResponse<byte[]> r = t.http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/coops/" + coopId + "/settlements/"
                + batchId + "/" + name)).header("Authorization", "Bearer demo-token-" + coopId).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** POSTs a form as a browser on this origin does (with {@code Origin}), with optional extra headers. */
    HttpResponse<String> postForm(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        boolean origin = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            origin |= headers[i].equals("Origin");
        }
        if (!origin) {
            b.header("Origin", base());
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in and answers the session cookie's value. */
    String signIn(String coopId) throws Exception {
        HttpResponse<String> r = postForm(Portal.SIGN_IN, "coopId=" + coopId + "&token=demo-token-" + coopId);
        assertThat(r.statusCode()).isEqualTo(303);
        return sessionCookie(r).orElseThrow();
    }

    static Optional<String> sessionCookie(HttpResponse<?> r) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(Portal.SESSION_COOKIE + "=")) {
                return Optional.of(c.substring(Portal.SESSION_COOKIE.length() + 1, c.indexOf(';')));
            }
        }
        return Optional.empty();
    }

    HttpResponse<String> get(String path, String session, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
        if (session != null) {
            b.header("Cookie", Portal.SESSION_COOKIE + "=" + session);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path, String session) throws Exception {
        return t.http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Cookie", Portal.SESSION_COOKIE + "=" + session)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Batch ids of a listing, in its order. */
    static List<String> ids(JsonArray batches) {
        return batches.stream().map(o -> ((JsonObject) o).getString("batchId")).toList();
    }

    @Override
    public void close() {
        t.close();
    }
}
