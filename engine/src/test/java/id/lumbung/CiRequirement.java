package id.lumbung;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a test needs from the machine (root, a mount, a tool): under {@code CI=true}, where
 * {@code .ci/run} installs and allows all of it, a missing need fails the test; on a developer's
 * machine it skips it.
 */
public final class CiRequirement {
    private CiRequirement() {
    }

    /** Fails under {@code CI=true}, skips elsewhere, unless {@code condition} holds. */
    public static void requireOrSkip(boolean condition, String why) {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(condition).as(why).isTrue();
        }
        Assumptions.assumeTrue(condition, why);
    }
}
