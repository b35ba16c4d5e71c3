package id.lumbung.reference;

import id.lumbung.core.digest.Sha256;

/**
 * The deterministic keys and tokens of the bundled demo data and of {@link ReferenceDataGenerator}
 * output, so that a load generator or a demo client can sign requests knowing only a terminal id.
 * Demo only: anyone who reads this class knows every such key. Never use it for production data.
 *
 * <ul>
 *   <li>terminal key = SHA-256 of the UTF-8 string {@code lumbung-demo-key-<terminalId>}</li>
 *   <li>terminal next key (key rotation) = SHA-256 of {@code lumbung-demo-next-key-<terminalId>}</li>
 *   <li>cooperative bearer token = {@code demo-token-<coopId>}; reference data stores its SHA-256</li>
 * </ul>
 */
public final class DemoCredentials {
    public static final String TERMINAL_KEY_PREFIX = "lumbung-demo-key-";
    public static final String TERMINAL_NEXT_KEY_PREFIX = "lumbung-demo-next-key-";
    public static final String COOP_TOKEN_PREFIX = "demo-token-";

    private DemoCredentials() {
    }

    /** The 32-byte HMAC-SHA256 key of a demo terminal. */
    public static byte[] terminalKey(String terminalId) {
        return Sha256.of(TERMINAL_KEY_PREFIX + terminalId);
    }

    /** The 32-byte key a demo terminal rotates to. */
    public static byte[] terminalNextKey(String terminalId) {
        return Sha256.of(TERMINAL_NEXT_KEY_PREFIX + terminalId);
    }

    /** The bearer token of a demo cooperative. */
    public static String coopToken(String coopId) {
        return COOP_TOKEN_PREFIX + coopId;
    }

    /** SHA-256 of the demo cooperative's bearer token, as stored in {@code coops.csv}. */
    public static byte[] coopTokenSha256(String coopId) {
        return Sha256.of(coopToken(coopId));
    }

    /** Lowercase hex, as written in the CSV files and in {@code X-Signature}. */
    public static String toLowerHex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
