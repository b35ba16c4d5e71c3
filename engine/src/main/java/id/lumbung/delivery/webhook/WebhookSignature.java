package id.lumbung.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Lumbung-Signature} header: {@code t=<epoch seconds>,v1=<lowercase hex HMAC-SHA256(secret,
 * t + "." + body)>}. The timestamp is part of the signed bytes, so a receiver can refuse an old
 * signature replayed later (README, "Receiving the batch-ready webhook").
 */
public final class WebhookSignature {
    public static final String HEADER = "Lumbung-Signature";

    private WebhookSignature() {
    }

    /** The header's value for {@code body} sent at {@code epochSeconds}. */
    public static String header(byte[] secret, long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, epochSeconds, body));
    }

    static byte[] hmac(byte[] secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
