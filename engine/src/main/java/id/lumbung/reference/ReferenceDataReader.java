package id.lumbung.reference;

import id.lumbung.core.digest.Hex;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and checks the three reference CSV files, in dependency order: cooperatives, traders,
 * terminals. The per-row path avoids regex and streams: a million terminals must load in seconds.
 */
final class ReferenceDataReader {
    static final List<String> COOP_COLUMNS = List.of("coop_id", "name", "settlement_account", "token_sha256");
    /** Read by {@link DeliveryCredentials}: where a cooperative's batch-ready webhook goes. */
    static final List<String> COOP_OPTIONAL_COLUMNS = List.of("webhook_url");
    static final List<String> TRADER_COLUMNS = List.of("trader_id", "coop_id", "name", "fee_plan");
    static final List<String> TERMINAL_COLUMNS = List.of("terminal_id", "trader_id", "key_hex", "status");
    static final List<String> TERMINAL_OPTIONAL_COLUMNS = List.of("next_key_hex");

    /*
     * Shortest possible rows, to pre-size tables from file size so that they never rehash:
     * coop: id 1 + name 1 + account 1 + token 64 + 3 commas + newline 1 = 71;
     * trader: 1 + 1 + 1 + 1 + 3 + 1 = 8; terminal: 1 + 1 + key 64 + "ACTIVE" 6 + 3 + 1 = 76.
     */
    private static final int COOP_ROW_BYTES_MIN = 71;
    private static final int TRADER_ROW_BYTES_MIN = 8;
    private static final int TERMINAL_ROW_BYTES_MIN = 76;
    /** Default HashMap load factor; pre-sizing divides by it. */
    private static final float LOAD_FACTOR = 0.75f;
    /** Longest value echoed in a message: enough to recognise it, not a whole runaway field. */
    private static final int ECHO_CHARS_MAX = 40;

    private final ReferenceSource source;
    private final Set<String> knownFeePlans;

    ReferenceDataReader(ReferenceSource source, Set<String> knownFeePlans) {
        this.source = source;
        this.knownFeePlans = knownFeePlans;
    }

    /** Reads all three files; call once. */
    ReferenceData read() throws ReferenceDataException {
        int coopsEstimate = rowsEstimate(ReferenceFiles.COOPS_FILE, COOP_ROW_BYTES_MIN, ReferenceData.COOPS_MAX);
        HashMap<String, Coop> coopsById = presized(coopsEstimate);
        Coop[] coops = readCoops(coopsEstimate, coopsById);
        int tradersEstimate = rowsEstimate(ReferenceFiles.TRADERS_FILE, TRADER_ROW_BYTES_MIN, ReferenceData.TRADERS_MAX);
        HashMap<String, Trader> tradersById = presized(tradersEstimate);
        Trader[] traders = readTraders(tradersEstimate, coopsById, tradersById);
        int terminalsEstimate = rowsEstimate(ReferenceFiles.TERMINALS_FILE, TERMINAL_ROW_BYTES_MIN,
                ReferenceData.TERMINALS_MAX);
        HashMap<String, Terminal> terminalsById = presized(terminalsEstimate);
        Terminal[] terminals = readTerminals(terminalsEstimate, tradersById, terminalsById);
        return new ReferenceData(coops, coopsById, traders, tradersById, terminals, terminalsById,
                new ReferenceData.Rows(coopRows.toArray(), traderRows.toArray(), terminalRows.toArray(), files));
    }

    /** Where each row was read: file description and line, per kind, for messages about a change. */
    private final String[] files = new String[3];
    private final LineList coopRows = new LineList();
    private final LineList traderRows = new LineList();
    private final LineList terminalRows = new LineList();

    /** Line numbers in row order, without boxing (a million terminals). */
    private static final class LineList {
        private int[] lines = new int[16];
        private int size;

        void add(long line) {
            if (size == lines.length) {
                lines = java.util.Arrays.copyOf(lines, size * 2);
            }
            lines[size++] = (int) Math.min(line, Integer.MAX_VALUE);
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(lines, size);
        }
    }

    private CsvTable open(String fileName, List<String> columns, List<String> optionalColumns)
            throws ReferenceDataException {
        return CsvTable.open(source, fileName, columns, optionalColumns);
    }

    private int rowsEstimate(String fileName, int rowBytesMin, int rowsMax) {
        return (int) Math.min(source.sizeBytes(fileName) / rowBytesMin, rowsMax);
    }

    private static <V> HashMap<String, V> presized(int entries) {
        return new HashMap<>((int) (entries / LOAD_FACTOR) + 1);
    }

    // ---- coops.csv

    private Coop[] readCoops(int rowsEstimate, HashMap<String, Coop> byId) throws ReferenceDataException {
        ArrayList<Coop> coops = new ArrayList<>(rowsEstimate);
        try (CsvTable table = open(ReferenceFiles.COOPS_FILE, COOP_COLUMNS, COOP_OPTIONAL_COLUMNS)) {
            files[0] = table.description();
            while (table.next()) {
                coopRows.add(table.line());
                checkCount(table, coops.size(), ReferenceData.COOPS_MAX, "cooperatives");
                Coop coop = parseCoop(table, coops.size());
                if (byId.putIfAbsent(coop.coopId(), coop) != null) {
                    throw table.error("duplicate coop_id " + echo(coop.coopId()));
                }
                coops.add(coop);
            }
            if (coops.isEmpty()) {
                throw table.errorAfterLastRow("no cooperatives");
            }
        }
        return coops.toArray(new Coop[0]);
    }

    private static Coop parseCoop(CsvTable table, int index) throws ReferenceDataException {
        String coopId = checkId(table, table.field(0), "coop_id", ReferenceData.COOP_ID_CHARS_MAX);
        String name = checkName(table, table.field(1));
        String account = table.field(2);
        if (account.isEmpty() || account.length() > ReferenceData.SETTLEMENT_ACCOUNT_CHARS_MAX
                || !isVisibleAscii(account)) {
            throw table.error("settlement_account must be 1 to " + ReferenceData.SETTLEMENT_ACCOUNT_CHARS_MAX
                    + " visible ASCII characters without spaces, found " + echo(account));
        }
        byte[] tokenSha256 = Hex.parseKey(table.field(3));
        if (tokenSha256 == null) {
            throw table.error("token_sha256 must be " + Hex.KEY_HEX_CHARS + " hex characters (SHA-256), found "
                    + table.field(3).length() + " characters");
        }
        return new Coop(index, coopId, name, account, tokenSha256);
    }

    // ---- traders.csv

    private Trader[] readTraders(int rowsEstimate, HashMap<String, Coop> coopsById, HashMap<String, Trader> byId)
            throws ReferenceDataException {
        ArrayList<Trader> traders = new ArrayList<>(rowsEstimate);
        try (CsvTable table = open(ReferenceFiles.TRADERS_FILE, TRADER_COLUMNS, List.of())) {
            files[1] = table.description();
            while (table.next()) {
                traderRows.add(table.line());
                checkCount(table, traders.size(), ReferenceData.TRADERS_MAX, "traders");
                Trader trader = parseTrader(table, traders.size(), coopsById);
                if (byId.putIfAbsent(trader.traderId(), trader) != null) {
                    throw table.error("duplicate trader_id " + echo(trader.traderId()));
                }
                traders.add(trader);
            }
        }
        return traders.toArray(new Trader[0]);
    }

    private Trader parseTrader(CsvTable table, int index, HashMap<String, Coop> coopsById)
            throws ReferenceDataException {
        String traderId = checkId(table, table.field(0), "trader_id", ReferenceData.TRADER_ID_CHARS_MAX);
        Coop coop = coopsById.get(table.field(1));
        if (coop == null) {
            throw table.error("trader " + echo(traderId) + " has unknown coop_id " + echo(table.field(1)));
        }
        String name = checkName(table, table.field(2));
        String feePlan = table.field(3);
        if (!knownFeePlans.contains(feePlan)) {
            throw table.error("unknown fee_plan " + echo(feePlan) + ", known: " + new TreeSet<>(knownFeePlans));
        }
        return new Trader(index, traderId, coop.index(), name, feePlan);
    }

    // ---- terminals.csv

    private Terminal[] readTerminals(int rowsEstimate, HashMap<String, Trader> tradersById,
            HashMap<String, Terminal> byId) throws ReferenceDataException {
        ArrayList<Terminal> terminals = new ArrayList<>(rowsEstimate);
        try (CsvTable table = open(ReferenceFiles.TERMINALS_FILE, TERMINAL_COLUMNS, TERMINAL_OPTIONAL_COLUMNS)) {
            boolean hasNextKeyColumn = table.columnCount() > TERMINAL_COLUMNS.size();
            files[2] = table.description();
            while (table.next()) {
                terminalRows.add(table.line());
                checkCount(table, terminals.size(), ReferenceData.TERMINALS_MAX, "terminals");
                Terminal terminal = parseTerminal(table, terminals.size(), tradersById, hasNextKeyColumn);
                if (byId.putIfAbsent(terminal.terminalId(), terminal) != null) {
                    throw table.error("duplicate terminal_id " + echo(terminal.terminalId()));
                }
                terminals.add(terminal);
            }
        }
        return terminals.toArray(new Terminal[0]);
    }

    private static Terminal parseTerminal(CsvTable table, int index, HashMap<String, Trader> tradersById,
            boolean hasNextKeyColumn) throws ReferenceDataException {
        String terminalId = checkId(table, table.field(0), "terminal_id", ReferenceData.TERMINAL_ID_CHARS_MAX);
        Trader trader = tradersById.get(table.field(1));
        if (trader == null) {
            throw table.error("terminal " + echo(terminalId) + " has unknown trader_id " + echo(table.field(1)));
        }
        byte[] key = parseKey(table, table.field(2), "key_hex");
        boolean blocked = parseBlocked(table, table.field(3));
        byte[] nextKey = null;
        if (hasNextKeyColumn && !table.field(4).isEmpty()) {
            nextKey = parseKey(table, table.field(4), "next_key_hex");
        }
        return new Terminal(index, terminalId, trader.index(), key, nextKey, blocked);
    }

    private static byte[] parseKey(CsvTable table, String hex, String column) throws ReferenceDataException {
        byte[] key = Hex.parseKey(hex);
        if (key == null) {
            // the value is a secret: say what is wrong with it, never echo it
            throw table.error(column + " must be " + Hex.KEY_HEX_CHARS + " hex characters (32 bytes), found "
                    + hex.length() + " characters" + (hex.length() == Hex.KEY_HEX_CHARS ? " with a non-hex one" : ""));
        }
        return key;
    }

    private static boolean parseBlocked(CsvTable table, String status) throws ReferenceDataException {
        if (status.equals("ACTIVE")) {
            return false;
        }
        if (status.equals("BLOCKED")) {
            return true;
        }
        throw table.error("status must be ACTIVE or BLOCKED, found " + echo(status));
    }

    // ---- shared field checks

    private static void checkCount(CsvTable table, int countSoFar, int countMax, String what)
            throws ReferenceDataException {
        if (countSoFar == countMax) {
            throw table.error("more than " + countMax + " " + what);
        }
    }

    private static String checkId(CsvTable table, String id, String column, int charsMax)
            throws ReferenceDataException {
        if (!isId(id, charsMax)) {
            throw table.error(column + " must be 1 to " + charsMax
                    + " characters of A-Z, a-z, 0-9 and '-', found " + echo(id));
        }
        return id;
    }

    private static String checkName(CsvTable table, String name) throws ReferenceDataException {
        if (name.isEmpty() || name.length() > ReferenceData.NAME_CHARS_MAX) {
            throw table.error("name must be 1 to " + ReferenceData.NAME_CHARS_MAX + " characters, found "
                    + name.length());
        }
        return name;
    }

    /** True when {@code id} is 1 to {@code charsMax} characters of {@code [A-Za-z0-9-]}; no regex, it runs per row. */
    static boolean isId(String id, int charsMax) {
        int length = id.length();
        if (length == 0 || length > charsMax) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisibleAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** A value quoted for a message, cut short if long. */
    private static String echo(String value) {
        if (value.length() <= ECHO_CHARS_MAX) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, ECHO_CHARS_MAX) + "...' (" + value.length() + " characters)";
    }
}
