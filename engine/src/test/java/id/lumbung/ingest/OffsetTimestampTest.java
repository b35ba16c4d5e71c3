package id.lumbung.ingest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTimestampTest {

    @Test
    void agreesWithTheJdkOnRandomInstantsAndOffsets() {
        SplittableRandom random = new SplittableRandom(20261129);
        OffsetTimestamp fast = new OffsetTimestamp();
        for (int i = 0; i < 100_000; i++) {
            long epochSecond = random.nextLong(-2_000_000_000L, 8_000_000_000L);
            int kind = random.nextInt(4);
            int nanos = kind == 0 ? 0 : kind == 1 ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 900);
            String text = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond, nanos), offset)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (text.length() < 20 || text.charAt(4) != '-') {
                continue; // years beyond 4 digits take the JDK path
            }
            OffsetDateTime jdk = OffsetDateTime.parse(text);
            // the fast form keeps milliseconds: a finer instant is not in it (the decoder refuses those)
            boolean millisecondPrecise = jdk.getNano() % 1_000_000 == 0;
            assertThat(fast.parse(text)).as(text).isEqualTo(millisecondPrecise);
            if (!millisecondPrecise) {
                continue;
            }
            assertThat(fast.epochMs).as(text).isEqualTo(jdk.toInstant().toEpochMilli());
            assertThat(fast.offsetSeconds).as(text).isEqualTo(jdk.getOffset().getTotalSeconds());
        }
    }

    @Test
    void refusesImpossibleDatesAndOtherForms() {
        OffsetTimestamp fast = new OffsetTimestamp();
        for (String bad : new String[] {"2026-02-29T10:00:00+07:00", "2026-13-01T10:00:00Z", "2026-11-31T10:00:00Z",
                "2026-11-29T24:00:00Z", "2026-11-29T10:60:00Z", "2026-11-29T10:00:60Z", "2026-11-29T10:00:00+19:00",
                "2026-11-29T10:00:00", "2026-11-29T10:00:00.Z", "2026-11-29T10:00:00.1234567890Z", "2026-11-29 10:00:00Z",
                "2026-11-29T10:00:00+0700", "2026-11-29T10:00:00.1234Z", "2026-11-29T10:00:00.123000001Z",
                "2026-11-29T10:00:00.000001+07:00"}) {
            assertThat(fast.parse(bad)).as(bad).isFalse();
        }
        assertThat(fast.parse("2024-02-29T23:59:59.999+07:00")).isTrue();
        assertThat(fast.epochMs).isEqualTo(OffsetDateTime.parse("2024-02-29T23:59:59.999+07:00").toInstant().toEpochMilli());
        // zeros past the millisecond add nothing: the same instant
        assertThat(fast.parse("2024-02-29T23:59:59.999000000+07:00")).isTrue();
        assertThat(fast.epochMs).isEqualTo(OffsetDateTime.parse("2024-02-29T23:59:59.999+07:00").toInstant().toEpochMilli());
    }

    @Test
    void formatsJakartaTimeLikeTheJdk() {
        SplittableRandom random = new SplittableRandom(11);
        DateTimeFormatter jdk = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(java.time.ZoneId.of("Asia/Jakarta"));
        for (int i = 0; i < 100_000; i++) {
            long ms = random.nextLong(0, 4_000_000_000_000L);
            StringBuilder sb = new StringBuilder();
            OffsetTimestamp.appendJakarta(sb, ms);
            assertThat(sb.toString()).isEqualTo(jdk.format(java.time.Instant.ofEpochMilli(ms)));
        }
    }
}
