package id.lumbung;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock a test moves by hand: the system clock moved on by {@link #offsetMs}, or held at one
 * instant while {@link #heldEpochMs} is set.
 */
public final class MovableClock extends Clock {
    /** What the test adds to the system clock, in milliseconds. */
    public final AtomicLong offsetMs = new AtomicLong();
    /** The instant the clock shows, or -1 for the moving system clock plus {@link #offsetMs}. */
    public final AtomicLong heldEpochMs = new AtomicLong(-1);

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        long held = heldEpochMs.get();
        return held >= 0 ? Instant.ofEpochMilli(held) : Instant.now().plusMillis(offsetMs.get());
    }
}
