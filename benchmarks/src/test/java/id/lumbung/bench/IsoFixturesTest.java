package id.lumbung.bench;

import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's frames are the real wire format: what jPOS ISO87BPackager packs and unpacks. */
class IsoFixturesTest {

    @Test
    void purchase0200IsWhatJposPacks() throws Exception {
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.setMTI("0200");
        m.set(2, IsoFixtures.PAN);
        m.set(3, "000000");
        m.set(4, String.format("%012d", IsoFixtures.AMOUNT_MINOR));
        m.set(7, "1129031530");
        m.set(11, "000123");
        m.set(12, "101530");
        m.set(13, "1129");
        m.set(22, "051");
        m.set(25, "00");
        m.set(37, IsoFixtures.RRN);
        m.set(41, Fixtures.TERMINAL_ID);
        m.set(42, "TRADER-001");
        m.set(49, "360");
        assertThat(IsoFixtures.purchase0200()).isEqualTo(m.pack());
    }

    @Test
    void encoded0210IsAnApprovalJposReads() throws Exception {
        IsoCodecBenchmark bench = new IsoCodecBenchmark();
        bench.setUp();
        byte[] answer = bench.answerBytes();
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.unpack(answer);
        assertThat(answer).hasSize(IsoFixtures.RESPONSE_0210_BYTES);
        assertThat(m.getMTI()).isEqualTo("0210");
        assertThat(m.getString(39)).isEqualTo("00");
        assertThat(m.getString(38)).isEqualTo("000001");
        assertThat(m.getString(37).trim()).isEqualTo(IsoFixtures.RRN);
        assertThat(m.getString(4)).isEqualTo("000001500000");
        assertThat(m.hasField(2)).isFalse();
    }
}
