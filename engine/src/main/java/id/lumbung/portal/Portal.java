package id.lumbung.portal;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.MemberReports;
import id.lumbung.files.ReportCsv;
import id.lumbung.web.ReportQuery;
import id.lumbung.writer.ObligationCommands;
import io.vertx.core.Future;
import id.lumbung.settlement.Settlement;
import id.lumbung.web.BoundedBody;
import id.lumbung.web.CoopFiles;
import id.lumbung.web.HeadAnswers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The cooperative portal's routes under {@code /portal/} on the terminal port. A cooperative signs
 * in with its id and its cooperative API token (checked as the API checks it, against the stored
 * SHA-256) and gets an {@code HttpOnly}, {@code SameSite=Strict} session cookie ({@code Secure}
 * under TLS) that the server honours for {@link PortalSessions#SESSION_MS}. Every page shows only
 * the signed-in cooperative's data: no URL names a cooperative, a file of another cooperative's
 * batch or a statement of another cooperative's member answers {@code 404} as the API does, and an
 * obligation form acts on the signed-in cooperative's obligations only. Every form posts to this origin only:
 * besides the strict cookie, a {@code POST} must carry an {@code Origin} equal to the origin it was
 * sent to, else {@code 403}. Pages are HTML built here with escaping, under a content security
 * policy that allows nothing but this origin's stylesheet (no script, no other host).
 */
public final class Portal {
    private static final System.Logger LOG = System.getLogger(Portal.class.getName());
    static final String PREFIX = "/portal";
    static final String HOME = PREFIX + "/";
    static final String SIGN_IN = HOME + "signin";
    static final String SIGN_OUT = HOME + "signout";
    static final String SESSION_COOKIE = "lumbung_session";
    static final String LANG_COOKIE = "lumbung_lang";
    /**
     * A form is a few short fields (sign-in: two; an obligation: six of at most 32 characters):
     * 4 KiB is ample, and more is refused with 413.
     */
    static final int FORM_BYTES_MAX = 4096;
    /** A form field's characters at most (a coop id is 16, a token a few dozen). */
    static final int FIELD_CHARS_MAX = 256;
    /** The language choice is kept a year (365 × 86,400 s); it is not a credential. */
    private static final long LANG_COOKIE_MAX_AGE_S = 31_536_000;
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    /** Vert.x local shared data: one session store per engine, whichever event loop serves the request. */
    private static final String SHARED_MAP = "id.lumbung.portal";
    private static final String SESSIONS_KEY = "sessions";

    /** The reference in effect now: read once per request and used throughout it. */
    private final Supplier<ReferenceData> referenceSource;
    private final Settlement settlement;
    private final Ledger ledger;
    private final Clock clock;
    private final CoopFiles files;
    private final Vertx vertx;
    private final ObligationForms obligations;
    private final PortalSessions sessions;
    private final ZoneId zone;
    private final boolean secureCookie;
    private final Counter signedIn;
    private final Counter wrongToken;
    private final Counter sessionsFull;
    private final Counter crossSite;
    private final Counter oversized;

    /**
     * One per terminal-port verticle; they share the engine's session store.
     *
     * @param referenceSource the reference in effect (replaced as a whole when a change is journaled)
     * @param obligationCommands the journal writer's obligation commands, as the cooperative API uses them
     * @param registry where the sign-in and refusal counters are registered
     */
    public Portal(EngineConfig config, Supplier<ReferenceData> referenceSource, Settlement settlement, Ledger ledger,
            ObligationCommands obligationCommands, Clock clock, MeterRegistry registry, Vertx vertx) {
        this.referenceSource = referenceSource;
        this.settlement = settlement;
        this.ledger = ledger;
        this.clock = clock;
        this.files = new CoopFiles(settlement::batch, settlement.filesDir(), vertx);
        this.vertx = vertx;
        this.obligations = new ObligationForms(obligationCommands, settlement, vertx);
        this.sessions = vertx.sharedData().<String, PortalSessions>getLocalMap(SHARED_MAP)
                .computeIfAbsent(SESSIONS_KEY, k -> new PortalSessions(clock));
        this.zone = ZoneId.of(config.timezone);
        this.secureCookie = config.tlsKeyPath != null;
        signedIn = signIns(registry, "signed_in");
        wrongToken = signIns(registry, "wrong_token");
        sessionsFull = signIns(registry, "sessions_full");
        crossSite = refusals(registry, "cross_site");
        oversized = refusals(registry, "too_large");
    }

    /** Registers once per engine; every verticle's portal gets the same counter back. */
    private static Counter signIns(MeterRegistry registry, String result) {
        return Counter.builder("lumbung.portal.signins").description("Portal sign-in attempts by result")
                .tag("result", result).register(registry);
    }

    private static Counter refusals(MeterRegistry registry, String reason) {
        return Counter.builder("lumbung.portal.refused").description("Portal form posts refused, by reason")
                .tag("reason", reason).register(registry);
    }

    /** True for the paths the portal serves: {@code /portal} and everything under {@code /portal/}. */
    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(HOME);
    }

    /** Answers a request for a path {@link #owns} (event loop). */
    public void handle(HttpServerRequest req, String path) {
        HttpMethod method = req.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            get(req, path);
        } else if (method == HttpMethod.POST) {
            post(req, path);
        } else {
            req.response().putHeader("Allow", "GET, HEAD, POST");
            Lang lang = lang(req);
            html(req, 405, Layout.page(lang, null, null, HOME, Text.REFUSED.in(lang), notice(Text.REFUSED, lang)));
        }
    }

    private void get(HttpServerRequest req, String path) {
        if (path.equals(PREFIX)) {
            redirect(req, 301, HOME);
            return;
        }
        if (path.equals(PortalAssets.CSS_PATH)) {
            PortalAssets.serveCss(req);
            return;
        }
        Lang lang = lang(req);
        ReferenceData reference = referenceSource.get();
        Coop coop = signedIn(req, reference);
        if (path.equals(HOME)) {
            if (coop != null) {
                redirect(req, 303, Page.BATCHES.path);
            } else {
                html(req, 200, Layout.page(lang, null, null, HOME, Text.SIGN_IN.in(lang), SignInPage.main(lang, null, null)));
            }
            return;
        }
        Page page = Page.at(path);
        boolean file = page == null && path.startsWith(BatchesPage.FILES_PREFIX);
        boolean statementCsv = path.equals(StatementPage.CSV_PATH);
        if (page == null && !file && !statementCsv) {
            notFound(req, lang);
            return;
        }
        if (coop == null) {
            redirect(req, 303, HOME);
            return;
        }
        if (file) {
            String[] parts = path.substring(BatchesPage.FILES_PREFIX.length()).split("/", -1);
            if (parts.length != 2) {
                notFound(req, lang);
                return;
            }
            files.serve(req, coop, parts[0], parts[1]);
            return;
        }
        if (statementCsv || page == Page.STATEMENT) {
            statement(req, lang, coop, reference, statementCsv);
        } else if (page == Page.SHU) {
            shu(req, lang, coop, reference);
        } else if (page == Page.OBLIGATIONS) {
            String traderId = param(req, "traderId");
            obligationsPage(req, 200, lang, coop, traderId, null, false);
        } else if (page == Page.MEMBERS) {
            // each member's dues read the obligation books, which a close holds: never on an event loop
            String q = req.getParam("q");
            onWorker(req, lang, () -> MembersPage.main(lang, coop.index(), reference.tradersOf(coop.index()), ledger,
                    traderId -> settlement.dues(coop.index(), traderId), q), main -> html(req, 200,
                    Layout.page(lang, coop, page, page.path, page.label.in(lang), main)));
        } else {
            html(req, 200, Layout.page(lang, coop, page, page.path, page.label.in(lang), main(page, lang, coop, req)));
        }
    }

    /**
     * Builds what a page shows on a worker thread (it reads what a close holds, or sums a year of
     * batches) and answers on this loop; a failure is the page that says the report failed.
     */
    private <T> void onWorker(HttpServerRequest req, Lang lang, java.util.concurrent.Callable<T> build,
            java.util.function.Consumer<T> answer) {
        vertx.executeBlocking(build, false).onComplete(ar -> {
            if (ar.failed()) {
                failed(req, lang, ar.cause());
            } else {
                answer.accept(ar.result());
            }
        });
    }

    private String main(Page page, Lang lang, Coop coop, HttpServerRequest req) {
        return switch (page) {
            case BATCHES -> BatchesPage.main(lang, settlement.batchesOf(coop.index()), pageIndex(req.getParam("page")), zone);
            case CHART -> DailyChart.main(lang, DailyChart.of(settlement.batchesOf(coop.index()),
                    Instant.ofEpochMilli(clock.millis()).atZone(zone).toLocalDate(), zone));
            case MEMBERS, OBLIGATIONS, STATEMENT, SHU -> throw new IllegalStateException(page + " is answered by its own handler");
        };
    }

    /** A query parameter, stripped; null when absent, empty or longer than {@link #FIELD_CHARS_MAX}. */
    private static String param(HttpServerRequest req, String name) {
        String v = req.getParam(name);
        if (v == null) {
            return null;
        }
        v = v.strip();
        return v.isEmpty() || v.length() > FIELD_CHARS_MAX ? null : v;
    }

    /**
     * A member's statement page, or with {@code csv} its CSV download: the cooperative API's
     * statement, built by the same code on a worker thread (it reads the cooperative's batches).
     */
    private void statement(HttpServerRequest req, Lang lang, Coop coop, ReferenceData reference, boolean csv) {
        String traderId = param(req, "traderId");
        String from = param(req, "from");
        String to = param(req, "to");
        String self = Page.STATEMENT.path + (traderId == null ? "" : "?traderId=" + urlEncoded(traderId)
                + (from == null ? "" : "&from=" + urlEncoded(from)) + (to == null ? "" : "&to=" + urlEncoded(to)));
        String title = Text.STATEMENT_TITLE.in(lang);
        if (traderId == null) {
            if (csv) {
                notFound(req, lang);
                return;
            }
            html(req, 200, Layout.page(lang, coop, Page.STATEMENT, self, title,
                    StatementPage.main(lang, null, null, null, null, null, null, zone)));
            return;
        }
        Trader trader = reference.trader(traderId);
        LocalDate today = LocalDate.ofInstant(clock.instant(), JakartaDates.ZONE);
        ReportQuery.Parsed<ReportQuery.Period> period = ReportQuery.period(from, to, today);
        if (trader == null || trader.coopIndex() != coop.index() || !period.ok()) {
            boolean unknown = trader == null || trader.coopIndex() != coop.index();
            String alert = unknown ? refusal(lang, "NOT_FOUND", "traderId") : refusal(lang, period.problem().name(), period.field());
            html(req, unknown ? 404 : 400, Layout.page(lang, coop, Page.STATEMENT, self, title,
                    StatementPage.main(lang, traderId, null, null, null, null, alert, zone)));
            return;
        }
        LocalDate f = period.value().from();
        LocalDate t = period.value().to();
        List<BatchRecord> batches = settlement.batchesOf(coop.index());
        onWorker(req, lang, () -> MemberReports.statement(batches, traderId, f, t, settlement.obligations(coop.index(), traderId)),
                statement -> {
                    if (csv) {
                        req.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                                .putHeader("Content-Disposition",
                                        "attachment; filename=\"statement-" + traderId + "-" + f + "-" + t + ".csv\"")
                                .putHeader("Cache-Control", "no-store")
                                .putHeader("X-Content-Type-Options", "nosniff");
                        HeadAnswers.end(req, req.response(), Buffer.buffer(ReportCsv.render(statement.csvRows())));
                    } else {
                        html(req, 200, Layout.page(lang, coop, Page.STATEMENT, self, title,
                                StatementPage.main(lang, traderId, trader, f, t, statement, null, zone)));
                    }
                });
    }

    /** The year-end SHU page: the form, and once filled the cooperative API's SHU, computed on a worker thread. */
    private void shu(HttpServerRequest req, Lang lang, Coop coop, ReferenceData reference) {
        String[] form = {param(req, "year"), param(req, "surplus"), param(req, "servicePct"), param(req, "capitalPct")};
        StringBuilder self = new StringBuilder(Page.SHU.path);
        String[] names = {"year", "surplus", "servicePct", "capitalPct"};
        for (int i = 0; i < form.length; i++) {
            if (form[i] != null) {
                self.append(self.indexOf("?") < 0 ? '?' : '&').append(names[i]).append('=').append(urlEncoded(form[i]));
            }
        }
        String title = Text.SHU_TITLE.in(lang);
        List<Trader> traders = reference.tradersOf(coop.index());
        if (form[0] == null && form[1] == null && form[2] == null && form[3] == null) {
            form[0] = Integer.toString(LocalDate.ofInstant(clock.instant(), JakartaDates.ZONE).getYear());
            html(req, 200, Layout.page(lang, coop, Page.SHU, self.toString(), title, ShuPage.main(lang, form, null, Map.of(), null)));
            return;
        }
        ReportQuery.Parsed<ReportQuery.ShuParams> parsed = ReportQuery.shu(form[0], form[1], form[2], form[3]);
        if (!parsed.ok()) {
            html(req, 400, Layout.page(lang, coop, Page.SHU, self.toString(), title,
                    ShuPage.main(lang, form, null, Map.of(), refusal(lang, parsed.problem().name(), parsed.field()))));
            return;
        }
        ReportQuery.ShuParams p = parsed.value();
        List<String> memberIds = new ArrayList<>(traders.size());
        for (Trader t : traders) {
            memberIds.add(t.traderId());
        }
        List<BatchRecord> batches = settlement.batchesOf(coop.index());
        vertx.executeBlocking(() -> MemberReports.shu(batches, memberIds, p.year(), p.surplusRupiah(), p.servicePct(),
                p.capitalPct()), false).onComplete(ar -> {
                    if (ar.failed() || !ar.result().ok()) {
                        failed(req, lang, ar.failed() ? ar.cause()
                                : new IllegalStateException("SHU refused checked parameters: " + ar.result().rejection().detail()));
                        return;
                    }
                    html(req, 200, Layout.page(lang, coop, Page.SHU, self.toString(), title,
                            ShuPage.main(lang, form, ar.result().value(), ShuPage.names(traders), null)));
                });
    }

    /**
     * An obligation form (add or end) from a signed-in session, journaled through the same engine
     * call as the cooperative API's {@code PUT} and {@code POST .../end}; the page shows the
     * outcome, with the status the API would have answered.
     */
    private void obligationForm(HttpServerRequest req, Lang lang, String path, String form) {
        ReferenceData reference = referenceSource.get();
        Coop coop = signedIn(req, reference);
        if (coop == null) {
            redirect(req, 303, HOME);
            return;
        }
        Map<String, List<String>> fields = new QueryStringDecoder(form, StandardCharsets.UTF_8, false, 16).parameters();
        String obligationId = field(fields, "obligationId");
        String traderId = path.equals(ObligationsPage.ADD_PATH) ? field(fields, "traderId") : null;
        Future<ObligationForms.Answer> answer = path.equals(ObligationsPage.ADD_PATH)
                ? obligations.put(reference, coop, obligationId, traderId, field(fields, "kind"), field(fields, "dailyAmount"),
                        field(fields, "startDate"), field(fields, "total"))
                : obligations.end(coop, obligationId, field(fields, "endDate"));
        answer.onComplete(ar -> {
            if (ar.failed()) {
                failed(req, lang, ar.cause());
                return;
            }
            ObligationForms.Answer a = ar.result();
            String id = obligationId == null ? "" : obligationId;
            String notice = a.refused() ? refusal(lang, a.code(), a.code().equals("IDEMPOTENCY_CONFLICT") ? id : a.field())
                    : String.format((switch (a.outcome()) {
                        case CREATED -> Text.OBLIGATION_CREATED;
                        case ENDED -> Text.OBLIGATION_ENDED;
                        default -> Text.OBLIGATION_UNCHANGED;
                    }).in(lang), id);
            obligationsPage(req, a.status(), lang, coop, traderId, notice, a.refused());
        });
    }

    /** The obligations page, with the outcome of a form just posted as {@code notice}. */
    private void obligationsPage(HttpServerRequest req, int status, Lang lang, Coop coop, String traderId, String notice,
            boolean refused) {
        String self = Page.OBLIGATIONS.path + (traderId == null ? "" : "?traderId=" + urlEncoded(traderId));
        onWorker(req, lang, () -> ObligationsPage.main(lang, traderId, settlement.obligations(coop.index(), traderId), notice,
                refused), main -> html(req, status, Layout.page(lang, coop, Page.OBLIGATIONS, self,
                Text.OBLIGATIONS_TITLE.in(lang), main)));
    }

    /** A report that could not be built: a broken invariant in the engine, logged; the page says only that it failed. */
    private static void failed(HttpServerRequest req, Lang lang, Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, "event=portal_report_failed path=" + req.path() + " error=\"" + cause.getMessage() + "\"",
                cause);
        html(req, 500, Layout.page(lang, null, null, HOME, Text.REFUSED.in(lang), notice(Text.REFUSED, lang)));
    }

    /** A refusal's message in the page's language, from its problem code and the field at fault. */
    static String refusal(Lang lang, String code, String field) {
        Text text = switch (code) {
            case "MISSING_FIELD" -> Text.REFUSED_MISSING_FIELD;
            case "INVALID_AMOUNT" -> Text.REFUSED_INVALID_AMOUNT;
            case "NOT_FOUND" -> Text.REFUSED_NOT_FOUND;
            case "IDEMPOTENCY_CONFLICT" -> Text.REFUSED_CONFLICT;
            case "LIMIT_REACHED" -> Text.REFUSED_LIMIT;
            case "JOURNAL_UNAVAILABLE" -> Text.REFUSED_UNAVAILABLE;
            default -> Text.REFUSED_INVALID_FIELD;
        };
        return String.format(text.in(lang), field == null ? "" : field);
    }

    private static String urlEncoded(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int pageIndex(String value) {
        if (value == null || value.isEmpty() || value.length() > 6) {
            return 0;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return 0;
            }
        }
        return Integer.parseInt(value);
    }

    /** The signed-in cooperative of this request's session cookie, or null. */
    private Coop signedIn(HttpServerRequest req, ReferenceData reference) {
        Cookie cookie = req.getCookie(SESSION_COOKIE);
        PortalSessions.Session s = sessions.find(cookie == null ? null : cookie.getValue(), i -> reference.coop(i).tokenSha256());
        return s == null ? null : reference.coop(s.coopIndex());
    }

    private void post(HttpServerRequest req, String path) {
        Lang lang = lang(req);
        boolean obligationForm = path.equals(ObligationsPage.ADD_PATH) || path.equals(ObligationsPage.END_PATH);
        if (!path.equals(SIGN_IN) && !path.equals(SIGN_OUT) && !obligationForm) {
            notFound(req, lang);
            return;
        }
        if (!sameOrigin(req)) {
            crossSite.increment();
            html(req, 403, Layout.page(lang, null, null, HOME, Text.REFUSED.in(lang), notice(Text.REFUSED, lang)));
            return;
        }
        String declared = req.getHeader("Content-Length");
        if (declared != null && (declared.length() > 9 || !declared.chars().allMatch(Character::isDigit)
                || Integer.parseInt(declared) > FORM_BYTES_MAX)) {
            tooLarge(req, lang);
            return;
        }
        BoundedBody.read(req, FORM_BYTES_MAX, 256, () -> tooLarge(req, lang), bytes -> {
            if (path.equals(SIGN_IN)) {
                signIn(req, lang, new String(bytes, StandardCharsets.UTF_8));
            } else if (obligationForm) {
                obligationForm(req, lang, path, new String(bytes, StandardCharsets.UTF_8));
            } else {
                signOut(req);
            }
        });
    }

    /**
     * The cross-site check: the {@code Origin} a browser sends with every {@code POST} must be this
     * server as the request reached it (scheme and {@code Host}). A missing {@code Origin} is refused.
     */
    private static boolean sameOrigin(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        String host = req.getHeader("Host");
        if (origin == null || host == null) {
            return false;
        }
        return origin.equalsIgnoreCase((req.isSSL() ? "https://" : "http://") + host);
    }

    private void signIn(HttpServerRequest req, Lang lang, String form) {
        Map<String, List<String>> fields = new QueryStringDecoder(form, StandardCharsets.UTF_8, false, 8).parameters();
        String coopId = field(fields, "coopId");
        String token = field(fields, "token");
        ReferenceData reference = referenceSource.get();
        Coop coop = coopId == null ? null : reference.coop(coopId);
        if (coop == null || token == null || !reference.tokenMatches(coop, token)) {
            // one message for an unknown cooperative and a wrong token: nothing to enumerate
            wrongToken.increment();
            html(req, 401, Layout.page(lang, null, null, HOME, Text.SIGN_IN.in(lang), SignInPage.main(lang, coopId, Text.WRONG_TOKEN)));
            return;
        }
        String id = sessions.start(coop.index(), coop.tokenSha256());
        if (id == null) {
            sessionsFull.increment();
            req.response().putHeader("Retry-After", "60");
            html(req, 503, Layout.page(lang, null, null, HOME, Text.SIGN_IN.in(lang), SignInPage.main(lang, coopId, Text.TOO_MANY_SESSIONS)));
            return;
        }
        signedIn.increment();
        req.response().addCookie(sessionCookie(id, PortalSessions.SESSION_MS / 1000));
        redirect(req, 303, Page.BATCHES.path);
    }

    private void signOut(HttpServerRequest req) {
        Cookie cookie = req.getCookie(SESSION_COOKIE);
        sessions.end(cookie == null ? null : cookie.getValue());
        req.response().addCookie(sessionCookie("", 0));
        redirect(req, 303, HOME);
    }

    private Cookie sessionCookie(String value, long maxAgeS) {
        return Cookie.cookie(SESSION_COOKIE, value).setPath(HOME).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(secureCookie).setMaxAge(maxAgeS);
    }

    /** The first value of a form field, or null when absent, empty or longer than {@link #FIELD_CHARS_MAX}. */
    private static String field(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        String v = values.get(0).strip();
        return v.isEmpty() || v.length() > FIELD_CHARS_MAX ? null : v;
    }

    /** The request's language; a {@code ?lang=} choice is kept in a cookie for the next pages. */
    private Lang lang(HttpServerRequest req) {
        String query = req.getParam("lang");
        Cookie cookie = req.getCookie(LANG_COOKIE);
        Lang lang = Lang.choose(query, cookie == null ? null : cookie.getValue(), req.getHeader("Accept-Language"));
        if (Lang.ofCode(query) != null) {
            req.response().addCookie(Cookie.cookie(LANG_COOKIE, lang.code).setPath(HOME).setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie).setMaxAge(LANG_COOKIE_MAX_AGE_S));
        }
        return lang;
    }

    private static String notice(Text text, Lang lang) {
        return Html.text(new StringBuilder("<p role=\"alert\">"), text.in(lang)).append("</p>").toString();
    }

    private static void notFound(HttpServerRequest req, Lang lang) {
        html(req, 404, Layout.page(lang, null, null, HOME, Text.NOT_FOUND.in(lang), notice(Text.NOT_FOUND, lang)));
    }

    /** {@code 413}, then the connection is closed: the rest of the body is not read. */
    private void tooLarge(HttpServerRequest req, Lang lang) {
        HttpServerResponse res = req.response();
        if (!res.ended()) {
            oversized.increment();
            htmlHeaders(res.setStatusCode(413).putHeader("Connection", "close"))
                    .end(Layout.page(lang, null, null, HOME, Text.REFUSED.in(lang), notice(Text.REFUSED, lang)))
                    .onComplete(x -> req.connection().close());
        }
    }

    private static void redirect(HttpServerRequest req, int status, String location) {
        req.response().setStatusCode(status).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }

    private static void html(HttpServerRequest req, int status, String page) {
        HeadAnswers.end(req, htmlHeaders(req.response().setStatusCode(status)), page);
    }

    private static HttpServerResponse htmlHeaders(HttpServerResponse res) {
        return res.putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "same-origin");
    }
}
