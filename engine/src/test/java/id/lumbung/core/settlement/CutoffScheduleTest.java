package id.lumbung.core.settlement;

import id.lumbung.config.EngineConfig;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CutoffScheduleTest {
    private final CutoffSchedule jakarta = new CutoffSchedule(EngineConfig.cutoffs(EngineConfig.CUTOFFS_DEFAULT),
            ZoneId.of("Asia/Jakarta"));

    @Test
    void nextDefaultCutoffIsTheFollowingLocalTimeInJakarta() {
        // 10:15 WIB -> 11:45 WIB (04:45 UTC)
        assertThat(jakarta.next(Instant.parse("2026-11-29T03:15:00Z"))).isEqualTo(Instant.parse("2026-11-29T04:45:00Z"));
        // exactly at a cut-off: the next one, never the same instant twice
        assertThat(jakarta.next(Instant.parse("2026-11-29T04:45:00Z"))).isEqualTo(Instant.parse("2026-11-29T07:10:00Z"));
        // after 19:10 WIB: 04:10 WIB the next day (21:10 UTC the same UTC day)
        assertThat(jakarta.next(Instant.parse("2026-11-29T12:10:00.001Z"))).isEqualTo(Instant.parse("2026-11-29T21:10:00Z"));
        // 23:59 WIB on the last day of the year rolls into the next year
        assertThat(jakarta.next(Instant.parse("2026-12-31T16:59:00Z"))).isEqualTo(Instant.parse("2026-12-31T21:10:00Z"));
    }

    @Test
    void noCutoffsMeansNoScheduledClose() {
        assertThat(new CutoffSchedule(EngineConfig.cutoffs("none"), ZoneId.of("Asia/Jakarta")).next(Instant.now())).isNull();
        assertThat(EngineConfig.cutoffs("19:10, 04:10,04:10")).hasSize(2).first().hasToString("04:10");
    }
}
