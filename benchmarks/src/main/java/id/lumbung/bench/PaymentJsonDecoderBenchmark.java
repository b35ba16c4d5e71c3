package id.lumbung.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.ingest.DecodedPayment;
import id.lumbung.ingest.PaymentJsonDecoder;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The HTTP ingest decoder: one payment body, and an offline terminal's batch of 100. The baselines
 * split decodeOne into its two big parts: the Jackson parser walking the tokens (no String built),
 * and {@code OffsetDateTime.parse} of the occurredAt field.
 */
@State(Scope.Thread)
public class PaymentJsonDecoderBenchmark extends HotPathBenchmark {
    /** An offline backlog upload of 100 payments (the batch limit is 1000). */
    private static final int BATCH_ITEMS = 100;
    /** A plain factory: the walk baseline measures the parser, not the decoder's checks. */
    private static final JsonFactory PLAIN_FACTORY = new JsonFactory();
    /** The decoder's own setting: strict duplicate detection keeps a set of the field names per object. */
    private static final JsonFactory STRICT_DUP_FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PaymentJsonDecoder decoder;
    /** The terminal's own id String, as the ingest passes it (not the body's characters). */
    private final String terminalId = new String(Fixtures.TERMINAL_ID.toCharArray());
    private final PaymentDraft draft = new PaymentDraft();
    private byte[] one;
    private byte[] batch;

    private JsonParser nonBlocking;
    private com.fasterxml.jackson.core.async.ByteArrayFeeder nonBlockingFeeder;

    @Setup
    public void setUp() throws IOException {
        nonBlocking = PLAIN_FACTORY.createNonBlockingByteArrayParser();
        nonBlockingFeeder = (com.fasterxml.jackson.core.async.ByteArrayFeeder) nonBlocking.getNonBlockingInputFeeder();
        decoder = new PaymentJsonDecoder(Fixtures.AMOUNT_MAX_RUPIAH);
        one = Fixtures.paymentJsonBytes();
        batch = Fixtures.batchJsonBytes(BATCH_ITEMS);
        PaymentJsonDecoder.Item item = decoder.decodeOne(one, one.length);
        if (item.request() == null || item.request().occurredAtEpochMs() != Fixtures.OCCURRED_AT_EPOCH_MS) {
            throw new IllegalStateException("fixture does not decode: " + item);
        }
        PaymentJsonDecoder.Batch b = decoder.decodeBatch(batch, batch.length, 1000);
        if (b.error() != null || b.items().size() != BATCH_ITEMS || b.items().get(BATCH_ITEMS - 1).request() == null) {
            throw new IllegalStateException("batch fixture does not decode: " + b.error());
        }
    }

    /** Jackson alone: create a parser and walk every token of the body, building no Strings. */
    @Benchmark
    public int baselineJacksonTokenWalk() throws IOException {
        return walkTokens(one);
    }

    private static int walkTokens(byte[] body) throws IOException {
        int tokens = 0;
        try (JsonParser p = PLAIN_FACTORY.createParser(body, 0, body.length)) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    /** Jackson's blocking parser alone over the batch body: every token walked, no Strings (a new parser per body); per item. */
    @Benchmark
    @OperationsPerInvocation(BATCH_ITEMS)
    public int baselineJacksonTokenWalkBatch100() throws IOException {
        return walkTokens(batch);
    }

    /** The same walk with one non-blocking parser reused across bodies, as the decoder reads (its stream of root values); per item. */
    @Benchmark
    @OperationsPerInvocation(BATCH_ITEMS)
    public int baselineJacksonNonBlockingTokenWalkBatch100() throws IOException {
        int tokens = 0;
        nonBlockingFeeder.feedInput(batch, 0, batch.length);
        JsonToken t;
        while ((t = nonBlocking.nextToken()) != JsonToken.NOT_AVAILABLE && t != null) {
            tokens++;
        }
        return tokens;
    }

    /** As above with the decoder's strict duplicate detection on. */
    @Benchmark
    public int baselineJacksonTokenWalkStrictDup() throws IOException {
        int tokens = 0;
        try (JsonParser p = STRICT_DUP_FACTORY.createParser(one, 0, one.length)) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    /** As the plain walk, also building each value String as the decoder does with getText(). */
    @Benchmark
    public void baselineJacksonTokenWalkGetText(Blackhole bh) throws IOException {
        try (JsonParser p = PLAIN_FACTORY.createParser(one, 0, one.length)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    bh.consume(p.getText());
                }
            }
        }
    }

    /** The occurredAt timestamp alone, parsed the way the decoder parses it. */
    @Benchmark
    public long baselineOccurredAtParse() {
        OffsetDateTime at = OffsetDateTime.parse(Fixtures.OCCURRED_AT, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return at.toInstant().toEpochMilli() + at.getOffset().getTotalSeconds();
    }

    /** What the ingest does per body: decode into the decoder's reused holder. */
    @Benchmark
    public DecodedPayment decodeOne() {
        return decoder.readOne(one, one.length);
    }

    /**
     * decodeOne plus the copy the ingest hands to the journal writer: into a reused slot's
     * {@link PaymentDraft} (txnId as characters, the ids the terminal's and trader's own Strings).
     */
    @Benchmark
    public PaymentDraft decodeOneToDraft() {
        return decoder.readOne(one, one.length).copyTo(draft, terminalId, null);
    }

    /** The convenience form tests use: an Item whose request has every String new. */
    @Benchmark
    public PaymentJsonDecoder.Item decodeOneFreshStrings() {
        return decoder.decodeOne(one, one.length);
    }

    /** One body of 100 payments per call; reported per payment (ns/op and B/op are per item). */
    @Benchmark
    @OperationsPerInvocation(BATCH_ITEMS)
    public PaymentJsonDecoder.DecodedBatch decodeBatch100() {
        return decoder.readBatch(batch, batch.length, 1000);
    }
}
