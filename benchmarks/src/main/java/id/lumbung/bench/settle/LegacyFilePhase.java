package id.lumbung.bench.settle;

import id.lumbung.files.FileDigest;
import id.lumbung.reference.Coop;
import id.lumbung.reference.ReferenceData;
import id.lumbung.settlement.Batch;
import id.lumbung.settlement.MemberTotals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * Frozen copy of the settlement file phase at commit 62dfab2 ({@code Settlement.publish} and
 * {@code writeFiles}, {@code SettlementCsv.render}, {@code Settlement.postings}): every batch
 * rendered and written on a pool as its own task, the folder created per batch, the ledger
 * postings file written while the pool works. The baseline {@link FilePhaseRun} compares against.
 */
final class LegacyFilePhase {
    private static final Pattern TRADER_ID = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private LegacyFilePhase() {
    }

    /** @return the digests of each batch's files, in batch order */
    static List<List<FileDigest>> publish(ReferenceData reference, Path filesDir, Path ledgerDir, long closeSequence,
            List<Batch> batches, ExecutorService io) {
        List<CompletableFuture<List<FileDigest>>> writes = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            Coop c = reference.coop(b.coopId());
            writes.add(CompletableFuture.supplyAsync(() -> writeFiles(filesDir, b, c), io));
        }
        LegacyAtomicFiles.write(dir(ledgerDir), "close-" + closeSequence + ".postings.csv", postings(batches));
        List<List<FileDigest>> out = new ArrayList<>(batches.size());
        for (CompletableFuture<List<FileDigest>> w : writes) {
            try {
                out.add(w.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        return out;
    }

    private static List<FileDigest> writeFiles(Path filesDir, Batch batch, Coop coop) {
        Path dir = dir(filesDir.resolve(coop.coopId()));
        return LegacyAtomicFiles.writeAll(dir, new String[] {batch.batchId() + ".csv", batch.batchId() + ".camt053.xml"},
                new byte[][] {renderCsv(batch), LegacyCamt053Statement.render(batch, coop)});
    }

    private static Path dir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static byte[] renderCsv(Batch batch) {
        StringBuilder out = new StringBuilder(64 * (batch.members().size() + 2));
        out.append("trader_id,payments,gross,fee,net").append('\n');
        for (MemberTotals member : batch.members()) {
            if (!TRADER_ID.matcher(member.traderId()).matches()) {
                throw new IllegalStateException("trader id '" + member.traderId() + "' in batch " + batch.batchId()
                        + " is not 1..32 characters of [A-Za-z0-9-]");
            }
            appendLine(out, member.traderId(), member.payments(), member.grossRupiah(), member.feeRupiah(),
                    member.netRupiah());
        }
        appendLine(out, "TOTAL", batch.payments(), batch.grossRupiah(), batch.feeRupiah(), batch.netRupiah());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendLine(StringBuilder out, String first, long payments, long grossRupiah,
            long feeRupiah, long netRupiah) {
        out.append(first).append(',').append(payments).append(',').append(grossRupiah).append(',')
                .append(feeRupiah).append(',').append(netRupiah).append('\n');
    }

    static byte[] postings(List<Batch> batches) {
        StringBuilder sb = new StringBuilder(64 + batches.size() * 256).append("batch_id,account,debit,credit\n");
        for (Batch b : batches) {
            sb.append(b.batchId()).append(",clearing,").append(b.grossRupiah()).append(",0\n");
            sb.append(b.batchId()).append(",fee-income,0,").append(b.feeRupiah()).append('\n');
            for (MemberTotals m : b.members()) {
                sb.append(b.batchId()).append(",member:").append(m.traderId()).append(",0,").append(m.netRupiah()).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
