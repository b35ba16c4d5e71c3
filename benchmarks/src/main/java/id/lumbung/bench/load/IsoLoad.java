package id.lumbung.bench.load;

import id.lumbung.gateway.Iso8583Message;
import id.lumbung.gateway.Iso87BinaryCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * ISO 8583 load: N connections (default 64), each a terminal of the reference folder sending 0200
 * purchases back to back (closed loop, one outstanding per connection) for a bounded time, and
 * counting approvals (field 39 {@code 00} in an answer whose field 64 MAC verifies). Latency per
 * exchange into HdrHistogram. Each request carries field 64, the first 8 bytes of HMAC-SHA256 under
 * the terminal's {@code key_hex} from the reference folder, as the engine requires by default
 * ({@code iso.mac=required}).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar id.lumbung.bench.load.IsoLoad PORT REFERENCE_DIR
 * [connections] [seconds]}
 */
public final class IsoLoad {
    private static final int MAC_BYTES = 8;

    /** Whether the answer ends in field 64 holding the MAC of the bytes before it (the engine sends nothing above 64). */
    private static boolean answerMacValid(javax.crypto.Mac hmac, byte[] answer, int length) {
        if (length < MAC_BYTES + 10 || (answer[9] & 1) == 0) { // bit 64 is the last bit of the primary bitmap (bytes 2..9)
            return false;
        }
        hmac.update(answer, 0, length - MAC_BYTES);
        byte[] expected = hmac.doFinal();
        return java.security.MessageDigest.isEqual(java.util.Arrays.copyOf(expected, MAC_BYTES),
                java.util.Arrays.copyOfRange(answer, length - MAC_BYTES, length));
    }
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path reference = Path.of(args[1]);
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        List<String[]> terminals = new ArrayList<>();
        for (String line : Files.readAllLines(reference.resolve("terminals.csv"), StandardCharsets.UTF_8)) {
            String[] cells = line.split(",", -1);
            if (!cells[0].equals("terminal_id") && cells[3].equals("ACTIVE")) {
                terminals.add(cells);
            }
        }
        long warmupEndNs = System.nanoTime() + 5_000_000_000L;
        long endNs = warmupEndNs + seconds * 1_000_000_000L;
        AtomicLong approved = new AtomicLong();
        AtomicLong declined = new AtomicLong();
        Histogram latency = new ConcurrentHistogram(60_000_000_000L, 3);
        List<Thread> threads = new ArrayList<>();
        long runId = System.currentTimeMillis() % 100_000;
        for (int c = 0; c < connections; c++) {
            String[] t = terminals.get(c % terminals.size());
            int connection = c;
            Thread th = new Thread(() -> {
                try {
                    drive(port, t[0], t[1], java.util.HexFormat.of().parseHex(t[2]), runId * 1000 + connection, warmupEndNs,
                            endNs, approved, declined, latency);
                } catch (IOException | java.security.GeneralSecurityException e) {
                    System.err.println("connection " + connection + ": " + e);
                }
            }, "iso-load-" + c);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        System.out.printf("iso: %d connections, %d s: approvals %,d (%,.0f/s), declined %,d, latency us p50 %d p99 %d p99.9 %d max %d%n",
                connections, seconds, approved.get(), approved.get() / (double) seconds, declined.get(),
                latency.getValueAtPercentile(50) / 1000, latency.getValueAtPercentile(99) / 1000,
                latency.getValueAtPercentile(99.9) / 1000, latency.getMaxValue() / 1000);
    }

    private static void drive(int port, String terminalId, String traderId, byte[] key, long rrnBase, long warmupEndNs,
            long endNs, AtomicLong approved, AtomicLong declined, Histogram latency)
            throws IOException, java.security.GeneralSecurityException {
        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        byte[] frame = new byte[512];
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer();
        Iso8583Message answer = new Iso8583Message(4096);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ZonedDateTime now = ZonedDateTime.now(ZoneId.of("Asia/Jakarta"));
            long date = now.getMonthValue() * 100L + now.getDayOfMonth();
            long time = now.getHour() * 10_000L + now.getMinute() * 100L + now.getSecond();
            for (long n = 0; System.nanoTime() < endNs && n < 10_000_000; n++) {
                byte[] body = new byte[frame.length - 2];
                w.start(body, 200);
                w.putNumeric(3, 0);
                w.putNumeric(4, 1_500_000);
                w.putNumeric(7, date * 1_000_000 + time);
                w.putNumeric(11, n % 1_000_000);
                w.putNumeric(12, time);
                w.putNumeric(13, date);
                String rrn = Long.toString(rrnBase * 10_000_000L + n);
                w.put(37, ("000000000000" + rrn).substring(rrn.length()));
                w.put(41, terminalId);
                w.put(42, traderId);
                w.put(49, "360");
                int macOffset = w.reserveMac();
                hmac.update(body, 0, macOffset);
                System.arraycopy(hmac.doFinal(), 0, body, macOffset, MAC_BYTES);
                int length = w.finish();
                frame[0] = (byte) (length >>> 8);
                frame[1] = (byte) length;
                System.arraycopy(body, 0, frame, 2, length);
                long t0 = System.nanoTime();
                out.write(frame, 0, length + 2);
                int answerLength = in.readUnsignedShort();
                in.readFully(answer.buffer(), 0, answerLength);
                long t1 = System.nanoTime();
                if (t0 < warmupEndNs) {
                    continue;
                }
                latency.recordValue(Math.min(t1 - t0, latency.getHighestTrackableValue()));
                if (Iso87BinaryCodec.decode(answer, answerLength) == Iso87BinaryCodec.OK && answer.charsEqual(39, "00")
                        && answerMacValid(hmac, answer.buffer(), answerLength)) {
                    approved.incrementAndGet();
                } else {
                    declined.incrementAndGet();
                }
            }
        }
    }
}
