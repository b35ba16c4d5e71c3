package id.lumbung.core.reference;

import id.lumbung.reference.ReferenceFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The journaled reference on its own: indexes never move (removed entries keep theirs, a trader
 * has one index per cooperative it was in and gets it back when it returns), the diff orders its
 * edits so that each applies, and a snapshot's copy is the same reference.
 */
class JournaledReferenceTest {
    private static final Map<String, String> PLANS = Map.of("UMI", "500000:0%,*:0.3%", "REG", "*:0.7%");
    private static final String KEY = "00".repeat(32);
    private static final String TOKEN = "11".repeat(32);

    @TempDir
    Path dir;

    private ReferenceData files(String coops, String traders, String terminals) throws Exception {
        Path d = Files.createTempDirectory(dir, "ref");
        Files.writeString(d.resolve("coops.csv"), "coop_id,name,settlement_account,token_sha256\n" + coops);
        Files.writeString(d.resolve("traders.csv"), "trader_id,coop_id,name,fee_plan\n" + traders);
        Files.writeString(d.resolve("terminals.csv"), "terminal_id,trader_id,key_hex,status\n" + terminals);
        return ReferenceFiles.load(d, PLANS.keySet());
    }

    private static List<JournaledReference.Change> apply(JournaledReference r, ReferenceData files, long[] sequence)
            throws ReferenceDataException {
        List<JournaledReference.Edit> edits = r.diff(files, PLANS, JournaledReference.NOTHING_UNSETTLED);
        return edits.stream().map(e -> r.apply(e, ++sequence[0], 0)).toList();
    }

    @Test
    void indexesStayWhileTradersMoveAndTerminalsComeAndGo() throws Exception {
        JournaledReference r = new JournaledReference();
        long[] seq = {0};
        String coops = "A,Coop A,111," + TOKEN + "\nB,Coop B,222," + TOKEN + "\n";
        apply(r, files(coops, "T1,A,One,UMI\nT2,A,Two,REG\n", "K1,T1," + KEY + ",ACTIVE\nK2,T2," + KEY + ",ACTIVE\n"), seq);
        ReferenceData first = r.effective(null);
        assertThat(first.trader("T1").index()).isZero();
        assertThat(first.terminal("K2")).isNull(); // no files: no key, not found by id
        assertThat(first.terminal(1).terminalId()).isEqualTo("K2");

        // T1 moves to B (new index 2, its terminal follows); K2 is removed; K3 is added
        ReferenceData moved = files(coops, "T2,A,Two,REG\nT1,B,One,UMI\n",
                "K1,T1," + KEY + ",ACTIVE\nK3,T2," + KEY + ",BLOCKED\n");
        assertThat(apply(r, moved, seq)).extracting(c -> c.what() + ": " + c.from() + " -> " + c.to()).containsExactly(
                "trader T1: coop_id=A fee_plan=UMI -> coop_id=B fee_plan=UMI",
                "terminal K3: (none) -> trader_id=T2 status=BLOCKED",
                "terminal K2: trader_id=T2 status=ACTIVE -> (removed)");
        ReferenceData now = r.effective(moved);
        assertThat(now.trader("T1").index()).isEqualTo(2);
        assertThat(now.trader(0).coopIndex()).isZero(); // the old incarnation keeps cooperative A
        assertThat(now.terminal("K1").traderIndex()).isEqualTo(2);
        assertThat(now.terminal("K2")).isNull();
        assertThat(now.terminal(1).terminalId()).isEqualTo("K2"); // removed, index kept
        assertThat(now.terminal("K3").index()).isEqualTo(2);
        assertThat(now.tradersOf(0)).extracting(Trader::index).containsExactly(0, 1);
        assertThat(now.tradersOf(1)).extracting(Trader::index).containsExactly(2);
        assertThat(r.traderIndex("T1", "A")).isZero();
        assertThat(r.traderIndex("T1", "B")).isEqualTo(2);

        // back to A: its first index again, nothing appended
        apply(r, files(coops, "T1,A,One,REG\nT2,A,Two,REG\n", "K1,T1," + KEY + ",ACTIVE\nK3,T2," + KEY + ",ACTIVE\n"), seq);
        ReferenceData back = r.effective(null);
        assertThat(back.traderCount()).isEqualTo(3);
        assertThat(back.trader(0).feePlan()).isEqualTo("REG");
        assertThat(back.terminal(0).traderIndex()).isZero();

        // a snapshot's copy is the same reference, history included
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.writeTo(new DataOutputStream(bytes));
        JournaledReference copy = JournaledReference.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.history()).isEqualTo(r.history());
        assertThat(copy.changesTotal()).isEqualTo(r.changesTotal());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        copy.writeTo(new DataOutputStream(again));
        assertThat(again.toByteArray()).isEqualTo(bytes.toByteArray());
        assertThat(copy.diff(files(coops, "T1,A,One,REG\nT2,A,Two,REG\n", "K1,T1," + KEY + ",ACTIVE\nK3,T2," + KEY
                + ",ACTIVE\n"), PLANS, JournaledReference.NOTHING_UNSETTLED)).isEmpty();
    }

    @Test
    void removalsComeAfterWhatTheyWouldLeaveDangling() throws Exception {
        JournaledReference r = new JournaledReference();
        long[] seq = {0};
        apply(r, files("A,Coop A,111," + TOKEN + "\nB,Coop B,222," + TOKEN + "\n", "T1,A,One,UMI\nT2,B,Two,REG\n",
                "K1,T1," + KEY + ",ACTIVE\nK2,T2," + KEY + ",ACTIVE\n"), seq);
        // cooperative B goes with its trader and terminal; K1 moves to a new trader of a new cooperative
        List<JournaledReference.Change> changes = apply(r, files("A,Coop A,111," + TOKEN + "\nC,Coop C,333," + TOKEN
                + "\n", "T1,A,One,UMI\nT3,C,Three,UMI\n", "K1,T3," + KEY + ",ACTIVE\n"), seq);
        assertThat(changes).extracting(JournaledReference.Change::what).containsExactly("cooperative C", "trader T3",
                "terminal K1", "terminal K2", "trader T2", "cooperative B");
        assertThat(changes).extracting(JournaledReference.Change::sequence).containsExactly(9L, 10L, 11L, 12L, 13L, 14L);
        assertThatThrownBy(() -> r.apply(new JournaledReference.Edit(JournaledReference.KIND_TRADER,
                JournaledReference.OP_SET, "T9", "B", "UMI", false), 16, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("names cooperative B, which is not held");
    }
}
