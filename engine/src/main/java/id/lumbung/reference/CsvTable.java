package id.lumbung.reference;

import id.lumbung.core.reference.ReferenceDataException;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One reference CSV file read row by row, with the 1-based line number of every row (the header
 * is line 1) so that each complaint names file and line.
 *
 * <p>The format is RFC 4180 (quotes, embedded commas and line breaks) as spreadsheets export it.
 * Nothing is trimmed: a value with stray spaces is rejected by the field's own check rather than
 * silently changed. The exceptions are a UTF-8 byte order mark at the start of the file, which
 * spreadsheet exports add, and a carriage return at the end of a row's last value. Blank lines
 * are skipped: they carry no data, so skipping them loses none.
 */
final class CsvTable implements AutoCloseable {
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false) // blank lines are skipped here, so that line numbers stay exact
            .setIgnoreSurroundingSpaces(false)
            .setTrim(false)
            .get();

    private final ReferenceSource source;
    private final String fileName;
    private final String description;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private int columnCount;
    private CSVRecord current;
    private long currentLine;
    private long previousEndLine;

    private CsvTable(ReferenceSource source, String fileName, CSVParser parser) {
        this.source = source;
        this.fileName = fileName;
        this.description = source.describe(fileName);
        this.parser = parser;
        this.records = parser.iterator();
    }

    /**
     * Opens {@code fileName} from {@code source} and checks the header: it must start with
     * {@code requiredColumns} in that order, optionally followed by the first few of
     * {@code optionalColumns}, and nothing else.
     */
    static CsvTable open(ReferenceSource source, String fileName, List<String> requiredColumns,
            List<String> optionalColumns) throws ReferenceDataException {
        Reader reader = source.open(fileName);
        CsvTable table;
        try {
            table = new CsvTable(source, fileName, FORMAT.parse(skipByteOrderMark(reader)));
        } catch (IOException e) {
            closeQuietly(reader, e);
            throw readFailure(source, fileName, 1, e);
        }
        try {
            table.checkHeader(requiredColumns, optionalColumns);
            return table;
        } catch (ReferenceDataException e) {
            table.close();
            throw e;
        }
    }

    private static Reader skipByteOrderMark(Reader reader) throws IOException {
        PushbackReader pushback = new PushbackReader(reader, 1);
        int first = pushback.read();
        if (first != -1 && first != BYTE_ORDER_MARK) {
            pushback.unread(first);
        }
        return pushback;
    }

    private void checkHeader(List<String> requiredColumns, List<String> optionalColumns)
            throws ReferenceDataException {
        if (!next()) {
            throw errorAtLine(1, "empty file, expected header " + String.join(",", requiredColumns));
        }
        List<String> expected = new ArrayList<>(requiredColumns);
        expected.addAll(optionalColumns);
        int found = current.size();
        for (int column = 0; column < Math.min(found, expected.size()); column++) {
            String name = field(column);
            if (!name.equals(expected.get(column))) {
                throw error("header column " + (column + 1) + " is '" + name + "', expected '"
                        + expected.get(column) + "'");
            }
        }
        if (found < requiredColumns.size()) {
            throw error("missing header column '" + requiredColumns.get(found) + "'");
        }
        if (found > expected.size()) {
            throw error("extra header column '" + field(expected.size()) + "'");
        }
        columnCount = found;
    }

    /** Number of columns named in the header. */
    int columnCount() {
        return columnCount;
    }

    /**
     * Advances to the next non-blank row and checks it has one value per header column.
     *
     * @return false at the end of the file
     */
    boolean next() throws ReferenceDataException {
        do {
            if (!advance()) {
                return false;
            }
        } while (isBlankLine());
        if (columnCount != 0 && current.size() != columnCount) {
            throw error("expected " + columnCount + " values, found " + current.size());
        }
        return true;
    }

    private boolean advance() throws ReferenceDataException {
        try {
            if (!records.hasNext()) {
                return false;
            }
            current = records.next();
        } catch (UncheckedIOException e) {
            throw readFailure(source, fileName, previousEndLine + 1, e.getCause());
        } catch (IllegalStateException e) {
            throw errorAtLine(previousEndLine + 1, "cannot parse: " + e.getMessage());
        }
        currentLine = previousEndLine + 1;
        previousEndLine = parser.getCurrentLineNumber();
        return true;
    }

    private boolean isBlankLine() {
        return current.size() == 1 && current.get(0).isEmpty();
    }

    /** The value in {@code column} (0-based) of the current row, without a trailing carriage return. */
    String field(int column) {
        String value = current.get(column);
        if (column == current.size() - 1 && value.endsWith("\r")) {
            return value.substring(0, value.length() - 1);
        }
        return value;
    }

    /** The 1-based line of the current row. */
    long line() {
        return currentLine;
    }

    /** The file as messages name it, for example {@code /etc/lumbung/ref/traders.csv}. */
    String description() {
        return description;
    }

    /** A complaint about the current row, naming file and line. */
    ReferenceDataException error(String what) {
        return errorAtLine(currentLine, what);
    }

    /** A complaint about the file as a whole, placed on the line after its last row. */
    ReferenceDataException errorAfterLastRow(String what) {
        return errorAtLine(previousEndLine + 1, what);
    }

    private ReferenceDataException errorAtLine(long line, String what) {
        return new ReferenceDataException(description + " line " + line + ": " + what);
    }

    /**
     * A read that failed at or after {@code line}. Malformed quoting is reported by the parser at
     * the row it was reading. Invalid UTF-8 surfaces when the decoder fills its buffer, possibly
     * many lines ahead of the parser, so the file is scanned again for the exact line.
     */
    private static ReferenceDataException readFailure(ReferenceSource source, String fileName, long line,
            IOException e) {
        String description = source.describe(fileName);
        if (isDecodingFailure(e)) {
            long badLine = source.lineOfFirstInvalidUtf8(fileName);
            return new ReferenceDataException(description + " line " + badLine + ": not valid UTF-8", e);
        }
        return new ReferenceDataException(description + " line " + line + ": cannot parse: " + e.getMessage(), e);
    }

    private static boolean isDecodingFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            // not expected for a file opened for reading; if it happens, the caller should know
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(Reader reader, IOException cause) {
        try {
            reader.close();
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
