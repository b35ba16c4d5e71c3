package id.lumbung.bench.settle;

import id.lumbung.reference.Coop;
import id.lumbung.settlement.Batch;
import id.lumbung.settlement.MemberTotals;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
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
 * Frozen copy of {@code id.lumbung.files.Camt053Statement} at commit 62dfab2, before the file-phase work:
 * the baseline {@link FilePhaseRun} measures the engine against. Not used by the engine.
 *
 * <p>Original documentation:
 *
 * The {@code <batchId>.camt053.xml} settlement file: an ISO 20022 {@code camt.053.001.09}
 * BankToCustomerStatementV09 for the cooperative's settlement account, with one statement per
 * batch (statement id = batch id), opening ({@code OPBD}) and closing ({@code CLBD}) balances, a
 * transaction summary, and one booked credit entry per member for its net.
 *
 * <p>Deterministic: every date and time comes from {@link Batch#closedAtEpochMs()} in
 * {@code Asia/Jakarta}, there are no generated ids, and the indentation is written here rather
 * than left to a library, so re-rendering a batch yields the same bytes. Amounts are whole rupiah
 * written with two decimals ({@code 15000.00}): ISO 4217 gives IDR two minor units.
 */
public final class LegacyCamt053Statement {

    /** The message's XML namespace. */
    public static final String NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.09";

    /** Settlement is in rupiah only. */
    public static final String CURRENCY = "IDR";

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
    private static final int MINOR_UNITS = 2;
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9-]{1,35}");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);

    private LegacyCamt053Statement() {
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 1024 * batch.members().size());
        try {
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out, "UTF-8");
            IndentedXml doc = new IndentedXml(xml);
            xml.writeStartDocument("UTF-8", "1.0");
            doc.open("Document");
            xml.writeDefaultNamespace(NAMESPACE);
            doc.open("BkToCstmrStmt");
            writeGroupHeader(doc, batch, messageIdPrefix);
            writeStatement(doc, batch, coop);
            doc.close();
            doc.close();
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing camt.053 for batch " + batch.batchId() + " to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
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
        doc.leaf("CreDtTm", dateTime(batch));
        doc.close();
    }

    private static void writeStatement(IndentedXml doc, Batch batch, Coop coop) throws XMLStreamException {
        doc.open("Stmt");
        doc.leaf("Id", batch.batchId());
        doc.leaf("CreDtTm", dateTime(batch));
        writeAccount(doc, coop);
        writeBalance(doc, "OPBD", batch.openingBalanceRupiah(), batch);
        writeBalance(doc, "CLBD", batch.closingBalanceRupiah(), batch);
        writeSummary(doc, batch);
        for (MemberTotals member : batch.members()) {
            writeEntry(doc, member, batch);
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
        doc.leaf("Ccy", CURRENCY);
        doc.close();
    }

    private static void writeBalance(IndentedXml doc, String typeCode, long balanceRupiah, Batch batch)
            throws XMLStreamException {
        doc.open("Bal");
        doc.open("Tp");
        doc.open("CdOrPrtry");
        doc.leaf("Cd", typeCode);
        doc.close();
        doc.close();
        doc.amount("Amt", Math.absExact(balanceRupiah));
        doc.leaf("CdtDbtInd", creditDebit(balanceRupiah));
        doc.open("Dt");
        doc.leaf("Dt", date(batch));
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

    private static void writeEntry(IndentedXml doc, MemberTotals member, Batch batch) throws XMLStreamException {
        doc.open("Ntry");
        doc.amount("Amt", member.netRupiah());
        doc.leaf("CdtDbtInd", "CRDT");
        doc.open("Sts");
        doc.leaf("Cd", "BOOK");
        doc.close();
        doc.open("BookgDt");
        doc.leaf("Dt", date(batch));
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
        doc.leaf("Ustrd", "payments=" + member.payments() + " gross=" + member.grossRupiah()
                + " fee=" + member.feeRupiah());
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
        return BigDecimal.valueOf(rupiah).setScale(MINOR_UNITS).toPlainString();
    }

    private static String dateTime(Batch batch) {
        return DATE_TIME.format(closedAt(batch));
    }

    private static String date(Batch batch) {
        return DATE.format(closedAt(batch));
    }

    private static ZonedDateTime closedAt(Batch batch) {
        return Instant.ofEpochMilli(batch.closedAtEpochMs()).atZone(ZONE);
    }

    /** Writes elements one per line, two spaces per level, leaf text inline. */
    private static final class IndentedXml {
        private static final String INDENT = "  ";
        private final XMLStreamWriter xml;
        private int depth;

        IndentedXml(XMLStreamWriter xml) {
            this.xml = xml;
        }

        void open(String name) throws XMLStreamException {
            newLine();
            xml.writeStartElement(name);
            depth++;
        }

        void close() throws XMLStreamException {
            depth--;
            newLine();
            xml.writeEndElement();
        }

        void leaf(String name, String text) throws XMLStreamException {
            newLine();
            xml.writeStartElement(name);
            xml.writeCharacters(text);
            xml.writeEndElement();
        }

        void amount(String name, long rupiah) throws XMLStreamException {
            newLine();
            xml.writeStartElement(name);
            xml.writeAttribute("Ccy", CURRENCY);
            xml.writeCharacters(decimal(rupiah));
            xml.writeEndElement();
        }

        private void newLine() throws XMLStreamException {
            xml.writeCharacters("\n" + INDENT.repeat(depth));
        }
    }
}
