package id.lumbung.ingest;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import java.util.List;

/** The JSON form of a batch, shared by the cooperative listing and the admin close answer. */
public final class BatchJson {
    private BatchJson() {
    }

    /** Appends one batch object. */
    public static void write(StringBuilder sb, BatchRecord record) {
        Batch b = record.batch();
        sb.append("{\"batchId\":\"").append(b.batchId()).append("\",\"coopId\":\"").append(b.coopId())
                .append("\",\"firstSequence\":").append(b.firstSequence()).append(",\"lastSequence\":").append(b.lastSequence())
                .append(",\"closedAt\":\"");
        OffsetTimestamp.appendJakarta(sb, b.closedAtEpochMs());
        sb.append("\",\"payments\":").append(b.payments()).append(",\"gross\":").append(b.grossRupiah())
                .append(",\"fee\":").append(b.feeRupiah()).append(",\"net\":").append(b.netRupiah()).append(",\"files\":[");
        List<FileDigest> files = record.files();
        for (int i = 0; i < files.size(); i++) {
            FileDigest f = files.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":\"").append(f.name()).append("\",\"size\":").append(f.sizeBytes())
                    .append(",\"sha256\":\"").append(f.sha256Hex()).append("\"}");
        }
        sb.append("]}");
    }

}
