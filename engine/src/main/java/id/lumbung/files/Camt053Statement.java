package id.lumbung.files;

import id.lumbung.payment.PaymentRules;
import id.lumbung.reference.Coop;
import id.lumbung.settlement.Batch;
import id.lumbung.settlement.MemberTotals;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code <batchId>.camt053.xml} settlement file: an ISO 20022 {@code camt.053.001.09}
 * BankToCustomerStatementV09 for the cooperative's settlement account, with one statement per
 * batch (statement id = batch id), opening ({@code OPBD}) and closing ({@code CLBD}) balances, a
 * transaction summary, and one booked credit entry per member for its net.
 *
 * <p>Deterministic: every date and time comes from {@link Batch#closedAtEpochMs()} in
 * {@code Asia/Jakarta}, there are no generated ids, and the XML is written here byte by byte
 * ({@link FileBytes}: the same bytes the JDK's {@code XMLStreamWriter} wrote before, at a tenth of
 * the CPU), so re-rendering a batch yields the same bytes. Amounts are whole rupiah written with two
 * decimals ({@code 15000.00}): ISO 4217 gives IDR two minor units.
 */
public final class Camt053Statement {

    /** The message's XML namespace. */
    public static final String NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.09";

    /** Time zone of every timestamp in the file: Lumbung's cut-offs are Jakarta local times (+07:00, no DST). */
    public static final ZoneId ZONE = ZoneId.of("Asia/Jakarta");

    /*
     * Bank transaction code PMNT / MCRD / POSP: domain Payments, family Merchant Card Transactions,
     * sub-family Point-of-Sale Payment. Each entry pays a trader (the merchant) the net of the
     * payments its terminals accepted at the point of sale, which is what that family reports from
     * the merchant's side. PMNT / RCDT (received credit transfer) would describe the money's route,
     * not the business, and would hide from the cooperative's accounting that these are POS takings
     * net of MDR fees.
     */
    static final String BANK_TX_DOMAIN = "PMNT";
    static final String BANK_TX_FAMILY = "MCRD";
    static final String BANK_TX_SUB_FAMILY = "POSP";

    private static final int MAX35_TEXT_CHARS = 35;
    private static final int ACCOUNT_ID_CHARS_MAX = 34; // Max34Text
    private static final String ZERO_MINOR_UNITS = ".00"; // IDR has two minor units; amounts are whole rupiah
    private static final String XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    /** Rendered size estimate: an entry is ~950 bytes at its indentation, the header and balances ~1,500. */
    private static final int HEADER_BYTES = 2_048;
    private static final int ENTRY_BYTES = 1_024;
    private static final int ENTRY_PIECES = 7; // six variable fields in an entry
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9-]{1,35}");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);

    private Camt053Statement() {
    }

    /** Renders the batch's statement with message id = batch id. */
    public static byte[] render(Batch batch, Coop coop) {
        return render(batch, coop, "");
    }

    /**
     * Renders the batch's statement.
     *
     * @param messageIdPrefix prepended to the batch id to form {@code GrpHdr/MsgId}; may be empty
     * @throws IllegalArgumentException if the batch is not the coop's, or an id does not fit the schema
     * @throws IllegalStateException if a member's net is negative (a bug upstream)
     */
    public static byte[] render(Batch batch, Coop coop, String messageIdPrefix) {
        checkInputs(batch, coop, messageIdPrefix);
        ZonedDateTime closedAt = Instant.ofEpochMilli(batch.closedAtEpochMs()).atZone(ZONE);
        IndentedXml doc = new IndentedXml(FileBytes.scratch(HEADER_BYTES + ENTRY_BYTES * batch.members().size()),
                DATE_TIME.format(closedAt), DATE.format(closedAt));
        doc.out.ascii(XML_DECLARATION);
        doc.open("Document", NAMESPACE);
        doc.open("BkToCstmrStmt");
        writeGroupHeader(doc, batch, messageIdPrefix);
        writeStatement(doc, batch, coop);
        doc.close();
        doc.close();
        doc.out.ascii('\n');
        return doc.out.toByteArray();
    }

    private static void checkInputs(Batch batch, Coop coop, String messageIdPrefix) {
        if (!batch.coopId().equals(coop.coopId())) {
            throw new IllegalArgumentException("batch " + batch.batchId() + " belongs to coop " + batch.coopId()
                    + ", not " + coop.coopId());
        }
        if (!BATCH_ID.matcher(batch.batchId()).matches()) {
            throw new IllegalArgumentException("batch id '" + batch.batchId() + "' is not 1..35 characters of [A-Za-z0-9-]");
        }
        if (messageIdPrefix.length() + batch.batchId().length() > MAX35_TEXT_CHARS) {
            throw new IllegalArgumentException("message id '" + messageIdPrefix + batch.batchId() + "' is longer than "
                    + MAX35_TEXT_CHARS + " characters");
        }
        String account = coop.settlementAccount();
        if (account == null || account.isBlank() || account.length() > ACCOUNT_ID_CHARS_MAX) {
            throw new IllegalArgumentException("settlement account '" + account + "' of coop " + coop.coopId()
                    + " is not 1.." + ACCOUNT_ID_CHARS_MAX + " characters");
        }
        for (MemberTotals member : batch.members()) {
            if (member.netRupiah() < 0) {
                throw new IllegalStateException("negative net " + member.netRupiah() + " for trader "
                        + member.traderId() + " in batch " + batch.batchId() + ": fees can never exceed gross");
            }
        }
    }

    private static void writeGroupHeader(IndentedXml doc, Batch batch, String messageIdPrefix) {
        doc.open("GrpHdr");
        doc.leaf("MsgId", messageIdPrefix + batch.batchId());
        doc.leaf("CreDtTm", doc.dateTime);
        doc.close();
    }

    private static void writeStatement(IndentedXml doc, Batch batch, Coop coop) {
        doc.open("Stmt");
        doc.leaf("Id", batch.batchId());
        doc.leaf("CreDtTm", doc.dateTime);
        writeAccount(doc, coop);
        writeBalance(doc, "OPBD", batch.openingBalanceRupiah());
        writeBalance(doc, "CLBD", batch.closingBalanceRupiah());
        writeSummary(doc, batch);
        byte[][] entry = entryPieces(doc);
        for (MemberTotals member : batch.members()) {
            writeEntry(doc.out, entry, member);
        }
        doc.close();
    }

    private static void writeAccount(IndentedXml doc, Coop coop) {
        doc.open("Acct");
        doc.open("Id");
        doc.open("Othr");
        doc.leaf("Id", coop.settlementAccount());
        doc.close();
        doc.close();
        doc.leaf("Ccy", PaymentRules.CURRENCY);
        doc.close();
    }

    private static void writeBalance(IndentedXml doc, String typeCode, long balanceRupiah) {
        doc.open("Bal");
        doc.open("Tp");
        doc.open("CdOrPrtry");
        doc.leaf("Cd", typeCode);
        doc.close();
        doc.close();
        doc.amount("Amt", Math.absExact(balanceRupiah));
        doc.leaf("CdtDbtInd", creditDebit(balanceRupiah));
        doc.open("Dt");
        doc.leaf("Dt", doc.date);
        doc.close();
        doc.close();
    }

    private static void writeSummary(IndentedXml doc, Batch batch) {
        doc.open("TxsSummry");
        doc.open("TtlNtries");
        doc.leafStart("NbOfNtries").decimal(batch.members().size());
        doc.leafEnd();
        doc.leafStart("Sum"); // every entry is a credit of a non-negative net
        doc.decimalAmount(batch.netRupiah());
        doc.leafEnd();
        doc.open("TtlNetNtry");
        doc.leafStart("Amt");
        doc.decimalAmount(batch.netRupiah());
        doc.leafEnd();
        doc.leaf("CdtDbtInd", creditDebit(batch.netRupiah()));
        doc.close();
        doc.close();
        doc.close();
    }

    /**
     * One member's {@code <Ntry>} at the current depth, cut into the constant pieces around its six
     * variable fields (net, trader id, net, payments, gross, fee). Rendered once per file, so each
     * member costs seven copies and six numbers instead of ~40 tag writes (rendering 1,000 files of
     * 100 members went from ~0.2 s to ~0.05 s of CPU). The booking date is constant per file.
     */
    private static byte[][] entryPieces(IndentedXml doc) {
        IndentedXml t = doc.template();
        byte[][] pieces = new byte[ENTRY_PIECES][];
        int p = 0;
        t.open("Ntry");
        t.amountStart("Amt");
        pieces[p++] = t.cut(); // then the net
        t.out.ascii(ZERO_MINOR_UNITS);
        t.leafEnd();
        t.leaf("CdtDbtInd", "CRDT");
        t.open("Sts");
        t.leaf("Cd", "BOOK");
        t.close();
        t.open("BookgDt");
        t.leaf("Dt", t.date);
        t.close();
        writeBankTransactionCode(t);
        t.open("NtryDtls");
        t.open("TxDtls");
        t.open("Refs");
        t.leafStart("AcctSvcrRef");
        pieces[p++] = t.cut(); // then the trader id
        t.leafEnd();
        t.close();
        t.amountStart("Amt");
        pieces[p++] = t.cut(); // then the net
        t.out.ascii(ZERO_MINOR_UNITS);
        t.leafEnd();
        t.leaf("CdtDbtInd", "CRDT");
        t.open("RmtInf");
        t.leafStart("Ustrd").ascii("payments=");
        pieces[p++] = t.cut(); // then the payments
        t.out.ascii(" gross=");
        pieces[p++] = t.cut(); // then the gross
        t.out.ascii(" fee=");
        pieces[p++] = t.cut(); // then the fee
        t.leafEnd();
        t.close();
        t.close();
        t.close();
        t.close();
        pieces[p++] = t.cut();
        if (p != ENTRY_PIECES) {
            throw new IllegalStateException(p + " entry pieces, expected " + ENTRY_PIECES);
        }
        return pieces;
    }

    private static void writeEntry(FileBytes out, byte[][] entry, MemberTotals member) {
        out.bytes(entry[0]).decimal(member.netRupiah())
                .bytes(entry[1]).xmlText(member.traderId())
                .bytes(entry[2]).decimal(member.netRupiah())
                .bytes(entry[3]).decimal(member.payments())
                .bytes(entry[4]).decimal(member.grossRupiah())
                .bytes(entry[5]).decimal(member.feeRupiah())
                .bytes(entry[6]);
    }

    private static void writeBankTransactionCode(IndentedXml doc) {
        doc.open("BkTxCd");
        doc.open("Domn");
        doc.leaf("Cd", BANK_TX_DOMAIN);
        doc.open("Fmly");
        doc.leaf("Cd", BANK_TX_FAMILY);
        doc.leaf("SubFmlyCd", BANK_TX_SUB_FAMILY);
        doc.close();
        doc.close();
        doc.close();
    }

    private static String creditDebit(long rupiah) {
        return rupiah >= 0 ? "CRDT" : "DBIT";
    }

    /** Whole rupiah as a decimal with two places: 15000 becomes {@code 15000.00}. */
    static String decimal(long rupiah) {
        return rupiah + ZERO_MINOR_UNITS;
    }

    /**
     * Writes elements one per line, two spaces per level, leaf text inline, element names being
     * ASCII constants of this class. Depth is bounded: the deepest path, Document / BkToCstmrStmt /
     * Stmt / Ntry / NtryDtls / TxDtls / RmtInf, is 7 open elements.
     */
    private static final class IndentedXml {
        private static final int DEPTH_MAX = 8;
        final FileBytes out;
        final String dateTime;
        final String date;
        private final String[] open = new String[DEPTH_MAX];
        private int depth;
        private String leafName;

        IndentedXml(FileBytes out, String dateTime, String date) {
            this.out = out;
            this.dateTime = dateTime;
            this.date = date;
        }

        /** {@code <name} on a new line, left open for attributes. */
        private void start(String name) {
            out.newLine(depth).ascii('<').ascii(name);
        }

        /** Opens {@code name} with the default namespace declared. */
        void open(String name, String namespace) {
            start(name);
            out.ascii(" xmlns=\"").xmlText(namespace).ascii('"');
            push(name);
        }

        void open(String name) {
            start(name);
            push(name);
        }

        private void push(String name) {
            if (depth == DEPTH_MAX) {
                throw new IllegalStateException("camt.053 nesting deeper than " + DEPTH_MAX + " at " + name);
            }
            out.ascii('>');
            open[depth++] = name;
        }

        void close() {
            String name = open[--depth];
            out.newLine(depth).ascii("</").ascii(name).ascii('>');
        }

        void leaf(String name, String text) {
            leafStart(name).xmlText(text);
            leafEnd();
        }

        /** Starts a leaf element and returns the buffer for its (ASCII, escape-free) text; end with {@link #leafEnd}. */
        FileBytes leafStart(String name) {
            start(name);
            leafName = name;
            return out.ascii('>');
        }

        void leafEnd() {
            out.ascii("</").ascii(leafName).ascii('>');
            leafName = null;
        }

        void amount(String name, long rupiah) {
            amountStart(name);
            decimalAmount(rupiah);
            leafEnd();
        }

        /** Starts a leaf amount element, {@code <name Ccy="IDR">}; write the amount, then {@link #leafEnd}. */
        void amountStart(String name) {
            start(name);
            out.ascii(" Ccy=\"").ascii(PaymentRules.CURRENCY).ascii("\">");
            leafName = name;
        }

        /** A writer at this one's depth into a buffer of its own, for {@link #entryPieces}. */
        IndentedXml template() {
            IndentedXml t = new IndentedXml(new FileBytes(ENTRY_BYTES), dateTime, date);
            t.depth = depth;
            return t;
        }

        /** The bytes written since the last cut. */
        byte[] cut() {
            byte[] piece = out.toByteArray();
            out.clear();
            return piece;
        }

        /** Whole rupiah with two decimals, as {@link Camt053Statement#decimal}, written in place. */
        void decimalAmount(long rupiah) {
            out.decimal(rupiah).ascii(ZERO_MINOR_UNITS);
        }
    }
}
