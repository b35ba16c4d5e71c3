package id.lumbung.reference;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceDataGeneratorTest {
    private static final Set<String> FEE_PLANS = Set.copyOf(ReferenceDataGenerator.FEE_PLANS);
    private static final long SEED = 20_240_601L;

    @TempDir
    Path dir;

    /**
     * The files are plain RFC 4180 with {@code \n} after every line: no quotes (no value needs
     * them), and the terminal's empty optional {@code next_key_hex} as an empty last field.
     */
    @Test
    void writesPlainCsvLinesEndingInNewline() throws Exception {
        ReferenceDataGenerator.write(dir, 2, 2, 2, SEED);
        String key = java.util.HexFormat.of().formatHex(DemoCredentials.terminalKey("T0000001"));
        assertThat(Files.readString(dir.resolve(ReferenceFiles.TERMINALS_FILE))).startsWith(
                "terminal_id,trader_id,key_hex,status,next_key_hex\nT0000001,TR00000001," + key + ",ACTIVE,\n");
        String token = java.util.HexFormat.of().formatHex(DemoCredentials.coopTokenSha256("KSP000002"));
        assertThat(Files.readString(dir.resolve(ReferenceFiles.COOPS_FILE))).endsWith(
                "\nKSP000002,Koperasi Pasar 2,00000000000002," + token + "\n");
        assertThat(Files.readString(dir.resolve(ReferenceFiles.TRADERS_FILE)))
                .startsWith("trader_id,coop_id,name,fee_plan\nTR00000001,KSP000001,Pedagang 1,");
    }

    @Test
    void writesTheSameBytesForTheSameSeed() throws Exception {
        ReferenceDataGenerator.write(dir.resolve("a"), 5, 50, 200, SEED);
        ReferenceDataGenerator.write(dir.resolve("b"), 5, 50, 200, SEED);
        ReferenceDataGenerator.write(dir.resolve("c"), 5, 50, 200, SEED + 1);

        for (String file : new String[] {ReferenceFiles.COOPS_FILE, ReferenceFiles.TRADERS_FILE,
                ReferenceFiles.TERMINALS_FILE}) {
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(file)))
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
        }
        assertThat(Files.readAllBytes(dir.resolve("a").resolve(ReferenceFiles.TRADERS_FILE)))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(ReferenceFiles.TRADERS_FILE)));
    }

    @Test
    void writesALoadableSetWhoseKeysAndTokensFollowDemoCredentials() throws Exception {
        ReferenceDataGenerator.write(dir, 3, 10, 25, SEED);

        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);

        assertThat(data.coopCount()).isEqualTo(3);
        assertThat(data.traderCount()).isEqualTo(10);
        assertThat(data.terminalCount()).isEqualTo(25);
        assertThat(data.terminal(0).terminalId()).isEqualTo("T0000001").isEqualTo(ReferenceDataGenerator.terminalId(0));
        for (int i = 0; i < data.terminalCount(); i++) {
            Terminal terminal = data.terminal(ReferenceDataGenerator.terminalId(i));
            assertThat(terminal.index()).isEqualTo(i);
            assertThat(terminal.key()).isEqualTo(DemoCredentials.terminalKey(terminal.terminalId()));
            assertThat(terminal.blocked()).isFalse();
            assertThat(terminal.nextKey()).isNull();
        }
        Coop coop = data.coop(ReferenceDataGenerator.coopId(2));
        assertThat(data.tokenMatches(coop, DemoCredentials.coopToken(coop.coopId()))).isTrue();
        for (int coopIndex = 0; coopIndex < data.coopCount(); coopIndex++) {
            assertThat(data.tradersOf(coopIndex)).isNotEmpty();
        }
    }

    @Test
    void rejectsTerminalsWithoutTraders() {
        assertThatThrownBy(() -> ReferenceDataGenerator.write(dir, 1, 0, 1, SEED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A smoke check that the per-row path stays linear; the number printed is not a benchmark. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void loadsOneMillionTerminals() throws Exception {
        int coops = 1_000;
        int traders = 100_000;
        int terminals = 1_000_000;
        long writeStartNs = System.nanoTime();
        ReferenceDataGenerator.write(dir, coops, traders, terminals, SEED);
        long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStartNs);

        long loadStartNs = System.nanoTime();
        ReferenceData data = ReferenceFiles.load(dir, FEE_PLANS);
        long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStartNs);

        System.out.println("reference data: wrote " + terminals + " terminals in " + writeMs + " ms, loaded "
                + data + " in " + loadMs + " ms (" + Files.size(dir.resolve(ReferenceFiles.TERMINALS_FILE))
                + " bytes of terminals.csv)");
        assertThat(data.coopCount()).isEqualTo(coops);
        assertThat(data.traderCount()).isEqualTo(traders);
        assertThat(data.terminalCount()).isEqualTo(terminals);
        Terminal last = data.terminal(ReferenceDataGenerator.terminalId(terminals - 1));
        assertThat(last.index()).isEqualTo(terminals - 1);
        assertThat(last.key()).isEqualTo(DemoCredentials.terminalKey(last.terminalId()));
        assertThat(loadMs).as("hang guard, not a performance target").isLessThan(30_000);
    }
}
