package id.lumbung.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.PaymentRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the terminal JSON decoder (docs/FUZZING.md). Whatever the bytes, the decoder
 * never throws, answers exactly one of a request and an error, and every request it lets through
 * is within the contract's limits. Seeds: {@code PaymentJsonDecoderFuzzTestInputs/<method>/}.
 */
class PaymentJsonDecoderFuzzTest {
    private static final long AMOUNT_MAX = EngineConfig.AMOUNT_MAX_DEFAULT;
    private final PaymentJsonDecoder decoder = new PaymentJsonDecoder(AMOUNT_MAX);

    @FuzzTest(maxDuration = "2m")
    void decodeOne(byte[] body) {
        checkItem(decoder.decodeOne(body, body.length));
    }

    @FuzzTest(maxDuration = "2m")
    void decodeBatch(byte[] body) {
        int itemsMax = 8;
        PaymentJsonDecoder.Batch batch = decoder.decodeBatch(body, body.length, itemsMax);
        if (batch.error() != null) {
            assertThat(batch.error().problem()).isNotNull();
            assertThat(batch.error().problem().status).isBetween(400, 499);
            return;
        }
        assertThat(batch.items()).isNotNull();
        assertThat(batch.items().size()).isLessThanOrEqualTo(itemsMax);
        batch.items().forEach(PaymentJsonDecoderFuzzTest::checkItem);
    }

    private static void checkItem(PaymentJsonDecoder.Item item) {
        assertThat(item).isNotNull();
        assertThat(item.request() == null).isNotEqualTo(item.error() == null);
        if (item.error() != null) {
            // never a 5xx for anything a client sent
            assertThat(item.error().problem().status).isBetween(400, 499);
            return;
        }
        PaymentRequest r = item.request();
        assertThat(r.amountRupiah()).isBetween(1L, AMOUNT_MAX);
        assertThat(r.currency()).isEqualTo("IDR");
        assertThat(r.txnId()).matches("[A-Za-z0-9-]{1,32}");
        assertThat(r.method()).matches("[A-Z0-9_]{1,16}");
        assertThat(r.terminalId()).isNotEmpty();
        if (r.payerRef() != null) {
            assertThat(r.payerRef().codePointCount(0, r.payerRef().length())).isLessThanOrEqualTo(PaymentJsonDecoder.PAYER_REF_CHARS_MAX);
            // Unicode text (no lone surrogate), which the journal's UTF-8 keeps exactly
            assertThat(java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(r.payerRef())).isTrue();
        }
    }
}
