package id.lumbung.settlement;

import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.MemberTotals;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger postings file of a close, byte for byte: {@code reconcile} compares it line by line. */
class SettlementPostingsTest {

    @Test
    void listsPerBatchTheClearingDebitTheFeeCreditAndEachMembersCreditOneLineEach() {
        Batch first = new Batch("KSP-A-9", "KSP-A", 1, 9, 0, List.of(
                new MemberTotals("TR-1", 1, 15_000, 105, 14_895),
                new MemberTotals("TR-2", 2, 5_000, 0, 5_000)), 3, 20_000, 105, 19_895, 0);
        Batch second = new Batch("KSP-B-9", "KSP-B", 2, 9, 0, List.of(
                new MemberTotals("TR-3", 1, 600_000, 1_800, 598_200)), 1, 600_000, 1_800, 598_200, 7);

        assertThat(new String(SettlementFiles.postings(List.of(first, second)), StandardCharsets.UTF_8)).isEqualTo("""
                batch_id,account,debit,credit
                KSP-A-9,clearing,20000,0
                KSP-A-9,fee-income,0,105
                KSP-A-9,member:TR-1,0,14895
                KSP-A-9,member:TR-2,0,5000
                KSP-B-9,clearing,600000,0
                KSP-B-9,fee-income,0,1800
                KSP-B-9,member:TR-3,0,598200
                """);
    }

    @Test
    void aCloseWithoutBatchesIsTheHeaderAlone() {
        assertThat(SettlementFiles.postings(List.of())).isEqualTo("batch_id,account,debit,credit\n".getBytes(
                StandardCharsets.UTF_8));
    }
}
