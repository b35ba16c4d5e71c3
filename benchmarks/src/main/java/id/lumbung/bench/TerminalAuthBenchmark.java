package id.lumbung.bench;

import id.lumbung.core.reference.Terminal;
import id.lumbung.ingest.TerminalAuth;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Terminal request authentication, one {@link TerminalAuth} per thread as per event loop. The
 * baselines are the two cryptographic parts verify cannot avoid: SHA-256 of the body, and
 * HMAC-SHA256 of the canonical string with a Mac that was initialised once (so no key set-up).
 */
@State(Scope.Thread)
public class TerminalAuthBenchmark extends HotPathBenchmark {
    private static final String METHOD = "POST";
    private static final String PATH = "/v1/payments";
    private static final String TIMESTAMP = Long.toString(Fixtures.OCCURRED_AT_EPOCH_MS + 250);
    private static final int KEY_BYTES = 32;

    private TerminalAuth auth;
    private Terminal terminal;
    /** The same terminal during a key changeover: signed with the next key, so verify tries both. */
    private Terminal changingTerminal;
    private byte[] body;
    private String signature;
    private String signatureWithNextKey;
    private MessageDigest sha256;
    private Mac initialisedMac;
    private byte[] canonical;
    private byte[] bodyDigest;

    @Setup
    public void setUp() throws Exception {
        SplittableRandom random = new SplittableRandom(42); // seeded: same keys every run
        byte[] key = randomKey(random);
        byte[] nextKey = randomKey(random);
        terminal = new Terminal(0, Fixtures.TERMINAL_ID, 0, key, null, false);
        changingTerminal = new Terminal(0, Fixtures.TERMINAL_ID, 0, key, nextKey, false);
        body = Fixtures.paymentJsonBytes();
        signature = TerminalAuth.sign(key, METHOD, PATH, TIMESTAMP, body);
        signatureWithNextKey = TerminalAuth.sign(nextKey, METHOD, PATH, TIMESTAMP, body);
        auth = new TerminalAuth();
        if (!verify() || !verifyDuringKeyChangeover() || auth.verify(terminal, METHOD, PATH, TIMESTAMP, body, body.length,
                signatureWithNextKey)) {
            throw new IllegalStateException("fixture signatures do not verify as expected");
        }
        sha256 = MessageDigest.getInstance("SHA-256");
        initialisedMac = Mac.getInstance("HmacSHA256");
        initialisedMac.init(new SecretKeySpec(key, "HmacSHA256"));
        bodyDigest = sha256.digest(body);
        canonical = (METHOD + "\n" + PATH + "\n" + TIMESTAMP + "\n" + java.util.HexFormat.of().formatHex(sha256.digest(body)))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomKey(SplittableRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** SHA-256 of the body alone. */
    @Benchmark
    public byte[] baselineSha256Body() {
        sha256.reset();
        sha256.update(body, 0, body.length);
        return sha256.digest();
    }

    /** HMAC-SHA256 of the canonical string with a Mac already keyed: no init, no String building. */
    @Benchmark
    public byte[] baselineHmacPreKeyed() {
        initialisedMac.update(canonical);
        return initialisedMac.doFinal();
    }

    /** Part of verify, per key tried: keying the Mac, as verify does, with a new SecretKeySpec. */
    @Benchmark
    public Mac partMacInit() throws InvalidKeyException {
        initialisedMac.init(new SecretKeySpec(terminal.key(), "HmacSHA256"));
        return initialisedMac;
    }

    /** Part of verify, per key tried: the body digest as lowercase hex, then as ASCII bytes. */
    @Benchmark
    public byte[] partDigestHexBytes() {
        return java.util.HexFormat.of().formatHex(bodyDigest).getBytes(StandardCharsets.US_ASCII);
    }

    /** A good signature with the terminal's key: the normal case. */
    @Benchmark
    public boolean verify() {
        return auth.verify(terminal, METHOD, PATH, TIMESTAMP, body, body.length, signature);
    }

    /** A good signature with the next key: the current key fails first, so two HMACs. */
    @Benchmark
    public boolean verifyDuringKeyChangeover() {
        return auth.verify(changingTerminal, METHOD, PATH, TIMESTAMP, body, body.length, signatureWithNextKey);
    }
}
