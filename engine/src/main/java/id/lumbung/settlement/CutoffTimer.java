package id.lumbung.settlement;

import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.settlement.CutoffSchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The cut-off schedule's timer: at each configured cut-off it closes every cooperative's window
 * ({@link JournalEntry#TRIGGER_SCHEDULE}), then arms itself for the next one. A Vert.x timer; the
 * close runs through the same path as an operator's.
 */
public final class CutoffTimer {
    private static final System.Logger LOG = System.getLogger(CutoffTimer.class.getName());

    /** Closes the window of one cooperative (index) or all (-1); completes once settled. */
    @FunctionalInterface
    public interface Closer {
        Future<?> closeWindow(int coopIndex, byte trigger);
    }

    private final Vertx vertx;
    private final List<LocalTime> cutoffs;
    private final String timezone;
    private final Clock clock;
    private final Closer closer;
    private volatile long nextCutoffEpochMs;
    private long cutoffTimer = -1;

    public CutoffTimer(Vertx vertx, List<LocalTime> cutoffs, String timezone, Clock clock, Closer closer) {
        this.vertx = vertx;
        this.cutoffs = cutoffs;
        this.timezone = timezone;
        this.clock = clock;
        this.closer = closer;
    }

    /** Arms the timer for the next cut-off after now (none configured: nothing, and 0 as next). */
    public void scheduleCutoff() {
        java.time.Instant next = new CutoffSchedule(cutoffs, ZoneId.of(timezone))
                .next(clock.instant());
        if (next == null) {
            nextCutoffEpochMs = 0;
            return;
        }
        nextCutoffEpochMs = next.toEpochMilli();
        long delayMs = Math.max(1, nextCutoffEpochMs - clock.millis());
        cutoffTimer = vertx.setTimer(delayMs, id -> closer.closeWindow(-1, JournalEntry.TRIGGER_SCHEDULE)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.log(System.Logger.Level.ERROR, "event=scheduled_close_failed error=\"{0}\"", ar.cause().getMessage());
                    }
                    scheduleCutoff();
                }));
    }

    /** Epoch ms of the next scheduled cut-off (0: none). */
    public long nextCutoffEpochMs() {
        return nextCutoffEpochMs;
    }

    /** Cancels the armed timer, if any. */
    public void cancel() {
        if (cutoffTimer >= 0) {
            vertx.cancelTimer(cutoffTimer);
        }
    }
}
