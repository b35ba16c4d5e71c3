package id.lumbung.gateway;

import id.lumbung.core.reference.Terminal;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IsoMac} against {@code javax.crypto.Mac} (through {@link IsoTerminal#mac}) on seeded
 * messages built with the engine's writer, for the current and the next key; and without
 * allocating once warm (the gateway checks and signs every message on an event loop).
 */
class IsoMacTest {
    private static final byte[] KEY = filled(0x11);
    private static final byte[] NEXT_KEY = filled(0x22);
    private static final Terminal TERMINAL = new Terminal(0, "T0000001", 0, KEY, NEXT_KEY, false);
    private static final Terminal NO_NEXT_KEY = new Terminal(1, "T0000002", 0, KEY, null, false);

    @Test
    void verifiesAndSignsAsHmacSha256TruncatedToEightBytes() throws Exception {
        Random random = new Random(20261206L);
        IsoMac mac = new IsoMac();
        for (int i = 0; i < 500; i++) {
            byte[] key = random.nextBoolean() ? KEY : NEXT_KEY;
            Iso8583Message m = signedPurchase(random.nextInt(1_000_000), "R" + i, key);
            assertThat(mac.verifiedKey(m, TERMINAL)).as("message %d", i).isSameAs(key);
            assertThat(mac.verifiedKey(m, NO_NEXT_KEY)).isEqualTo(key == KEY ? KEY : null);
            // one flipped bit anywhere before the MAC, or in it, and it no longer verifies
            int at = random.nextInt(m.length());
            m.buffer()[at] ^= (byte) (1 << random.nextInt(8));
            Iso87BinaryCodec.decode(m, m.length());
            assertThat(m.has(IsoMac.FIELD_MAC) ? mac.verifiedKey(m, TERMINAL) : null).as("message %d, byte %d flipped", i, at)
                    .isNull();
        }
        byte[] out = new byte[40];
        new Random(1).nextBytes(out);
        byte[] expected = IsoTerminal.mac(NEXT_KEY, out, 32);
        mac.sign(NEXT_KEY, out, 32);
        assertThat(Arrays.copyOfRange(out, 32, 40)).isEqualTo(expected);
    }

    @Test
    void missingMacVerifiesUnderNoKey() {
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer();
        Iso8583Message m = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
        w.start(m.buffer(), 200);
        w.put(41, "T0000001");
        Iso87BinaryCodec.decode(m, w.finish());
        assertThat(new IsoMac().verifiedKey(m, TERMINAL)).isNull();
    }

    @Test
    void checkingAndSigningAllocateNothingOnceWarm() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        IsoMac mac = new IsoMac();
        Iso8583Message current = signedPurchase(1_500_000, "ALLOC-1", KEY);
        Iso8583Message next = signedPurchase(1_500_000, "ALLOC-2", NEXT_KEY);
        byte[] answer = new byte[IsoExchange.RESPONSE_BYTES_MAX];
        long sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up: let the JIT compile the path
            sink += round(mac, current, next, answer);
        }
        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 10_000; i++) {
            sink += round(mac, current, next, answer);
        }
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertThat(sink).isEqualTo(30_000L * 2);
        // the smallest object is 16 bytes: 10,000 rounds that allocated would show 160,000 bytes or more
        assertThat(allocated).as("bytes allocated by 10,000 verify + sign rounds").isLessThan(1_000L);
    }

    /** One request of each key verified and one answer signed; 2 when both verified. */
    private static int round(IsoMac mac, Iso8583Message current, Iso8583Message next, byte[] answer) {
        int verified = (mac.verifiedKey(current, TERMINAL) == KEY ? 1 : 0) + (mac.verifiedKey(next, TERMINAL) == NEXT_KEY ? 1 : 0);
        mac.sign(KEY, answer, 80);
        return verified;
    }

    /** A 0200 written by the engine's writer with field 64 under {@code key}, decoded. */
    private static Iso8583Message signedPurchase(long amountMinor, String rrn, byte[] key) throws Exception {
        Iso8583Message m = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(m.buffer(), 200);
        assertThat(w.putNumeric(3, 0) && w.putNumeric(4, amountMinor) && w.put(11, "000001") && w.put(37, rrn)
                && w.put(41, "T0000001") && w.put(42, "TRADER-001") && w.put(49, "360")).isTrue();
        int macOffset = w.reserveMac();
        assertThat(macOffset).isPositive();
        System.arraycopy(IsoTerminal.mac(key, m.buffer(), macOffset), 0, m.buffer(), macOffset, IsoMac.MAC_BYTES);
        int length = w.finish();
        assertThat(length).isEqualTo(macOffset + IsoMac.MAC_BYTES);
        assertThat(Iso87BinaryCodec.decode(m, length)).isEqualTo(Iso87BinaryCodec.OK);
        return m;
    }

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }
}
