package id.lumbung.delivery;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A copy of the demo reference data in a folder, plus delivery files, and helpers to drive an engine on it. */
public final class DeliveryFixture {
    public static final String BRH = "KSP-BERINGHARJO";
    public static final String KLW = "KSP-KLEWER";
    private static final Pattern BATCH_ID = Pattern.compile("\"batchId\":\"([A-Za-z0-9-]+)\"");

    private DeliveryFixture() {
    }

    /** The demo's three reference files copied into {@code dir}. */
    public static Path demoReference(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("coops.csv", "traders.csv", "terminals.csv")) {
            try (InputStream in = DeliveryFixture.class.getResourceAsStream("/demo/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        return dir;
    }

    /** Rewrites coops.csv with a webhook_url column: {@code url} for {@code coopId}, empty for the others. */
    public static void webhookUrl(Path ref, String coopId, String url) throws Exception {
        List<String> lines = Files.readAllLines(ref.resolve("coops.csv"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        out.add(lines.get(0) + ",webhook_url");
        for (String line : lines.subList(1, lines.size())) {
            out.add(line + "," + (line.startsWith(coopId + ",") ? url : ""));
        }
        Files.write(ref.resolve("coops.csv"), (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The demo reference copied into {@code dir} with a webhook for Beringharjo only, at {@code url}
     * and signed with {@code secretHex}.
     */
    public static Path webhookReference(Path dir, String url, String secretHex) throws Exception {
        Path ref = demoReference(dir);
        webhookUrl(ref, BRH, url);
        Files.writeString(ref.resolve("webhook_secrets.csv"), "coop_id,secret_hex\n" + BRH + "," + secretHex + "\n");
        return ref;
    }

    /** Runs a command to its end (at most 30 s); output and errors go to files, returned with the exit code. */
    public static Run run(Path workDir, List<String> command) throws Exception {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("command did not end within 30 s: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A finished command. */
    public record Run(int exit, String out, String err) {
    }

    /** One accepted payment from {@code terminalId}. */
    public static void pay(TestEngine t, String terminalId, String txnId, long amount) throws Exception {
        HttpResponse<String> r = t.post(terminalId, TestEngine.payment(terminalId, txnId, Long.toString(amount)));
        if (r.statusCode() != 201) {
            throw new AssertionError("payment " + txnId + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Closes the window by the admin API; returns the batch ids it closed, in its order. */
    public static List<String> close(TestEngine t) throws Exception {
        HttpResponse<String> r = t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN);
        if (r.statusCode() != 200) {
            throw new AssertionError("close: " + r.statusCode() + " " + r.body());
        }
        List<String> ids = new ArrayList<>();
        Matcher m = BATCH_ID.matcher(r.body());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** {@code POST /admin/v1/reference/reload}: the reference files and the delivery credentials read again. */
    public static HttpResponse<String> reload(TestEngine t) throws Exception {
        return t.ops("POST", "/admin/v1/reference/reload", null, TestEngine.ADMIN_TOKEN);
    }

    /** The bytes of a settlement file over the cooperative API. */
    public static byte[] httpFile(TestEngine t, String coopId, String batchId, String name) throws Exception {
        HttpResponse<byte[]> r = t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + t.engine.httpPort() + "/v1/coops/" + coopId + "/settlements/" + batchId + "/" + name))
                .header("Authorization", "Bearer " + DemoCredentials.coopToken(coopId)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + name + ": " + r.statusCode());
        }
        return r.body();
    }
}
