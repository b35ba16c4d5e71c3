package id.lumbung.files;

import id.lumbung.core.settlement.Batch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettlementCsvTest {

    static Iterable<String> scenarios() {
        return GoldenBatches.NAMES;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void rendersGoldenFile(String scenario) throws IOException {
        GoldenFiles.assertMatches(scenario + ".csv", SettlementCsv.render(GoldenBatches.byName(scenario)));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void parsesWhatItRenders(String scenario) {
        Batch batch = GoldenBatches.byName(scenario);
        SettlementCsv.Totals totals = SettlementCsv.parse(SettlementCsv.render(batch));
        assertThat(totals).isEqualTo(new SettlementCsv.Totals(batch.members(), batch.payments(), batch.grossRupiah(),
                batch.feeRupiah(), batch.netRupiah()));
    }

    @Test
    void rendersOneMemberExactly() {
        assertThat(new String(SettlementCsv.render(GoldenBatches.oneMember()), StandardCharsets.UTF_8))
                .isEqualTo("trader_id,payments,gross,fee,net\nTR-0001,1,15000,105,14895\nTOTAL,1,15000,105,14895\n");
    }

    @Test
    void rejectsTotalThatDiffersFromTheSumOfLines() {
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\n"
                + "A,1,100,1,99\nB,2,200,2,198\nTOTAL,3,301,3,298\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 4: TOTAL gross 301 differs from the sum of the 2 member lines, 300");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,99\nTOTAL,2,100,1,99\n"))
                .hasMessage("line 3: TOTAL payments 2 differs from the sum of the 1 member lines, 1");
    }

    @Test
    void rejectsNetThatIsNotGrossMinusFee() {
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,100\nTOTAL,1,100,1,100\n"))
                .hasMessage("line 2: net 100 is not gross 100 minus fee 1");
    }

    @Test
    void rejectsMalformedFiles() {
        assertThatThrownBy(() -> parse("")).hasMessage("line 1: empty file, expected header 'trader_id,payments,gross,fee,net'");
        assertThatThrownBy(() -> parse("trader,payments,gross,fee,net\nTOTAL,0,0,0,0\n"))
                .hasMessage("line 1: expected header 'trader_id,payments,gross,fee,net', found 'trader,payments,gross,fee,net'");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,99\nTOTAL,1,100,1,99"))
                .hasMessage("line 3: last line does not end in \\n (truncated file?)");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\r\nA,1,100,1,99\r\nTOTAL,1,100,1,99\r\n"))
                .hasMessage("line 1: carriage return; lines must end in \\n only");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nTOTAL,0,0,0,0\n"))
                .hasMessage("line 3: expected member lines then a TOTAL line, found end of file");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,1000,7,993\nA,1,100,1,99\n"))
                .hasMessage("line 3: last line must start with TOTAL, found 'A'");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,1000,7\nTOTAL,1,1000,7,993\n"))
                .hasMessage("line 2: 4 fields, expected 5 (trader_id,payments,gross,fee,net)");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,1 000,7,993\nTOTAL,1,1000,7,993\n"))
                .hasMessage("line 2: gross '1 000' is not a plain non-negative integer");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,01000,7,993\nTOTAL,1,1000,7,993\n"))
                .hasMessage("line 2: gross '01000' is not a plain non-negative integer");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,-5,0,-5\nTOTAL,1,-5,0,-5\n"))
                .hasMessage("line 2: gross '-5' is not a plain non-negative integer");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,99999999999999999999,0,0\nTOTAL,1,1,0,1\n"))
                .hasMessage("line 2: gross '99999999999999999999' is not a plain non-negative integer");
    }

    @Test
    void rejectsUnsortedOrDuplicateTraders() {
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nB,1,100,1,99\nA,1,100,1,99\nTOTAL,2,200,2,198\n"))
                .hasMessage("line 3: trader id A is not after B (lines must be sorted by trader_id, no duplicates)");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,99\nA,1,100,1,99\nTOTAL,2,200,2,198\n"))
                .hasMessageContaining("line 3: trader id A is not after A");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\n\"A,B\",1,100,1,99\nTOTAL,1,100,1,99\n"))
                .hasMessage("line 2: trader id '\"A' is not 1..32 characters of [A-Za-z0-9-]");
    }

    /**
     * A line's fields are the text between its commas, an empty line one empty field: a member line
     * without a comma has no trader id, and an empty last line has one field.
     */
    @Test
    void readsFieldsAsTheTextBetweenCommas() {
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA\nTOTAL,0,0,0,0\n"))
                .hasMessage("line 2: trader id '' is not 1..32 characters of [A-Za-z0-9-]");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\n\nTOTAL,0,0,0,0\n"))
                .hasMessage("line 2: trader id '' is not 1..32 characters of [A-Za-z0-9-]");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,99\n\n"))
                .hasMessage("line 3: 1 fields, expected 5 (trader_id,payments,gross,fee,net)");
        assertThatThrownBy(() -> parse("trader_id,payments,gross,fee,net\nA,1,100,1,99,\nTOTAL,1,100,1,99\n"))
                .hasMessage("line 2: 6 fields, expected 5 (trader_id,payments,gross,fee,net)");
        assertThatThrownBy(() -> parse("trader_id,\"payments\",gross,fee,net\nTOTAL,0,0,0,0\n"))
                .hasMessage("line 1: expected header 'trader_id,payments,gross,fee,net', found 'trader_id,\"payments\",gross,fee,net'");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bytes = "trader_id,payments,gross,fee,net\nA,1,100,1,99\nTOTAL,1,100,1,99\n".getBytes(StandardCharsets.UTF_8);
        bytes[33] = (byte) 0xC3; // lead byte of a two-byte sequence followed by 'A'
        assertThatThrownBy(() -> SettlementCsv.parse(bytes)).hasMessageStartingWith("not valid UTF-8");
    }

    private static SettlementCsv.Totals parse(String text) {
        return SettlementCsv.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
