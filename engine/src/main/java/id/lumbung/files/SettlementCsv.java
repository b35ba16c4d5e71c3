package id.lumbung.files;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.MemberTotals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * The {@code <batchId>.csv} settlement file: header {@code trader_id,payments,gross,fee,net}, one
 * line per member sorted by trader id, then {@code TOTAL,<payments>,<gross>,<fee>,<net>}; UTF-8,
 * every line ending in {@code \n}, plain integers of whole rupiah.
 *
 * <p>Written with commons-csv ({@link #FORMAT}). Trader ids are {@code [A-Za-z0-9-]}, so no field
 * ever needs quoting; {@link #render} checks that rather than quote. {@link #parse} reads a file
 * back for reconciliation, also with commons-csv, and checks every invariant the renderer
 * guarantees, including that the TOTAL line equals the sum of the lines.
 */
public final class SettlementCsv {

    /**
     * The format of every CSV file the engine writes (batch files, payouts, ledger postings, member
     * reports, generated reference files): comma,
     * {@code \n} after every record, the last included, and a field quoted only when it must be
     * (a comma, quote or line break in it, or a leading or trailing space); UTF-8 is the writer's.
     */
    public static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setRecordSeparator('\n')
            .setQuoteMode(QuoteMode.MINIMAL)
            .get();

    /** The first line of every settlement CSV. */
    public static final String HEADER = "trader_id,payments,gross,fee,net";

    /** First field of the last line. */
    public static final String TOTAL = "TOTAL";

    /** A batch has at most one line per trader; bounds what {@link #parse} accepts. */
    public static final int MEMBER_LINES_MAX = 1_000_000;

    private static final int TRADER_ID_CHARS_MAX = 32;
    private static final Pattern TRADER_ID = Pattern.compile("[A-Za-z0-9-]{1," + TRADER_ID_CHARS_MAX + "}");
    /** Size estimate of one line: a 32-character id and four 12-digit numbers would be 85 bytes; most are shorter. */
    private static final int LINE_BYTES = 64;
    private static final Pattern PLAIN_INTEGER = Pattern.compile("0|[1-9][0-9]{0,18}");
    private static final int FIELDS = 5;
    /**
     * How {@link #parse} reads: commons-csv with no quote, escape or comment character and empty
     * lines kept, so that each record is one line and its values are exactly the text between its
     * commas. The renderer never quotes, so a quote in a file is a character the checks refuse.
     */
    private static final CSVFormat READ = CSVFormat.DEFAULT.builder()
            .setQuote(null)
            .setIgnoreEmptyLines(false)
            .get();

    /**
     * The contents of a settlement CSV: member lines in file order and the TOTAL line, which
     * {@link #parse} has checked equals their sum.
     */
    public record Totals(List<MemberTotals> members, long payments, long grossRupiah, long feeRupiah, long netRupiah) {
        public Totals {
            members = List.copyOf(members);
        }
    }

    private SettlementCsv() {
    }

    /** Renders the batch's CSV. Same batch, same bytes. */
    public static byte[] render(Batch batch) {
        StringBuilder text = new StringBuilder(LINE_BYTES * (batch.members().size() + 2));
        try (CSVPrinter out = new CSVPrinter(text, FORMAT)) {
            out.printRecord((Object[]) HEADER.split(","));
            for (MemberTotals member : batch.members()) {
                if (!isTraderId(member.traderId())) {
                    throw new IllegalStateException("trader id '" + member.traderId() + "' in batch " + batch.batchId()
                            + " is not 1..32 characters of [A-Za-z0-9-]");
                }
                printLine(out, member.traderId(), member.payments(), member.grossRupiah(), member.feeRupiah(),
                        member.netRupiah());
            }
            printLine(out, TOTAL, batch.payments(), batch.grossRupiah(), batch.feeRupiah(), batch.netRupiah());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Same as {@link #TRADER_ID} matching, without a Matcher per line. */
    private static boolean isTraderId(String id) {
        int n = id.length();
        if (n < 1 || n > TRADER_ID_CHARS_MAX) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void printLine(CSVPrinter out, String first, long payments, long grossRupiah,
            long feeRupiah, long netRupiah) throws IOException {
        out.printRecord(first, Long.toString(payments), Long.toString(grossRupiah), Long.toString(feeRupiah),
                Long.toString(netRupiah));
    }

    /**
     * Reads a settlement CSV back.
     *
     * @throws IllegalArgumentException naming the line and what is wrong: bad encoding, header,
     *         field count, number, order, {@code net != gross - fee}, or a TOTAL line that differs
     *         from the sum of the member lines
     */
    public static Totals parse(byte[] bytes) {
        List<String[]> lines = splitLines(decode(bytes));
        String header = String.join(",", lines.get(0));
        if (!header.equals(HEADER)) {
            throw new IllegalArgumentException("line 1: expected header '" + HEADER + "', found '" + header + "'");
        }
        if (lines.size() < 3) {
            throw new IllegalArgumentException("line " + (lines.size() + 1) + ": expected member lines then a "
                    + TOTAL + " line, found end of file");
        }
        if (lines.size() - 2 > MEMBER_LINES_MAX) {
            throw new IllegalArgumentException((lines.size() - 2) + " member lines, more than " + MEMBER_LINES_MAX);
        }
        List<MemberTotals> members = new ArrayList<>(lines.size() - 2);
        for (int i = 1; i < lines.size() - 1; i++) {
            members.add(parseMember(i + 1, lines.get(i), members.isEmpty() ? null : members.get(members.size() - 1)));
        }
        int totalLineNumber = lines.size();
        long[] total = parseFields(totalLineNumber, lines.get(lines.size() - 1), true);
        checkTotal(totalLineNumber, total, members);
        return new Totals(members, total[0], total[1], total[2], total[3]);
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8: " + e.getMessage(), e);
        }
    }

    /** The fields of each line, through commons-csv ({@link #READ}): one record per line. */
    private static List<String[]> splitLines(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("line 1: empty file, expected header '" + HEADER + "'");
        }
        if (text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("line " + lineOf(text, text.indexOf('\r'))
                    + ": carriage return; lines must end in \\n only");
        }
        if (text.charAt(text.length() - 1) != '\n') {
            throw new IllegalArgumentException("line " + lineOf(text, text.length() - 1)
                    + ": last line does not end in \\n (truncated file?)");
        }
        List<String[]> lines = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text, READ)) {
            for (CSVRecord record : parser) {
                lines.add(record.values());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String does not throw
        }
        return lines;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static MemberTotals parseMember(int lineNumber, String[] line, MemberTotals previous) {
        // the text before the first comma: a line without one has no trader id
        String traderId = line.length > 1 ? line[0] : "";
        if (!TRADER_ID.matcher(traderId).matches()) {
            throw new IllegalArgumentException("line " + lineNumber + ": trader id '" + traderId
                    + "' is not 1..32 characters of [A-Za-z0-9-]");
        }
        if (previous != null && previous.traderId().compareTo(traderId) >= 0) {
            throw new IllegalArgumentException("line " + lineNumber + ": trader id " + traderId
                    + " is not after " + previous.traderId() + " (lines must be sorted by trader_id, no duplicates)");
        }
        long[] fields = parseFields(lineNumber, line, false);
        return new MemberTotals(traderId, fields[0], fields[1], fields[2], fields[3]);
    }

    /** Parses the four numbers of a line (payments, gross, fee, net) and checks net = gross - fee. */
    private static long[] parseFields(int lineNumber, String[] fields, boolean totalLine) {
        if (fields.length != FIELDS) {
            throw new IllegalArgumentException("line " + lineNumber + ": " + fields.length + " fields, expected "
                    + FIELDS + " (" + HEADER + ")");
        }
        if (totalLine && !fields[0].equals(TOTAL)) {
            throw new IllegalArgumentException("line " + lineNumber + ": last line must start with " + TOTAL
                    + ", found '" + fields[0] + "'");
        }
        String[] names = HEADER.split(",");
        long[] values = new long[FIELDS - 1];
        for (int i = 1; i < FIELDS; i++) {
            values[i - 1] = parseNumber(lineNumber, names[i], fields[i]);
        }
        if (values[3] != values[1] - values[2]) {
            throw new IllegalArgumentException("line " + lineNumber + ": net " + values[3] + " is not gross "
                    + values[1] + " minus fee " + values[2]);
        }
        return values;
    }

    private static long parseNumber(int lineNumber, String name, String text) {
        if (PLAIN_INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException overflow) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("line " + lineNumber + ": " + name + " '" + text
                + "' is not a plain non-negative integer");
    }

    private static void checkTotal(int lineNumber, long[] total, List<MemberTotals> members) {
        long[] sum = new long[FIELDS - 1];
        try {
            for (MemberTotals m : members) {
                sum[0] = Math.addExact(sum[0], m.payments());
                sum[1] = Math.addExact(sum[1], m.grossRupiah());
                sum[2] = Math.addExact(sum[2], m.feeRupiah());
                sum[3] = Math.addExact(sum[3], m.netRupiah());
            }
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("line " + lineNumber + ": the member lines sum beyond a long", overflow);
        }
        String[] names = HEADER.split(",");
        for (int i = 0; i < sum.length; i++) {
            if (total[i] != sum[i]) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + TOTAL + " " + names[i + 1] + " "
                        + total[i] + " differs from the sum of the " + members.size() + " member lines, " + sum[i]);
            }
        }
    }
}
