package id.lumbung.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the ISO 8583 (ISO87B) decoder (docs/FUZZING.md). Whatever the frame: decode
 * never throws and answers {@code OK} or one of the {@code ERR_*} codes; after an {@code OK} every
 * accessor the gateway uses answers without throwing, and a decoded message re-encodes (every
 * field copied) to a frame that decodes to the same fields.
 */
class Iso87BinaryCodecFuzzTest {
    private final Iso8583Message message = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
    private final Iso8583Message again = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
    private final byte[] reencoded = new byte[IsoGateway.FRAME_BYTES_MAX];

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] frame) {
        if (frame.length > IsoGateway.FRAME_BYTES_MAX) {
            // the connection refuses such a frame before decoding; the codec refuses it too
            assertThat(Iso87BinaryCodec.decode(message, frame.length)).isEqualTo(Iso87BinaryCodec.ERR_FRAME_TOO_LONG);
            return;
        }
        System.arraycopy(frame, 0, message.buffer(), 0, frame.length);
        int result = Iso87BinaryCodec.decode(message, frame.length);
        assertThat(result).isBetween(Iso87BinaryCodec.ERR_FRAME_TOO_LONG, Iso87BinaryCodec.OK);
        if (result != Iso87BinaryCodec.OK) {
            return;
        }
        assertThat(message.mti()).isBetween(0, 9999);
        Iso87BinaryCodec.Writer writer = new Iso87BinaryCodec.Writer().start(reencoded, message.mti());
        boolean copiedAll = true;
        for (int field = 2; field <= Iso8583Message.FIELD_MAX; field++) {
            if (!message.has(field)) {
                assertThat(message.units(field)).isEqualTo(-1);
                continue;
            }
            assertThat(message.units(field)).isGreaterThanOrEqualTo(0);
            message.numeric(field);
            message.isPrintable(field);
            message.trimmedChars(field);
            message.charsEqual(field, "360");
            copiedAll &= writer.copy(field, message);
        }
        if (!copiedAll) {
            return;
        }
        int length = writer.finish();
        if (length <= 0) {
            return;
        }
        System.arraycopy(reencoded, 0, again.buffer(), 0, length);
        assertThat(Iso87BinaryCodec.decode(again, length)).isEqualTo(Iso87BinaryCodec.OK);
        assertThat(again.mti()).isEqualTo(message.mti());
        for (int field = 2; field <= Iso8583Message.FIELD_MAX; field++) {
            assertThat(again.has(field)).as("field %d", field).isEqualTo(message.has(field));
            assertThat(again.units(field)).as("field %d", field).isEqualTo(message.units(field));
            assertThat(again.numeric(field)).as("field %d", field).isEqualTo(message.numeric(field));
            assertThat(again.trimmedChars(field)).as("field %d", field).isEqualTo(message.trimmedChars(field));
        }
    }
}
