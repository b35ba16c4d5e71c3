package id.lumbung.reference;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static id.lumbung.reference.ReferenceCsvs.FEE_PLANS;
import static id.lumbung.reference.ReferenceCsvs.KEY_A;
import static id.lumbung.reference.ReferenceCsvs.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

class ReferenceDataLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadsBundledDemoWithThreeCoopsTwelveTradersTwentyTerminals() throws Exception {
        ReferenceData data = ReferenceFiles.loadBundledDemo(FEE_PLANS);

        assertThat(data.coopCount()).isEqualTo(3);
        assertThat(data.traderCount()).isEqualTo(12);
        assertThat(data.terminalCount()).isEqualTo(20);
        assertThat(data.coops()).extracting(Coop::coopId)
                .containsExactly("KSP-BERINGHARJO", "KSP-KLEWER", "KSP-TANAHABANG");
        assertThat(data.tradersOf(1)).extracting(Trader::traderId)
                .containsExactly("KLW-001", "KLW-002", "KLW-003", "KLW-004");
        assertThat(data.trader("BRH-002").name()).isEqualTo("Batik Sekar Jagad, Los A");
        assertThat(data.trader("BRH-004").feePlan()).isEqualTo("GOV");
    }

    @Test
    void demoKeysAndTokensFollowTheDocumentedDerivation() throws Exception {
        ReferenceData data = ReferenceFiles.loadBundledDemo(FEE_PLANS);

        for (int i = 0; i < data.terminalCount(); i++) {
            Terminal terminal = data.terminal(i);
            assertThat(terminal.key()).isEqualTo(DemoCredentials.terminalKey(terminal.terminalId()));
        }
        for (Coop coop : data.coops()) {
            assertThat(data.tokenMatches(coop, "demo-token-" + coop.coopId())).isTrue();
        }
        assertThat(data.terminal("T0000007").blocked()).isTrue();
        assertThat(data.terminal("T0000003").nextKey()).isEqualTo(DemoCredentials.terminalNextKey("T0000003"));
        assertThat(data.terminal("T0000001").nextKey()).isNull();
    }

    @Test
    void lookupsByIdAndIndexAgreeAndUnknownIdsAreNull() throws Exception {
        ReferenceData data = ReferenceFiles.loadBundledDemo(FEE_PLANS);

        Terminal terminal = data.terminal("T0000011");
        assertThat(data.terminal(terminal.index())).isSameAs(terminal);
        Trader trader = data.trader(terminal.traderIndex());
        assertThat(trader.traderId()).isEqualTo("TNA-001");
        assertThat(data.coop(trader.coopIndex()).coopId()).isEqualTo("KSP-TANAHABANG");
        assertThat(data.coop("KSP-KLEWER").index()).isEqualTo(1);
        assertThat(data.coop("ksp-klewer")).isNull();
        assertThat(data.trader("NOPE")).isNull();
        assertThat(data.terminal("T9999999")).isNull();
    }

    @Test
    void tokenMatchesOnlyTheExactToken() throws Exception {
        ReferenceData data = ReferenceFiles.loadBundledDemo(FEE_PLANS);
        Coop klewer = data.coop("KSP-KLEWER");

        assertThat(data.tokenMatches(klewer, "demo-token-KSP-KLEWER")).isTrue();
        assertThat(data.tokenMatches(klewer, "demo-token-KSP-KLEWER ")).isFalse();
        assertThat(data.tokenMatches(klewer, "demo-token-KSP-BERINGHARJO")).isFalse();
        assertThat(data.tokenMatches(klewer, "")).isFalse();
        assertThat(data.tokenMatches(klewer, null)).isFalse();
    }

    @Test
    void toleratesUtf8ByteOrderMarkInEveryFile() throws Exception {
        String bom = "\uFEFF";
        ReferenceCsvs.write(dir, bom + ReferenceCsvs.COOPS, bom + ReferenceCsvs.TRADERS,
                bom + ReferenceCsvs.TERMINALS);

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.coop("C1")).isNotNull();
        assertThat(data.trader("TR1")).isNotNull();
        assertThat(data.terminal("T1")).isNotNull();
    }

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() throws Exception {
        ReferenceCsvs.writeValid(dir);
        ReferenceCsvs.writeFile(dir, ReferenceFiles.TRADERS_FILE, "trader_id,coop_id,name,fee_plan\n"
                + "TR1,C1,\"Toko \"\"Maju\"\", Blok A\",UMI\n"
                + "TR2,C1,\"Dua\nBaris\",REG\n"
                + "TR3,C1,Tiga,GOV\n");

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.trader("TR1").name()).isEqualTo("Toko \"Maju\", Blok A");
        assertThat(data.trader("TR2").name()).isEqualTo("Dua\nBaris");
        assertThat(data.trader("TR3").feePlan()).isEqualTo("GOV");
    }

    @Test
    void acceptsCrLfLineEndings() throws Exception {
        ReferenceCsvs.write(dir, ReferenceCsvs.COOPS.replace("\n", "\r\n"),
                ReferenceCsvs.TRADERS.replace("\n", "\r\n"), ReferenceCsvs.TERMINALS.replace("\n", "\r\n"));

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.terminal("T1").blocked()).isFalse();
        assertThat(data.trader("TR1").feePlan()).isEqualTo("UMI");
    }

    @Test
    void parsesNextKeyColumnForKeyRotation() throws Exception {
        ReferenceCsvs.writeValid(dir);
        ReferenceCsvs.writeFile(dir, ReferenceFiles.TERMINALS_FILE,
                "terminal_id,trader_id,key_hex,status,next_key_hex\n"
                        + "T1,TR1," + KEY_A + ",ACTIVE," + KEY_B.toUpperCase() + "\n"
                        + "T2,TR1," + KEY_B + ",BLOCKED,\n");

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.terminal("T1").key()).isEqualTo(DemoCredentials.terminalKey("T1"));
        assertThat(data.terminal("T1").nextKey()).isEqualTo(DemoCredentials.terminalKey("T2"));
        assertThat(data.terminal("T2").nextKey()).isNull();
        assertThat(data.terminal("T2").blocked()).isTrue();
    }

    @Test
    void skipsBlankLinesAndKeepsFileOrderAsIndex() throws Exception {
        ReferenceCsvs.writeValid(dir);
        ReferenceCsvs.writeFile(dir, ReferenceFiles.TERMINALS_FILE, "terminal_id,trader_id,key_hex,status\n"
                + "T1,TR1," + KEY_A + ",ACTIVE\n\n"
                + "T2,TR1," + KEY_B + ",ACTIVE\n");

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.terminalCount()).isEqualTo(2);
        assertThat(data.terminal("T2").index()).isEqualTo(1);
    }
}
