package id.lumbung.gateway;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Iso87BinaryCodecTest {

    private static final int MESSAGES = 2_000;
    private static final int CAPACITY_BYTES = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void decodesEveryFieldJposPacks() throws Exception {
        Random random = new Random(8583);
        Iso8583Message ours = new Iso8583Message(CAPACITY_BYTES);
        for (int n = 0; n < MESSAGES; n++) {
            ISOMsg jpos = randomJposMessage(random, n % 2 == 0 ? 64 : 128);
            byte[] packed = jpos.pack();
            System.arraycopy(packed, 0, ours.buffer(), 0, packed.length);
            assertThat(Iso87BinaryCodec.decode(ours, packed.length)).as("message %d", n).isEqualTo(Iso87BinaryCodec.OK);
            assertThat(ours.mti()).isEqualTo(Integer.parseInt(jpos.getMTI()));
            for (int field = 2; field <= 128; field++) {
                assertThat(ours.has(field)).as("message %d field %d present", n, field).isEqualTo(jpos.hasField(field));
                if (jpos.hasField(field)) {
                    assertThat(render(ours, field)).as("message %d field %d", n, field).isEqualTo(renderJpos(jpos, field));
                }
            }
        }
    }

    @Test
    void jposUnpacksEveryFieldWeWrite() throws Exception {
        Random random = new Random(360);
        byte[] out = new byte[CAPACITY_BYTES];
        Iso87BinaryCodec.Writer writer = new Iso87BinaryCodec.Writer();
        for (int n = 0; n < MESSAGES; n++) {
            ISOMsg expected = randomJposMessage(random, 64);
            writer.start(out, Integer.parseInt(expected.getMTI()));
            for (int field = 2; field <= 64; field++) {
                if (!expected.hasField(field)) {
                    continue;
                }
                boolean written = Iso87BinaryCodec.kind(field) == Iso87BinaryCodec.KIND_FIXED_BINARY
                        ? writer.putBinary(field, expected.getBytes(field))
                        : writer.put(field, expected.getString(field));
                assertThat(written).as("message %d field %d", n, field).isTrue();
            }
            int length = writer.finish();
            byte[] bytes = java.util.Arrays.copyOf(out, length);
            assertThat(HEX.formatHex(bytes)).as("message %d bytes", n).isEqualTo(HEX.formatHex(expected.pack()));
            ISOMsg unpacked = new ISOMsg();
            unpacked.setPackager(new ISO87BPackager());
            unpacked.unpack(bytes);
            for (int field = 2; field <= 64; field++) {
                assertThat(unpacked.hasField(field)).isEqualTo(expected.hasField(field));
                if (expected.hasField(field)) {
                    assertThat(renderJpos(unpacked, field)).isEqualTo(renderJpos(expected, field));
                }
            }
        }
    }

    @Test
    void packsOddLengthPanRightPaddedLikeIsoB87Packager() throws Exception {
        ISOMsg jpos = new ISOMsg();
        jpos.setPackager(new ISO87BPackager());
        jpos.setMTI("0200");
        jpos.set(2, "4111111111111");
        byte[] out = new byte[64];
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(out, 200);
        w.put(2, "4111111111111");
        byte[] ours = java.util.Arrays.copyOf(out, w.finish());
        // 13 digits: length 0x13, then 4111111111111 and a 0 pad nibble at the END (IFB_LLNUM pad=false)
        assertThat(HEX.formatHex(ours)).isEqualTo("0200" + "4000000000000000" + "13" + "41111111111110");
        assertThat(ours).isEqualTo(jpos.pack());
    }

    @Test
    void refusesEveryTruncationOfAValidMessageWithoutThrowing() throws Exception {
        Random random = new Random(42);
        Iso8583Message ours = new Iso8583Message(CAPACITY_BYTES);
        for (int n = 0; n < 100; n++) {
            byte[] packed = randomJposMessage(random, 128).pack();
            for (int cut = 0; cut < packed.length; cut++) {
                System.arraycopy(packed, 0, ours.buffer(), 0, cut);
                assertThat(Iso87BinaryCodec.decode(ours, cut)).as("cut at %d of %d", cut, packed.length).isNegative();
            }
        }
    }

    @Test
    void neverThrowsOnRandomBytes() {
        Random random = new Random(7);
        Iso8583Message ours = new Iso8583Message(IsoGateway.FRAME_BYTES_MAX);
        int decoded = 0;
        for (int n = 0; n < 100_000; n++) {
            int length = random.nextInt(IsoGateway.FRAME_BYTES_MAX + 1);
            random.nextBytes(ours.buffer());
            int result = Iso87BinaryCodec.decode(ours, length);
            assertThat(result).isLessThanOrEqualTo(Iso87BinaryCodec.OK);
            if (result == Iso87BinaryCodec.OK) {
                decoded++;
            }
        }
        assertThat(decoded).isLessThan(100_000);
    }

    @Test
    void refusesVariableLengthAboveTheFieldMaximum() {
        Iso8583Message ours = new Iso8583Message(256);
        // PAN declared 20 digits; ISO87BPackager allows 19
        byte[] frame = HEX.parseHex("0200" + "4000000000000000" + "20" + "12345678901234567890");
        System.arraycopy(frame, 0, ours.buffer(), 0, frame.length);
        assertThat(Iso87BinaryCodec.decode(ours, frame.length)).isEqualTo(Iso87BinaryCodec.ERR_FIELD_LENGTH);
    }

    @Test
    void refusesNonBcdLengthPrefixAndMti() {
        Iso8583Message ours = new Iso8583Message(256);
        byte[] badPrefix = HEX.parseHex("0200" + "4000000000000000" + "1A" + "1234");
        System.arraycopy(badPrefix, 0, ours.buffer(), 0, badPrefix.length);
        assertThat(Iso87BinaryCodec.decode(ours, badPrefix.length)).isEqualTo(Iso87BinaryCodec.ERR_FIELD_LENGTH);
        byte[] badMti = HEX.parseHex("02A0" + "0000000000000000");
        System.arraycopy(badMti, 0, ours.buffer(), 0, badMti.length);
        assertThat(Iso87BinaryCodec.decode(ours, badMti.length)).isEqualTo(Iso87BinaryCodec.ERR_MTI);
    }

    @Test
    void refusesBytesAfterTheLastField() {
        Iso8583Message ours = new Iso8583Message(256);
        byte[] frame = HEX.parseHex("0200" + "2000000000000000" + "000000" + "FF");
        System.arraycopy(frame, 0, ours.buffer(), 0, frame.length);
        assertThat(Iso87BinaryCodec.decode(ours, frame.length)).isEqualTo(Iso87BinaryCodec.ERR_TRAILING_BYTES);
        assertThat(Iso87BinaryCodec.decode(ours, frame.length - 1)).isEqualTo(Iso87BinaryCodec.OK);
    }

    @Test
    void readsTrack2SeparatorNibbleWithoutRefusingTheMessage() {
        Iso8583Message ours = new Iso8583Message(256);
        // field 35 of 9 digits "1234D5678" as a terminal sends it: D nibble, right pad
        byte[] frame = HEX.parseHex("0200" + "0000000020000000" + "09" + "1234D56780");
        System.arraycopy(frame, 0, ours.buffer(), 0, frame.length);
        assertThat(Iso87BinaryCodec.decode(ours, frame.length)).isEqualTo(Iso87BinaryCodec.OK);
        assertThat(ours.numeric(35)).isEqualTo(-1);
        assertThat(ours.units(35)).isEqualTo(9);
    }

    @Test
    void writerRefusesValuesThatDoNotFit() {
        Iso87BinaryCodec.Writer w = new Iso87BinaryCodec.Writer().start(new byte[128], 210);
        assertThat(w.putNumeric(3, 1_000_000)).isFalse();
        assertThat(w.put(4, "12A")).isFalse();
        assertThat(w.putNumeric(4, 150_000_00)).isTrue();
        assertThat(w.putNumeric(3, 0)).as("fields must ascend").isFalse();
        assertThat(w.put(39, "000")).isFalse();
        assertThat(w.put(39, "00")).isTrue();
        assertThat(w.put(70, "001")).as("no secondary bitmap is ever sent").isFalse();
    }

    private static ISOMsg randomJposMessage(Random random, int fieldMax) throws Exception {
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.setMTI(String.format("%04d", random.nextInt(10_000)));
        for (int field = 2; field <= fieldMax; field++) {
            if (field == 65 || random.nextInt(100) >= 15) {
                continue;
            }
            int max = Iso87BinaryCodec.maxUnits(field);
            switch (Iso87BinaryCodec.kind(field)) {
                case Iso87BinaryCodec.KIND_FIXED_BCD -> m.set(field, digits(random, max));
                case Iso87BinaryCodec.KIND_LL_BCD -> m.set(field, digits(random, 1 + random.nextInt(max)));
                case Iso87BinaryCodec.KIND_FIXED_CHAR -> m.set(field, chars(random, max));
                case Iso87BinaryCodec.KIND_LL_CHAR, Iso87BinaryCodec.KIND_LLL_CHAR ->
                        m.set(field, chars(random, random.nextInt(Math.min(max, 300) + 1)));
                case Iso87BinaryCodec.KIND_AMOUNT -> m.set(field, (random.nextBoolean() ? "C" : "D") + digits(random, max - 1));
                case Iso87BinaryCodec.KIND_FIXED_BINARY -> {
                    byte[] b = new byte[max];
                    random.nextBytes(b);
                    m.set(field, b);
                }
                default -> throw new AssertionError("field " + field);
            }
        }
        return m;
    }

    private static String digits(Random random, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('0' + random.nextInt(10));
        }
        return new String(c);
    }

    private static String chars(Random random, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) (0x21 + random.nextInt(0x7E - 0x21 + 1));
        }
        return new String(c);
    }

    private static String renderJpos(ISOMsg m, int field) {
        return Iso87BinaryCodec.kind(field) == Iso87BinaryCodec.KIND_FIXED_BINARY
                ? HEX.formatHex(m.getBytes(field))
                : m.getString(field);
    }

    private static String render(Iso8583Message m, int field) {
        int offset = m.contentOffset(field);
        int bytes = m.contentBytes(field);
        switch (Iso87BinaryCodec.kind(field)) {
            case Iso87BinaryCodec.KIND_FIXED_BCD:
            case Iso87BinaryCodec.KIND_LL_BCD: {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < m.units(field); i++) {
                    s.append((char) ('0' + m.digit(field, i)));
                }
                return s.toString();
            }
            case Iso87BinaryCodec.KIND_AMOUNT: {
                StringBuilder s = new StringBuilder().append((char) m.buffer()[offset]);
                for (int i = 1; i < bytes; i++) {
                    int b = m.buffer()[offset + i] & 0xFF;
                    s.append((char) ('0' + (b >>> 4))).append((char) ('0' + (b & 0x0F)));
                }
                return s.toString();
            }
            case Iso87BinaryCodec.KIND_FIXED_BINARY:
                return HEX.formatHex(m.buffer(), offset, offset + bytes);
            default:
                return new String(m.buffer(), offset, bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
