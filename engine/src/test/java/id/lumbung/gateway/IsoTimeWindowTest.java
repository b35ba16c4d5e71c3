package id.lumbung.gateway;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import java.net.Socket;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A purchase whose fields 12/13 lie outside the engine's time window (more than 7 days behind or
 * 5 minutes ahead, the terminal API's rule) is answered 12 at once, and the purchases after it on
 * the same connection are answered as usual (answers go out in request order, so one unanswered
 * purchase would hold every later one).
 */
class IsoTimeWindowTest {

    private static ISOMsg purchaseAt(ZonedDateTime at, String rrn) throws Exception {
        ISOMsg m = IsoTerminal.purchaseNow("T0000001", "BRH-001", rrn, 1_500_000, null);
        m.set(12, at.format(DateTimeFormatter.ofPattern("HHmmss")));
        m.set(13, at.format(DateTimeFormatter.ofPattern("MMdd")));
        return m;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPurchaseOutsideTheTimeWindowIsAnswered12AndTheConnectionGoesOn(@TempDir Path data) throws Exception {
        try (TestEngine t = new TestEngine(data, Map.of());
                IsoGatewayTest.Client iso = new IsoGatewayTest.Client(new Socket("127.0.0.1", t.engine.isoPort()),
                        DemoCredentials::terminalKey)) {
            ZonedDateTime now = ZonedDateTime.now(ZoneId.of("Asia/Jakarta"));
            ISOMsg old = iso.exchange(purchaseAt(now.minusDays(10), "RRN000000010"));
            assertThat(old.getMTI()).isEqualTo("0210");
            assertThat(old.getString(39)).isEqualTo("12");
            assertThat(old.hasField(38)).isFalse();
            ISOMsg ahead = iso.exchange(purchaseAt(now.plusMinutes(30), "RRN000000011"));
            assertThat(ahead.getString(39)).isEqualTo("12");

            ISOMsg fine = iso.exchange(purchaseAt(now, "RRN000000012"));
            assertThat(fine.getString(39)).isEqualTo("00");
            assertThat(t.ops("GET", "/metrics", null, null).body())
                    .contains("lumbung_payments_total{code=\"INVALID_TIMESTAMP\",result=\"rejected\"} 2.0");
        }
    }
}
