package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.delivery.DeliveryFixture;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/v1/reference/reload} while terminals post: every payment that both the old
 * and the new files accept is accepted, whichever reference it meets; a terminal the reload adds
 * posts as soon as the reload has answered; the history lists every change at its journal
 * position. Then a start without the snapshot reproduces the batch byte for byte.
 */
class ReferenceReloadTest {
    /** Terminals in both versions of the files, one per posting thread. */
    private static final String[] STEADY = {"T0000001", "T0000003", "T0000006", "T0000011"};
    private static final int POSTS_PER_THREAD = 120;
    private static final int RELOADS = 12;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void reloadUnderLoadRefusesNoPaymentBothVersionsAccept() throws Exception {
        Path ref = DeliveryFixture.demoReference(tmp.resolve("ref"));
        String tradersA = Files.readString(ref.resolve("traders.csv"));
        String terminalsA = Files.readString(ref.resolve("terminals.csv"));
        // version B: BRH-002 moves from REG to UMI, and terminal T0000900 of BRH-003 exists
        String tradersB = tradersA.replace("BRH-002,KSP-BERINGHARJO,\"Batik Sekar Jagad, Los A\",REG",
                "BRH-002,KSP-BERINGHARJO,\"Batik Sekar Jagad, Los A\",UMI");
        assertThat(tradersB).isNotEqualTo(tradersA);
        String terminalsB = terminalsA + "T0000900,BRH-003,"
                + DemoCredentials.toLowerHex(DemoCredentials.terminalKey("T0000900")) + ",ACTIVE,\n";
        Map<String, String> settings = Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString());
        ReferenceData files = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        Path data = tmp.resolve("data");
        String batchCsv;
        String batchId;
        try (TestEngine t = new TestEngine(data, settings, files, Clock.systemUTC())) {
            long changesAtStart = history(t).getLong("total");
            AtomicBoolean reloading = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> posters = new ArrayList<>();
            for (String terminal : STEADY) {
                Thread p = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < POSTS_PER_THREAD; i++) {
                            HttpResponse<String> r = t.post(terminal, TestEngine.payment(terminal, "L" + i, "1000"));
                            if (r.statusCode() != 201) {
                                refused.add(terminal + " L" + i + ": " + r.statusCode() + " " + r.body());
                            }
                        }
                    } catch (Exception e) {
                        refused.add(terminal + ": " + e);
                    }
                }, "poster-" + terminal);
                p.start();
                posters.add(p);
            }
            go.countDown();
            int newTerminalPosts = 0;
            for (int i = 0; i < RELOADS; i++) {
                boolean b = i % 2 == 0;
                Files.writeString(ref.resolve("traders.csv"), b ? tradersB : tradersA);
                Files.writeString(ref.resolve("terminals.csv"), b ? terminalsB : terminalsA);
                HttpResponse<String> r = t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(new JsonObject(r.body()).getJsonArray("changes").size()).isEqualTo(2);
                HttpResponse<String> fresh = t.post("T0000900", TestEngine.payment("T0000900", "N" + i, "2000"));
                assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(b ? 201 : 401);
                newTerminalPosts += b ? 1 : 0;
            }
            for (Thread p : posters) {
                p.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(p.isAlive()).isFalse();
            }
            reloading.set(false);
            assertThat(refused).isEmpty();
            JsonObject history = history(t);
            assertThat(history.getLong("total")).isEqualTo(changesAtStart + 2L * RELOADS);
            assertThat(history.getJsonArray("changes").getJsonObject(history.getJsonArray("changes").size() - 1)
                    .getString("what")).isEqualTo("terminal T0000900");
            HttpResponse<String> close = t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN);
            assertThat(close.statusCode()).isEqualTo(200);
            JsonObject brh = null;
            for (Object o : new JsonObject(close.body()).getJsonArray("batches")) {
                if (((JsonObject) o).getString("coopId").equals("KSP-BERINGHARJO")) {
                    brh = (JsonObject) o;
                }
            }
            assertThat(brh).isNotNull();
            // T0000001 (BRH-001) and T0000003 (BRH-002) each 120 x 1,000, T0000900 (BRH-003) 6 x 2,000;
            // the files end on version A, so BRH-002 closes on REG: 120,000 x 0.7% = 840
            assertThat(brh.getLong("payments")).isEqualTo(2L * POSTS_PER_THREAD + newTerminalPosts);
            assertThat(brh.getLong("fee")).isEqualTo(840L);
            batchId = brh.getString("batchId");
            batchCsv = Files.readString(data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv"));
        }
        deleteTree(data.resolve("snapshot"));
        try (TestEngine t = new TestEngine(data, settings, ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig()
                .keySet()), Clock.systemUTC())) {
            assertThat(Files.readString(data.resolve("files/KSP-BERINGHARJO/" + batchId + ".csv"))).isEqualTo(batchCsv);
        }
    }

    /**
     * A reload naming an unknown fee plan answers 409 problem+json naming file, line and field,
     * journals nothing, and leaves the reference in effect: the trader still posts on its plan.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void reloadWithAnUnknownFeePlanIsRefusedWithNothingJournaled() throws Exception {
        Path ref = DeliveryFixture.demoReference(tmp.resolve("ref"));
        Map<String, String> settings = Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString());
        ReferenceData files = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        try (TestEngine t = new TestEngine(tmp.resolve("data"), settings, files, Clock.systemUTC())) {
            long total = history(t).getLong("total");
            String traders = Files.readString(ref.resolve("traders.csv"));
            Files.writeString(ref.resolve("traders.csv"), traders.replace("BRH-001,KSP-BERINGHARJO,Warung Bu Sri,UMI",
                    "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,MIKRO"));
            HttpResponse<String> r = t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonObject problem = new JsonObject(r.body());
            assertThat(problem.getString("code")).isEqualTo("REFERENCE_REFUSED");
            assertThat(problem.getString("detail")).isEqualTo("nothing journaled: " + ref.resolve("traders.csv")
                    + " line 2: unknown fee_plan 'MIKRO', known: [GOV, REG, UMI]");
            assertThat(history(t).getLong("total")).isEqualTo(total);
            assertThat(t.ops("POST", "/admin/v1/reference/reload", null, "wrong").statusCode()).isEqualTo(401);
            assertThat(t.ops("GET", "/admin/v1/reference/history", null, null).statusCode()).isEqualTo(401);
            assertThat(t.post("T0000001", TestEngine.payment("T0000001", "U1", "600000")).statusCode()).isEqualTo(201);
        }
    }

    /**
     * The reload reads its request as strictly as the admin close: it takes nothing from the
     * request, so a query parameter, any field, a body that is not one JSON object or has a
     * duplicate key is refused 400 with a problem document, and nothing is journaled though the
     * files have a change to journal; no body, or {@code {}}, reloads.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aReloadRequestWithAnythingInItIsRefusedWithNothingJournaled() throws Exception {
        Path ref = DeliveryFixture.demoReference(tmp.resolve("ref"));
        Map<String, String> settings = Map.of(EngineConfig.REFERENCE_DIR_PROP_NAME, ref.toString());
        ReferenceData files = ReferenceFiles.load(ref, FeeSchedule.defaults().toConfig().keySet());
        try (TestEngine t = new TestEngine(tmp.resolve("data"), settings, files, Clock.systemUTC())) {
            long total = history(t).getLong("total");
            String traders = Files.readString(ref.resolve("traders.csv"));
            Files.writeString(ref.resolve("traders.csv"), traders.replace("BRH-001,KSP-BERINGHARJO,Warung Bu Sri,UMI",
                    "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,REG"));
            String[][] refused = {
                    {"/admin/v1/reference/reload?dryRun=true", null, "INVALID_FIELD"},
                    {"/admin/v1/reference/reload?x", "{}", "INVALID_FIELD"},
                    {"/admin/v1/reference/reload", "{\"dryRun\":true}", "INVALID_FIELD"},
                    {"/admin/v1/reference/reload", "{\"coopId\":\"KSP-KLEWER\"}", "INVALID_FIELD"},
                    {"/admin/v1/reference/reload", "{\"a\":1,\"a\":2}", "MALFORMED_JSON"},
                    {"/admin/v1/reference/reload", "{}{}", "MALFORMED_JSON"},
                    {"/admin/v1/reference/reload", "[]", "MALFORMED_JSON"},
                    {"/admin/v1/reference/reload", "reload", "MALFORMED_JSON"},
                    {"/admin/v1/reference/reload", " ", "MALFORMED_JSON"},
                    {"/admin/v1/reference/reload", "{", "MALFORMED_JSON"}};
            for (String[] r : refused) {
                HttpResponse<String> answer = t.ops("POST", r[0], r[1], TestEngine.ADMIN_TOKEN);
                assertThat(answer.statusCode()).as("%s %s -> %s", r[0], r[1], answer.body()).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(new JsonObject(answer.body()).getString("code")).as("%s %s", r[0], r[1]).isEqualTo(r[2]);
            }
            assertThat(t.ops("POST", "/admin/v1/reference/reload", "x".repeat(5000), TestEngine.ADMIN_TOKEN).statusCode())
                    .isEqualTo(413);
            assertThat(t.ops("POST", "/admin/v1/reference/reload?x", "{\"a\":1}", "wrong").statusCode()).isEqualTo(401);
            assertThat(history(t).getLong("total")).as("nothing journaled").isEqualTo(total);

            HttpResponse<String> empty = t.ops("POST", "/admin/v1/reference/reload", "{}", TestEngine.ADMIN_TOKEN);
            assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
            assertThat(new JsonObject(empty.body()).getJsonArray("changes")).hasSize(1);
            Files.writeString(ref.resolve("traders.csv"), traders);
            HttpResponse<String> none = t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
            assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
            assertThat(new JsonObject(none.body()).getJsonArray("changes")).hasSize(1);
            assertThat(history(t).getLong("total")).isEqualTo(total + 2);
        }
    }

    private static JsonObject history(TestEngine t) throws Exception {
        HttpResponse<String> r = t.ops("GET", "/admin/v1/reference/history", null, TestEngine.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
