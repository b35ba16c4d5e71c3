package id.lumbung.reference;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.reference.ReferenceCsvs.COOPS;
import static id.lumbung.reference.ReferenceCsvs.FEE_PLANS;
import static id.lumbung.reference.ReferenceCsvs.KEY_A;
import static id.lumbung.reference.ReferenceCsvs.TERMINALS;
import static id.lumbung.reference.ReferenceCsvs.TOKEN_A;
import static id.lumbung.reference.ReferenceCsvs.TRADERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rejection names the file and the 1-based line (header = line 1) and says what is wrong. */
class ReferenceDataValidationTest {
    private static final String COOP_HEADER = "coop_id,name,settlement_account,token_sha256\n";
    private static final String TRADER_HEADER = "trader_id,coop_id,name,fee_plan\n";
    private static final String TERMINAL_HEADER = "terminal_id,trader_id,key_hex,status\n";

    @TempDir
    Path dir;

    private String rejectionOf(String coops, String traders, String terminals) throws Exception {
        ReferenceCsvs.write(dir, coops, traders, terminals);
        var thrown = assertThatThrownBy(() -> ReferenceFiles.load(dir, FEE_PLANS))
                .isInstanceOf(ReferenceDataException.class);
        return ((Exception) thrown.actual()).getMessage();
    }

    private static String coopRow(String id, String account, String token) {
        return id + ",Koperasi," + account + "," + token + "\n";
    }

    private static String terminalRow(String id, String traderId, String key, String status) {
        return id + "," + traderId + "," + key + "," + status + "\n";
    }

    // ---- files and headers

    @Test
    void rejectsMissingFile() throws Exception {
        ReferenceCsvs.writeValid(dir);
        Files.delete(dir.resolve(ReferenceFiles.TRADERS_FILE));

        assertThatThrownBy(() -> ReferenceFiles.load(dir, FEE_PLANS))
                .isInstanceOf(ReferenceDataException.class)
                .hasMessage(dir.resolve("traders.csv") + ": missing file");
    }

    @Test
    void rejectsEmptyFile() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, ""))
                .isEqualTo(dir.resolve("terminals.csv") + " line 1: empty file, expected header "
                        + "terminal_id,trader_id,key_hex,status");
    }

    @Test
    void rejectsCoopsFileWithHeaderOnly() throws Exception {
        assertThat(rejectionOf(COOP_HEADER, TRADERS, TERMINALS))
                .isEqualTo(dir.resolve("coops.csv") + " line 2: no cooperatives");
    }

    @Test
    void rejectsMissingHeaderColumn() throws Exception {
        assertThat(rejectionOf(COOPS, "trader_id,coop_id,name\nTR1,C1,Warung\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 1: missing header column 'fee_plan'");
    }

    @Test
    void rejectsExtraHeaderColumn() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, "terminal_id,trader_id,key_hex,status,next_key_hex,note\n"))
                .isEqualTo(dir.resolve("terminals.csv") + " line 1: extra header column 'note'");
    }

    @Test
    void rejectsMisnamedOrReorderedHeaderColumn() throws Exception {
        assertThat(rejectionOf("coop_id,settlement_account,name,token_sha256\n", TRADERS, TERMINALS))
                .isEqualTo(dir.resolve("coops.csv")
                        + " line 1: header column 2 is 'settlement_account', expected 'name'");
    }

    @Test
    void rejectsHeaderWithUntrimmedSpace() throws Exception {
        assertThat(rejectionOf("coop_id, name,settlement_account,token_sha256\n", TRADERS, TERMINALS))
                .contains("coops.csv line 1: header column 2 is ' name'");
    }

    @Test
    void rejectsRowWithWrongNumberOfValues() throws Exception {
        assertThat(rejectionOf(COOPS, TRADER_HEADER + "TR1,C1,Warung,UMI\nTR2,C1,UMI\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 3: expected 4 values, found 3");
    }

    @Test
    void rejectsUnterminatedQuote() throws Exception {
        assertThat(rejectionOf(COOPS, TRADER_HEADER + "TR1,C1,Warung,UMI\nTR2,C1,\"Warung,UMI\n", TERMINALS))
                .startsWith(dir.resolve("traders.csv") + " line 3: cannot parse");
    }

    @Test
    void rejectsInvalidUtf8() throws Exception {
        ReferenceCsvs.writeValid(dir);
        byte[] latin1 = (TRADER_HEADER + "TR1,C1,Caf\u00e9,UMI\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve(ReferenceFiles.TRADERS_FILE), latin1);

        assertThatThrownBy(() -> ReferenceFiles.load(dir, FEE_PLANS))
                .hasMessage(dir.resolve("traders.csv") + " line 2: not valid UTF-8");
    }

    @Test
    void reportsTheExactLineOfInvalidUtf8FarBeyondTheReadBuffer() throws Exception {
        ReferenceCsvs.writeValid(dir);
        StringBuilder traders = new StringBuilder(TRADER_HEADER);
        for (int i = 1; i <= 5_000; i++) {
            traders.append("TR").append(i).append(",C1,Warung ").append(i).append(",UMI\n");
        }
        traders.append("TRX,C1,Caf\u00e9,UMI\n"); // line 5,002
        Files.write(dir.resolve(ReferenceFiles.TRADERS_FILE),
                traders.toString().getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ReferenceFiles.load(dir, FEE_PLANS))
                .hasMessage(dir.resolve("traders.csv") + " line 5002: not valid UTF-8");
    }

    // ---- duplicates and references

    @Test
    void rejectsDuplicateCoopId() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("C2", "1", TOKEN_A) + coopRow("C1", "2", TOKEN_A), TRADERS,
                TERMINALS)).isEqualTo(dir.resolve("coops.csv") + " line 4: duplicate coop_id 'C1'");
    }

    @Test
    void rejectsDuplicateTraderId() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS + "TR1,C1,Lagi,REG\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 3: duplicate trader_id 'TR1'");
    }

    @Test
    void rejectsDuplicateTerminalId() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T1", "TR1", KEY_A, "ACTIVE")))
                .isEqualTo(dir.resolve("terminals.csv") + " line 3: duplicate terminal_id 'T1'");
    }

    @Test
    void rejectsTraderOfUnknownCoop() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS + "TR2,C9,Warung,UMI\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 3: trader 'TR2' has unknown coop_id 'C9'");
    }

    @Test
    void rejectsTerminalOfUnknownTrader() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2", "TR9", KEY_A, "ACTIVE")))
                .isEqualTo(dir.resolve("terminals.csv") + " line 3: terminal 'T2' has unknown trader_id 'TR9'");
    }

    @Test
    void rejectsUnknownFeePlan() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS + "TR2,C1,Warung,umi\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 3: unknown fee_plan 'umi', known: [GOV, REG, UMI]");
    }

    // ---- keys, tokens, status

    @Test
    void rejectsKeyOneHexCharacterShortWithoutEchoingIt() throws Exception {
        String shortKey = KEY_A.substring(1);
        String message = rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2", "TR1", shortKey, "ACTIVE"));

        assertThat(message).isEqualTo(dir.resolve("terminals.csv")
                + " line 3: key_hex must be 64 hex characters (32 bytes), found 63 characters");
        assertThat(message).doesNotContain(shortKey);
    }

    @Test
    void rejectsKeyOneHexCharacterLong() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2", "TR1", KEY_A + "0", "ACTIVE")))
                .contains("terminals.csv line 3: key_hex must be 64 hex characters (32 bytes), found 65");
    }

    @Test
    void rejectsKeyWithNonHexCharacter() throws Exception {
        String badKey = "g" + KEY_A.substring(1);
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2", "TR1", badKey, "ACTIVE")))
                .contains("terminals.csv line 3: key_hex must be 64 hex characters (32 bytes), found 64 "
                        + "characters with a non-hex one");
    }

    @Test
    void rejectsMalformedNextKey() throws Exception {
        String terminals = "terminal_id,trader_id,key_hex,status,next_key_hex\n"
                + "T1,TR1," + KEY_A + ",ACTIVE,\n"
                + "T2,TR1," + KEY_A + ",ACTIVE,abc\n";
        assertThat(rejectionOf(COOPS, TRADERS, terminals))
                .isEqualTo(dir.resolve("terminals.csv")
                        + " line 3: next_key_hex must be 64 hex characters (32 bytes), found 3 characters");
    }

    @Test
    void rejectsTokenSha256NotSixtyFourHex() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("C2", "1", "demo-token-C2"), TRADERS, TERMINALS))
                .isEqualTo(dir.resolve("coops.csv")
                        + " line 3: token_sha256 must be 64 hex characters (SHA-256), found 13 characters");
    }

    @Test
    void rejectsStatusOtherThanActiveOrBlocked() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2", "TR1", KEY_A, "active")))
                .isEqualTo(dir.resolve("terminals.csv") + " line 3: status must be ACTIVE or BLOCKED, found 'active'");
    }

    // ---- ids and accounts

    @Test
    void acceptsIdsAtTheirMaximumLength() throws Exception {
        String coopId = "C".repeat(16);
        String traderId = "R".repeat(32);
        String terminalId = "T".repeat(16);
        ReferenceCsvs.write(dir, COOPS + coopRow(coopId, "9".repeat(34), TOKEN_A),
                TRADERS + traderId + "," + coopId + ",Warung,REG\n",
                TERMINALS + terminalRow(terminalId, traderId, KEY_A, "BLOCKED"));

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.terminal(terminalId).traderIndex()).isEqualTo(data.trader(traderId).index());
        assertThat(data.coop(coopId).settlementAccount()).hasSize(34);
    }

    @Test
    void rejectsCoopIdOneCharacterTooLong() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("C".repeat(17), "1", TOKEN_A), TRADERS, TERMINALS))
                .isEqualTo(dir.resolve("coops.csv") + " line 3: coop_id must be 1 to 16 characters of A-Z, a-z, "
                        + "0-9 and '-', found 'CCCCCCCCCCCCCCCCC'");
    }

    @Test
    void rejectsCoopIdWithUnderscore() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("KSP_2", "1", TOKEN_A), TRADERS, TERMINALS))
                .contains("coops.csv line 3: coop_id must be 1 to 16 characters");
    }

    @Test
    void rejectsTraderIdOneCharacterTooLong() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS + "R".repeat(33) + ",C1,Warung,UMI\n", TERMINALS))
                .contains("traders.csv line 3: trader_id must be 1 to 32 characters");
    }

    @Test
    void rejectsTerminalIdOneCharacterTooLong() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T".repeat(17), "TR1", KEY_A, "ACTIVE")))
                .contains("terminals.csv line 3: terminal_id must be 1 to 16 characters");
    }

    @Test
    void rejectsTerminalIdWithSurroundingSpaceRatherThanTrimmingIt() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("T2 ", "TR1", KEY_A, "ACTIVE")))
                .contains("terminals.csv line 3: terminal_id must be 1 to 16 characters of A-Z, a-z, 0-9 and '-', "
                        + "found 'T2 '");
    }

    @Test
    void rejectsEmptyTerminalId() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS, TERMINALS + terminalRow("", "TR1", KEY_A, "ACTIVE")))
                .contains("terminals.csv line 3: terminal_id must be 1 to 16 characters");
    }

    @Test
    void rejectsEmptySettlementAccount() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("C2", "", TOKEN_A), TRADERS, TERMINALS))
                .isEqualTo(dir.resolve("coops.csv") + " line 3: settlement_account must be 1 to 34 visible ASCII "
                        + "characters without spaces, found ''");
    }

    @Test
    void rejectsSettlementAccountLongerThanAnIban() throws Exception {
        assertThat(rejectionOf(COOPS + coopRow("C2", "9".repeat(35), TOKEN_A), TRADERS, TERMINALS))
                .contains("coops.csv line 3: settlement_account must be 1 to 34");
    }

    @Test
    void rejectsEmptyName() throws Exception {
        assertThat(rejectionOf(COOPS, TRADERS + "TR2,C1,,UMI\n", TERMINALS))
                .isEqualTo(dir.resolve("traders.csv") + " line 3: name must be 1 to 140 characters, found 0");
    }

    @Test
    void reportsTheStartLineOfARowAfterAMultiLineQuotedValueAndBlankLines() throws Exception {
        String traders = TRADER_HEADER + "TR1,C1,\"Dua\nBaris\",UMI\n\n" + "TR2,C1,Warung,XYZ\n";
        assertThat(rejectionOf(COOPS, traders, TERMINALS)).startsWith(dir.resolve("traders.csv") + " line 5:");
    }

    @Test
    void reportsLineNumbersWhenTheFileHasAByteOrderMark() throws Exception {
        assertThat(rejectionOf(COOPS, "\uFEFF" + TRADERS + "TR2,C1,Warung,XYZ\n", TERMINALS))
                .startsWith(dir.resolve("traders.csv") + " line 3: unknown fee_plan 'XYZ'");
    }

    @Test
    void reportsLineNumbersWithCrLfLineEndings() throws Exception {
        String terminals = (TERMINAL_HEADER + terminalRow("T1", "TR1", KEY_A, "ACTIVE")
                + terminalRow("T2", "TR1", KEY_A, "PAUSED")).replace("\n", "\r\n");
        assertThat(rejectionOf(COOPS, TRADERS, terminals))
                .isEqualTo(dir.resolve("terminals.csv") + " line 3: status must be ACTIVE or BLOCKED, found 'PAUSED'");
    }
}
