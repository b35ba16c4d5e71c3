package id.lumbung.crash;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.reference.ReferenceFiles;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settlement checked payment by payment after a crash, on the bundled demo data: every
 * acknowledged paymentId is SETTLED, its status names one listed batch, and each listed batch
 * holds exactly the acknowledged payments whose status names it: per batch and per trader (the
 * batch CSV's lines), their count and gross are the batch's. So no acknowledged payment is settled
 * twice, in two batches, or not at all, and no batch settles a payment nobody acknowledged; totals
 * alone would let a payment settled twice hide behind one settled nowhere.
 */
final class SettledOnce {
    /** Status lookups in parallel: each terminal's bucket is 1,000 requests/s, and 429s are retried. */
    private static final int LOOKUP_THREADS = 8;
    private static final int RATE_LIMIT_RETRIES_MAX = 100;

    /** An acknowledged payment: who posted it, its amount, and the paymentId it was answered with. */
    record Paid(String terminalId, long amount, String paymentId) {
    }

    private SettledOnce() {
    }

    /**
     * Asserts the above for {@code paid} against the listing of every demo cooperative and the batch
     * CSVs under {@code data/files}; {@code listed} is batchId to listed batch (each listed once).
     */
    static void assertEveryPaymentSettledOnce(Client client, Path data, Map<String, JsonObject> listed, List<Paid> paid)
            throws Exception {
        Map<String, Paid> byPaymentId = new HashMap<>();
        for (Paid p : paid) {
            Paid other = byPaymentId.put(p.paymentId(), p);
            assertThat(other).as("paymentId %s acknowledged twice: %s and %s", p.paymentId(), other, p).isNull();
        }
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        Map<String, String> batchOf = batchOfEachPayment(client, paid);
        // batchId -> traderId -> {payments, gross}, from the payments' own statuses
        Map<String, Map<String, long[]>> expected = new HashMap<>();
        for (Paid p : paid) {
            String batchId = batchOf.get(p.paymentId());
            assertThat(listed).as("batch %s of %s is listed", batchId, p.paymentId()).containsKey(batchId);
            String traderId = reference.trader(reference.terminal(p.terminalId()).traderIndex()).traderId();
            long[] t = expected.computeIfAbsent(batchId, k -> new TreeMap<>()).computeIfAbsent(traderId, k -> new long[2]);
            t[0]++;
            t[1] += p.amount();
        }
        long listedPayments = 0;
        for (JsonObject b : listed.values()) {
            String batchId = b.getString("batchId");
            Map<String, long[]> traders = expected.getOrDefault(batchId, Map.of());
            assertThat(b.getLong("payments")).as("payments of %s", batchId)
                    .isEqualTo(traders.values().stream().mapToLong(t -> t[0]).sum());
            assertThat(b.getLong("gross")).as("gross of %s", batchId)
                    .isEqualTo(traders.values().stream().mapToLong(t -> t[1]).sum());
            assertThat(b.getLong("fee") + b.getLong("net")).as("fee + net of %s", batchId).isEqualTo(b.getLong("gross"));
            assertThat(csvLines(data, b)).as("trader lines of %s.csv", batchId).isEqualTo(asLines(traders));
            listedPayments += b.getLong("payments");
        }
        assertThat(listedPayments).as("payments in all listed batches").isEqualTo(paid.size());
    }

    /** paymentId -> the batchId its status names; every status is 200 SETTLED with a batchId. */
    private static Map<String, String> batchOfEachPayment(Client client, List<Paid> paid) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LOOKUP_THREADS);
        try {
            List<Future<String>> lookups = new ArrayList<>();
            for (Paid p : paid) {
                lookups.add(pool.submit(() -> {
                    HttpResponse<String> r = client.status(p.terminalId(), p.paymentId());
                    for (int i = 0; i < RATE_LIMIT_RETRIES_MAX && r.statusCode() == 429; i++) {
                        Thread.sleep(20 + 10L * i);
                        r = client.status(p.terminalId(), p.paymentId());
                    }
                    assertThat(r.statusCode()).as("status of %s: %s", p.paymentId(), r.body()).isEqualTo(200);
                    JsonObject s = new JsonObject(r.body());
                    assertThat(s.getString("status")).as("status of %s", p.paymentId()).isEqualTo("SETTLED");
                    assertThat(s.getString("batchId")).as("batchId of %s", p.paymentId()).isNotNull();
                    return s.getString("batchId");
                }));
            }
            Map<String, String> out = new HashMap<>();
            for (int i = 0; i < paid.size(); i++) {
                out.put(paid.get(i).paymentId(), lookups.get(i).get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The member lines of a batch's CSV, {@code trader_id,payments,gross}, without header, fee, net and TOTAL. */
    private static List<String> csvLines(Path data, JsonObject batch) throws Exception {
        Path csv = data.resolve("files").resolve(batch.getString("coopId")).resolve(batch.getString("batchId") + ".csv");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (!line.startsWith("trader_id,") && !line.startsWith("TOTAL,")) {
                String[] cells = line.split(",");
                out.add(cells[0] + "," + cells[1] + "," + cells[2]);
            }
        }
        return out;
    }

    private static List<String> asLines(Map<String, long[]> traders) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(traders).forEach((trader, t) -> out.add(trader + "," + t[0] + "," + t[1]));
        return out;
    }
}
