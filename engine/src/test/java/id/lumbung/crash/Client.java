package id.lumbung.crash;

import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

/** Terminal, cooperative and admin calls against one engine, over HTTP/1.1 on 127.0.0.1. */
final class Client {
    static final ZoneOffset WIB = ZoneOffset.ofHours(7);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int httpPort;
    final int opsPort;
    /** The admin token the engine was started with, for the admin close. */
    final String adminToken;

    Client(EngineProcess e) {
        this(e.httpPort, e.opsPort, EngineProcess.ADMIN_TOKEN);
    }

    /** An engine that this JVM did not start, on 127.0.0.1 at these ports. */
    Client(int httpPort, int opsPort, String adminToken) {
        this.httpPort = httpPort;
        this.opsPort = opsPort;
        this.adminToken = adminToken;
    }

    /** A payment body with every field fixed, so that a retry sends the identical bytes. */
    static String paymentBody(String terminalId, String txnId, long amount) {
        String occurredAt = OffsetDateTime.now(WIB).truncatedTo(ChronoUnit.SECONDS).toString();
        return "{\"terminalId\":\"" + terminalId + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + amount
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + occurredAt + "\",\"method\":\"QRIS\"}";
    }

    HttpRequest signed(String terminalId, String method, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(System.currentTimeMillis());
        String sig = TerminalAuth.sign(DemoCredentials.terminalKey(terminalId), method, path, ts, bytes);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(20))
                .header("X-Terminal-Id", terminalId).header("X-Timestamp", ts).header("X-Signature", sig);
        if (method.equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else {
            b.GET();
        }
        return b.build();
    }

    HttpResponse<String> post(String terminalId, String body) throws IOException, InterruptedException {
        return http.send(signed(terminalId, "POST", "/v1/payments", body), HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a batch body ({@code {"payments":[...]}}) to the batch endpoint. */
    HttpResponse<String> postBatch(String terminalId, String body) throws IOException, InterruptedException {
        return http.send(signed(terminalId, "POST", "/v1/payments/batch", body), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * POST, honouring {@code 429 RATE_LIMITED} (the contract's per-terminal rate limit, which a
     * verification pass of thousands of replays from one terminal reaches): waits and resends, at
     * most 100 times.
     */
    HttpResponse<String> postHonouringRateLimit(String terminalId, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = post(terminalId, body);
        for (int i = 0; i < 100 && r.statusCode() == 429; i++) {
            Thread.sleep(20 + 10L * i);
            r = post(terminalId, body);
        }
        return r;
    }

    HttpResponse<String> voidPayment(String terminalId, String paymentId) throws IOException, InterruptedException {
        return http.send(signed(terminalId, "POST", "/v1/payments/" + paymentId + "/void", ""), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> status(String terminalId, String paymentId) throws IOException, InterruptedException {
        return http.send(signed(terminalId, "GET", "/v1/payments/" + paymentId, ""), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> settlements(String coopId) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/coops/" + coopId + "/settlements"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A batch's file, {@code GET /v1/coops/{coopId}/settlements/{batchId}/{name}}, as bytes. */
    HttpResponse<byte[]> file(String coopId, String batchId, String name) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/coops/" + coopId + "/settlements/"
                + batchId + "/" + name)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> accounts(String coopId) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/coops/" + coopId + "/accounts"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A cooperative API request with a JSON body ({@code PUT .../obligations/{id}}, {@code POST .../end}) under the demo token. */
    HttpResponse<String> coop(String method, String coopId, String pathAfterCoop, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/coops/" + coopId + pathAfterCoop))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Prometheus scrape of the ops port. */
    String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    CompletableFuture<HttpResponse<String>> closeAsync() {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/admin/v1/settlements/close"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> close() throws Exception {
        return closeAsync().get();
    }

    /** The value of a top-level string field in a flat JSON object (enough for the engine's answers). */
    static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":");
        if (i < 0) {
            return null;
        }
        int v = i + name.length() + 3;
        if (json.charAt(v) == '"') {
            return json.substring(v + 1, json.indexOf('"', v + 1));
        }
        int end = v;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return json.substring(v, end);
    }
}
