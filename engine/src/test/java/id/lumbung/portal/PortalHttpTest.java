package id.lumbung.portal;

import id.lumbung.reference.ReferenceFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.portal.PortalFixture.BRH;
import static id.lumbung.portal.PortalFixture.KLW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal over plain HTTP: the session cookie and its server-side end after 8 hours, the plain
 * refusal of a wrong token, the cross-site check on every form, isolation between cooperatives,
 * the stylesheet's caching, the language choice, the form size limit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PortalHttpTest {
    @TempDir
    static Path data;
    static PortalFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new PortalFixture(data);
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static final Pattern ALERT = Pattern.compile("<p id=\"signin-error\" role=\"alert\">([^<]*)</p>");

    private static String alert(String body) {
        Matcher m = ALERT.matcher(body);
        assertThat(m.find()).as("a role=alert element in %s", body).isTrue();
        return m.group(1);
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieThatTheServerEndsAfterEightHours() throws Exception {
        long signInEpochMs = f.clock.millis();
        f.clock.heldEpochMs.set(signInEpochMs);
        try {
            HttpResponse<String> r = f.postForm(Portal.SIGN_IN, "coopId=" + BRH + "&token=demo-token-" + BRH);
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).hasValue("/portal/batches");
            String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("lumbung_session=")).findFirst()
                    .orElseThrow();
            assertThat(cookie).matches("lumbung_session=[A-Za-z0-9_-]{43};.*");
            // attribute names are case-insensitive (RFC 6265 section 5.2); Netty writes HTTPOnly
            List<String> attributes = java.util.Arrays.stream(cookie.split("; *")).skip(1)
                    .map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList();
            assertThat(attributes).contains("max-age=28800", "path=/portal/", "httponly", "samesite=strict");
            assertThat(attributes).doesNotContain("secure");
            String session = PortalFixture.sessionCookie(r).orElseThrow();

            assertThat(f.get("/portal/batches", session).statusCode()).isEqualTo(200);
            assertThat(f.get("/portal/", session).headers().firstValue("Location")).hasValue("/portal/batches");
            f.clock.heldEpochMs.set(signInEpochMs + PortalSessions.SESSION_MS - 1);
            assertThat(f.get("/portal/batches", session).statusCode()).isEqualTo(200);
            f.clock.heldEpochMs.set(signInEpochMs + PortalSessions.SESSION_MS);
            HttpResponse<String> expired = f.get("/portal/batches", session);
            assertThat(expired.statusCode()).isEqualTo(303);
            assertThat(expired.headers().firstValue("Location")).hasValue("/portal/");
            // ended on the server: the same cookie stays refused when the clock is back in the window
            f.clock.heldEpochMs.set(signInEpochMs);
            assertThat(f.get("/portal/batches", session).statusCode()).isEqualTo(303);
            String batchId = f.apiBatches(BRH).getJsonObject(0).getString("batchId");
            assertThat(f.getBytes("/portal/batches/" + batchId + "/" + batchId + ".csv", session).statusCode()).isEqualTo(303);
        } finally {
            f.clock.heldEpochMs.set(-1);
        }
    }

    /** A counter's value on the ops port's /metrics, 0 when it has no series yet. */
    private static double metric(String series) throws Exception {
        String text = f.t.ops("GET", "/metrics", null, null).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aWrongTokenIs401WithOnePlainAlertAndNoSession() throws Exception {
        double wrongBefore = metric("lumbung_portal_signins_total{result=\"wrong_token\"}");
        double signedInBefore = metric("lumbung_portal_signins_total{result=\"signed_in\"}");
        HttpResponse<String> wrong = f.postForm(Portal.SIGN_IN, "coopId=" + BRH + "&token=demo-token-" + KLW);
        HttpResponse<String> unknown = f.postForm(Portal.SIGN_IN, "coopId=KSP-NOWHERE&token=demo-token-" + KLW);
        HttpResponse<String> empty = f.postForm(Portal.SIGN_IN, "coopId=" + BRH + "&token=");
        for (HttpResponse<String> r : List.of(wrong, unknown, empty)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(PortalFixture.sessionCookie(r)).isEmpty();
            assertThat(alert(r.body())).isEqualTo("ID koperasi atau token salah.");
            assertThat(r.body()).doesNotContain("demo-token");
        }
        HttpResponse<String> english = f.postForm(Portal.SIGN_IN, "coopId=" + BRH + "&token=nope", "Accept-Language", "en-GB,en;q=0.8");
        assertThat(english.statusCode()).isEqualTo(401);
        assertThat(alert(english.body())).isEqualTo("Wrong cooperative ID or token.");
        assertThat(metric("lumbung_portal_signins_total{result=\"wrong_token\"}") - wrongBefore).isEqualTo(4.0);
        f.signIn(BRH);
        assertThat(metric("lumbung_portal_signins_total{result=\"signed_in\"}") - signedInBefore).isEqualTo(1.0);
    }

    @Test
    void everyFormRefusesAnotherOriginOrNone() throws Exception {
        double before = metric("lumbung_portal_refused_total{reason=\"cross_site\"}");
        String form = "coopId=" + BRH + "&token=demo-token-" + BRH;
        HttpResponse<String> foreign = f.postForm(Portal.SIGN_IN, form, "Origin", "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(PortalFixture.sessionCookie(foreign)).isEmpty();
        assertThat(f.postForm(Portal.SIGN_IN, form, "Origin", "https://127.0.0.1:" + f.t.engine.httpPort()).statusCode())
                .isEqualTo(403);
        assertThat(f.postForm(Portal.SIGN_IN, form, "Origin", "null").statusCode()).isEqualTo(403);

        String session = f.signIn(BRH);
        HttpResponse<String> crossSignOut = f.postForm(Portal.SIGN_OUT, "", "Origin", "http://evil.example",
                "Cookie", "lumbung_session=" + session);
        assertThat(crossSignOut.statusCode()).isEqualTo(403);
        assertThat(metric("lumbung_portal_refused_total{reason=\"cross_site\"}") - before).isEqualTo(4.0);
        assertThat(f.get("/portal/batches", session).statusCode()).isEqualTo(200);
        HttpResponse<String> signOut = f.postForm(Portal.SIGN_OUT, "", "Cookie", "lumbung_session=" + session);
        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(signOut.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("lumbung_session=;") && c.contains("Max-Age=0"));
        assertThat(f.get("/portal/batches", session).statusCode()).isEqualTo(303);
    }

    @Test
    void anotherCooperativesBatchesAreNotFoundAndNeverShown() throws Exception {
        String brh = f.signIn(BRH);
        String klw = f.signIn(KLW);
        JsonObject klwBatch = f.apiBatches(KLW).getJsonObject(0);
        String klwId = klwBatch.getString("batchId");
        for (Object o : klwBatch.getJsonArray("files")) {
            String url = "/portal/batches/" + klwId + "/" + ((JsonObject) o).getString("name");
            assertThat(f.getBytes(url, brh).statusCode()).as(url).isEqualTo(404);
            HttpResponse<byte[]> own = f.getBytes(url, klw);
            assertThat(own.statusCode()).as(url).isEqualTo(200);
            assertThat(own.body()).isEqualTo(f.apiFile(KLW, klwId, ((JsonObject) o).getString("name")));
        }
        for (String page : List.of("/portal/batches", "/portal/chart", "/portal/members", "/portal/members?q=KLW",
                "/portal/members?q=Harjo", "/portal/obligations", "/portal/statement", "/portal/shu?year=2026&surplus=100"
                        + "&servicePct=50&capitalPct=50")) {
            HttpResponse<String> r = f.get(page, brh);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.body()).as(page).doesNotContain(klwId, KLW, "KLW-", "Klewer", "Kain Pak Harjo", "Soto Bu Tini");
        }
        // an own batch's file through another cooperative's session is not found either
        JsonObject brhBatch = f.apiBatches(BRH).getJsonObject(0);
        String brhFile = "/portal/batches/" + brhBatch.getString("batchId") + "/" + brhBatch.getString("batchId") + ".csv";
        assertThat(f.getBytes(brhFile, klw).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> download = f.getBytes(brhFile, brh);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(f.apiFile(BRH, brhBatch.getString("batchId"), brhBatch.getString("batchId") + ".csv"));
        assertThat(download.headers().firstValue("ETag")).hasValue("\"" + brhBatch.getJsonArray("files").getJsonObject(0)
                .getString("sha256") + "\"");
    }

    @Test
    void withoutASessionEveryPageLeadsToSignIn() throws Exception {
        for (String page : List.of("/portal/batches", "/portal/chart", "/portal/members", "/portal/batches/x/y.csv",
                "/portal/obligations", "/portal/statement?traderId=BRH-001", "/portal/statement.csv?traderId=BRH-001",
                "/portal/shu?year=2026&surplus=1&servicePct=1&capitalPct=1")) {
            HttpResponse<String> r = f.get(page, null);
            assertThat(r.statusCode()).as(page).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(page).hasValue("/portal/");
        }
        assertThat(f.get("/portal/batches", "forged-" + "A".repeat(36)).statusCode()).isEqualTo(303);
        HttpResponse<String> signInPage = f.get("/portal/", null);
        assertThat(signInPage.statusCode()).isEqualTo(200);
        assertThat(signInPage.headers().firstValue("Content-Security-Policy")).hasValue(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(signInPage.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(f.get("/portal", null).headers().firstValue("Location")).hasValue("/portal/");
        assertThat(f.get("/portal/nothing-here", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theStylesheetIsImmutableForAYearWithItsDigestAsETag() throws Exception {
        String page = f.get("/portal/", null).body();
        Matcher href = Pattern.compile("href=\"(/portal/static/portal\\.css\\?v=([0-9a-f]{16}))\"").matcher(page);
        assertThat(href.find()).isTrue();
        HttpResponse<byte[]> css = f.t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.base() + href.group(1)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(css.statusCode()).isEqualTo(200);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(css.body()));
        assertThat(sha).startsWith(href.group(2));
        assertThat(css.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
        assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(new String(css.body(), StandardCharsets.UTF_8)).doesNotContain("http:", "https:", "@import", "url(");
        HttpResponse<String> again = f.get(href.group(1), null, "If-None-Match", "\"" + sha + "\"");
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void languageComesFromTheQueryThenItsCookieThenAcceptLanguage() throws Exception {
        assertThat(f.get("/portal/", null).body()).contains("<html lang=\"id\">", "<h1>Masuk</h1>");
        assertThat(f.get("/portal/", null, "Accept-Language", "en-US,en;q=0.9,id;q=0.8").body())
                .contains("<html lang=\"en\">", "<h1>Sign in</h1>");
        assertThat(f.get("/portal/", null, "Accept-Language", "fr, in;q=0.5, en;q=0.4").body()).contains("<html lang=\"id\">");
        HttpResponse<String> chosen = f.get("/portal/?lang=en", null, "Accept-Language", "id");
        assertThat(chosen.body()).contains("<html lang=\"en\">");
        String langCookie = chosen.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("lumbung_lang=en;"))
                .findFirst().orElseThrow();
        assertThat(langCookie).contains("SameSite=Strict", "Path=/portal/");
        assertThat(f.get("/portal/", null, "Accept-Language", "id", "Cookie", "lumbung_lang=en").body()).contains("<html lang=\"en\">");
        assertThat(f.get("/portal/?lang=id", null, "Cookie", "lumbung_lang=en").body()).contains("<html lang=\"id\">");
        // an unknown choice falls through to the next source
        assertThat(f.get("/portal/?lang=fr", null, "Accept-Language", "en").body()).contains("<html lang=\"en\">");
    }

    @Test
    void membersAreSearchedByNameOrIdWithTheirBalances() throws Exception {
        String session = f.signIn(BRH);
        String all = f.get("/portal/members", session).body();
        assertThat(Pattern.compile("data-trader-id=\"(BRH-00[1-4])\"").matcher(all).results().map(m -> m.group(1)).toList())
                .containsExactly("BRH-001", "BRH-002", "BRH-003", "BRH-004");
        JsonArray members = new JsonObject(f.t.get("/v1/coops/" + BRH + "/accounts", "Bearer demo-token-" + BRH).body())
                .getJsonArray("members");
        // balances are the payouts (PortalFixture): BRH-001 584,200 + 0, BRH-002 0, BRH-003 235,000, BRH-004 50,000
        assertThat(members.getJsonObject(0).getLong("balance")).isEqualTo(584_200L);
        assertThat(members.getJsonObject(2).getLong("balance")).isEqualTo(235_000L);
        // BRH-002's net of 14,895 went whole to the demo's simpanan wajib of BRH-002 (due up to its 50,000 total)
        assertThat(members.getJsonObject(1).getLong("balance")).isZero();
        assertThat(members.getJsonObject(1).getLong("savings")).isEqualTo(14_895L);
        assertThat(all).contains("Rp\u00a0584.200", "Rp\u00a014.895", "Rp\u00a0235.000", "Rp\u00a050.000");
        // savings and dues as the accounts give them: BRH-003 saved 15,000; BRH-001 owes 1,000 + today's 2,000
        assertThat(members.getJsonObject(2).getLong("savings")).isEqualTo(15_000L);
        assertThat(members.getJsonObject(0).getLong("due")).isEqualTo(3_000L);
        assertThat(all).contains("<tr data-trader-id=\"BRH-003\">", "data-label=\"Simpanan wajib\">Rp\u00a015.000</td>",
                "data-label=\"Terutang\">Rp\u00a03.000</td>");
        // the cooperative's settled net: 613,095 + 251,000 + 50,000, as its accounts say
        assertThat(new JsonObject(f.t.get("/v1/coops/" + BRH + "/accounts", "Bearer demo-token-" + BRH).body()).getLong("balance"))
                .isEqualTo(914_095L);
        assertThat(all).contains("<p id=\"coop-balance\">Saldo koperasi (neto yang disetelmen): <strong>Rp\u00a0914.095</strong></p>");
        String bySri = f.get("/portal/members?q=sRi", session).body();
        assertThat(Pattern.compile("data-trader-id=\"([^\"]+)\"").matcher(bySri).results().map(m -> m.group(1)).toList())
                .containsExactly("BRH-001");
        String byId = f.get("/portal/members?q=brh-003", session).body();
        assertThat(Pattern.compile("data-trader-id=\"([^\"]+)\"").matcher(byId).results().map(m -> m.group(1)).toList())
                .containsExactly("BRH-003");
        String escaped = f.get("/portal/members?q=%3Cscript%3E", session).body();
        assertThat(escaped).contains("value=\"&lt;script&gt;\"", "id=\"no-members\"").doesNotContain("<script>");
    }

    @Test
    void headAnswersAsGetAndOtherMethodsAre405() throws Exception {
        HttpResponse<String> get = f.get("/portal/", null);
        HttpResponse<String> head = f.t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.base() + "/portal/"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length));
        HttpResponse<String> put = f.t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.base() + "/portal/batches"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
        assertThat(f.postForm("/portal/batches", "x=1").statusCode()).isEqualTo(404);
    }

    @Test
    void pagesAreSmall() throws Exception {
        String session = f.signIn(BRH);
        // a page of three batches with its frame, and the one stylesheet: a few KB each, no script
        for (String page : List.of("/portal/", "/portal/batches", "/portal/chart", "/portal/members", "/portal/obligations",
                "/portal/statement?traderId=BRH-001", "/portal/shu?year=2026&surplus=1000&servicePct=50&capitalPct=50")) {
            HttpResponse<String> r = f.get(page, page.equals("/portal/") ? null : session);
            assertThat(r.body().getBytes(StandardCharsets.UTF_8).length).as(page).isLessThan(16 * 1024);
            assertThat(r.body()).as(page).doesNotContain("<script", "http://", "https://");
        }
        assertThat(f.get(PortalAssets.CSS_PATH, null).body().length()).isLessThan(8 * 1024);
    }

    @Test
    void aTokenChangeEndsThatCooperativesSessionsAtOnce(@TempDir Path tmp) throws Exception {
        Path ref = tmp.resolve("ref");
        java.nio.file.Files.createDirectories(ref);
        for (String name : new String[] {"coops.csv", "traders.csv", "terminals.csv"}) {
            try (java.io.InputStream in = getClass().getResourceAsStream("/demo/" + name)) {
                java.nio.file.Files.write(ref.resolve(name), in.readAllBytes());
            }
        }
        java.util.Map<String, String> settings = java.util.Map.of(id.lumbung.config.EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString());
        id.lumbung.core.reference.ReferenceData files = ReferenceFiles.load(ref,
                id.lumbung.core.settlement.FeeSchedule.defaults().toConfig().keySet());
        try (id.lumbung.TestEngine t = new id.lumbung.TestEngine(tmp.resolve("data"), settings, files, java.time.Clock.systemUTC())) {
            String origin = "http://127.0.0.1:" + t.engine.httpPort();
            java.util.function.BiFunction<String, String, HttpResponse<String>> signIn = (coopId, token) -> send(t,
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin + Portal.SIGN_IN)).header("Origin", origin)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("coopId=" + coopId + "&token=" + token)).build());
            String brh = PortalFixture.sessionCookie(signIn.apply(BRH, "demo-token-" + BRH)).orElseThrow();
            String klw = PortalFixture.sessionCookie(signIn.apply(KLW, "demo-token-" + KLW)).orElseThrow();
            java.util.function.Function<String, Integer> batches = session -> send(t, java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(origin + "/portal/batches")).header("Cookie", "lumbung_session=" + session).build()).statusCode();
            assertThat(batches.apply(brh)).isEqualTo(200);

            String coops = java.nio.file.Files.readString(ref.resolve("coops.csv"));
            String oldDigest = HexFormat.of().formatHex(id.lumbung.reference.DemoCredentials.coopTokenSha256(BRH));
            String newDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest("a-new-token".getBytes(StandardCharsets.UTF_8)));
            assertThat(coops).contains(oldDigest);
            java.nio.file.Files.writeString(ref.resolve("coops.csv"), coops.replace(oldDigest, newDigest));
            assertThat(t.ops("POST", "/admin/v1/reference/reload", null, id.lumbung.TestEngine.ADMIN_TOKEN).statusCode()).isEqualTo(200);

            assertThat(batches.apply(brh)).isEqualTo(303);
            assertThat(batches.apply(klw)).isEqualTo(200);
            assertThat(signIn.apply(BRH, "demo-token-" + BRH).statusCode()).isEqualTo(401);
            assertThat(signIn.apply(BRH, "a-new-token").statusCode()).isEqualTo(303);
        }
    }

    private static HttpResponse<String> send(id.lumbung.TestEngine t, java.net.http.HttpRequest request) {
        try {
            return t.http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anOversizedFormIs413() throws Exception {
        HttpResponse<String> r = f.postForm(Portal.SIGN_IN, "coopId=" + BRH + "&token=" + "x".repeat(Portal.FORM_BYTES_MAX));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(PortalFixture.sessionCookie(r)).isEmpty();
        assertThat(metric("lumbung_portal_refused_total{reason=\"too_large\"}")).isEqualTo(1.0);
        // without Content-Length (chunked) the limit holds while the body is read
        byte[] big = ("coopId=" + BRH + "&token=" + "y".repeat(Portal.FORM_BYTES_MAX)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = f.t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.base() + Portal.SIGN_IN))
                .header("Origin", f.base()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.headers().firstValue("Content-Length")).isNotEmpty();
        assertThat(metric("lumbung_portal_refused_total{reason=\"too_large\"}")).isEqualTo(2.0);
    }
}
