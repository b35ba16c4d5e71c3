package id.lumbung.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderValuesTest {
    @Test
    void contentLengthOverTheLimitIsDeclaredOver() {
        assertThat(HeaderValues.declaredOver("1025", 1024)).isTrue();
        assertThat(HeaderValues.declaredOver("1024", 1024)).isFalse();
        assertThat(HeaderValues.declaredOver("0", 1024)).isFalse();
        assertThat(HeaderValues.declaredOver(" 2048\t", 1024)).as("spaces and tabs around the digits").isTrue();
        assertThat(HeaderValues.declaredOver("000001024", 1024)).isFalse();
        assertThat(HeaderValues.declaredOver("999999999999", 1024)).as("12 digits").isTrue();
        assertThat(HeaderValues.declaredOver("1234567890123", Integer.MAX_VALUE)).as("longer than 12 characters").isTrue();
    }

    @Test
    void unreadableValuesAreLeftToTheDecoder() {
        for (String v : new String[] {"", "  ", "-1", "+5", "1 0", "12a", "0x10", "١٠٠"}) {
            assertThat(HeaderValues.declaredOver(v, 1)).as("'%s'", v).isFalse();
        }
    }
}
