package id.lumbung.files;

import id.lumbung.core.obligation.PayoutLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The {@code <batchId>.payouts.csv} file: header {@code trader_id,net,retribusi,angsuran,simpanan_wajib,payout},
 * one line per member of the batch sorted by trader id, then {@code TOTAL,<sums>}; UTF-8, every line
 * ending in {@code \n}, plain integers of whole rupiah. On every line net = retribusi + angsuran +
 * simpanan_wajib + payout ({@link PayoutLine} holds that; the TOTAL line inherits it).
 */
public final class PayoutsCsv {
    public static final String HEADER = "trader_id,net,retribusi,angsuran,simpanan_wajib,payout";
    public static final String TOTAL = "TOTAL";
    /** Trader ids are {@code [A-Za-z0-9-]}: minimal quoting never quotes. */
    private static final CSVFormat FORMAT = SettlementCsv.FORMAT;
    /** Size estimate of one line: a 32-character id and five 12-digit numbers would be 98 bytes; most are shorter. */
    private static final int LINE_CHARS = 64;

    private PayoutsCsv() {
    }

    /** The file name of batch {@code batchId}'s payouts. */
    public static String fileName(String batchId) {
        return batchId + ".payouts.csv";
    }

    /**
     * Renders the payouts of a batch. Same lines, same bytes, whatever their order.
     *
     * @throws IllegalArgumentException when two lines name the same trader
     */
    public static byte[] render(List<PayoutLine> lines) {
        List<PayoutLine> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(PayoutLine::traderId));
        StringBuilder out = new StringBuilder(LINE_CHARS * (sorted.size() + 2));
        long net = 0, retribusi = 0, angsuran = 0, simpananWajib = 0, payout = 0;
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            printer.printRecord((Object[]) HEADER.split(","));
            String previous = null;
            for (PayoutLine l : sorted) {
                if (l.traderId().equals(previous)) {
                    throw new IllegalArgumentException("two payout lines of trader " + previous);
                }
                previous = l.traderId();
                print(printer, l.traderId(), l.netRupiah(), l.retribusiRupiah(), l.angsuranRupiah(),
                        l.simpananWajibRupiah(), l.payoutRupiah());
                net = Math.addExact(net, l.netRupiah());
                retribusi = Math.addExact(retribusi, l.retribusiRupiah());
                angsuran = Math.addExact(angsuran, l.angsuranRupiah());
                simpananWajib = Math.addExact(simpananWajib, l.simpananWajibRupiah());
                payout = Math.addExact(payout, l.payoutRupiah());
            }
            print(printer, TOTAL, net, retribusi, angsuran, simpananWajib, payout);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void print(CSVPrinter printer, String first, long net, long retribusi, long angsuran,
            long simpananWajib, long payout) throws IOException {
        printer.printRecord(first, Long.toString(net), Long.toString(retribusi), Long.toString(angsuran),
                Long.toString(simpananWajib), Long.toString(payout));
    }
}
