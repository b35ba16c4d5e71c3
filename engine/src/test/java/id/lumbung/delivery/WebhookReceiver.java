package id.lumbung.delivery;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A cooperative's webhook receiver on 127.0.0.1: records every request and answers each event's
 * first {@code failuresPerEvent} tries with 500 (or every try, while {@link #failing} is set),
 * later ones with 204. Its signature check is independent of the engine's code: OpenSSL's HMAC.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received, with the status it was answered. */
    public record Received(long atNanos, String method, String path, String eventId, String signature, String contentType,
            byte[] body, int status) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Integer> triesByEvent = new HashMap<>();
    private final int failuresPerEvent;
    /** While true every try is answered 500. */
    public volatile boolean failing;
    /** When above 0, each event's first try is held this long before its answer (recorded with status 0 on arrival). */
    public volatile long holdFirstTryMs;

    public WebhookReceiver(int failuresPerEvent) throws Exception {
        this.failuresPerEvent = failuresPerEvent;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(4)); // a held try must not hold up the next
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String eventId = ex.getRequestHeaders().getFirst("Lumbung-Event-Id");
            int status;
            synchronized (this) {
                int tries = triesByEvent.merge(String.valueOf(eventId), 1, Integer::sum);
                status = holdFirstTryMs > 0 && tries == 1 ? 0 : failing || tries <= failuresPerEvent ? 500 : 204;
                received.add(new Received(System.nanoTime(), ex.getRequestMethod(), ex.getRequestURI().toString(), eventId,
                        ex.getRequestHeaders().getFirst("Lumbung-Signature"), ex.getRequestHeaders().getFirst("Content-Type"),
                        body, status));
                notifyAll();
            }
            if (status == 0) {
                try {
                    Thread.sleep(holdFirstTryMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 204; // too late: the engine has given up on this try
            }
            try {
                ex.sendResponseHeaders(status, -1);
            } catch (java.io.IOException e) {
                // the engine closed the connection of a held try
            }
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/lumbung";
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<Received> delivered() {
        return received.stream().filter(r -> r.status() / 100 == 2).toList();
    }

    /** Waits (at most {@code timeoutMs}) until {@code condition} holds; false if it never did. */
    public synchronized boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * The signature OpenSSL computes for {@code t + "." + body} under {@code secretHex}: lowercase
     * hex of HMAC-SHA256, computed outside the JVM.
     */
    public static String opensslHmac(Path workDir, String secretHex, String t, byte[] body) throws Exception {
        Path signed = Files.createTempFile(workDir, "signed", ".bin");
        byte[] prefix = (t + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(body, 0, all, prefix.length, body.length);
        Files.write(signed, all);
        DeliveryFixture.Run r = DeliveryFixture.run(workDir, List.of("openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt",
                "hexkey:" + secretHex, signed.toString()));
        if (r.exit() != 0) {
            throw new AssertionError("openssl failed: " + r.err());
        }
        String out = r.out().trim();
        return out.substring(out.lastIndexOf("= ") + 2);
    }

    /** True when {@code header} ({@code t=..,v1=..}) is OpenSSL's HMAC of its t and {@code body}. */
    public static boolean signatureValid(Path workDir, String secretHex, String header, byte[] body) throws Exception {
        String[] parts = header.split(",");
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("v1=")) {
            return false;
        }
        return opensslHmac(workDir, secretHex, parts[0].substring(2), body).equals(parts[1].substring(3));
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
