package id.lumbung.reference;

import id.lumbung.core.reference.ReferenceData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Small, valid reference CSVs for tests; each test replaces the one file it is about. */
final class ReferenceCsvs {
    static final Set<String> FEE_PLANS = Set.of("UMI", "REG", "GOV");
    static final String KEY_A = DemoCredentials.toLowerHex(DemoCredentials.terminalKey("T1"));
    static final String KEY_B = DemoCredentials.toLowerHex(DemoCredentials.terminalKey("T2"));
    static final String TOKEN_A = DemoCredentials.toLowerHex(DemoCredentials.coopTokenSha256("C1"));

    static final String COOPS = "coop_id,name,settlement_account,token_sha256\n"
            + "C1,Koperasi Satu,1234567890," + TOKEN_A + "\n";
    static final String TRADERS = "trader_id,coop_id,name,fee_plan\n"
            + "TR1,C1,Warung Satu,UMI\n";
    static final String TERMINALS = "terminal_id,trader_id,key_hex,status\n"
            + "T1,TR1," + KEY_A + ",ACTIVE\n";

    private ReferenceCsvs() {
    }

    /** Writes the default three files into {@code dir}. */
    static Path writeValid(Path dir) throws IOException {
        return write(dir, COOPS, TRADERS, TERMINALS);
    }

    static Path write(Path dir, String coops, String traders, String terminals) throws IOException {
        writeFile(dir, ReferenceFiles.COOPS_FILE, coops);
        writeFile(dir, ReferenceFiles.TRADERS_FILE, traders);
        writeFile(dir, ReferenceFiles.TERMINALS_FILE, terminals);
        return dir;
    }

    static void writeFile(Path dir, String fileName, String content) throws IOException {
        Files.write(dir.resolve(fileName), content.getBytes(StandardCharsets.UTF_8));
    }
}
