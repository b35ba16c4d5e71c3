package id.lumbung.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BindAddressTest {
    @Test
    void wildcardBindsAreReachedOnLoopback() {
        for (List<String> c : List.of(List.of("0.0.0.0", "127.0.0.1"), List.of("::", "::1"), List.of("[::]", "::1"),
                List.of("0:0:0:0:0:0:0:0", "::1"), List.of("10.1.2.3", "10.1.2.3"), List.of("localhost", "localhost"))) {
            assertThat(BindAddress.connectHost(c.get(0))).as(c.get(0)).isEqualTo(c.get(1));
        }
    }

    @Test
    void urlsBracketIpv6Literals() {
        assertThat(BindAddress.httpUrl("0.0.0.0", 8080)).isEqualTo("http://127.0.0.1:8080");
        assertThat(BindAddress.httpUrl("::", 8080)).isEqualTo("http://[::1]:8080");
        assertThat(BindAddress.httpUrl("[::]", 8080)).isEqualTo("http://[::1]:8080");
        assertThat(BindAddress.httpUrl("fd00::7", 8080)).isEqualTo("http://[fd00::7]:8080");
        assertThat(BindAddress.httpUrl("[fd00::7]", 8080)).isEqualTo("http://[fd00::7]:8080");
        assertThat(BindAddress.httpUrl("node-2.local", 9000)).isEqualTo("http://node-2.local:9000");
    }
}
