package id.lumbung.bench;

import id.lumbung.gateway.Iso8583Message;
import id.lumbung.gateway.Iso87BinaryCodec;
import id.lumbung.gateway.IsoGateway;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * ISO 8583:1987 (ISO87BPackager binary) on the gateway's per-request path, one message slot per
 * thread as per connection slot: copy the frame body into the slot's buffer and decode it; read the
 * fields a purchase needs; encode the 0210 answer that echoes the request. The 0200 is the card
 * purchase of IsoGatewayTest (PAN, RRN 000000000123, Rp15,000.00), built once with the engine's own
 * {@link Iso87BinaryCodec.Writer}; {@code IsoFixturesTest} checks it is byte for byte what jPOS packs.
 */
@State(Scope.Thread)
public class IsoCodecBenchmark extends HotPathBenchmark {
    /** IsoExchange.RESPONSE_BYTES_MAX (package-private there). */
    private static final int RESPONSE_BYTES_MAX = 128;
    private static final int FIELD_RRN = 37;
    private static final int FIELD_TERMINAL = 41;
    private static final int FIELD_MERCHANT = 42;
    private static final int FIELD_CURRENCY = 49;

    private byte[] frame;
    private Iso8583Message request;
    private final Iso87BinaryCodec.Writer writer = new Iso87BinaryCodec.Writer();
    private final byte[] response = new byte[RESPONSE_BYTES_MAX];

    @Setup
    public void setUp() {
        frame = IsoFixtures.purchase0200();
        request = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX); // as IsoConnection sizes a slot
        System.arraycopy(frame, 0, request.buffer(), 0, frame.length);
        if (Iso87BinaryCodec.decode(request, frame.length) != Iso87BinaryCodec.OK || request.mti() != 200
                || request.numeric(4) != 1_500_000L || !"T0000001".equals(request.trimmedChars(FIELD_TERMINAL))) {
            throw new IllegalStateException("fixture 0200 does not decode as expected");
        }
        int length = encode0210();
        if (length != IsoFixtures.RESPONSE_0210_BYTES) {
            throw new IllegalStateException("0210 is " + length + " bytes, expected " + IsoFixtures.RESPONSE_0210_BYTES);
        }
    }

    /** The copy alone: what the connection does before every decode. */
    @Benchmark
    public byte[] baselineCopyFrame() {
        System.arraycopy(frame, 0, request.buffer(), 0, frame.length);
        return request.buffer();
    }

    /** Copy the 0200 body into the slot and decode it (MTI, bitmap, 13 field offsets): no field read. */
    @Benchmark
    public int decode0200() {
        System.arraycopy(frame, 0, request.buffer(), 0, frame.length);
        return Iso87BinaryCodec.decode(request, frame.length);
    }

    /**
     * Decode plus the reads IsoTransactions.purchase makes through the public API: the numerics
     * (3, 4, 12, 13), currency compare, and terminal id, RRN and merchant id as Strings (the masked
     * PAN is package-private and not included). Strings are what a purchase must allocate here.
     */
    @Benchmark
    public void decode0200AndRead(Blackhole bh) {
        System.arraycopy(frame, 0, request.buffer(), 0, frame.length);
        bh.consume(Iso87BinaryCodec.decode(request, frame.length));
        bh.consume(request.numeric(3));
        bh.consume(request.numeric(4));
        bh.consume(request.numeric(12));
        bh.consume(request.numeric(13));
        bh.consume(request.charsEqual(FIELD_CURRENCY, "360"));
        bh.consume(request.trimmedChars(FIELD_TERMINAL));
        bh.consume(request.trimmedChars(FIELD_RRN));
        bh.consume(request.trimmedChars(FIELD_MERCHANT));
    }

    /** The approved 0210 as IsoExchange.answer writes it: ten echoed fields, 38 and 39. */
    @Benchmark
    public int encode0210() {
        Iso87BinaryCodec.Writer w = writer.start(response, 210);
        w.copy(3, request);
        w.copy(4, request);
        w.copy(7, request);
        w.copy(11, request);
        w.copy(12, request);
        w.copy(13, request);
        w.copy(37, request);
        w.put(38, "000001");
        w.put(39, "00");
        w.copy(41, request);
        w.copy(42, request);
        w.copy(49, request);
        return w.finish();
    }

    /** For a test: the answer bytes after one encode. */
    byte[] answerBytes() {
        return Arrays.copyOf(response, encode0210());
    }
}
