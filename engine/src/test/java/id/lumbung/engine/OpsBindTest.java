package id.lumbung.engine;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.net.ListeningSockets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops port (metrics, health, admin close) binds 127.0.0.1 unless {@code ops.bind} says
 * otherwise, whatever the terminal port binds. Read from the kernel's table of listening sockets
 * ({@link ListeningSockets}), so no packet goes to any address but loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsBindTest {

    @Test
    void opsPortBindsLoopbackOnlyByDefault(@TempDir Path data) throws Exception {
        try (Engine engine = start(data, Map.of())) {
            assertThat(ListeningSockets.boundAddresses(engine.opsPort())).containsExactly("127.0.0.1");
            // the terminal port keeps binding every interface
            assertThat(ListeningSockets.boundAddresses(engine.httpPort())).containsExactly(ListeningSockets.ANY);
        }
    }

    @Test
    void opsBindAllInterfacesBindsTheWildcard(@TempDir Path data) throws Exception {
        try (Engine engine = start(data, Map.of(EngineConfig.OPS_BIND_PROP_NAME, "0.0.0.0"))) {
            assertThat(ListeningSockets.boundAddresses(engine.opsPort())).containsExactly(ListeningSockets.ANY);
        }
    }

    /** An engine on the demo data with the default bind addresses (no {@code http.host}), ports picked by the kernel. */
    private static Engine start(Path data, Map<String, String> settings) throws Exception {
        Map<String, String> v = new HashMap<>(settings);
        v.put(EngineConfig.DATA_DIR_PROP_NAME, data.toString());
        v.put(EngineConfig.HTTP_PORT_PROP_NAME, "0");
        v.put(EngineConfig.OPS_PORT_PROP_NAME, "0");
        v.put(EngineConfig.ISO_PORT_PROP_NAME, "0");
        v.put(EngineConfig.CUTOFFS_PROP_NAME, "none");
        v.put(EngineConfig.DISK_RESERVE_BYTES_PROP_NAME, "0");
        Engine engine = new Engine(EngineConfig.of(v), TestEngine.demoReference(), FeeSchedule.defaults(), Clock.systemUTC(),
                TestEngine.ADMIN_TOKEN, (t, e) -> {
                    throw new AssertionError("engine fatal: " + e, e);
                });
        engine.start();
        return engine;
    }
}
