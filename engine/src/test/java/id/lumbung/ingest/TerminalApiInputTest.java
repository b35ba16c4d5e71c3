package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a terminal's text, timestamps and ids may be, through the real HTTP server: text that is not
 * Unicode, precision the engine does not keep, a payerRef measured in characters, a batch's unknown
 * fields, and payment ids spelled only one way. A byte-identical retry of an accepted payment always
 * replays; a refused one is refused again the same way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalApiInputTest extends OneEngineTest {
    private static final String EMOJI = "\ud83d\ude00";
    TerminalApiInputTest() {
        super("in-");
    }

    /** A payment of T0000001 with the given JSON text (as written, escapes and all) for payerRef. */
    private static String withPayerRef(String txnId, String payerRefJson) {
        return TestEngine.payment("T0000001", txnId, "15000").replace("}", ",\"payerRef\":\"" + payerRefJson + "\"}");
    }

    private HttpResponse<String> postBytes(byte[] body) throws Exception {
        return t.signed("POST", "/v1/payments", "T0000001", body, DemoCredentials.terminalKey("T0000001"),
                Long.toString(t.engine.clock().millis()), "application/json");
    }

    @Test
    void aLoneSurrogateIsInvalidFieldAndSoIsItsRetry() throws Exception {
        for (String lone : new String[] {"a\\ud800b", "\\udc00", "ab\\uD800", "\\udc00\\ud800", "x\\ud83d\\ud83d"}) {
            String body = withPayerRef(nextTxn(), lone);
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<String> r = t.post("T0000001", body);
                assertThat(r.statusCode()).as(lone + " attempt " + attempt).isEqualTo(400);
                assertThat(code(r)).as(lone).isEqualTo("INVALID_FIELD");
            }
        }
        // in any string field, whatever that field's own code would be
        String tx = nextTxn();
        String payment = TestEngine.payment("T0000001", tx, "15000");
        String[] others = {payment.replace("\"IDR\"", "\"ID\\ud800\""), payment.replace("\"QRIS\"", "\"QR\\udfffIS\""),
            payment.replace("\"" + tx + "\"", "\"\\ud800\""), payment.replace("+07:00\"", "+07:00\\ud800\"")};
        for (String body : others) {
            HttpResponse<String> r = t.post("T0000001", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(code(r)).as(body).isEqualTo("INVALID_FIELD");
        }
        // a surrogate pair, escaped or as UTF-8 bytes, is one character: accepted, and its retry replays
        for (String pair : new String[] {"a\\ud83d\\ude00b", "a" + EMOJI + "b"}) {
            String body = withPayerRef(nextTxn(), pair);
            HttpResponse<String> first = t.post("T0000001", body);
            assertThat(first.statusCode()).as(pair).isEqualTo(201);
            HttpResponse<String> again = t.post("T0000001", body);
            assertThat(again.statusCode()).as(pair).isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body());
        }
    }

    @Test
    void aLoneSurrogateFailsOnlyItsBatchItem() throws Exception {
        String good = TestEngine.payment("T0000001", nextTxn(), "1000");
        String bad = withPayerRef(nextTxn(), "a\\ud800b");
        byte[] body = ("{\"payments\":[" + good + "," + bad + "]}").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> r = t.signed("POST", "/v1/payments/batch", "T0000001", body);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray results = new JsonObject(r.body()).getJsonArray("results");
            assertThat(results.getJsonObject(0).getInteger("status")).isEqualTo(attempt == 0 ? 201 : 200);
            assertThat(results.getJsonObject(1).getInteger("status")).isEqualTo(400);
            assertThat(results.getJsonObject(1).getString("code")).isEqualTo("INVALID_FIELD");
        }
    }

    @Test
    void bytesThatAreNotUtf8AreMalformedJson() throws Exception {
        byte[][] notUtf8 = {
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate encoded as if it were a character (CESU-8)
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xC1, (byte) 0x81}, // overlong 'A'
            {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            {(byte) 0xE0, (byte) 0x81, (byte) 0x81}, // overlong 'A' in three bytes
            {(byte) 0xF0, (byte) 0x80, (byte) 0x81, (byte) 0x81}, // overlong 'A' in four bytes
            {(byte) 0xE2, (byte) 0x82}, // cut short
        };
        for (byte[] bad : notUtf8) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            String[] halves = withPayerRef(nextTxn(), "a|b").split("\\|");
            b.writeBytes(halves[0].getBytes(StandardCharsets.UTF_8));
            b.writeBytes(bad);
            b.writeBytes(halves[1].getBytes(StandardCharsets.UTF_8));
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<String> r = postBytes(b.toByteArray());
                assertThat(r.statusCode()).as(java.util.HexFormat.of().formatHex(bad)).isEqualTo(400);
                assertThat(code(r)).as(java.util.HexFormat.of().formatHex(bad)).isEqualTo("MALFORMED_JSON");
            }
        }
        // an overlong 'A' in a txnId would have been the txnId "A"
        byte[] txnOverlong = TestEngine.payment("T0000001", "Z", "15000").getBytes(StandardCharsets.UTF_8);
        int z = new String(txnOverlong, StandardCharsets.UTF_8).indexOf("\"Z\"") + 1;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(txnOverlong, 0, z);
        b.writeBytes(new byte[] {(byte) 0xC1, (byte) 0x81});
        b.write(txnOverlong, z + 1, txnOverlong.length - z - 1);
        HttpResponse<String> r = postBytes(b.toByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(code(r)).isEqualTo("MALFORMED_JSON");
    }

    @Test
    void occurredAtMorePreciseThanAMillisecondIsRefused() throws Exception {
        OffsetDateTime second = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusMinutes(1);
        String tx = nextTxn();
        String base = "{\"terminalId\":\"T0000001\",\"txnId\":\"" + tx + "\",\"amount\":15000,\"currency\":\"IDR\",\"occurredAt\":\"%s\","
                + "\"method\":\"QRIS\"}";
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").format(second);
        for (String fraction : new String[] {".123456789Z", ".123999999Z", ".1234Z", ".000001Z", ".123000001+00:00"}) {
            HttpResponse<String> r = t.post("T0000001", String.format(base, stamp + fraction));
            assertThat(r.statusCode()).as(fraction).isEqualTo(400);
            assertThat(code(r)).as(fraction).isEqualTo("INVALID_TIMESTAMP");
        }
        // the JDK's other ISO forms (an offset with seconds) are held to the same precision
        HttpResponse<String> withSeconds = t.post("T0000001", String.format(base, stamp + ".123456+00:00:00"));
        assertThat(withSeconds.statusCode()).isEqualTo(400);
        assertThat(code(withSeconds)).isEqualTo("INVALID_TIMESTAMP");
        // zeros past the millisecond say nothing more: the same instant as without them
        HttpResponse<String> first = t.post("T0000001", String.format(base, stamp + ".123000Z"));
        assertThat(first.statusCode()).isEqualTo(201);
        HttpResponse<String> same = t.post("T0000001", String.format(base, stamp + ".123Z"));
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.body()).isEqualTo(first.body());
        HttpResponse<String> later = t.post("T0000001", String.format(base, stamp + ".124Z"));
        assertThat(later.statusCode()).isEqualTo(422);
        assertThat(code(later)).isEqualTo("IDEMPOTENCY_CONFLICT");
    }

    @Test
    void payerRefCountsCharactersNotUtf16Units() throws Exception {
        for (int n : new int[] {33, 64}) {
            String body = withPayerRef(nextTxn(), EMOJI.repeat(n));
            HttpResponse<String> first = t.post("T0000001", body);
            assertThat(first.statusCode()).as(n + " emoji").isEqualTo(201);
            HttpResponse<String> again = t.post("T0000001", body);
            assertThat(again.statusCode()).as(n + " emoji, again").isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body());
            String paymentId = new JsonObject(first.body()).getString("paymentId");
            assertThat(t.signed("GET", "/v1/payments/" + paymentId, "T0000001", new byte[0]).statusCode()).isEqualTo(200);
        }
        String mixed = "a" + EMOJI.repeat(62) + "\u00e9";
        assertThat(t.post("T0000001", withPayerRef(nextTxn(), mixed)).statusCode()).isEqualTo(201);
        for (String over : new String[] {EMOJI.repeat(65), "x".repeat(65), EMOJI.repeat(64) + "x"}) {
            HttpResponse<String> r = t.post("T0000001", withPayerRef(nextTxn(), over));
            assertThat(r.statusCode()).as(over.length() + " units").isEqualTo(400);
            assertThat(code(r)).isEqualTo("INVALID_FIELD");
        }
        // a batch item the same
        String batch = "{\"payments\":[" + withPayerRef(nextTxn(), EMOJI.repeat(64)) + "," + withPayerRef(nextTxn(), EMOJI.repeat(65)) + "]}";
        JsonArray results = new JsonObject(t.signed("POST", "/v1/payments/batch", "T0000001", batch.getBytes(StandardCharsets.UTF_8))
                .body()).getJsonArray("results");
        assertThat(results.getJsonObject(0).getInteger("status")).isEqualTo(201);
        assertThat(results.getJsonObject(1).getString("code")).isEqualTo("INVALID_FIELD");
    }

    @Test
    void a64EmojiPayerRefReplaysAfterRestartsWithAndWithoutTheSnapshot(@TempDir Path data) throws Exception {
        String body = withPayerRef("emoji-restart", EMOJI.repeat(64));
        String first;
        try (TestEngine engine = new TestEngine(data, Map.of())) {
            HttpResponse<String> r = engine.post("T0000001", body);
            assertThat(r.statusCode()).isEqualTo(201);
            first = r.body();
        }
        for (boolean withSnapshot : new boolean[] {true, false}) {
            if (!withSnapshot) {
                try (var files = java.nio.file.Files.walk(data.resolve("snapshot"))) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            try (TestEngine engine = new TestEngine(data, Map.of())) {
                HttpResponse<String> again = engine.post("T0000001", body);
                assertThat(again.statusCode()).as("snapshot " + withSnapshot).isEqualTo(200);
                assertThat(again.body()).isEqualTo(first);
                HttpResponse<String> other = engine.post("T0000001", withPayerRef("emoji-restart", EMOJI.repeat(63) + "x"));
                assertThat(other.statusCode()).as("snapshot " + withSnapshot).isEqualTo(422);
            }
        }
    }

    @Test
    void anUnknownBatchFieldIsInvalidFieldWhereverItStands() throws Exception {
        String item = TestEngine.payment("T0000001", nextTxn(), "1000");
        String[] bodies = {"{\"payments\":[" + item + "],\"other\":1}", "{\"other\":1,\"payments\":[" + item + "]}",
            "{\"payments\":[" + item + "],\"other\":{\"payments\":[]}}", "{\"payments\":[" + item + "],\"payment\":[]}"};
        for (String body : bodies) {
            HttpResponse<String> r = t.signed("POST", "/v1/payments/batch", "T0000001", body.getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(code(r)).as(body).isEqualTo("INVALID_FIELD");
        }
        // 'payments' twice stays a duplicate key
        HttpResponse<String> twice = t.signed("POST", "/v1/payments/batch", "T0000001",
                ("{\"payments\":[" + item + "],\"payments\":[" + item + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(code(twice)).isEqualTo("MALFORMED_JSON");
    }

    @Test
    void paymentIdsHaveOneSpelling() throws Exception {
        JsonObject accepted = new JsonObject(t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), "1000")).body());
        String id = accepted.getString("paymentId");
        long sequence = accepted.getLong("sequence");
        assertThat(id).isEqualTo("P" + sequence);
        for (String other : new String[] {"P0" + sequence, "P00" + sequence, "P+" + sequence, "P0", "P00", "p" + sequence,
            "P" + sequence + " ", "P-" + sequence}) {
            HttpResponse<String> status = t.signed("GET", "/v1/payments/" + other.replace(" ", "%20"), "T0000001", new byte[0]);
            assertThat(status.statusCode()).as(other).isEqualTo(404);
            assertThat(code(status)).as(other).isEqualTo("NOT_FOUND");
            HttpResponse<String> voided = t.signed("POST", "/v1/payments/" + other.replace(" ", "%20") + "/void", "T0000001", new byte[0]);
            assertThat(voided.statusCode()).as(other).isEqualTo(404);
            assertThat(code(voided)).as(other).isEqualTo("NOT_FOUND");
        }
        JsonObject status = new JsonObject(t.signed("GET", "/v1/payments/" + id, "T0000001", new byte[0]).body());
        assertThat(status.getString("status")).isEqualTo("ACCEPTED");
        assertThat(status.getString("paymentId")).isEqualTo(id);
    }

    @Test
    void batchIdsAndFileNamesHaveOneSpelling() throws Exception {
        assertThat(t.post("T0000001", TestEngine.payment("T0000001", nextTxn(), "1000")).statusCode()).isEqualTo(201);
        JsonObject batch = new JsonObject(t.ops("POST", "/admin/v1/settlements/close", "{\"coopId\":\"KSP-BERINGHARJO\"}",
                TestEngine.ADMIN_TOKEN).body()).getJsonArray("batches").getJsonObject(0);
        String batchId = batch.getString("batchId");
        String file = batch.getJsonArray("files").getJsonObject(0).getString("name");
        String auth = "Bearer demo-token-KSP-BERINGHARJO";
        String prefix = "/v1/coops/KSP-BERINGHARJO/settlements/";
        assertThat(t.get(prefix + batchId + "/" + file, auth).statusCode()).isEqualTo(200);
        int dash = batchId.lastIndexOf('-');
        String padded = batchId.substring(0, dash + 1) + "0" + batchId.substring(dash + 1);
        assertThat(t.get(prefix + padded + "/" + file.replace(batchId, padded), auth).statusCode()).isEqualTo(404);
        assertThat(t.get(prefix + padded + "/" + file, auth).statusCode()).isEqualTo(404);
        assertThat(t.get(prefix + batchId.toLowerCase(java.util.Locale.ROOT) + "/" + file, auth).statusCode()).isEqualTo(404);
        assertThat(t.get(prefix + batchId + "/" + file.toUpperCase(java.util.Locale.ROOT), auth).statusCode()).isEqualTo(404);
        assertThat(t.get("/v1/coops/KSP-BERINGHARJO/settlements?since=" + padded, auth).statusCode()).isEqualTo(404);
    }
}
