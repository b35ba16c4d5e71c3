package id.lumbung.config;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code journal.force}: {@code on} by default; the unsafe test-only value needs the JVM's explicit consent. */
class JournalForceSettingTest {

    @Test
    void theForceIsOnByDefaultAndWhenSaidSo() {
        assertThat(EngineConfig.defaults().journalForceOffUnsafe).isFalse();
        assertThat(EngineConfig.of(Map.of(EngineConfig.JOURNAL_FORCE_PROP_NAME, "on")).journalForceOffUnsafe).isFalse();
    }

    @Test
    void offIsRefusedWithoutTheTestOnlySystemProperty() {
        assertThat(System.getProperty(EngineConfig.UNSAFE_TEST_ONLY_SYSTEM_PROPERTY)).isNull();
        assertThatThrownBy(() -> EngineConfig.of(Map.of(EngineConfig.JOURNAL_FORCE_PROP_NAME, "off-unsafe-test-only")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journal.force=off-unsafe-test-only loses acknowledged payments at a power cut and is for tests"
                        + " only: it needs -Dlumbung.unsafe.test.only=true");
    }

    @Test
    void offIsAcceptedWithTheTestOnlySystemProperty() {
        System.setProperty(EngineConfig.UNSAFE_TEST_ONLY_SYSTEM_PROPERTY, "true");
        try {
            assertThat(EngineConfig.of(Map.of(EngineConfig.JOURNAL_FORCE_PROP_NAME, "off-unsafe-test-only")).journalForceOffUnsafe)
                    .isTrue();
        } finally {
            System.clearProperty(EngineConfig.UNSAFE_TEST_ONLY_SYSTEM_PROPERTY);
        }
    }

    @Test
    void anythingElseIsRefused() {
        for (String value : new String[] {"off", "false", "OFF-UNSAFE-TEST-ONLY", "no"}) {
            assertThatThrownBy(() -> EngineConfig.of(Map.of(EngineConfig.JOURNAL_FORCE_PROP_NAME, value)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("journal.force must be on or off-unsafe-test-only, got '" + value + "'");
        }
    }
}
