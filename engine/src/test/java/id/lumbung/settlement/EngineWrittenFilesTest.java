package id.lumbung.settlement;

import id.lumbung.TestEngine;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.files.OfficialSchema;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.reference.ReferenceFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files a running engine wrote for two consecutive closes, read back as a cooperative and an
 * auditor would: every camt.053 file on disk is valid against the official schema
 * ({@code ../shared/schemas/}), the balances chain from batch to batch, each CSV adds up and lists
 * its members in trader id order, and each close's ledger postings balance per batch. The other
 * cooperative sits at the reference data's limits (a 34-character settlement account, a
 * 32-character trader id) so that its statements test them against the schema.
 */
class EngineWrittenFilesTest {
    private static final String COOP = "KSP-UJI";
    private static final String OTHER_COOP = "KSP-LAIN";
    private static final String CAMT_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.09";
    /**
     * Members of {@link #COOP} in the order traders.csv lists them, which is not their id order
     * ({@code UJI-1 < UJI-10 < UJI-9 < uji-kecil} by code point): a file that followed the
     * reference data, or sorted numerically or ignoring case, would come out in another order.
     */
    private static final List<String> TRADERS_IN_FILE_ORDER = List.of("UJI-9", "uji-kecil", "UJI-10", "UJI-1");
    /** {@link ReferenceData#TRADER_ID_CHARS_MAX} characters. */
    private static final String LONGEST_TRADER = "LAIN-LOS-NOMOR-DUA-PULUH-DELAPAN";
    /** {@link ReferenceData#SETTLEMENT_ACCOUNT_CHARS_MAX} characters. */
    private static final String LONGEST_ACCOUNT = "ID44BANK0001234567890123456789012X";
    private static final Map<String, String> TERMINAL_OF_TRADER = Map.of(
            "UJI-9", "TU09", "uji-kecil", "TUK1", "UJI-10", "TU10", "UJI-1", "TU01", "LAIN-1", "TL01",
            LONGEST_TRADER, "TL32");

    private static Path writeReference(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ReferenceFiles.COOPS_FILE), "coop_id,name,settlement_account,token_sha256\n"
                + COOP + ",Koperasi Pasar Uji,1110001112223," + tokenSha256(COOP) + "\n"
                + OTHER_COOP + ",Koperasi Pasar Lain," + LONGEST_ACCOUNT + "," + tokenSha256(OTHER_COOP) + "\n");
        Files.writeString(dir.resolve(ReferenceFiles.TRADERS_FILE), "trader_id,coop_id,name,fee_plan\n"
                + "UJI-9,KSP-UJI,Warung Sembilan,REG\n"
                + "LAIN-1,KSP-LAIN,Toko Lain,REG\n"
                + "uji-kecil,KSP-UJI,Kios Kecil,REG\n"
                + "UJI-10,KSP-UJI,Los Sepuluh,UMI\n"
                + "UJI-1,KSP-UJI,UPT Pasar Uji,GOV\n"
                + LONGEST_TRADER + ",KSP-LAIN,Los Dua Puluh Delapan,UMI\n");
        StringBuilder terminals = new StringBuilder("terminal_id,trader_id,key_hex,status\n");
        TERMINAL_OF_TRADER.forEach((trader, terminal) -> terminals.append(terminal).append(',').append(trader).append(',')
                .append(DemoCredentials.toLowerHex(DemoCredentials.terminalKey(terminal))).append(",ACTIVE\n"));
        Files.writeString(dir.resolve(ReferenceFiles.TERMINALS_FILE), terminals.toString());
        return dir;
    }

    private static String tokenSha256(String coopId) {
        return DemoCredentials.toLowerHex(DemoCredentials.coopTokenSha256(coopId));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void twoClosesChainBalancesAddUpSortMembersAndBalanceTheirPostings(@TempDir Path tmp) throws Exception {
        ReferenceData reference = ReferenceFiles.load(writeReference(tmp.resolve("reference")),
                FeeSchedule.defaults().toConfig().keySet());
        assertThat(traderIdsInIndexOrder(reference)).isEqualTo(TRADERS_IN_FILE_ORDER)
                .isNotEqualTo(TRADERS_IN_FILE_ORDER.stream().sorted().toList());
        Path data = tmp.resolve("data");

        Window first = new Window("w1");
        Window second = new Window("w2");
        JsonArray firstClose;
        JsonArray secondClose;
        long accountBalance;
        try (TestEngine t = new TestEngine(data, Map.of(), reference, Clock.systemUTC())) {
            first.pay(t, "UJI-9", 15_000);
            first.pay(t, "UJI-10", 600_000);
            first.pay(t, "uji-kecil", 7_143);
            first.pay(t, "UJI-1", 2_000_000);
            first.pay(t, "UJI-9", 500);
            first.pay(t, "LAIN-1", 20_000);
            first.pay(t, LONGEST_TRADER, 650_000);
            firstClose = close(t);
            second.pay(t, "uji-kecil", 12_500);
            second.pay(t, "UJI-10", 1_000);
            second.pay(t, "LAIN-1", 3_000);
            second.pay(t, "UJI-10", 750_000);
            secondClose = close(t);
            accountBalance = new JsonObject(t.get("/v1/coops/" + COOP + "/accounts",
                    "Bearer " + DemoCredentials.coopToken(COOP)).body()).getLong("balance");
        }
        assertThat(firstClose).hasSize(2);
        assertThat(secondClose).hasSize(2);

        // every statement the engine wrote, as written, against the official schema
        List<Path> statements;
        try (java.util.stream.Stream<Path> files = Files.walk(data.resolve("files"))) {
            statements = files.filter(p -> p.getFileName().toString().endsWith(".camt053.xml")).sorted().toList();
        }
        assertThat(statements).hasSize(4);
        for (Path statement : statements) {
            try {
                OfficialSchema.validateCamt053(Files.readAllBytes(statement));
            } catch (org.xml.sax.SAXException e) {
                throw new AssertionError(statement + " is not valid camt.053.001.09: " + e.getMessage(), e);
            }
        }
        String otherFirst = Files.readString(data.resolve("files").resolve(OTHER_COOP)
                .resolve(batchIdOf(firstClose, OTHER_COOP) + ".camt053.xml"));
        assertThat(otherFirst).contains("<Id>" + LONGEST_ACCOUNT + "</Id>", "<AcctSvcrRef>" + LONGEST_TRADER + "</AcctSvcrRef>");

        // CSV: what was paid, sorted by trader id, TOTAL = sum of lines
        Path coopFiles = data.resolve("files").resolve(COOP);
        String firstBatch = batchIdOf(firstClose, COOP);
        String secondBatch = batchIdOf(secondClose, COOP);
        Csv firstCsv = Csv.read(coopFiles.resolve(firstBatch + ".csv"));
        Csv secondCsv = Csv.read(coopFiles.resolve(secondBatch + ".csv"));
        first.assertMatches(firstCsv);
        second.assertMatches(secondCsv);
        assertThat(firstCsv.lines.keySet()).containsExactly("UJI-1", "UJI-10", "UJI-9", "uji-kecil");
        assertThat(secondCsv.lines.keySet()).containsExactly("UJI-10", "uji-kecil");

        // camt.053: first opens at 0, each closes at opening + its entries, the second opens where the first closed
        Statement firstCamt = Statement.read(coopFiles.resolve(firstBatch + ".camt053.xml"));
        Statement secondCamt = Statement.read(coopFiles.resolve(secondBatch + ".camt053.xml"));
        assertThat(firstCamt.id).isEqualTo(firstBatch);
        assertThat(secondCamt.id).isEqualTo(secondBatch);
        assertThat(firstCamt.opening).isEqualTo("0.00");
        assertThat(secondCamt.opening).isEqualTo(firstCamt.closing);
        for (Statement s : List.of(firstCamt, secondCamt)) {
            assertThat(s.closing).isEqualTo(rupiah(s.opening).add(s.entriesSum()).setScale(2).toPlainString());
        }
        assertThat(firstCamt.entries).isEqualTo(firstCsv.netsWithTwoDecimals());
        assertThat(secondCamt.entries).isEqualTo(secondCsv.netsWithTwoDecimals());
        assertThat(rupiah(secondCamt.closing)).isEqualTo(
                BigDecimal.valueOf(firstCsv.total[3] + secondCsv.total[3]).setScale(2));
        assertThat(rupiah(secondCamt.closing)).isEqualTo(BigDecimal.valueOf(accountBalance).setScale(2));

        // ledger postings of each close: per batch, clearing debit = fee income credit + member credits
        for (JsonArray close : List.of(firstClose, secondClose)) {
            long closeSequence = close.getJsonObject(0).getLong("lastSequence");
            Map<String, Postings> postings = Postings.read(data.resolve("ledger").resolve("close-" + closeSequence
                    + ".postings.csv"));
            assertThat(postings.keySet()).containsExactlyInAnyOrder(batchIdOf(close, COOP), batchIdOf(close, OTHER_COOP));
            for (Map.Entry<String, Postings> e : postings.entrySet()) {
                Postings p = e.getValue();
                assertThat(p.clearingDebit).as("clearing debit of %s", e.getKey())
                        .isEqualTo(p.feeIncomeCredit + p.memberCredits.values().stream().mapToLong(Long::longValue).sum());
                String coop = e.getKey().startsWith(COOP + "-") ? COOP : OTHER_COOP;
                Csv csv = Csv.read(data.resolve("files").resolve(coop).resolve(e.getKey() + ".csv"));
                assertThat(p.clearingDebit).isEqualTo(csv.total[1]);
                assertThat(p.feeIncomeCredit).isEqualTo(csv.total[2]);
                Map<String, Long> nets = new LinkedHashMap<>();
                csv.lines.forEach((trader, line) -> nets.put(trader, line[3]));
                assertThat(p.memberCredits).containsExactlyEntriesOf(nets);
            }
        }
    }

    private static List<String> traderIdsInIndexOrder(ReferenceData reference) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < reference.traderCount(); i++) {
            if (reference.trader(i).coopIndex() == reference.coop(COOP).index()) {
                ids.add(reference.trader(i).traderId());
            }
        }
        return ids;
    }

    private static JsonArray close(TestEngine t) throws Exception {
        HttpResponse<String> r = t.ops("POST", "/admin/v1/settlements/close", null, TestEngine.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("batches");
    }

    private static String batchIdOf(JsonArray batches, String coopId) {
        for (int i = 0; i < batches.size(); i++) {
            if (batches.getJsonObject(i).getString("coopId").equals(coopId)) {
                return batches.getJsonObject(i).getString("batchId");
            }
        }
        throw new AssertionError("no batch of " + coopId + " in " + batches.encode());
    }

    private static BigDecimal rupiah(String amount) {
        assertThat(amount).matches("(0|[1-9][0-9]*)\\.[0-9]{2}");
        return new BigDecimal(amount);
    }

    /** What the test paid in one window: per trader, payments and gross. */
    private static final class Window {
        private final Map<String, long[]> byTrader = new TreeMap<>();
        private final String name;
        private int txns;

        Window(String name) {
            this.name = name;
        }

        void pay(TestEngine t, String traderId, long amountRupiah) throws Exception {
            String terminal = TERMINAL_OF_TRADER.get(traderId);
            String txn = name + "-" + (++txns);
            HttpResponse<String> r = t.post(terminal, TestEngine.payment(terminal, txn, Long.toString(amountRupiah)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            long[] totals = byTrader.computeIfAbsent(traderId, k -> new long[2]);
            totals[0]++;
            totals[1] += amountRupiah;
        }

        /** The CSV holds exactly this window's payments to {@link #COOP}'s members, each line and TOTAL adding up. */
        void assertMatches(Csv csv) {
            long payments = 0, gross = 0, fee = 0, net = 0;
            Map<String, long[]> expected = new TreeMap<>(byTrader);
            expected.keySet().retainAll(TRADERS_IN_FILE_ORDER);
            assertThat(csv.lines.keySet()).containsExactlyElementsOf(expected.keySet());
            for (Map.Entry<String, long[]> line : csv.lines.entrySet()) {
                long[] v = line.getValue();
                assertThat(v[0]).as("payments of %s", line.getKey()).isEqualTo(expected.get(line.getKey())[0]);
                assertThat(v[1]).as("gross of %s", line.getKey()).isEqualTo(expected.get(line.getKey())[1]);
                assertThat(v[2]).as("fee of %s", line.getKey()).isBetween(0L, v[1]);
                assertThat(v[3]).as("net of %s", line.getKey()).isEqualTo(v[1] - v[2]);
                payments += v[0];
                gross += v[1];
                fee += v[2];
                net += v[3];
            }
            assertThat(csv.total).containsExactly(payments, gross, fee, net);
        }
    }

    /** A settlement CSV read with no help from the engine's own parser. */
    private static final class Csv {
        /** Member lines in file order: payments, gross, fee, net. */
        final Map<String, long[]> lines = new LinkedHashMap<>();
        long[] total;

        static Csv read(Path file) throws Exception {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n").doesNotContain("\r");
            Iterator<String> it = List.of(text.split("\n")).iterator();
            assertThat(it.next()).isEqualTo("trader_id,payments,gross,fee,net");
            Csv csv = new Csv();
            String previous = null;
            while (it.hasNext()) {
                String[] f = it.next().split(",", -1);
                assertThat(f).hasSize(5);
                long[] v = {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
                if (f[0].equals("TOTAL")) {
                    assertThat(it.hasNext()).as("TOTAL is the last line of %s", file).isFalse();
                    csv.total = v;
                } else {
                    if (previous != null) {
                        assertThat(f[0].compareTo(previous)).as("%s after %s in %s", f[0], previous, file).isPositive();
                    }
                    previous = f[0];
                    csv.lines.put(f[0], v);
                }
            }
            assertThat(csv.total).as("TOTAL line of %s", file).isNotNull();
            return csv;
        }

        /** Trader id to net as the camt.053 entries write it. */
        List<String> netsWithTwoDecimals() {
            List<String> out = new ArrayList<>();
            lines.forEach((trader, v) -> out.add(trader + "=" + v[3] + ".00"));
            return out;
        }
    }

    /** The parts of a camt.053 statement the balance chain is about. */
    private record Statement(String id, String opening, String closing, List<String> entries) {
        static Statement read(Path file) throws Exception {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(file)));
            XPath xp = XPathFactory.newInstance().newXPath();
            xp.setNamespaceContext(new NamespaceContext() {
                @Override
                public String getNamespaceURI(String prefix) {
                    return "c".equals(prefix) ? CAMT_NAMESPACE : null;
                }

                @Override
                public String getPrefix(String uri) {
                    return null;
                }

                @Override
                public Iterator<String> getPrefixes(String uri) {
                    return null;
                }
            });
            String stmt = "/c:Document/c:BkToCstmrStmt/c:Stmt";
            assertThat(((NodeList) xp.evaluate(stmt, doc, XPathConstants.NODESET)).getLength()).isEqualTo(1);
            for (String code : List.of("OPBD", "CLBD")) {
                String bal = stmt + "/c:Bal[c:Tp/c:CdOrPrtry/c:Cd='" + code + "']";
                assertThat(((NodeList) xp.evaluate(bal, doc, XPathConstants.NODESET)).getLength()).as(code).isEqualTo(1);
                assertThat(xp.evaluate(bal + "/c:CdtDbtInd", doc)).as(code).isEqualTo("CRDT");
                assertThat(xp.evaluate(bal + "/c:Amt/@Ccy", doc)).as(code).isEqualTo("IDR");
            }
            List<String> entries = new ArrayList<>();
            NodeList ntries = (NodeList) xp.evaluate(stmt + "/c:Ntry", doc, XPathConstants.NODESET);
            for (int i = 0; i < ntries.getLength(); i++) {
                Node n = ntries.item(i);
                assertThat(xp.evaluate("c:CdtDbtInd", n)).isEqualTo("CRDT");
                entries.add(xp.evaluate("c:NtryDtls/c:TxDtls/c:Refs/c:AcctSvcrRef", n) + "=" + xp.evaluate("c:Amt", n));
            }
            return new Statement(xp.evaluate(stmt + "/c:Id", doc),
                    xp.evaluate(stmt + "/c:Bal[c:Tp/c:CdOrPrtry/c:Cd='OPBD']/c:Amt", doc),
                    xp.evaluate(stmt + "/c:Bal[c:Tp/c:CdOrPrtry/c:Cd='CLBD']/c:Amt", doc), entries);
        }

        BigDecimal entriesSum() {
            BigDecimal sum = BigDecimal.ZERO;
            for (String e : entries) {
                sum = sum.add(rupiah(e.substring(e.indexOf('=') + 1)));
            }
            return sum;
        }
    }

    /** One batch's rows of a close's postings file. */
    private static final class Postings {
        long clearingDebit = -1;
        long feeIncomeCredit = -1;
        final Map<String, Long> memberCredits = new LinkedHashMap<>();

        static Map<String, Postings> read(Path file) throws Exception {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n");
            Iterator<String> it = List.of(text.split("\n")).iterator();
            assertThat(it.next()).isEqualTo("batch_id,account,debit,credit");
            Map<String, Postings> byBatch = new LinkedHashMap<>();
            while (it.hasNext()) {
                String[] f = it.next().split(",", -1);
                assertThat(f).hasSize(4);
                Postings p = byBatch.computeIfAbsent(f[0], k -> new Postings());
                long debit = Long.parseLong(f[2]);
                long credit = Long.parseLong(f[3]);
                if (f[1].equals("clearing")) {
                    assertThat(p.clearingDebit).as("one clearing row per batch").isEqualTo(-1);
                    assertThat(credit).isZero();
                    p.clearingDebit = debit;
                } else if (f[1].equals("fee-income")) {
                    assertThat(p.feeIncomeCredit).as("one fee income row per batch").isEqualTo(-1);
                    assertThat(debit).isZero();
                    p.feeIncomeCredit = credit;
                } else {
                    assertThat(f[1]).startsWith("member:");
                    assertThat(debit).isZero();
                    assertThat(p.memberCredits.put(f[1].substring("member:".length()), credit)).isNull();
                }
            }
            for (Map.Entry<String, Postings> e : byBatch.entrySet()) {
                assertThat(e.getValue().clearingDebit).as("clearing row of %s", e.getKey()).isNotNegative();
                assertThat(e.getValue().feeIncomeCredit).as("fee income row of %s", e.getKey()).isNotNegative();
            }
            return byBatch;
        }
    }
}
