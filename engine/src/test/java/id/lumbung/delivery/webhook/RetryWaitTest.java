package id.lumbung.delivery.webhook;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.reference.DeliveryCredentials;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The wait between tries: doubling from 1 s, at most ±20%, capped at 10 minutes. */
class RetryWaitTest {
    @TempDir
    Path dir;

    @Test
    void doublesFromOneSecondWithinTwentyPercentCappedAtTenMinutes() throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        WebhookDelivery d = new WebhookDelivery(DeliveryCredentials.none(), () -> reference, dir, Clock.systemUTC(),
                new SimpleMeterRegistry(), WebhookDelivery.RETRY_FIRST_MS_DEFAULT, new SplittableRandom(20261206L));
        try {
            double lowest = Double.MAX_VALUE;
            double highest = 0;
            for (int round = 0; round < 200; round++) {
                for (int failures = 1; failures <= 40; failures++) {
                    long base = 1000L << Math.min(failures - 1, 20); // 1 s, 2 s, 4 s, ...
                    long wait = d.retryWaitMs(failures);
                    assertThat(wait).as("failure %d", failures)
                            .isBetween(Math.min((long) (base * 0.8), 600_000L), Math.min((long) (base * 1.2), 600_000L));
                    if (base * 1.2 <= 600_000L) {
                        lowest = Math.min(lowest, wait / (double) base);
                        highest = Math.max(highest, wait / (double) base);
                    }
                }
            }
            // the jitter is used, in both directions
            assertThat(lowest).isLessThan(0.85);
            assertThat(highest).isGreaterThan(1.15);
            assertThat(d.retryWaitMs(11)).isEqualTo(600_000L); // 1024 s × at least 0.8 > 10 minutes
            assertThat(d.retryWaitMs(Integer.MAX_VALUE)).isEqualTo(600_000L);
        } finally {
            d.close();
        }
    }
}
