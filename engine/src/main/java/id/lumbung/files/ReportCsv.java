package id.lumbung.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The {@code text/csv} answers of the member statement and the SHU table: the rows the core gives,
 * header first, UTF-8, every line ending in {@code \n}, fields quoted only where RFC 4180 needs it
 * (ids, timestamps and plain integers never do).
 */
public final class ReportCsv {
    private static final CSVFormat FORMAT = SettlementCsv.FORMAT;
    /** Size estimate of one line: an id, a timestamp and eight numbers. */
    private static final int LINE_CHARS = 120;

    private ReportCsv() {
    }

    public static byte[] render(List<String[]> rows) {
        StringBuilder out = new StringBuilder(LINE_CHARS * rows.size());
        try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
            for (String[] row : rows) {
                printer.printRecord((Object[]) row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
