package id.lumbung.files;

import id.lumbung.core.payment.PaymentRules;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.MemberTotals;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The {@code <batchId>.camt053.xml} settlement file: an ISO 20022 {@code camt.053.001.09}
 * BankToCustomerStatementV09 for the cooperative's settlement account, with one statement per
 * batch (statement id = batch id), opening ({@code OPBD}) and closing ({@code CLBD}) balances, a
 * transaction summary, and one booked credit entry per member for its net.
 *
 * <p>Deterministic: every date and time comes from {@link Batch#closedAtEpochMs()} in
 * {@code Asia/Jakarta}, there are no generated ids, and the XML is written by the JDK's StAX
 * {@link XMLStreamWriter} (which escapes the text) one element per line, two spaces per level, so
 * re-rendering a batch yields the same bytes. Amounts are whole rupiah written with two decimals
 * ({@code 15000.00}): ISO 4217 gives IDR two minor units.
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
    /** Rendered size estimate: an entry is ~950 characters at its indentation, the header and balances ~1,500. */
    private static final int HEADER_CHARS = 2_048;
    private static final int ENTRY_CHARS = 1_024;
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
     * @throws IllegalArgumentException if the batch is not the coop's, an id does not fit the schema,
     *     or a text holds an unpaired surrogate (it has no UTF-8 encoding)
     * @throws IllegalStateException if a member's net is negative (a bug upstream)
     */
    public static byte[] render(Batch batch, Coop coop, String messageIdPrefix) {
        checkInputs(batch, coop, messageIdPrefix);
        ZonedDateTime closedAt = Instant.ofEpochMilli(batch.closedAtEpochMs()).atZone(ZONE);
        StringBuilder text = new StringBuilder(HEADER_CHARS + ENTRY_CHARS * batch.members().size());
        try {
            IndentedXml doc = new IndentedXml(text, DATE_TIME.format(closedAt), DATE.format(closedAt));
            doc.xml.writeStartDocument("UTF-8", "1.0");
            doc.open("Document", NAMESPACE);
            doc.open("BkToCstmrStmt");
            writeGroupHeader(doc, batch, messageIdPrefix);
            writeStatement(doc, batch, coop);
            doc.close();
            doc.close();
            doc.xml.writeCharacters("\n");
            doc.xml.writeEndDocument();
            doc.xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("camt.053 of batch " + batch.batchId() + " could not be written", e);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8); // no unpaired surrogate: IndentedXml#text checked
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

    private static void writeGroupHeader(IndentedXml doc, Batch batch, String messageIdPrefix) throws XMLStreamException {
        doc.open("GrpHdr");
        doc.leaf("MsgId", messageIdPrefix + batch.batchId());
        doc.leaf("CreDtTm", doc.dateTime);
        doc.close();
    }

    private static void writeStatement(IndentedXml doc, Batch batch, Coop coop) throws XMLStreamException {
        doc.open("Stmt");
        doc.leaf("Id", batch.batchId());
        doc.leaf("CreDtTm", doc.dateTime);
        writeAccount(doc, coop);
        writeBalance(doc, "OPBD", batch.openingBalanceRupiah());
        writeBalance(doc, "CLBD", batch.closingBalanceRupiah());
        writeSummary(doc, batch);
        for (MemberTotals member : batch.members()) {
            writeEntry(doc, member);
        }
        doc.close();
    }

    private static void writeAccount(IndentedXml doc, Coop coop) throws XMLStreamException {
        doc.open("Acct");
        doc.open("Id");
        doc.open("Othr");
        doc.leaf("Id", coop.settlementAccount());
        doc.close();
        doc.close();
        doc.leaf("Ccy", PaymentRules.CURRENCY);
        doc.close();
    }

    private static void writeBalance(IndentedXml doc, String typeCode, long balanceRupiah) throws XMLStreamException {
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

    private static void writeSummary(IndentedXml doc, Batch batch) throws XMLStreamException {
        doc.open("TxsSummry");
        doc.open("TtlNtries");
        doc.leaf("NbOfNtries", Integer.toString(batch.members().size()));
        doc.leaf("Sum", decimal(batch.netRupiah())); // every entry is a credit of a non-negative net
        doc.open("TtlNetNtry");
        doc.leaf("Amt", decimal(batch.netRupiah()));
        doc.leaf("CdtDbtInd", creditDebit(batch.netRupiah()));
        doc.close();
        doc.close();
        doc.close();
    }

    /** One member's booked credit entry for its net, with its payments, gross and fee as remittance text. */
    private static void writeEntry(IndentedXml doc, MemberTotals member) throws XMLStreamException {
        doc.open("Ntry");
        doc.amount("Amt", member.netRupiah());
        doc.leaf("CdtDbtInd", "CRDT");
        doc.open("Sts");
        doc.leaf("Cd", "BOOK");
        doc.close();
        doc.open("BookgDt");
        doc.leaf("Dt", doc.date);
        doc.close();
        writeBankTransactionCode(doc);
        doc.open("NtryDtls");
        doc.open("TxDtls");
        doc.open("Refs");
        doc.leaf("AcctSvcrRef", member.traderId());
        doc.close();
        doc.amount("Amt", member.netRupiah());
        doc.leaf("CdtDbtInd", "CRDT");
        doc.open("RmtInf");
        doc.leaf("Ustrd", "payments=" + member.payments() + " gross=" + member.grossRupiah() + " fee="
                + member.feeRupiah());
        doc.close();
        doc.close();
        doc.close();
        doc.close();
    }

    private static void writeBankTransactionCode(IndentedXml doc) throws XMLStreamException {
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
     * Writes elements one per line, two spaces per level, leaf text inline, through an
     * {@link XMLStreamWriter} of the JDK's own implementation ({@link XMLOutputFactory#newDefaultFactory}:
     * another StAX provider on the class path would write other bytes). Element names are ASCII
     * constants of this class. Depth is bounded: the deepest path, Document / BkToCstmrStmt / Stmt /
     * Ntry / NtryDtls / TxDtls / RmtInf, is 7 open elements.
     */
    private static final class IndentedXml {
        private static final int DEPTH_MAX = 8;
        /** Line break then two spaces per level, by depth. */
        private static final String[] NEW_LINE = new String[DEPTH_MAX + 1];

        static {
            for (int d = 0; d <= DEPTH_MAX; d++) {
                NEW_LINE[d] = "\n" + "  ".repeat(d);
            }
        }

        final XMLStreamWriter xml;
        final String dateTime;
        final String date;
        private int depth;

        IndentedXml(StringBuilder text, String dateTime, String date) throws XMLStreamException {
            this.xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(new TextWriter(text));
            this.dateTime = dateTime;
            this.date = date;
        }

        /** {@code <name} on a new line at the current depth. */
        private void start(String name) throws XMLStreamException {
            xml.writeCharacters(NEW_LINE[depth]);
            xml.writeStartElement(name);
        }

        /** Opens {@code name} with the default namespace declared. */
        void open(String name, String namespace) throws XMLStreamException {
            open(name);
            xml.writeDefaultNamespace(namespace);
        }

        void open(String name) throws XMLStreamException {
            if (depth == DEPTH_MAX) {
                throw new IllegalStateException("camt.053 nesting deeper than " + DEPTH_MAX + " at " + name);
            }
            start(name);
            depth++;
        }

        void close() throws XMLStreamException {
            xml.writeCharacters(NEW_LINE[--depth]);
            xml.writeEndElement();
        }

        void leaf(String name, String value) throws XMLStreamException {
            start(name);
            xml.writeCharacters(text(value));
            xml.writeEndElement();
        }

        /** {@code <name Ccy="IDR">} with whole rupiah as a two-decimal amount. */
        void amount(String name, long rupiah) throws XMLStreamException {
            start(name);
            xml.writeAttribute("Ccy", PaymentRules.CURRENCY);
            xml.writeCharacters(decimal(rupiah));
            xml.writeEndElement();
        }

        /**
         * {@code value}, refused if it holds an unpaired surrogate: it has no UTF-8 encoding, and
         * the writer would pass it on for the encoder to replace silently.
         */
        private static String text(String value) {
            int n = value.length();
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("unpaired surrogate at " + i + " in '" + value + "'");
                }
            }
            return value;
        }
    }

    /**
     * A {@link Writer} into a {@link StringBuilder}, unsynchronized ({@link java.io.StringWriter}
     * locks a {@code StringBuffer} per write); one render on one thread owns it.
     */
    private static final class TextWriter extends Writer {
        private final StringBuilder text;

        TextWriter(StringBuilder text) {
            this.text = text;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            text.append(s, offset, offset + length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
