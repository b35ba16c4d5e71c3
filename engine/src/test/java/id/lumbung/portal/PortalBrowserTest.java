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
                .containsExactly("Batches", "30-day chart", "Members");
        assertThat(text(driver.findElement(By.id("signout")))).isEqualTo("Sign out");
        assertThat(driver.findElement(By.cssSelector("#batches tbody tr td[data-label=Net]")).isDisplayed()).isTrue();
        // the choice holds on the next page
        driver.findElement(By.linkText("Members")).click();
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Members");
        assertThat(text(driver.findElement(By.cssSelector("#members thead")))).isEqualTo("Member ID Name Balance");
        screenshot("members-desktop-en");
        driver.findElement(By.id("lang-id")).click();
        assertThat(text(driver.findElement(By.tagName("h1")))).isEqualTo("Anggota");
        assertThat(driver.findElements(By.cssSelector("nav.pages a")).stream().map(PortalBrowserTest::text).toList())
                .containsExactly("Batch", "Grafik 30 hari", "Anggota");
    }

    @Test
    void theChartSumsEachDaysGrossAndPayoutsFromTheSettledBatches() throws Exception {
        signOutIfSignedIn();
        signIn(BRH, "demo-token-" + BRH);
        driver.findElement(By.linkText("Grafik 30 hari")).click();
        // the API's batches by their close date in Jakarta: gross and net (payouts) per day
        Map<String, long[]> byDay = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (Object o : f.apiBatches(BRH)) {
            JsonObject b = (JsonObject) o;
            String day = OffsetDateTime.parse(b.getString("closedAt")).atZoneSameInstant(ZoneId.of("Asia/Jakarta")).toLocalDate().toString();
            long[] sums = byDay.computeIfAbsent(day, d -> new long[2]);
            sums[0] += b.getLong("gross");
            sums[1] += b.getLong("net");
        }
        List<String> expected = new ArrayList<>();
        byDay.forEach((day, sums) -> expected.add(day + " " + rupiahId(sums[0]) + " " + rupiahId(sums[1])));
        expected.add("Total " + rupiahId(615_000 + 251_000 + 50_000) + " " + rupiahId(613_095 + 251_000 + 50_000));
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
}
