package id.lumbung.portal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static id.lumbung.portal.PortalFixture.BRH;
import static id.lumbung.portal.PortalFixture.KLW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) driven by Selenium through the system chromedriver: Selenium
 * Manager is never asked for a driver or a browser, and nothing is downloaded. Screenshots of each
 * page, on a desktop and on a phone-sized screen, go to {@code engine/target/portal-screenshots/}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PortalBrowserTest {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "portal-screenshots");
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;

    @TempDir
    static Path data;
    @TempDir
    static Path profile;
    static PortalFixture f;
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        assertThat(new File(CHROMEDRIVER).canExecute()).as("Debian's chromium-driver at %s (.ci/run installs it)", CHROMEDRIVER).isTrue();
        assertThat(new File(CHROMIUM).canExecute()).as("Debian's chromium at %s (.ci/run installs it)", CHROMIUM).isTrue();
        // Selenium Manager would fetch drivers from the internet: the driver path given below skips it, and offline stops it anyway
        System.setProperty("SE_OFFLINE", "true");
        f = new PortalFixture(data);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath(), "--accept-lang=id-ID,id");
        // the browser's Accept-Language: Indonesian, as a treasurer's phone in Indonesia sends
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "id-ID,id"));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        desktop();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (f != null) {
            f.close();
        }
    }

    private static void viewport(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    private static void desktop() {
        viewport(1280, 900, false);
    }

    private static void open(String path) {
        driver.get(f.base() + path);
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    private static void signIn(String coopId, String token) {
        open("/portal/");
        driver.findElement(By.id("coopId")).clear();
        driver.findElement(By.id("coopId")).sendKeys(coopId);
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.id("signin")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.not(ExpectedConditions.urlToBe(f.base() + "/portal/")));
    }

    private static void signOutIfSignedIn() {
        open("/portal/");
        List<WebElement> signOut = driver.findElements(By.id("signout"));
        if (!signOut.isEmpty()) {
            signOut.get(0).click();
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(f.base() + "/portal/"));
        }
        driver.manage().deleteAllCookies();
    }

    /** Rupiah as an Indonesian reader writes it, from the JDK's own locale data (not the portal's formatter). */
    private static String rupiahId(long amount) {
        return "Rp " + NumberFormat.getIntegerInstance(Locale.forLanguageTag("id-ID")).format(amount);
    }

    private static String text(WebElement e) {
        return e.getText().replace('\u00a0', ' ').strip();
    }

    @Test
    void aWrongTokenShowsOnePlainAlertAndNoPage() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + KLW);
        WebElement alert = driver.findElement(By.cssSelector("[role=alert]"));
        assertThat(alert.isDisplayed()).isTrue();
        assertThat(text(alert)).isEqualTo("ID koperasi atau token salah.");
        assertThat(driver.getCurrentUrl()).isEqualTo(f.base() + Portal.SIGN_IN);
        assertThat(driver.manage().getCookieNamed(Portal.SESSION_COOKIE)).isNull();
        assertThat(driver.findElements(By.id("batches"))).isEmpty();
        screenshot("signin-wrong-token");
    }

    @Test
    void theBatchListMatchesTheApiAndItsLinksDownloadTheApisBytes() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        assertThat(driver.getCurrentUrl()).isEqualTo(f.base() + "/portal/batches");
        Cookie session = driver.manage().getCookieNamed(Portal.SESSION_COOKIE);
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/portal/");

        JsonArray api = f.apiBatches(BRH);
        List<String> newestFirst = new ArrayList<>(PortalFixture.ids(api));
        java.util.Collections.reverse(newestFirst);
        List<WebElement> rows = driver.findElements(By.cssSelector("#batches tbody tr"));
        assertThat(rows.stream().map(r -> r.getAttribute("data-batch-id")).toList()).isEqualTo(newestFirst).hasSize(3);
        for (WebElement row : rows) {
            JsonObject b = byId(api, row.getAttribute("data-batch-id"));
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(text(cells.get(0))).isEqualTo(b.getString("batchId"));
            assertThat(text(cells.get(1))).isEqualTo(OffsetDateTime.parse(b.getString("closedAt"))
                    .atZoneSameInstant(ZoneId.of("Asia/Jakarta")).toLocalDateTime().toString().replace('T', ' ').substring(0, 16));
            assertThat(text(cells.get(2))).isEqualTo(Long.toString(b.getLong("payments")));
            assertThat(text(cells.get(3))).isEqualTo(rupiahId(b.getLong("gross")));
            assertThat(text(cells.get(4))).isEqualTo(rupiahId(b.getLong("fee")));
            assertThat(text(cells.get(5))).isEqualTo(rupiahId(b.getLong("net")));
            List<WebElement> links = cells.get(6).findElements(By.tagName("a"));
            JsonArray files = b.getJsonArray("files");
            assertThat(links).hasSize(files.size());
            for (int i = 0; i < files.size(); i++) {
                String name = files.getJsonObject(i).getString("name");
                String href = links.get(i).getAttribute("href");
                assertThat(href).isEqualTo(f.base() + "/portal/batches/" + b.getString("batchId") + "/" + name);
                HttpResponse<byte[]> download = f.t.http.send(HttpRequest.newBuilder(URI.create(href))
                        .header("Cookie", session.getName() + "=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(download.statusCode()).isEqualTo(200);
                assertThat(download.body()).isEqualTo(f.apiFile(BRH, b.getString("batchId"), name));
            }
        }
        // the oldest batch: 600,000 + 15,000 gross, 1,800 + 105 fee
        JsonObject oldest = api.getJsonObject(0);
        assertThat(oldest.getLong("gross")).isEqualTo(615_000L);
        assertThat(oldest.getLong("net")).isEqualTo(613_095L);
        screenshot("batches-desktop");
    }

    private static JsonObject byId(JsonArray batches, String batchId) {
        for (Object o : batches) {
            if (((JsonObject) o).getString("batchId").equals(batchId)) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError("no batch " + batchId + " in the API listing");
    }

    @Test
    void theLanguageSwitchChangesEveryText() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Batch setelmen");
        driver.findElement(By.id("lang-en")).click();
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Settlement batches");
        assertThat(driver.findElements(By.cssSelector("nav.pages a")).stream().map(PortalBrowserTest::text).toList())
                .containsExactly("Batches", "30-day chart", "Members", "Obligations", "Statement", "SHU");
        assertThat(text(driver.findElement(By.id("signout")))).isEqualTo("Sign out");
        assertThat(driver.findElement(By.cssSelector("#batches tbody tr td[data-label=Net]")).isDisplayed()).isTrue();
        // the choice holds on the next page
        driver.findElement(By.linkText("Members")).click();
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Members");
        assertThat(text(driver.findElement(By.cssSelector("#members thead")))).isEqualTo("Member ID Name Balance Savings Loan due Due");
        screenshot("members-desktop-en");
        driver.findElement(By.id("lang-id")).click();
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Anggota");
        assertThat(driver.findElements(By.cssSelector("nav.pages a")).stream().map(PortalBrowserTest::text).toList())
                .containsExactly("Batch", "Grafik 30 hari", "Anggota", "Kewajiban", "Laporan anggota", "SHU");
    }

    @Test
    void theChartSumsEachDaysGrossAndPayoutsFromTheSettledBatches() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        driver.findElement(By.linkText("Grafik 30 hari")).click();
        // the API's batches by their close date in Jakarta: gross, and the payouts file's TOTAL payout, per day
        Map<String, long[]> byDay = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (Object o : f.apiBatches(BRH)) {
            JsonObject b = (JsonObject) o;
            String day = OffsetDateTime.parse(b.getString("closedAt")).atZoneSameInstant(ZoneId.of("Asia/Jakarta")).toLocalDate().toString();
            long[] sums = byDay.computeIfAbsent(day, d -> new long[2]);
            sums[0] += b.getLong("gross");
            String payouts = new String(f.apiFile(BRH, b.getString("batchId"), b.getString("batchId") + ".payouts.csv"),
                    java.nio.charset.StandardCharsets.UTF_8);
            String[] total = payouts.substring(payouts.indexOf("\nTOTAL,") + 1).strip().split(",");
            sums[1] += Long.parseLong(total[5]);
        }
        List<String> expected = new ArrayList<>();
        byDay.forEach((day, sums) -> expected.add(day + " " + rupiahId(sums[0]) + " " + rupiahId(sums[1])));
        // payouts (PortalFixture): 584,200 + 0 two days ago, 0 + 235,000 yesterday, 50,000 today
        expected.add("Total " + rupiahId(615_000 + 251_000 + 50_000) + " " + rupiahId(584_200 + 235_000 + 50_000));
        assertThat(driver.findElements(By.cssSelector("#days tbody tr")).stream().map(PortalBrowserTest::text).toList())
                .isEqualTo(expected);
        assertThat(byDay).hasSize(3);
        // one gross and one payout bar per day with settlements, drawn in the page itself
        assertThat(driver.findElements(By.cssSelector("#chart rect.gross"))).hasSize(3);
        assertThat(driver.findElements(By.cssSelector("#chart rect.payout"))).hasSize(3);
        assertThat(driver.findElement(By.id("chart")).getSize().getWidth()).isGreaterThan(600);
        screenshot("chart-desktop");
    }

    @Test
    void anotherCooperativesDataIsNeverShown() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        String klwBatch = f.apiBatches(KLW).getJsonObject(0).getString("batchId");
        for (String page : List.of("/portal/batches", "/portal/chart", "/portal/members", "/portal/members?q=KLW")) {
            open(page);
            assertThat(driver.getPageSource()).as(page).doesNotContain(klwBatch, KLW, "KLW-", "Klewer", "Kain Pak Harjo");
        }
        Cookie session = driver.manage().getCookieNamed(Portal.SESSION_COOKIE);
        HttpResponse<byte[]> foreign = f.t.http.send(HttpRequest.newBuilder(URI.create(f.base() + "/portal/batches/" + klwBatch + "/"
                + klwBatch + ".csv")).header("Cookie", session.getName() + "=" + session.getValue()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(foreign.statusCode()).isEqualTo(404);
        open("/portal/batches/" + klwBatch + "/" + klwBatch + ".csv");
        assertThat(driver.getPageSource()).doesNotContain("trader_id,payments");
    }

    @Test
    void aPhoneSizedScreenHasNoSidewaysScrollAndAReadableTable() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
        try {
            JavascriptExecutor js = driver;
            for (String page : List.of("/portal/batches", "/portal/chart", "/portal/members", "/portal/")) {
                open(page);
                assertThat(((Number) js.executeScript("return document.documentElement.clientWidth")).intValue()).as(page)
                        .isEqualTo(PHONE_WIDTH);
                assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue()).as(page)
                        .isLessThanOrEqualTo(PHONE_WIDTH);
            }
            open("/portal/batches");
            WebElement row = driver.findElement(By.cssSelector("#batches tbody tr"));
            for (WebElement cell : row.findElements(By.tagName("td"))) {
                assertThat(cell.isDisplayed()).isTrue();
                assertThat(cell.getRect().getX()).isGreaterThanOrEqualTo(0);
                assertThat(cell.getRect().getX() + cell.getRect().getWidth()).isLessThanOrEqualTo(PHONE_WIDTH);
                assertThat(Double.parseDouble(cell.getCssValue("font-size").replace("px", ""))).isGreaterThanOrEqualTo(14);
            }
            WebElement net = row.findElement(By.cssSelector("td[data-label=Neto]"));
            assertThat(text(net)).isEqualTo(rupiahId(50_000));
            // the column's name is shown beside its value on a phone (the table head is hidden there)
            assertThat(js.executeScript("return getComputedStyle(arguments[0], '::before').content", net)).isEqualTo("\"Neto\"");
            screenshot("batches-phone");
            open("/portal/chart");
            screenshot("chart-phone");
            open("/portal/members");
            screenshot("members-phone");
        } finally {
            desktop();
        }
        open("/portal/members");
        screenshot("members-desktop");
    }

    @Test
    void signOutEndsTheSession() {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        Cookie session = driver.manage().getCookieNamed(Portal.SESSION_COOKIE);
        driver.findElement(By.id("signout")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(f.base() + "/portal/"));
        assertThat(driver.manage().getCookieNamed(Portal.SESSION_COOKIE)).isNull();
        // the old cookie, put back, opens nothing: the server ended the session
        driver.manage().addCookie(session);
        open("/portal/batches");
        assertThat(driver.getCurrentUrl()).isEqualTo(f.base() + "/portal/");
        assertThat(driver.findElement(By.id("signin")).isDisplayed()).isTrue();
    }

    /** The text of each cell of a row. */
    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream().map(PortalBrowserTest::text).toList();
    }

    /** Clicks what sends a form or follows a link, and waits for the next page's element (answers come from a worker or the journal). */
    private static void submit(WebElement button, By next) {
        button.click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(next));
    }

    private static void setValue(WebElement input, String value) {
        driver.executeScript("arguments[0].value = arguments[1]", input, value);
    }

    @Test
    void membersShowBalanceSavingsAndDuesAsTheAccountsGiveThem() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        open("/portal/members");
        JsonArray members = f.api(BRH, "/accounts").getJsonArray("members");
        List<WebElement> rows = driver.findElements(By.cssSelector("#members tbody tr"));
        assertThat(rows).hasSize(members.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject m = members.getJsonObject(i);
            List<String> cells = cells(rows.get(i));
            assertThat(cells.get(0)).isEqualTo(m.getString("traderId"));
            assertThat(cells.subList(2, 6)).as(m.getString("traderId")).containsExactly(rupiahId(m.getLong("balance")),
                    rupiahId(m.getLong("savings")), rupiahId(m.getLong("loanDue")), rupiahId(m.getLong("due")));
        }
        // BRH-003 saved 15,000 of simpanan wajib yesterday
        assertThat(cells(driver.findElement(By.cssSelector("#members tr[data-trader-id=BRH-003]"))).get(3)).isEqualTo(rupiahId(15_000));
        submit(driver.findElement(By.linkText("BRH-003")), By.id("statement-member"));
        assertThat(driver.getCurrentUrl()).isEqualTo(f.base() + "/portal/statement?traderId=BRH-003");
        assertThat(text(driver.findElement(By.id("statement-member")))).isEqualTo("Jamu Mbok Darmi · BRH-003");
    }

    @Test
    void anObligationIsAddedAndEndedThroughTheFormsAndJournaledAsTheApiDoes() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        open("/portal/obligations");
        String today = f.jakartaDate(0).toString();
        driver.findElement(By.id("obligationId")).sendKeys("RET-BRH2");
        driver.findElement(By.id("new-traderId")).sendKeys("BRH-002");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("kind"))).selectByValue("RETRIBUSI");
        driver.findElement(By.id("dailyAmount")).sendKeys("1500");
        setValue(driver.findElement(By.id("startDate")), today);
        driver.findElement(By.id("total")).sendKeys("30000");
        submit(driver.findElement(By.id("add")), By.id("obligation-notice"));
        assertThat(text(driver.findElement(By.cssSelector("#obligation-notice[role=status]")))).isEqualTo("Kewajiban RET-BRH2 ditambahkan.");
        JsonObject added = obligation(BRH, "RET-BRH2");
        assertThat(added.getString("obligationId")).isEqualTo("RET-BRH2");
        assertThat(added.getString("kind")).isEqualTo("RETRIBUSI");
        assertThat(added.getLong("dailyAmount")).isEqualTo(1_500);
        assertThat(added.getString("startDate")).isEqualTo(today);
        assertThat(added.getLong("total")).isEqualTo(30_000);
        WebElement row = driver.findElement(By.cssSelector("#obligations tr[data-obligation-id=RET-BRH2]"));
        assertThat(cells(row).subList(0, 10)).containsExactly("RET-BRH2", "BRH-002", "Retribusi", rupiahId(1_500), today, "–",
                rupiahId(30_000), rupiahId(added.getLong("accrued")), rupiahId(added.getLong("deducted")), rupiahId(added.getLong("due")));
        screenshot("obligations-desktop");

        // the same terms again change nothing; other terms under the id are a conflict, as the API answers
        HttpResponse<String> again = f.postForm("/portal/obligations", "obligationId=RET-BRH2&traderId=BRH-002&kind=RETRIBUSI"
                + "&dailyAmount=1500&startDate=" + today + "&total=30000", "Cookie", Portal.SESSION_COOKIE + "=" + session());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("Kewajiban RET-BRH2 sudah ada dengan isian yang sama.");
        HttpResponse<String> conflict = f.postForm("/portal/obligations", "obligationId=RET-BRH2&traderId=BRH-002&kind=RETRIBUSI"
                + "&dailyAmount=1600&startDate=" + today, "Cookie", Portal.SESSION_COOKIE + "=" + session());
        assertThat(conflict.statusCode()).isEqualTo(422);
        assertThat(conflict.body()).contains("role=\"alert\">ID kewajiban RET-BRH2 sudah dipakai dengan isian lain.");
        HttpResponse<String> bad = f.postForm("/portal/obligations", "obligationId=RET-BRH3&traderId=BRH-002&kind=RETRIBUSI"
                + "&dailyAmount=0&startDate=" + today, "Cookie", Portal.SESSION_COOKIE + "=" + session());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Jumlah di luar batas: dailyAmount.");

        // end it today through its row's form
        open("/portal/obligations");
        row = driver.findElement(By.cssSelector("#obligations tr[data-obligation-id=RET-BRH2]"));
        setValue(row.findElement(By.cssSelector("form.end input[name=endDate]")), today);
        submit(row.findElement(By.cssSelector("form.end button")), By.id("obligation-notice"));
        assertThat(text(driver.findElement(By.id("obligation-notice")))).isEqualTo("Kewajiban RET-BRH2 diakhiri.");
        assertThat(obligation(BRH, "RET-BRH2").getString("endDate")).isEqualTo(today);
        assertThat(cells(driver.findElement(By.cssSelector("#obligations tr[data-obligation-id=RET-BRH2]"))).get(5)).isEqualTo(today);
        // an end before the last close's date is refused as the API refuses it
        HttpResponse<String> early = f.postForm("/portal/obligations/end", "obligationId=RET-BRH2&endDate=" + f.jakartaDate(1),
                "Cookie", Portal.SESSION_COOKIE + "=" + session());
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(early.body()).contains("Isian tidak valid: endDate.");
    }

    /** An obligation as the cooperative API lists it. */
    private static JsonObject obligation(String coopId, String obligationId) throws Exception {
        for (Object o : f.api(coopId, "/obligations").getJsonArray("obligations")) {
            if (((JsonObject) o).getString("obligationId").equals(obligationId)) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError("no obligation " + obligationId + " in the API listing of " + coopId);
    }

    private static String session() {
        return driver.manage().getCookieNamed(Portal.SESSION_COOKIE).getValue();
    }

    @Test
    void obligationFormsRefuseAnotherSiteAndAnotherCooperativesObligation() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        String cookie = Portal.SESSION_COOKIE + "=" + session();
        String today = f.jakartaDate(0).toString();
        HttpResponse<String> crossSite = f.postForm("/portal/obligations", "obligationId=X-SITE&traderId=BRH-002&kind=RETRIBUSI"
                + "&dailyAmount=1&startDate=" + today, "Cookie", cookie, "Origin", "http://evil.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(f.api(BRH, "/obligations").getJsonArray("obligations").stream()
                .map(o -> ((JsonObject) o).getString("obligationId"))).doesNotContain("X-SITE");
        // Klewer's obligation does not exist for Beringharjo, and stays as it was
        HttpResponse<String> foreign = f.postForm("/portal/obligations/end", "obligationId=ANG-KLW1&endDate=" + today, "Cookie", cookie);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("Tidak ditemukan: obligationId.");
        assertThat(obligation(KLW, "ANG-KLW1").containsKey("endDate")).isFalse();
        // nor can Beringharjo put an obligation on Klewer's member
        HttpResponse<String> foreignMember = f.postForm("/portal/obligations", "obligationId=X-KLW&traderId=KLW-001&kind=RETRIBUSI"
                + "&dailyAmount=1&startDate=" + today, "Cookie", cookie);
        assertThat(foreignMember.statusCode()).isEqualTo(404);
        assertThat(f.api(KLW, "/obligations").getJsonArray("obligations")).hasSize(2);
        // without a session a form only sends the browser to sign in
        HttpResponse<String> anonymous = f.postForm("/portal/obligations", "obligationId=ANON&traderId=BRH-002&kind=RETRIBUSI"
                + "&dailyAmount=1&startDate=" + today);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(f.api(BRH, "/obligations").getJsonArray("obligations").stream()
                .map(o -> ((JsonObject) o).getString("obligationId"))).doesNotContain("ANON", "X-KLW");
    }

    @Test
    void aMembersStatementMatchesTheApiAndItsCsvDownloadsTheApisBytes() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        String query = "?traderId=BRH-001&from=" + f.jakartaDate(2) + "&to=" + f.jakartaDate(0);
        open("/portal/statement");
        driver.findElement(By.id("traderId")).sendKeys("BRH-001");
        setValue(driver.findElement(By.id("from")), f.jakartaDate(2).toString());
        setValue(driver.findElement(By.id("to")), f.jakartaDate(0).toString());
        submit(driver.findElement(By.id("show")), By.id("statement"));
        assertThat(driver.getCurrentUrl()).isEqualTo(f.base() + "/portal/statement" + query);
        JsonObject api = f.api(BRH, "/members/BRH-001/statement" + query.replace("?traderId=BRH-001&", "?"));
        JsonArray batches = api.getJsonArray("batches");
        assertThat(batches).hasSize(2);
        List<WebElement> rows = driver.findElements(By.cssSelector("#statement tbody tr"));
        assertThat(rows).hasSize(batches.size() + 1);
        for (int i = 0; i < batches.size(); i++) {
            JsonObject b = batches.getJsonObject(i);
            assertThat(rows.get(i).getAttribute("data-batch-id")).isEqualTo(b.getString("batchId"));
            List<String> cells = cells(rows.get(i));
            assertThat(cells.get(0)).isEqualTo(b.getString("batchId"));
            assertThat(cells.get(1)).isEqualTo(OffsetDateTime.parse(b.getString("closedAt")).toLocalDateTime().toString()
                    .replace('T', ' ').substring(0, 16));
            assertThat(cells.subList(2, 10)).isEqualTo(statementFigures(b));
        }
        List<String> total = cells(rows.get(batches.size()));
        assertThat(total.subList(0, 2)).containsExactly("Total", "");
        assertThat(total.subList(2, 10)).isEqualTo(statementFigures(api.getJsonObject("totals")));
        // the retribusi of both batches: 4,000 of the first, 1,000 of the second (its whole net)
        assertThat(api.getJsonObject("totals").getLong("retribusi")).isEqualTo(5_000);
        assertThat(driver.findElements(By.cssSelector("#obligations tbody tr")).stream().map(r -> r.getAttribute("data-obligation-id"))
                .toList()).containsExactly("DEMO-ANG-BRH001", "DEMO-RTB-BRH001", "RET-BRH1");
        screenshot("statement-desktop");

        String href = driver.findElement(By.id("statement-csv")).getAttribute("href");
        assertThat(href).isEqualTo(f.base() + "/portal/statement.csv" + query);
        HttpResponse<byte[]> download = f.t.http.send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", Portal.SESSION_COOKIE + "=" + session()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        HttpResponse<byte[]> apiCsv = f.t.http.send(HttpRequest.newBuilder(URI.create(f.base() + "/v1/coops/" + BRH
                + "/members/BRH-001/statement" + query.replace("?traderId=BRH-001&", "?"))).header("Authorization", "Bearer demo-token-" + BRH)
                .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(apiCsv.body());
        assertThat(new String(download.body(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("batch_id,closed_at,payments,gross,fee,net,retribusi,angsuran,simpanan_wajib,payout\n")
                .endsWith("\nTOTAL,,2,601000,1800,599200,5000,10000,0,584200\n");
    }

    private static List<String> statementFigures(JsonObject o) {
        return List.of(Long.toString(o.getLong("payments")), rupiahId(o.getLong("gross")), rupiahId(o.getLong("fee")),
                rupiahId(o.getLong("net")), rupiahId(o.getLong("retribusi")), rupiahId(o.getLong("angsuran")),
                rupiahId(o.getLong("simpananWajib")), rupiahId(o.getLong("payout")));
    }

    @Test
    void theShuTableMatchesTheApiAndSumsToEachPool() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        open("/portal/shu");
        String year = Integer.toString(f.jakartaDate(0).getYear());
        assertThat(driver.findElement(By.id("year")).getAttribute("value")).isEqualTo(year);
        driver.findElement(By.id("surplus")).sendKeys("1000001");
        driver.findElement(By.id("servicePct")).sendKeys("40");
        driver.findElement(By.id("capitalPct")).sendKeys("30");
        submit(driver.findElement(By.id("compute")), By.id("shu"));
        JsonObject api = f.api(BRH, "/shu?year=" + year + "&surplus=1000001&servicePct=40&capitalPct=30");
        assertThat(driver.findElement(By.id("service-pool")).getAttribute("data-rupiah")).isEqualTo("400000");
        assertThat(driver.findElement(By.id("capital-pool")).getAttribute("data-rupiah")).isEqualTo("300000");
        JsonArray members = api.getJsonArray("members");
        List<WebElement> rows = driver.findElements(By.cssSelector("#shu tbody tr"));
        assertThat(rows).hasSize(members.size() + 1);
        long service = 0;
        long capital = 0;
        for (int i = 0; i < members.size(); i++) {
            JsonObject m = members.getJsonObject(i);
            List<String> cells = cells(rows.get(i));
            assertThat(cells.get(0)).isEqualTo(m.getString("traderId"));
            assertThat(cells.subList(2, 7)).containsExactly(rupiahId(m.getLong("gross")), rupiahId(m.getLong("savings")),
                    rupiahId(m.getLong("serviceShare")), rupiahId(m.getLong("capitalShare")), rupiahId(m.getLong("total")));
            service += rupiah(cells.get(4));
            capital += rupiah(cells.get(5));
        }
        // the shares read off the page add up to each pool exactly
        assertThat(service).isEqualTo(api.getLong("servicePool")).isEqualTo(400_000);
        assertThat(capital).isEqualTo(api.getLong("capitalPool")).isEqualTo(300_000);
        assertThat(cells(rows.get(members.size())).subList(4, 7)).containsExactly(rupiahId(400_000), rupiahId(300_000),
                rupiahId(700_000));
        // the simpanan wajib: BRH-002 14,895 and BRH-003 15,000 of 29,895; quotas 149,473.15 and 150,526.84, the
        // rupiah left to BRH-003
        assertThat(cells(driver.findElement(By.cssSelector("#shu tr[data-trader-id=BRH-002]"))).get(5)).isEqualTo(rupiahId(149_473));
        assertThat(cells(driver.findElement(By.cssSelector("#shu tr[data-trader-id=BRH-003]"))).get(5)).isEqualTo(rupiahId(150_527));
        screenshot("shu-desktop");
        // P + Q above 100 is refused in the page's language
        open("/portal/shu?year=" + year + "&surplus=100&servicePct=60&capitalPct=41");
        assertThat(text(driver.findElement(By.cssSelector("[role=alert]")))).isEqualTo("Isian tidak valid: capitalPct.");
        assertThat(driver.findElements(By.id("shu"))).isEmpty();
    }

    /** The amount of an Indonesian rupiah text, {@code Rp 1.234}. */
    private static long rupiah(String text) {
        return Long.parseLong(text.substring(3).replace(".", ""));
    }

    @Test
    void theNewPagesSwitchLanguageAndKeepWhatTheyShow() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        open("/portal/statement?traderId=BRH-001&from=" + f.jakartaDate(2) + "&to=" + f.jakartaDate(0));
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Laporan anggota");
        submit(driver.findElement(By.id("lang-en")), By.cssSelector("html[lang=en]"));
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Member statement");
        assertThat(text(driver.findElement(By.cssSelector("#statement thead"))))
                .isEqualTo("Batch Closed Payments Gross Fee Net Market fee Loan instalment Mandatory savings Payout");
        assertThat(driver.findElements(By.cssSelector("#statement tbody tr"))).hasSize(3);
        assertThat(text(driver.findElement(By.id("statement-csv")))).isEqualTo("Download CSV");
        submit(driver.findElement(By.linkText("Obligations")), By.cssSelector("nav.pages a[aria-current=page][href='/portal/obligations']"));
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Member obligations");
        assertThat(text(driver.findElement(By.id("add")))).isEqualTo("Save");
        submit(driver.findElement(By.linkText("SHU")), By.cssSelector("nav.pages a[aria-current=page][href='/portal/shu']"));
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Year-end surplus sharing (SHU)");
        assertThat(text(driver.findElement(By.id("compute")))).isEqualTo("Compute");
        screenshot("shu-form-desktop-en");
        submit(driver.findElement(By.id("lang-id")), By.cssSelector("html[lang=id]"));
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Pembagian SHU akhir tahun");
        assertThat(text(driver.findElement(By.id("compute")))).isEqualTo("Hitung");
    }

    @Test
    void theNewPagesFitAPhoneAndShowNoOtherCooperativesData() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        String year = Integer.toString(f.jakartaDate(0).getYear());
        String statement = "/portal/statement?traderId=BRH-001&from=" + f.jakartaDate(2) + "&to=" + f.jakartaDate(0);
        String shu = "/portal/shu?year=" + year + "&surplus=1000001&servicePct=40&capitalPct=30";
        String klwBatch = f.apiBatches(KLW).getJsonObject(0).getString("batchId");
        List<String> pages = List.of("/portal/obligations", statement, shu);
        viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
        try {
            JavascriptExecutor js = driver;
            for (String page : pages) {
                open(page);
                assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue()).as(page)
                        .isLessThanOrEqualTo(PHONE_WIDTH);
                assertThat(driver.getPageSource()).as(page).doesNotContain(klwBatch, KLW, "KLW-", "KLW0", "ANG-KLW1", "Klewer",
                        "Kain Pak Harjo");
            }
            open(statement);
            WebElement payout = driver.findElement(By.cssSelector("#statement tbody tr td[data-label=Dibayarkan]"));
            assertThat(js.executeScript("return getComputedStyle(arguments[0], '::before').content", payout)).isEqualTo("\"Dibayarkan\"");
            assertThat(payout.getRect().getX() + payout.getRect().getWidth()).isLessThanOrEqualTo(PHONE_WIDTH);
            screenshot("statement-phone");
            open("/portal/obligations");
            screenshot("obligations-phone");
            open(shu);
            screenshot("shu-phone");
        } finally {
            desktop();
        }
        // Klewer's member, asked for by id: no statement, no figure, no name
        for (String page : List.of("/portal/statement?traderId=KLW-001", "/portal/statement.csv?traderId=KLW-001",
                "/portal/obligations?traderId=KLW-001")) {
            HttpResponse<String> r = f.get(page, session());
            assertThat(r.body()).as(page).doesNotContain(klwBatch, "ANG-KLW1", "DEMO-SW-KLW001", "Klewer", "Kain Pak Harjo",
                    "4.965", "3.965");
            if (page.startsWith("/portal/statement")) {
                assertThat(r.statusCode()).as(page).isEqualTo(404);
            }
        }
    }
}
