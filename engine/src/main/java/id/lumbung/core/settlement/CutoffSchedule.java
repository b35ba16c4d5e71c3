package id.lumbung.core.settlement;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The settlement cut-offs: local times in one zone (default Asia/Jakarta) at which every
 * cooperative's window closes. Pure: the next cut-off is a function of the instant asked about.
 */
public final class CutoffSchedule {
    private final List<LocalTime> cutoffs;
    private final ZoneId zone;

    /** @param cutoffs sorted, without repeats; empty means no scheduled closes */
    public CutoffSchedule(List<LocalTime> cutoffs, ZoneId zone) {
        this.cutoffs = List.copyOf(cutoffs);
        this.zone = zone;
    }

    /** The first cut-off strictly after {@code now}, or null when there are none. */
    public Instant next(Instant now) {
        if (cutoffs.isEmpty()) {
            return null;
        }
        ZonedDateTime local = now.atZone(zone);
        for (int day = 0; day <= 1; day++) {
            for (LocalTime t : cutoffs) {
                ZonedDateTime candidate = local.toLocalDate().plusDays(day).atTime(t).atZone(zone);
                if (candidate.toInstant().isAfter(now)) {
                    return candidate.toInstant();
                }
            }
        }
        throw new IllegalStateException("no cut-off within two days of " + now);
    }
}
