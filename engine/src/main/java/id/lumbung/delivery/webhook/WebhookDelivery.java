package id.lumbung.delivery.webhook;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.settlement.Settlement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Sends each batch of a cooperative with a {@code webhook_url} to it as a signed
 * {@code settlement.batch.ready} POST, at least once: until a 2xx, each retry waiting twice the
 * previous wait from {@code webhook.retry.first.ms} (1 s), ±20% jitter, capped at 10 minutes, until
 * 3 days after the batch closed; 10 s per try. What is due is derived at start from the settlement
 * listing minus {@link DeliveredEvents}, so deliveries survive a restart or a {@code kill -9}.
 * Counted in {@code lumbung_webhook_deliveries_total{result=delivered|retrying|failed}}.
 *
 * <p>Threads: {@link #batchFilesWritten} on the settlement thread (hands over only); all state on
 * "lumbung-webhook"; network I/O on "lumbung-webhook-http-N".
 */
public final class WebhookDelivery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookDelivery.class.getName());

    public static final String EVENT_ID_HEADER = "Lumbung-Event-Id";
    /** How long a batch's event is retried, from the batch's close: 3 days. */
    public static final long DELIVERY_WINDOW_MS = TimeUnit.DAYS.toMillis(3);
    /** The longest wait between two tries. */
    public static final long RETRY_WAIT_MAX_MS = TimeUnit.MINUTES.toMillis(10);
    /** The wait before the first retry, unless a test shortens it ({@code webhook.retry.first.ms}). */
    public static final long RETRY_FIRST_MS_DEFAULT = 1_000;
    /** Jitter of each wait: at most ±20%, so that receivers that failed together are not retried together. */
    static final double JITTER_FRACTION_MAX = 0.2;
    /** One try: connect, send, answer. */
    public static final Duration TRY_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Tries in flight at once. 1,000 cooperatives closing together, each receiver answering in
     * 100 ms: 1,000 / 32 × 0.1 s ≈ 3 s to deliver them all; a receiver that hangs for the full 10 s
     * holds one slot, not the queue.
     */
    static final int IN_FLIGHT_MAX = 32;
    /** Answers read up to this many bytes; a receiver's body means nothing here. */
    private static final int ANSWER_BYTES_MAX = 4096;

    /** Swapped whole by {@link #credentials(DeliveryCredentials)}; each try reads the URL and secret in effect. */
    private volatile DeliveryCredentials credentials;
    /** The reference in effect (it changes at a reload): its indexes are the settlement listing's. */
    private final Supplier<ReferenceData> reference;
    private final Clock clock;
    private final long retryFirstMs;
    private final RandomGenerator jitter;
    private final DeliveredEvents delivered;
    private final ScheduledThreadPoolExecutor thread;
    private final ExecutorService httpThreads;
    /**
     * Built at the first try (webhook thread only): building one loads the JDK's HTTP client and
     * its TLS, about 150 ms of a start's critical path that an engine with nothing to deliver yet
     * need not wait for.
     */
    private HttpClient http;
    private final Counter deliveredCount;
    private final Counter retryingCount;
    private final Counter failedCount;
    /** Events queued, waiting for a retry or in flight: each batch at most once (webhook thread). */
    private final Set<String> queued = new HashSet<>();
    /** Tries waiting for a free slot, oldest first (webhook thread). */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;
    private volatile boolean closed;

    /**
     * @param retryFirstMs the wait before the first retry ({@value #RETRY_FIRST_MS_DEFAULT} ms outside tests)
     * @param jitter the source of each wait's jitter; used on the webhook thread only
     */
    public WebhookDelivery(DeliveryCredentials credentials, Supplier<ReferenceData> reference, java.nio.file.Path dataDir, Clock clock,
            MeterRegistry registry, long retryFirstMs, RandomGenerator jitter) {
        this.credentials = credentials;
        this.reference = reference;
        this.clock = clock;
        this.retryFirstMs = retryFirstMs;
        this.jitter = jitter;
        this.delivered = new DeliveredEvents(dataDir);
        thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lumbung-webhook");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        AtomicInteger n = new AtomicInteger();
        httpThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lumbung-webhook-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        deliveredCount = counter(registry, "delivered");
        retryingCount = counter(registry, "retrying");
        failedCount = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("lumbung.webhook.deliveries").tag("result", result)
                .description("Batch-ready webhook outcomes: delivered (a 2xx), retrying (a failed try that will be"
                        + " retried), failed (given up after 3 days)")
                .register(registry);
    }

    /**
     * Reads the delivery record, queues every listed batch of a cooperative with a webhook that
     * is not delivered and still within its window, and from then on each new batch. Call once
     * replay is done and before the engine is ready; returns once the record is read.
     */
    public void start(Settlement settlement) throws Exception {
        settlement.onBatchFilesWritten(this::batchFilesWritten);
        thread.submit(() -> {
            long now = clock.millis();
            int pruned = delivered.load(now - DELIVERY_WINDOW_MS - TimeUnit.DAYS.toMillis(1));
            int due = 0;
            int expired = 0;
            for (String coopId : credentials.coopsWithWebhook()) {
                Coop coop = reference.get().coop(coopId);
                if (coop == null) {
                    continue; // in the files, not (yet) in the journaled reference: it has no batches
                }
                for (BatchRecord r : settlement.batchesOf(coop.index())) {
                    if (delivered.contains(r.batch().batchId())) {
                        continue;
                    }
                    if (r.batch().closedAtEpochMs() + DELIVERY_WINDOW_MS <= now) {
                        expired++;
                    } else if (queued.add(r.batch().batchId())) {
                        send(new Pending(r));
                        due++;
                    }
                }
            }
            LOG.log(System.Logger.Level.INFO, "event=webhook_started due={0,number,#} past_window={1,number,#}"
                    + " record_pruned={2,number,#} record={3}", due, expired, pruned, delivered.dir());
            return null;
        }).get(60, TimeUnit.SECONDS);
    }

    /** A live batch's files are written: queue its event (settlement thread; never blocks). */
    private void batchFilesWritten(BatchRecord record) {
        if (closed || credentials.webhookUrl(record.batch().coopId()) == null) {
            return;
        }
        try {
            thread.execute(() -> {
                if (!delivered.contains(record.batch().batchId()) && queued.add(record.batch().batchId())) {
                    send(new Pending(record));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the batch is listed, so the next start finds it due; settlement must not fail for it
        }
    }

    /** One event on its way: the batch and the tries that failed so far (webhook thread). */
    private static final class Pending {
        final BatchRecord record;
        int failures;

        Pending(BatchRecord record) {
            this.record = record;
        }
    }

    private void send(Pending p) {
        if (closed) {
            return;
        }
        if (inFlight == IN_FLIGHT_MAX) {
            waiting.add(p);
            return;
        }
        String coop = p.record.batch().coopId();
        DeliveryCredentials c = credentials;
        URI url = c.webhookUrl(coop);
        if (url == null) {
            // the cooperative's webhook was removed by a reload: nothing to send to any more
            queued.remove(p.record.batch().batchId());
            LOG.log(System.Logger.Level.WARNING, "event=webhook_dropped batch_id={0} reason=\"webhook_url removed\"",
                    p.record.batch().batchId());
            return;
        }
        inFlight++;
        byte[] body = BatchReadyEvent.body(p.record);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(TRY_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Lumbung-Webhook/1")
                .header(EVENT_ID_HEADER, p.record.batch().batchId())
                .header(WebhookSignature.HEADER, WebhookSignature.header(c.webhookSecret(coop),
                        clock.millis() / 1000, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        if (http == null) {
            http = HttpClient.newBuilder().executor(httpThreads).connectTimeout(TRY_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        }
        http.sendAsync(request, answer -> HttpResponse.BodySubscribers.replacing(null))
                .whenCompleteAsync((answer, error) -> answered(p, url, answer == null ? -1 : answer.statusCode(), error), thread);
    }

    private void answered(Pending p, URI url, int status, Throwable error) {
        inFlight--;
        String batchId = p.record.batch().batchId();
        if (status >= 200 && status < 300) {
            try {
                delivered.record(batchId, p.record.batch().closedAtEpochMs());
            } catch (RuntimeException e) {
                // delivered but not recorded: the next start sends it again, which at least once allows
                LOG.log(System.Logger.Level.ERROR, "event=webhook_record_failed batch_id={0} error=\"{1}\"", batchId,
                        e.getMessage());
            }
            queued.remove(batchId);
            deliveredCount.increment();
            LOG.log(System.Logger.Level.INFO, "event=webhook_delivered batch_id={0} host={1} status={2,number,#} tries={3,number,#}",
                    batchId, url.getHost(), status, p.failures + 1);
        } else {
            failed(p, status, error);
        }
        while (inFlight < IN_FLIGHT_MAX && !waiting.isEmpty() && !closed) {
            send(waiting.poll());
        }
    }

    private void failed(Pending p, int status, Throwable error) {
        p.failures++;
        String batchId = p.record.batch().batchId();
        String why = error != null ? error.getClass().getSimpleName() + ": " + error.getMessage() : "status " + status;
        long waitMs = retryWaitMs(p.failures);
        if (clock.millis() + waitMs > p.record.batch().closedAtEpochMs() + DELIVERY_WINDOW_MS) {
            queued.remove(batchId);
            failedCount.increment();
            LOG.log(System.Logger.Level.ERROR, "event=webhook_failed batch_id={0} tries={1,number,#} last=\"{2}\""
                    + " reason=\"3 days since the batch closed\"", batchId, p.failures, why);
            return;
        }
        retryingCount.increment();
        LOG.log(System.Logger.Level.WARNING, "event=webhook_retrying batch_id={0} tries={1,number,#} wait_ms={2,number,#}"
                + " last=\"{3}\"", batchId, p.failures, waitMs, why);
        if (!closed) {
            thread.schedule(() -> send(p), waitMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The wait after the {@code failures}-th failed try: first × 2^(failures-1), times a factor
     * drawn from [0.8, 1.2], at most {@link #RETRY_WAIT_MAX_MS}. From 1 s the waits are about 1, 2,
     * 4 ... 512 s; the 11th and later are 10 minutes (1,024 s × 0.8 > 600 s). The first ten sum to
     * about 17 minutes; the 3 days then hold about 430 more tries.
     */
    long retryWaitMs(int failures) {
        // held at twice the cap before the jitter, so that the shift never overflows
        long base = failures > 21 ? RETRY_WAIT_MAX_MS * 2 : Math.min(retryFirstMs << (failures - 1), RETRY_WAIT_MAX_MS * 2);
        double factor = 1 + (jitter.nextDouble() * 2 - 1) * JITTER_FRACTION_MAX;
        return Math.min((long) (base * factor), RETRY_WAIT_MAX_MS);
    }

    /**
     * Puts reloaded credentials in effect at once: the next try of every event uses the URL and
     * secret they give; an event whose cooperative no longer has a URL is dropped at its next try.
     * Batches of a cooperative that gains a URL are sent from its next batch on.
     */
    public void credentials(DeliveryCredentials reloaded) {
        credentials = reloaded;
    }

    /** Stops sending: tries in flight are dropped, and are due again at the next start. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        httpThreads.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
