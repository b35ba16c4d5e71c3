package id.lumbung.reference;

import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.reference.ReferenceDataException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code obligations.csv}: rows read into obligations, every bad row named by file, line and column. */
class ObligationsCsvTest {
    private static final String HEADER = "obligation_id,coop_id,trader_id,kind,daily_amount,start_date,total\n";
    private static final Function<String, String> COOP_OF = Map.of("TR1", "C1", "TR2", "C1", "TR9", "C2")::get;

    @TempDir
    Path dir;

    private List<ObligationsCsv.Row> read(String content) throws Exception {
        ReferenceCsvs.writeFile(dir, ObligationsCsv.FILE, content);
        return ObligationsCsv.read(dir, COOP_OF);
    }

    private void assertRefused(String rows, String message) {
        assertThatThrownBy(() -> read(HEADER + rows)).isInstanceOf(ReferenceDataException.class)
                .hasMessage(dir.resolve(ObligationsCsv.FILE) + " " + message);
    }

    @Test
    void readsRowsWithAndWithoutATotal() throws Exception {
        List<ObligationsCsv.Row> rows = read("\uFEFF" + HEADER + "L-1,C1,TR1,ANGSURAN,5000,2026-12-01,150000\r\n"
                + "\n" + "S-1,C2,TR9,SIMPANAN_WAJIB,1000,2026-01-01,\n");
        assertThat(rows).containsExactly(
                new ObligationsCsv.Row(new Obligation("L-1", "C1", "TR1", ObligationKind.ANGSURAN, 5_000,
                        LocalDate.of(2026, 12, 1), null, 150_000L), dir.resolve("obligations.csv") + " line 2"),
                new ObligationsCsv.Row(new Obligation("S-1", "C2", "TR9", ObligationKind.SIMPANAN_WAJIB, 1_000,
                        LocalDate.of(2026, 1, 1), null, null), dir.resolve("obligations.csv") + " line 4"));
    }

    @Test
    void noFileIsNoObligations() throws ReferenceDataException {
        assertThat(ObligationsCsv.read(dir, COOP_OF)).isEmpty();
    }

    @Test
    void namesTheLineAndColumnOfEveryBadRow() {
        assertRefused("L 1,C1,TR1,ANGSURAN,5000,2026-12-01,\n", "line 2: obligation_id must be 1 to 32 characters of"
                + " A-Z, a-z, 0-9 and '-', found 'L 1'");
        assertRefused("L1,C1,TR7,ANGSURAN,5000,2026-12-01,\n", "line 2: obligation L1 has unknown trader_id 'TR7'");
        assertRefused("L1,C2,TR1,ANGSURAN,5000,2026-12-01,\n",
                "line 2: obligation L1: trader TR1 is a member of C1, not of coop_id 'C2'");
        assertRefused("L1,C1,TR1,LOAN,5000,2026-12-01,\n",
                "line 2: kind: kind must be RETRIBUSI, ANGSURAN or SIMPANAN_WAJIB, found 'LOAN'");
        assertRefused("L1,C1,TR1,ANGSURAN,5000.0,2026-12-01,\n", "line 2: daily_amount must be a whole number of rupiah"
                + " from 1 to 1000000000, found '5000.0'");
        assertRefused("L1,C1,TR1,ANGSURAN,1000000001,2026-12-01,\n",
                "line 2: daily_amount: dailyAmount must be between 1 and 1000000000 rupiah, found '1000000001'");
        assertRefused("L1,C1,TR1,ANGSURAN,0,2026-12-01,\n", "line 2: daily_amount must be a whole number of rupiah"
                + " from 1 to 1000000000, found '0'");
        assertRefused("L1,C1,TR1,ANGSURAN,5000,2026-02-30,\n", "line 2: start_date: startDate must be a date YYYY-MM-DD"
                + " from 1970-01-01 to 9999-12-31, found '2026-02-30'");
        assertRefused("L1,C1,TR1,ANGSURAN,5000,2026-12-01,-5\n", "line 2: total must be empty or a whole number of"
                + " rupiah from 1 to 1000000000000000, found '-5'");
        assertRefused("L1,C1,TR1,ANGSURAN,5000,2026-12-01,\nL1,C1,TR2,RETRIBUSI,1,2026-12-01,\n",
                "line 3: duplicate obligation_id 'L1' in cooperative C1");
        assertRefused("L1,C1,TR1,ANGSURAN,5000,2026-12-01\n", "line 2: expected 7 values, found 6");
    }

    @Test
    void theSameIdInAnotherCooperativeIsAnotherObligation() throws Exception {
        assertThat(read(HEADER + "X,C1,TR1,RETRIBUSI,1,2026-12-01,\nX,C2,TR9,RETRIBUSI,1,2026-12-01,\n")).hasSize(2);
    }

    @Test
    void aMissingColumnStopsTheRead() {
        assertThatThrownBy(() -> read("obligation_id,coop_id,trader_id,kind,daily_amount,start_date\n"))
                .hasMessageContaining("line 1: missing header column 'total'");
    }

    @Test
    void differenceNamesTheFirstTermThatDiffers() throws IOException {
        Obligation journal = new Obligation("L-1", "C1", "TR1", ObligationKind.ANGSURAN, 5_000,
                LocalDate.of(2026, 12, 1), null, 150_000L);
        assertThat(ObligationsCsv.difference(journal, journal)).isNull();
        assertThat(ObligationsCsv.difference(journal, journal.endedOn(LocalDate.of(2027, 1, 1))))
                .as("an end is not a term").isNull();
        assertThat(ObligationsCsv.difference(new Obligation("L-1", "C1", "TR1", ObligationKind.ANGSURAN, 6_000,
                LocalDate.of(2026, 12, 1), null, 150_000L), journal))
                .isEqualTo("obligation L-1: daily_amount differs (file 6000, journal 5000)");
        assertThat(ObligationsCsv.difference(new Obligation("L-1", "C1", "TR2", ObligationKind.RETRIBUSI, 5_000,
                LocalDate.of(2026, 12, 1), null, 150_000L), journal))
                .isEqualTo("obligation L-1: trader_id differs (file TR2, journal TR1)");
        assertThat(ObligationsCsv.difference(new Obligation("L-1", "C1", "TR1", ObligationKind.ANGSURAN, 5_000,
                LocalDate.of(2026, 12, 1), null, null), journal))
                .isEqualTo("obligation L-1: total differs (file none, journal 150000)");
        assertThat(ObligationsCsv.difference(new Obligation("L-1", "C1", "TR1", ObligationKind.ANGSURAN, 5_000,
                LocalDate.of(2026, 12, 2), null, 150_000L), journal))
                .isEqualTo("obligation L-1: start_date differs (file 2026-12-02, journal 2026-12-01)");
    }
}
