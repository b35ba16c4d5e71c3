package id.lumbung.reference;

import id.lumbung.core.digest.Sha256;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.files.SettlementCsv;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a valid reference data set of any size for load tests and benchmarks. Output is a pure
 * function of the arguments. Ids are derived from indices ({@link #coopId}, {@link #traderId},
 * {@link #terminalId}) and keys and tokens follow {@link DemoCredentials}, so a load generator can
 * sign requests knowing only a terminal's index. The seed chooses fee plans and which trader and
 * cooperative each terminal and trader belongs to. Every terminal is {@code ACTIVE} with no next
 * key, so that load is never answered {@code TERMINAL_BLOCKED}. Demo credentials: never production.
 */
public final class ReferenceDataGenerator {
    /** The fee plans written; the loader must be given a set that contains them. */
    public static final List<String> FEE_PLANS = List.of("UMI", "REG", "GOV");

    /** The engine's one CSV format ({@link SettlementCsv#FORMAT}): a spreadsheet export's, read back by {@link CsvTable}. */
    private static final CSVFormat FORMAT = SettlementCsv.FORMAT;

    /** 64 KiB writes: the 1-million-terminal file (about 100 MB) in about 1,500 writes. */
    private static final int WRITE_BUFFER_CHARS = 64 * 1024;
    /** "T" + 7 digits is 8 characters, the ISO 8583 field 41 size, up to 9,999,999 terminals. */
    private static final int TERMINAL_ID_DIGITS = 7;
    private static final int TRADER_ID_DIGITS = 8;
    private static final int COOP_ID_DIGITS = 6;
    /** Settlement accounts are 14 digits, a typical Indonesian bank account length. */
    private static final int ACCOUNT_DIGITS = 14;

    private ReferenceDataGenerator() {
    }

    /**
     * Writes {@value ReferenceFiles#COOPS_FILE}, {@value ReferenceFiles#TRADERS_FILE} and
     * {@value ReferenceFiles#TERMINALS_FILE} into {@code dir} (created if missing).
     * The first {@code coops} traders go one to each cooperative and the first {@code traders}
     * terminals one to each trader, so that none is empty when the counts allow it.
     */
    public static void write(Path dir, int coops, int traders, int terminals, long seed) throws IOException {
        checkCounts(coops, traders, terminals);
        Files.createDirectories(dir);
        Random random = new Random(seed);
        writeCoops(dir.resolve(ReferenceFiles.COOPS_FILE), coops);
        writeTraders(dir.resolve(ReferenceFiles.TRADERS_FILE), coops, traders, random);
        writeTerminals(dir.resolve(ReferenceFiles.TERMINALS_FILE), traders, terminals, random);
    }

    private static void checkCounts(int coops, int traders, int terminals) {
        if (coops < 1 || coops > ReferenceData.COOPS_MAX) {
            throw new IllegalArgumentException("coops must be 1.." + ReferenceData.COOPS_MAX + ": " + coops);
        }
        if (traders < 0 || traders > ReferenceData.TRADERS_MAX) {
            throw new IllegalArgumentException("traders must be 0.." + ReferenceData.TRADERS_MAX + ": " + traders);
        }
        if (terminals < 0 || terminals > ReferenceData.TERMINALS_MAX || (terminals > 0 && traders == 0)) {
            throw new IllegalArgumentException("terminals must be 0.." + ReferenceData.TERMINALS_MAX
                    + " and need at least one trader: " + terminals);
        }
    }

    /** Id of the cooperative at {@code coopIndex}: {@code KSP000001} for index 0. */
    public static String coopId(int coopIndex) {
        return "KSP" + zeroPadded(coopIndex + 1L, COOP_ID_DIGITS);
    }

    /** Id of the trader at {@code traderIndex}: {@code TR00000001} for index 0. */
    public static String traderId(int traderIndex) {
        return "TR" + zeroPadded(traderIndex + 1L, TRADER_ID_DIGITS);
    }

    /** Id of the terminal at {@code terminalIndex}: {@code T0000001} for index 0. */
    public static String terminalId(int terminalIndex) {
        return "T" + zeroPadded(terminalIndex + 1L, TERMINAL_ID_DIGITS);
    }

    private static void writeCoops(Path file, int coops) throws IOException {
        try (CSVPrinter out = open(file)) {
            out.printRecord(ReferenceDataReader.COOP_COLUMNS);
            for (int i = 0; i < coops; i++) {
                String coopId = coopId(i);
                out.printRecord(coopId, "Koperasi Pasar " + (i + 1), zeroPadded(i + 1L, ACCOUNT_DIGITS),
                        HexFormat.of().formatHex(DemoCredentials.coopTokenSha256(coopId)));
            }
        }
    }

    private static void writeTraders(Path file, int coops, int traders, Random random) throws IOException {
        try (CSVPrinter out = open(file)) {
            out.printRecord(ReferenceDataReader.TRADER_COLUMNS);
            for (int i = 0; i < traders; i++) {
                int coopIndex = i < coops ? i : random.nextInt(coops);
                String feePlan = FEE_PLANS.get(random.nextInt(FEE_PLANS.size()));
                out.printRecord(traderId(i), coopId(coopIndex), "Pedagang " + (i + 1), feePlan);
            }
        }
    }

    private static void writeTerminals(Path file, int traders, int terminals, Random random) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (CSVPrinter out = open(file)) {
            List<String> header = new ArrayList<>(ReferenceDataReader.TERMINAL_COLUMNS);
            header.addAll(ReferenceDataReader.TERMINAL_OPTIONAL_COLUMNS);
            out.printRecord(header);
            for (int i = 0; i < terminals; i++) {
                String terminalId = terminalId(i);
                int traderIndex = i < traders ? i : random.nextInt(traders);
                byte[] key = Sha256.of(digest, DemoCredentials.TERMINAL_KEY_PREFIX + terminalId);
                out.printRecord(terminalId, traderId(traderIndex), HexFormat.of().formatHex(key), "ACTIVE", "");
            }
        }
    }

    /** A UTF-8 file in {@link #FORMAT}. */
    private static CSVPrinter open(Path file) throws IOException {
        return new CSVPrinter(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                StandardCharsets.UTF_8), WRITE_BUFFER_CHARS), FORMAT);
    }

    /** Decimal digits of {@code value}, left-padded with zeros to {@code digits}; no String.format per row. */
    private static String zeroPadded(long value, int digits) {
        String plain = Long.toString(value);
        if (plain.length() >= digits) {
            return plain;
        }
        return "0".repeat(digits - plain.length()) + plain;
    }
}
