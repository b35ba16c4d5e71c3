package id.lumbung.reference;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationBook;
import id.lumbung.core.reference.ReferenceDataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The optional reference file {@code obligations.csv}
 * ({@code obligation_id,coop_id,trader_id,kind,daily_amount,start_date,total}, {@code total} empty
 * when open-ended), for cooperatives that keep obligations in a spreadsheet. At start, rows not
 * yet journaled are journaled as if PUT; a row whose terms differ from the journaled obligation of
 * that id stops the start ({@link #difference}). Every complaint names file, line and column.
 */
public final class ObligationsCsv {
    public static final String FILE = "obligations.csv";
    static final List<String> COLUMNS = List.of("obligation_id", "coop_id", "trader_id", "kind", "daily_amount",
            "start_date", "total");
    /** Rows in one file: a cooperative's limit, and the whole file bounded by the same number. */
    public static final int ROWS_MAX = ObligationBook.OBLIGATIONS_MAX;
    private static final int ECHO_CHARS_MAX = 40;

    /**
     * One row: the obligation and where it was read.
     *
     * @param where the file and line, for example {@code /ref/obligations.csv line 3}
     */
    public record Row(Obligation obligation, String where) {
    }

    private ObligationsCsv() {
    }

    /**
     * Reads {@code dir/obligations.csv}; no rows when the file does not exist.
     *
     * @param coopOfTrader the cooperative of a trader id in the reference data, or null for an unknown trader
     */
    public static List<Row> read(Path dir, Function<String, String> coopOfTrader) throws ReferenceDataException {
        return read(ReferenceSource.directory(dir), coopOfTrader);
    }

    /** Reads {@code obligations.csv} from {@code source}; no rows when the file does not exist. */
    static List<Row> read(ReferenceSource source, Function<String, String> coopOfTrader) throws ReferenceDataException {
        if (!exists(source)) {
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (CsvTable table = CsvTable.open(source, FILE, COLUMNS, List.of())) {
            while (table.next()) {
                if (rows.size() == ROWS_MAX) {
                    throw table.error("more than " + ROWS_MAX + " obligations");
                }
                Obligation o = parse(table, coopOfTrader);
                if (!seen.add(o.coopId() + '/' + o.obligationId())) {
                    throw table.error("duplicate obligation_id " + echo(o.obligationId()) + " in cooperative "
                            + o.coopId());
                }
                rows.add(new Row(o, table.description() + " line " + table.line()));
            }
        }
        return rows;
    }

    private static boolean exists(ReferenceSource source) throws ReferenceDataException {
        try (InputStream in = source.openStream(FILE)) {
            return in != null;
        } catch (IOException e) {
            throw new ReferenceDataException(source.describe(FILE) + ": cannot open: " + e.getMessage(), e);
        }
    }

    private static Obligation parse(CsvTable table, Function<String, String> coopOfTrader)
            throws ReferenceDataException {
        String obligationId = table.field(0);
        if (!Obligation.isId(obligationId, Obligation.OBLIGATION_ID_CHARS_MAX)) {
            throw table.error("obligation_id must be 1 to " + Obligation.OBLIGATION_ID_CHARS_MAX
                    + " characters of A-Z, a-z, 0-9 and '-', found " + echo(obligationId));
        }
        String coopId = table.field(1);
        String traderId = table.field(2);
        String traderCoop = coopOfTrader.apply(traderId);
        if (traderCoop == null) {
            throw table.error("obligation " + obligationId + " has unknown trader_id " + echo(traderId));
        }
        if (!traderCoop.equals(coopId)) {
            throw table.error("obligation " + obligationId + ": trader " + traderId + " is a member of "
                    + traderCoop + ", not of coop_id " + echo(coopId));
        }
        String kind = table.field(3);
        Long daily = amount(table.field(4));
        String start = table.field(5);
        String totalText = table.field(6);
        Long total = totalText.isEmpty() ? null : amount(totalText);
        if (total == null && !totalText.isEmpty()) {
            throw table.error("total must be empty or a whole number of rupiah from 1 to "
                    + Obligation.TOTAL_MAX_RUPIAH + ", found " + echo(totalText));
        }
        if (daily == null) {
            throw table.error("daily_amount must be a whole number of rupiah from 1 to "
                    + Obligation.DAILY_AMOUNT_MAX_RUPIAH + ", found " + echo(table.field(4)));
        }
        Checked<Obligation> checked = Obligation.check(coopId, obligationId, traderId, kind, daily, start, total);
        if (!checked.ok()) {
            throw table.error(column(checked.rejection().field()) + ": " + checked.rejection().detail()
                    + ", found " + echo(valueOf(table, checked.rejection().field())));
        }
        return checked.value();
    }

    /** A plain decimal integer without sign or leading zeros, or null. */
    private static Long amount(String text) {
        if (text.isEmpty() || text.length() > 18 || text.charAt(0) == '0') {
            return null;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String column(String field) {
        return switch (field) {
            case "obligationId" -> "obligation_id";
            case "traderId" -> "trader_id";
            case "dailyAmount" -> "daily_amount";
            case "startDate" -> "start_date";
            default -> field;
        };
    }

    private static String valueOf(CsvTable table, String field) {
        int column = COLUMNS.indexOf(column(field));
        return column < 0 ? "" : table.field(column);
    }

    /**
     * The first term in which a row differs from the journaled obligation of its id, as the start's
     * error names it: {@code obligation <id>: <column> differs (file X, journal Y)}; null when the
     * terms are equal. An end is not a term.
     */
    public static String difference(Obligation file, Obligation journal) {
        if (!file.obligationId().equals(journal.obligationId()) || !file.coopId().equals(journal.coopId())) {
            throw new IllegalArgumentException("comparing obligation " + file.coopId() + "/" + file.obligationId()
                    + " with " + journal.coopId() + "/" + journal.obligationId());
        }
        String[] columns = {"trader_id", "kind", "daily_amount", "start_date", "total"};
        Object[] inFile = terms(file);
        Object[] inJournal = terms(journal);
        for (int i = 0; i < columns.length; i++) {
            if (!Objects.equals(inFile[i], inJournal[i])) {
                return "obligation " + file.obligationId() + ": " + columns[i] + " differs (file " + text(inFile[i])
                        + ", journal " + text(inJournal[i]) + ")";
            }
        }
        return null;
    }

    private static Object[] terms(Obligation o) {
        return new Object[] {o.traderId(), o.kind(), o.dailyAmountRupiah(), o.startDate(), o.totalRupiah()};
    }

    private static String text(Object value) {
        return value == null ? "none" : value.toString();
    }

    private static String echo(String value) {
        if (value.length() <= ECHO_CHARS_MAX) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, ECHO_CHARS_MAX) + "...' (" + value.length() + " characters)";
    }
}
