package id.lumbung.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import id.lumbung.TestEngine;
import id.lumbung.config.EngineConfig;
import id.lumbung.settlement.FeeSchedule;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops port (metrics, health, admin close) binds 127.0.0.1 unless {@code ops.bind} says
 * otherwise, whatever the terminal port binds. Probed on this machine's own non-loopback IPv4
 * address (the first up, non-loopback interface's), never on another host.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsBindTest {

    @Test
    void opsPortIsNotReachableOnANonLoopbackAddressByDefault(@TempDir Path data) throws Exception {
        InetAddress own = ownNonLoopbackAddress();
        try (Engine engine = start(data, Map.of())) {
            assertThat(connects(InetAddress.getLoopbackAddress(), engine.opsPort())).isTrue();
            assertThatThrownBy(() -> connects(own, engine.opsPort())).isInstanceOf(ConnectException.class);
            // the terminal port keeps binding every interface
            assertThat(connects(own, engine.httpPort())).isTrue();
        }
    }

    @Test
    void opsBindAllInterfacesIsReachableOnANonLoopbackAddress(@TempDir Path data) throws Exception {
        InetAddress own = ownNonLoopbackAddress();
        try (Engine engine = start(data, Map.of(EngineConfig.OPS_BIND_PROP_NAME, "0.0.0.0"))) {
            assertThat(connects(own, engine.opsPort())).isTrue();
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

    /** True once a TCP connection to {@code address}:{@code port} is accepted; a refusal throws. */
    private static boolean connects(InetAddress address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5_000);
            return s.isConnected();
        }
    }

    /** This machine's first non-loopback IPv4 address on an interface that is up; the test is skipped without one. */
    static InetAddress ownNonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        Assumptions.abort("no non-loopback IPv4 address on this machine");
        return null;
    }
}
