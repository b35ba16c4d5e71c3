package id.lumbung.ingest;

/**
 * Allocation-free parser of the timestamp form terminals send,
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)}, into epoch milliseconds and the offset in
 * seconds. A fraction may have up to 9 digits, but those past the third must be zeros: the engine
 * keeps milliseconds, and a finer instant is not in this form. {@code OffsetDateTime.parse} costs about 1.5 KB and a microsecond per payment (JMH,
 * benchmarks/RESULTS.md); this is the hot path's form. Other ISO 8601 forms fall back to the JDK.
 * One instance per event loop: the result fields are reused.
 */
final class OffsetTimestamp {
    long epochMs;
    int offsetSeconds;

    /** @return true and sets the fields when {@code s} is in the fast form and a valid date-time */
    boolean parse(String s) {
        return parse(s.toCharArray(), 0, s.length());
    }

    /**
     * As {@link #parse(String)}, from {@code length} characters of {@code chars} at {@code from}
     * (the JSON parser's own text buffer: no String per payment).
     */
    boolean parse(char[] chars, int from, int length) {
        int n = length;
        if (n < 20 || chars[from + 4] != '-' || chars[from + 7] != '-' || chars[from + 10] != 'T'
                || chars[from + 13] != ':' || chars[from + 16] != ':') {
            return false;
        }
        int year = digits(chars, from, 4);
        int month = digits(chars, from + 5, 2);
        int day = digits(chars, from + 8, 2);
        int hour = digits(chars, from + 11, 2);
        int minute = digits(chars, from + 14, 2);
        int second = digits(chars, from + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return false;
        }
        int i = 19;
        int millis = 0;
        if (i < n && chars[from + i] == '.') {
            int start = ++i;
            while (i < n && chars[from + i] >= '0' && chars[from + i] <= '9') {
                if (i - start < 3) {
                    millis = millis * 10 + (chars[from + i] - '0');
                } else if (chars[from + i] != '0') {
                    return false; // finer than a millisecond: not this form (the caller refuses it)
                }
                i++;
            }
            int fractionDigits = i - start;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return false;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }
        int offset;
        if (i == n - 1 && chars[from + i] == 'Z') {
            offset = 0;
        } else if (i == n - 6 && (chars[from + i] == '+' || chars[from + i] == '-') && chars[from + i + 3] == ':') {
            int oh = digits(chars, from + i + 1, 2);
            int om = digits(chars, from + i + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59 || oh == 18 && om > 0) {
                return false;
            }
            offset = (oh * 3600 + om * 60) * (chars[from + i] == '-' ? -1 : 1);
        } else {
            return false;
        }
        long days = epochDay(year, month, day);
        epochMs = ((days * 86_400L + hour * 3600L + minute * 60L + second) - offset) * 1000L + millis;
        offsetSeconds = offset;
        return true;
    }

    private static int digits(char[] s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** Jakarta has kept UTC+07:00 (WIB) since 1964, without daylight saving. */
    static final int JAKARTA_OFFSET_SECONDS = 7 * 3600;

    /**
     * Appends {@code epochMs} as {@code yyyy-MM-ddTHH:mm:ss.SSS+07:00} without allocating (the
     * JDK formatter costs a few hundred bytes per answer). Years 0..9999 only, which any
     * acceptedAt or closedAt is.
     */
    static void appendJakarta(StringBuilder sb, long epochMs) {
        long local = epochMs + JAKARTA_OFFSET_SECONDS * 1000L;
        long days = Math.floorDiv(local, 86_400_000L);
        long msOfDay = local - days * 86_400_000L;
        // Howard Hinnant's civil_from_days
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, msOfDay / 3_600_000, 2).append(':');
        pad(sb, msOfDay / 60_000 % 60, 2).append(':');
        pad(sb, msOfDay / 1000 % 60, 2).append('.');
        pad(sb, msOfDay % 1000, 3).append("+07:00");
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        for (long p = width == 4 ? 1000 : width == 3 ? 100 : 10; p > 0; p /= 10) {
            sb.append((char) ('0' + value / p % 10));
        }
        return sb;
    }
}
