package id.lumbung.bench.load;

import id.lumbung.reference.ReferenceDataGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Writes pre-signed terminal requests for {@code benchmarks/wrk/replay.lua}: {@code --requests}
 * complete HTTP/1.1 requests (request line, headers, body), split over {@code --threads} files
 * {@code requests-<t>.txt}, one per wrk thread, so that wrk sends bytes it loaded at start and
 * builds nothing per request.
 *
 * <p>Every payment has its own txnId ({@code <runId>-<t>-<n>}); request {@code j} of thread
 * {@code t} is global request {@code j * threads + t} and comes from terminal
 * {@code (j * threads + t) mod terminals}, so that consecutive requests of every thread go to
 * different terminals and each terminal's share of the load is even (the engine rate-limits each
 * terminal). {@code X-Timestamp} is the time of writing: the engine takes it for
 * {@value id.lumbung.web.RequestTimestamp#SKEW_MAX_MS} ms, so the files are written just
 * before the run that sends them.
 *
 * <p>File format: a first line with the number of requests, then per request a line with its
 * length in bytes and the request's bytes.
 */
@Command(name = "wrk-requests", mixinStandardHelpOptions = true,
        description = "Write pre-signed single or batch payment requests for benchmarks/wrk/replay.lua.")
public final class WrkRequests implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory for requests-<thread>.txt")
    Path out;
    @Option(names = "--mode", description = "single (POST /v1/payments) or batch (POST /v1/payments/batch). Default ${DEFAULT-VALUE}")
    String mode = "single";
    @Option(names = "--batch-size", description = "Payments per batch request. Default ${DEFAULT-VALUE}")
    int batchItems = 100;
    @Option(names = "--requests", required = true, description = "Requests in total, over all threads")
    long requests;
    @Option(names = "--threads", description = "wrk threads (one file each). Default ${DEFAULT-VALUE}")
    int threads = 2;
    @Option(names = "--terminals", description = "Terminals T0000001.. of the reference data. Default ${DEFAULT-VALUE}")
    int terminals = 1000;
    @Option(names = "--run-id", description = "txnId prefix, unique per journal; default: the time in base 36")
    String runId = Long.toString(System.currentTimeMillis(), 36);

    public static void main(String[] args) {
        System.exit(new CommandLine(new WrkRequests()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if ((!mode.equals("single") && !mode.equals("batch")) || requests < threads || threads < 1 || terminals < 1
                || batchItems < 1 || !runId.matches("[A-Za-z0-9]{1,12}")) {
            System.err.println("wrk-requests: need --mode single|batch, --requests >= --threads >= 1, --terminals >= 1, "
                    + "--batch-size >= 1, --run-id of 1..12 letters and digits");
            return 2;
        }
        Files.createDirectories(out);
        long nowMs = System.currentTimeMillis();
        for (int t = 0; t < threads; t++) {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out.resolve("requests-" + t + ".txt")), 1 << 20)) {
                write(os, t, nowMs);
            }
        }
        System.out.println("wrk-requests: " + requests + " " + mode + " requests" + (mode.equals("batch") ? " of " + batchItems : "")
                + " over " + threads + " files in " + out + " (run id " + runId + ")");
        return 0;
    }

    /** Thread {@code t}'s share: requests {@code t, t + threads, t + 2 threads, ...} below {@code --requests}. */
    void write(OutputStream os, int t, long nowMs) throws IOException {
        boolean batch = mode.equals("batch");
        String path = batch ? RunPlan.BATCH_PATH : RunPlan.PAYMENTS_PATH;
        String[] terminalIds = new String[terminals];
        for (int i = 0; i < terminals; i++) {
            terminalIds[i] = ReferenceDataGenerator.terminalId(i);
        }
        RequestSigner signer = new RequestSigner(terminalIds);
        PaymentBodies bodies = new PaymentBodies(runId, t);
        String timestamp = Long.toString(nowMs);
        long count = (requests - t + threads - 1) / threads;
        os.write((count + "\n").getBytes(StandardCharsets.US_ASCII));
        for (long j = 0; j < count; j++) {
            int terminal = (int) ((j * threads + t) % terminals);
            String terminalId = terminalIds[terminal];
            byte[] body = batch ? bodies.batch(terminalId, batchItems, nowMs) : bodies.single(terminalId, nowMs);
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Terminal-Id: " + terminalId + "\r\nX-Timestamp: " + timestamp + "\r\nX-Signature: "
                    + signer.sign(terminal, "POST", path, timestamp, body) + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            os.write(((head.length + body.length) + "\n").getBytes(StandardCharsets.US_ASCII));
            os.write(head);
            os.write(body);
        }
    }
}
