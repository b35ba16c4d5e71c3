package id.lumbung.files;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.MemberTotals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xml.sax.SAXException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Camt053StatementTest {

    @Test
    void officialSchemaIsReadFromSharedBesideTheRepository() {
        assertThat(OfficialSchema.camt053Path()).isEqualTo(OfficialSchema.repositoryRoot().getParent()
                .resolve("shared/schemas/camt.053.001.09.xsd"));
        assertThat(OfficialSchema.camt053Path()).isRegularFile();
        assertThat(OfficialSchema.repositoryRoot().resolve("shared")).doesNotExist();
    }

    static Iterable<String> scenarios() {
        return GoldenBatches.NAMES;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void rendersGoldenFile(String scenario) throws IOException {
        GoldenFiles.assertMatches(scenario + ".camt053.xml",
                Camt053Statement.render(GoldenBatches.byName(scenario), GoldenBatches.COOP));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void goldenStatementsAreValidAgainstTheOfficialSchema(String scenario) throws Exception {
        validate(Camt053Statement.render(GoldenBatches.byName(scenario), GoldenBatches.COOP));
    }

    @Test
    void validatorRejectsWhatTheSchemaForbids() {
        String valid = text(Camt053Statement.render(GoldenBatches.oneMember(), GoldenBatches.COOP));
        byte[] badCode = valid.replaceFirst("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CRED</CdtDbtInd>")
                .getBytes(StandardCharsets.UTF_8);
        byte[] negativeAmount = valid.replaceFirst(">14895.00<", ">-14895.00<").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> validate(badCode)).isInstanceOf(SAXException.class).hasMessageContaining("CRED");
        assertThatThrownBy(() -> validate(negativeAmount)).isInstanceOf(SAXException.class);
    }

    @Test
    void largeBatchesAndEveryBalanceSignAreValid() throws Exception {
        validate(Camt053Statement.render(GoldenBatches.largeBatch(500, 0), GoldenBatches.COOP));
        validate(Camt053Statement.render(GoldenBatches.largeBatch(37, 987_654_321_000L), GoldenBatches.COOP));
        // a debit opening balance cannot arise from settlement alone, but the format must carry it
        byte[] debit = Camt053Statement.render(GoldenBatches.largeBatch(3, -10_000_000_000L), GoldenBatches.COOP);
        validate(debit);
        assertThat(text(debit)).contains("<Amt Ccy=\"IDR\">10000000000.00</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>");
    }

    @Test
    void memberWithZeroNetIsStillAnEntryAndValid() throws Exception {
        Batch batch = GoldenBatches.batch("KOP-BRG-ZERO", 0, Map.of("TR-0001", List.of(new long[] {0, 0})));
        byte[] xml = Camt053Statement.render(batch, GoldenBatches.COOP);
        validate(xml);
        assertThat(text(xml)).contains("<NbOfNtries>1</NbOfNtries>", "<Amt Ccy=\"IDR\">0.00</Amt>");
    }

    @Test
    void reRenderingGivesTheSameBytes() {
        Batch batch = GoldenBatches.manyMembers();
        assertThat(Camt053Statement.render(batch, GoldenBatches.COOP))
                .isEqualTo(Camt053Statement.render(GoldenBatches.manyMembers(), GoldenBatches.COOP));
    }

    @Test
    void timesComeFromTheBatchCloseInJakarta() {
        String xml = text(Camt053Statement.render(GoldenBatches.oneMember(), GoldenBatches.COOP));
        assertThat(xml).contains("<CreDtTm>2026-01-05T11:45:00.000+07:00</CreDtTm>", "<Dt>2026-01-05</Dt>");
        // 23:30 UTC on 4 Jan is already 5 Jan in Jakarta
        Batch lateUtc = new Batch("B-1", "KOP-BRG", 1, 2, java.time.Instant.parse("2026-01-04T23:30:00.123Z").toEpochMilli(),
                List.of(new MemberTotals("T", 1, 100, 1, 99)), 1, 100, 1, 99, 0);
        assertThat(text(Camt053Statement.render(lateUtc, GoldenBatches.COOP)))
                .contains("<CreDtTm>2026-01-05T06:30:00.123+07:00</CreDtTm>", "<Dt>2026-01-05</Dt>");
    }

    @Test
    void prefixesTheMessageId() {
        String xml = text(Camt053Statement.render(GoldenBatches.oneMember(), GoldenBatches.COOP, "LMB-"));
        assertThat(xml).contains("<MsgId>LMB-KOP-BRG-20260105-1145</MsgId>", "<Id>KOP-BRG-20260105-1145</Id>");
        assertThatThrownBy(() -> Camt053Statement.render(GoldenBatches.oneMember(), GoldenBatches.COOP,
                "A-PREFIX-THAT-IS-TOO-LONG-"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message id 'A-PREFIX-THAT-IS-TOO-LONG-KOP-BRG-20260105-1145' is longer than 35 characters");
    }

    @Test
    void rejectsAnotherCoopsBatch() {
        Coop other = new Coop(1, "KOP-OTHER", "Other", "999", new byte[32]);
        assertThatThrownBy(() -> Camt053Statement.render(GoldenBatches.oneMember(), other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch KOP-BRG-20260105-1145 belongs to coop KOP-BRG, not KOP-OTHER");
    }

    @Test
    void rejectsAnAccountLongerThanTheSchemaAllows() {
        Coop coop = new Coop(0, "KOP-BRG", "x", "1".repeat(35), new byte[32]);
        assertThatThrownBy(() -> Camt053Statement.render(GoldenBatches.oneMember(), coop))
                .hasMessageContaining("is not 1..34 characters");
    }

    @Test
    void negativeNetIsABug() {
        // a batch with a negative member net cannot even be built: its payout line would be negative
        assertThatThrownBy(() -> new Batch("B-1", "KOP-BRG", 1, 2, 0, List.of(new MemberTotals("T", 1, 0, 1, -1)), 1, 0, 1,
                -1, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("payout line of T does not add up: net -1, retribusi 0, angsuran 0, simpanan wajib 0, payout -1");
    }

    @Test
    void escapesMarkupAndEncodesUtf8() {
        // markup characters escaped in text, quotes left as they are, non-ASCII written as UTF-8
        Coop coop = new Coop(0, "KOP-BRG", "x", "A&B<C>D\"E'F", new byte[32]);
        Batch batch = new Batch("B-1", "KOP-BRG", 1, 2, 0,
                List.of(new MemberTotals("T-\u00e9\u20ac\ud83d\ude00", 1, 100, 0, 100)), 1, 100, 0, 100, 0);
        String xml = text(Camt053Statement.render(batch, coop));
        assertThat(xml).contains("<Id>A&amp;B&lt;C&gt;D\"E'F</Id>");
        assertThat(xml).contains("<AcctSvcrRef>T-\u00e9\u20ac\ud83d\ude00</AcctSvcrRef>");
    }

    @Test
    void rejectsAnUnpairedSurrogateRatherThanWriteBrokenUtf8() {
        Batch batch = new Batch("B-1", "KOP-BRG", 1, 2, 0, List.of(new MemberTotals("T\ud83d", 1, 100, 0, 100)), 1, 100,
                0, 100, 0);
        assertThatThrownBy(() -> Camt053Statement.render(batch, GoldenBatches.COOP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void writesAmountsWithTwoDecimals() {
        assertThat(Camt053Statement.decimal(15_000)).isEqualTo("15000.00");
        assertThat(Camt053Statement.decimal(0)).isEqualTo("0.00");
        assertThat(Camt053Statement.decimal(9_999_999_999_999_999L)).isEqualTo("9999999999999999.00");
        assertThat(Camt053Statement.decimal(-10_000_000_000L)).isEqualTo("-10000000000.00");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void validate(byte[] xml) throws SAXException, IOException {
        OfficialSchema.validateCamt053(xml);
    }
}
