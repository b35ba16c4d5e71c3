package id.lumbung.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Outcome counts of one worker: accepted payments and every other outcome by key (HTTP status, and
 * the problem {@code code} when there is one; {@code client:<reason>} for failures on this side).
 * Event-loop confined; merged after the run.
 */
final class ResponseCounts {
    private static final String CODE_FIELD = "\"code\":\"";
    private static final String STATUS_FIELD = "\"status\":";

    final Map<String, Long> byOutcome = new TreeMap<>();
    long paymentsAccepted;
    long paymentsOther;

    void add(String outcome, long n) {
        byOutcome.merge(outcome, n, Long::sum);
    }

    /** Counts one answer to POST /v1/payments; returns the payments accepted (0 or 1). */
    int single(int status, String body) {
        if (status == 201) {
            paymentsAccepted++;
            add("201", 1);
            return 1;
        }
        paymentsOther++;
        add(status == 200 ? "200 REPLAYED" : status + " " + code(body, 0), 1);
        return 0;
    }

    /**
     * Counts one answer to POST /v1/payments/batch: every item by its status and code. Returns the
     * payments accepted. The engine's result objects are flat, so a scan for {@code "status":} is exact.
     */
    int batch(int status, String body, int itemsSent) {
        if (status != 200) {
            paymentsOther += itemsSent;
            add("request " + status + " " + code(body, 0), 1);
            return 0;
        }
        int accepted = 0;
        int items = 0;
        int at = body.indexOf(STATUS_FIELD);
        while (at >= 0) {
            items++;
            int from = at + STATUS_FIELD.length();
            int itemStatus = Integer.parseInt(body, from, from + 3, 10);
            if (itemStatus == 201) {
                accepted++;
            } else {
                add("item " + itemStatus + (itemStatus == 200 ? " REPLAYED" : " " + code(body, from)), 1);
            }
            at = body.indexOf(STATUS_FIELD, from);
        }
        if (items != itemsSent) {
            add("client:BATCH_RESULT_COUNT_MISMATCH", 1);
        }
        paymentsAccepted += accepted;
        paymentsOther += items - accepted;
        add("item 201", accepted);
        return accepted;
    }

    private static String code(String body, int from) {
        int at = body.indexOf(CODE_FIELD, from);
        if (at < 0) {
            return "-";
        }
        int start = at + CODE_FIELD.length();
        int end = body.indexOf('"', start);
        return end < 0 ? "-" : body.substring(start, end);
    }

    static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
