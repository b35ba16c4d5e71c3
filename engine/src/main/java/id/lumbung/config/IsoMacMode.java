package id.lumbung.config;

import java.util.Locale;

/**
 * ISO 8583 message authentication ({@code iso.mac}, DESIGN.md "Security defaults"): field 64
 * carries the first 8 bytes of HMAC-SHA256 under the terminal's key.
 */
public enum IsoMacMode {
    /** Every 0200 and 0400 of a known terminal carries a valid MAC, or is answered 63. */
    REQUIRED,
    /** A MAC is checked when present (a wrong one is answered 63); a request without one goes on. */
    OPTIONAL,
    /** No MAC is checked or sent: the transport (mutual TLS) and the registration authenticate. */
    OFF;

    /** {@code required}, {@code optional} or {@code off}, in any case. */
    public static IsoMacMode parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        for (IsoMacMode mode : values()) {
            if (mode.name().equals(v)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(EngineConfig.ISO_MAC_PROP_NAME + " must be required, optional or off, got '"
                + value + "'");
    }
}
