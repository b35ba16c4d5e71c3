package id.lumbung.web;

/**
 * The timestamp a signed request carries (a terminal's {@code X-Timestamp}, a node's
 * {@code X-Lumbung-Node-Timestamp}): epoch milliseconds in decimal, taken within a skew of the
 * receiver's clock. A signature older than the skew is refused even when it verifies, which bounds
 * how long a captured request can be replayed.
 */
public final class RequestTimestamp {
    /** Clocks of terminals, nodes and engine may differ by up to five minutes (DESIGN: ±300 s). */
    public static final long SKEW_MAX_MS = 300_000L;
    /** {@link Long#MAX_VALUE} has 19 digits: a longer value is no timestamp. */
    private static final int DIGITS_MAX = 19;

    private RequestTimestamp() {
    }

    /** Whether the header is a decimal number of milliseconds within {@link #SKEW_MAX_MS} of {@code nowMs}. */
    public static boolean fresh(String header, long nowMs) {
        if (header == null || header.isEmpty() || header.length() > DIGITS_MAX) {
            return false;
        }
        long ts = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            ts = ts * 10 + (c - '0');
        }
        return Math.abs(nowMs - ts) <= SKEW_MAX_MS;
    }
}
