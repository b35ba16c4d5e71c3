package id.lumbung.bench.load;

import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs terminal requests exactly as {@link TerminalAuth#sign} does (HMAC-SHA256 over
 * {@code METHOD \n PATH \n timestamp \n hex(SHA-256(body))}), but keeps one keyed {@link Mac} per
 * terminal and one digest, so that signing costs two hashes and no provider look-up per request.
 * {@code RequestSignerTest} holds it equal to {@code TerminalAuth.sign}. One instance per thread.
 */
final class RequestSigner {
    private static final byte[] NEWLINE = {'\n'};

    private final Mac[] macByTerminal;
    private final MessageDigest sha256;

    RequestSigner(String[] terminalIds) {
        macByTerminal = new Mac[terminalIds.length];
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < terminalIds.length; i++) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(DemoCredentials.terminalKey(terminalIds[i]), "HmacSHA256"));
                macByTerminal[i] = mac;
            }
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256/SHA-256", e);
        }
    }

    /** Lowercase hex signature of a request by the terminal at {@code terminalIndex}. */
    String sign(int terminalIndex, String method, String path, String timestamp, byte[] body) {
        String bodyHex = java.util.HexFormat.of().formatHex(sha256.digest(body));
        Mac mac = macByTerminal[terminalIndex];
        mac.update(method.getBytes(StandardCharsets.US_ASCII));
        mac.update(NEWLINE);
        mac.update(path.getBytes(StandardCharsets.UTF_8));
        mac.update(NEWLINE);
        mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        mac.update(NEWLINE);
        mac.update(bodyHex.getBytes(StandardCharsets.US_ASCII));
        return java.util.HexFormat.of().formatHex(mac.doFinal());
    }
}
