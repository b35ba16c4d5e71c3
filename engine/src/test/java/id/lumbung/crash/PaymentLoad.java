package id.lumbung.crash;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The load a crash test puts on an engine before it kills it, and the check after the restart:
 * single payments, each remembered as sent before it goes out, so that after the restart every
 * acknowledged one can be re-posted with the same bytes and every unanswered one retried.
 */
final class PaymentLoad {
    /** What a client sent. */
    record Sent(String terminalId, String body) {
        /** The same bytes posted again, waiting out the rate limit. */
        HttpResponse<String> resend(Client client) throws Exception {
            return client.postHonouringRateLimit(terminalId, body);
        }
    }

    private PaymentLoad() {
    }

    /**
     * Posts payments of {@code terminal}, txnIds {@code txnPrefix} followed by 0, 1, 2, ..., amounts
     * from 1 to 2,000,000 drawn from {@code r}, until {@code stop} is set or {@code budget} is spent.
     * Each payment goes into {@code sent} (txnId to request) before it is posted, then into
     * {@code acked} (txnId to paymentId) when {@code acknowledges} its status, or else into
     * {@code unanswered} (txnId to the status and body, or the exception).
     */
    static void postSingles(Client client, String terminal, String txnPrefix, Random r, AtomicBoolean stop,
            AtomicInteger budget, IntPredicate acknowledges, Map<String, Sent> sent, Map<String, String> acked,
            Map<String, String> unanswered) {
        for (int i = 0; !stop.get() && budget.decrementAndGet() >= 0; i++) {
            String txnId = txnPrefix + i;
            String body = Client.paymentBody(terminal, txnId, 1 + r.nextInt(2_000_000));
            sent.put(txnId, new Sent(terminal, body));
            try {
                HttpResponse<String> resp = client.post(terminal, body);
                if (acknowledges.test(resp.statusCode())) {
                    acked.put(txnId, Client.field(resp.body(), "paymentId"));
                } else {
                    unanswered.put(txnId, resp.statusCode() + " " + resp.body());
                }
            } catch (Exception e) {
                unanswered.put(txnId, e.toString());
            }
        }
    }

    /**
     * Whether {@code r} is the replay of a payment acknowledged as {@code paymentId}: 200 with
     * {@code Idempotent-Replayed: true} and that paymentId.
     */
    static boolean isReplayOf(HttpResponse<String> r, String paymentId) {
        return r.statusCode() == 200 && "true".equals(r.headers().firstValue("Idempotent-Replayed").orElse(null))
                && paymentId.equals(Client.field(r.body(), "paymentId"));
    }

    /**
     * Runs the checks on {@code threads} threads, waits for each at most {@code timeoutSeconds}, and
     * answers the failures they described (a check answers null when it passed), in the order of the
     * checks.
     */
    static List<String> failures(List<Callable<String>> checks, int threads, long timeoutSeconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> running = new ArrayList<>();
            for (Callable<String> check : checks) {
                running.add(pool.submit(check));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : running) {
                String failure = f.get(timeoutSeconds, TimeUnit.SECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }
}
