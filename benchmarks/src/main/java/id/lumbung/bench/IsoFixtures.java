package id.lumbung.bench;

import id.lumbung.gateway.Iso87BinaryCodec;
import java.util.Arrays;

/** ISO 8583 frames for the gateway benchmarks, built with the engine's writer. */
final class IsoFixtures {
    static final String PAN = "4111111111111111";
    static final String RRN = "000000000123";
    /** Rp15,000.00 in minor units (ISO 4217 exponent 2 for IDR). */
    static final long AMOUNT_MINOR = 1_500_000L;
    /** 0210 echoing 3, 4, 7, 11, 12, 13, 37, 41, 42, 49 plus 38 and 39: IsoExchange's 78 bytes. */
    static final int RESPONSE_0210_BYTES = 78;

    private IsoFixtures() {
    }

    /**
     * The card purchase of IsoGatewayTest.purchase("T0000001", "000000000123", 1500000, PAN): the
     * frame body without the 2-byte length header.
     */
    static byte[] purchase0200() {
        byte[] buf = new byte[256];
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(buf, 200);
        boolean ok = w.put(2, PAN)
                && w.put(3, "000000")
                && w.putNumeric(4, AMOUNT_MINOR)
                && w.put(7, "1129031530")
                && w.put(11, "000123")
                && w.put(12, "101530")
                && w.put(13, "1129")
                && w.put(22, "051")
                && w.put(25, "00")
                && w.put(37, RRN)
                && w.put(41, Fixtures.TERMINAL_ID)
                && w.put(42, "TRADER-001")
                && w.put(49, "360");
        if (!ok) {
            throw new IllegalStateException("0200 fixture does not fit the ISO87B field table");
        }
        return Arrays.copyOf(buf, w.finish());
    }
}
