package id.lumbung.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Builds payment bodies as a terminal sends them. {@code occurredAt} is the send time in
 * Indonesia's western zone (+07:00), refreshed at most once a second; txnIds are unique within a
 * run ({@code <runId>-<n>}, at most 32 of {@code [A-Za-z0-9-]}) and the run id differs between runs
 * against the same journal. One instance per thread.
 */
final class PaymentBodies {
    static final long AMOUNT_RUPIAH = 15_000;
    private static final ZoneOffset WIB = ZoneOffset.ofHours(7);
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final String txnPrefix;
    private long txnNext;
    private long occurredAtSecond = Long.MIN_VALUE;
    private String occurredAt;

    PaymentBodies(String runId, int workerIndex) {
        this.txnPrefix = runId + "-" + workerIndex + "-";
    }

    /** One payment, as POST /v1/payments takes it. */
    byte[] single(String terminalId, long nowMs) {
        StringBuilder sb = new StringBuilder(160);
        appendPayment(sb, terminalId, nowMs);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code items} payments of one terminal, as POST /v1/payments/batch takes them. */
    byte[] batch(String terminalId, int items, long nowMs) {
        StringBuilder sb = new StringBuilder(16 + items * 150).append("{\"payments\":[");
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendPayment(sb, terminalId, nowMs);
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private void appendPayment(StringBuilder sb, String terminalId, long nowMs) {
        sb.append("{\"terminalId\":\"").append(terminalId)
                .append("\",\"txnId\":\"").append(txnPrefix).append(txnNext++)
                .append("\",\"amount\":").append(AMOUNT_RUPIAH)
                .append(",\"currency\":\"IDR\",\"occurredAt\":\"").append(occurredAt(nowMs))
                .append("\",\"method\":\"QRIS\"}");
    }

    private String occurredAt(long nowMs) {
        long second = nowMs / 1000;
        if (second != occurredAtSecond) {
            occurredAtSecond = second;
            occurredAt = ISO_SECONDS.format(OffsetDateTime.ofInstant(Instant.ofEpochSecond(second), WIB)
                    .truncatedTo(ChronoUnit.SECONDS));
        }
        return occurredAt;
    }
}
