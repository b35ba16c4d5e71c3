package id.lumbung.delivery.webhook;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The body of a {@code settlement.batch.ready} event: {@code {"type","coopId","batchId","closedAt",
 * "payments","gross","fee","net","files":[{"name","size","sha256"}]}}, the values as the
 * cooperative API lists them. A pure function of the batch: every try sends the same bytes.
 */
public final class BatchReadyEvent {
    public static final String TYPE = "settlement.batch.ready";
    /** closedAt as the cooperative API writes it: Jakarta time (UTC+07:00, no daylight saving), milliseconds. */
    private static final DateTimeFormatter CLOSED_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx")
            .withZone(ZoneOffset.ofHours(7));

    private BatchReadyEvent() {
    }

    /** The UTF-8 JSON body for {@code record}. Ids are {@code [A-Za-z0-9-.]} and need no escaping. */
    public static byte[] body(BatchRecord record) {
        Batch b = record.batch();
        StringBuilder sb = new StringBuilder(384).append("{\"type\":\"").append(TYPE).append("\",\"coopId\":\"")
                .append(b.coopId()).append("\",\"batchId\":\"").append(b.batchId()).append("\",\"closedAt\":\"")
                .append(CLOSED_AT.format(Instant.ofEpochMilli(b.closedAtEpochMs()))).append("\",\"payments\":")
                .append(b.payments()).append(",\"gross\":").append(b.grossRupiah()).append(",\"fee\":").append(b.feeRupiah())
                .append(",\"net\":").append(b.netRupiah()).append(",\"files\":[");
        List<FileDigest> files = record.files();
        for (int i = 0; i < files.size(); i++) {
            FileDigest f = files.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":\"").append(f.name()).append("\",\"size\":").append(f.sizeBytes()).append(",\"sha256\":\"")
                    .append(f.sha256Hex()).append("\"}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
