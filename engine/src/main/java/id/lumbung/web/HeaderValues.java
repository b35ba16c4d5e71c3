package id.lumbung.web;

/** Reading the request headers the terminal, cooperative and portal routes share. */
public final class HeaderValues {
    /** A client lists a handful of ranges in an {@code Accept} or {@code Accept-Language} value; more are not read. */
    public static final int RANGES_MAX = 32;

    private HeaderValues() {
    }

    /** The comma-separated ranges of an {@code Accept} or {@code Accept-Language} value, at most {@link #RANGES_MAX}. */
    public static String[] ranges(String header) {
        String[] ranges = header.split(",", RANGES_MAX + 1);
        return ranges.length > RANGES_MAX ? java.util.Arrays.copyOf(ranges, RANGES_MAX) : ranges;
    }

    /**
     * The weight ({@code q=}, RFC 9110 section 12.4.2) of a range split at {@code ;}: 1 when absent,
     * 0 when unreadable or outside 0..1.
     */
    public static double weight(String[] parts) {
        for (int j = 1; j < parts.length; j++) {
            String p = parts[j].trim();
            if (p.startsWith("q=")) {
                try {
                    double q = Double.parseDouble(p.substring(2));
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    /**
     * True when a {@code Content-Length} value declares more than {@code limit} bytes: digits, with
     * spaces or tabs around them (an unreadable value is left to the decoder, which refuses it).
     * Read in place: every request with a body passes here.
     */
    public static boolean declaredOver(String contentLength, int limit) {
        if (contentLength.length() > 12) {
            return true;
        }
        int start = 0;
        int end = contentLength.length();
        while (start < end && ows(contentLength.charAt(start))) {
            start++;
        }
        while (end > start && ows(contentLength.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return false;
        }
        long declared = 0;
        for (int i = start; i < end; i++) {
            char c = contentLength.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            declared = declared * 10 + (c - '0'); // at most 12 digits: no overflow
        }
        return declared > limit;
    }

    private static boolean ows(char c) {
        return c == ' ' || c == '\t';
    }
}
