package id.lumbung.bench;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The journal entry codec: encode one payment (the journal writer, per payment) and decode it back
 * (replay, per entry). The baselines separate the CRC32C of the body, which both must do, from the
 * field work.
 */
@State(Scope.Thread)
public class EntryCodecBenchmark extends HotPathBenchmark {
    private static final long SEQUENCE = 1_000_000L;
    private static final long ACCEPTED_AT_EPOCH_MS = Fixtures.OCCURRED_AT_EPOCH_MS + 250;

    private EntryCodec codec;
    private PaymentRequest request;
    private byte[] encoded;
    private int encodedBytes;
    private JournalEntry entry;
    private CRC32C crc;

    @Setup
    public void setUp() {
        codec = new EntryCodec();
        request = Fixtures.payment();
        encodedBytes = codec.encodePayment(SEQUENCE, ACCEPTED_AT_EPOCH_MS, request, Fixtures.TRADER_ID, Fixtures.COOP_ID);
        // decode reads the entry from offset 0 of its own array, as replay does from its read buffer
        encoded = Arrays.copyOf(codec.buffer(), encodedBytes);
        entry = new JournalEntry();
        crc = new CRC32C();
        int code = codec.decode(encoded, encodedBytes, entry);
        if (code != EntryCodec.OK || !request.equals(entry.request)) {
            throw new IllegalStateException("round trip failed: " + EntryCodec.errorName(code));
        }
    }

    /** Bare call overhead: the floor every other number here sits on. */
    @Benchmark
    public long baseline() {
        return request.amountRupiah();
    }

    /** CRC32C over the encoded body: the checksum part of both encode and decode. */
    @Benchmark
    public long baselineCrc32cBody() {
        crc.reset();
        crc.update(encoded, EntryCodec.HEADER_BYTES, encodedBytes - EntryCodec.HEADER_BYTES);
        return crc.getValue();
    }

    @Benchmark
    public int encodePayment() {
        return codec.encodePayment(SEQUENCE, ACCEPTED_AT_EPOCH_MS, request, Fixtures.TRADER_ID, Fixtures.COOP_ID);
    }

    @Benchmark
    public void decodePayment(Blackhole bh) {
        bh.consume(codec.decode(encoded, encodedBytes, entry));
        bh.consume(entry.request);
    }

    /**
     * What replay does per entry: check and decode in place, ids as slices of the entry's bytes
     * (no Strings, no request). {@link #decodePayment} builds Strings and runs only to read one
     * payment back for a retry, a status or a void.
     */
    @Benchmark
    public void decodeForReplay(Blackhole bh) {
        bh.consume(codec.decodeForReplay(encoded, encodedBytes, entry));
        bh.consume(entry.amountRupiah);
        bh.consume(entry.txnIdLength);
    }
}
