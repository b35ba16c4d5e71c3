package id.lumbung.core.obligation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The cooperative's calendar: obligations accrue by Asia/Jakarta dates (UTC+07:00, no daylight saving). */
public final class JakartaDates {
    public static final ZoneId ZONE = ZoneId.of("Asia/Jakarta");
    /** closedAt as the cooperative API writes it, for example {@code 2026-12-01T14:10:00.000+07:00}. */
    private static final DateTimeFormatter CLOSED_AT = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx", Locale.ROOT).withZone(ZONE);

    private JakartaDates() {
    }

    /** The Asia/Jakarta date of a close at {@code closedAtEpochMs}. */
    public static LocalDate closeDate(long closedAtEpochMs) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(closedAtEpochMs), ZONE);
    }

    /** {@code closedAt} as JSON and CSV write it. */
    public static String closedAt(long closedAtEpochMs) {
        return CLOSED_AT.format(Instant.ofEpochMilli(closedAtEpochMs));
    }
}
