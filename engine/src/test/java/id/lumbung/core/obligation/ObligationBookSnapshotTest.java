package id.lumbung.core.obligation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

import static id.lumbung.core.obligation.Obligations.date;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An obligation book written and read back settles the next batch exactly as the original. */
class ObligationBookSnapshotTest {

    private static ObligationBook sample() {
        ObligationBook book = new ObligationBook("C1");
        book.put(Obligations.of("R1", "TR1", ObligationKind.RETRIBUSI, 2_000, "2026-12-01", null));
        book.put(Obligations.of("L1", "TR1", ObligationKind.ANGSURAN, 10_000, "2026-11-30", 35_000L));
        book.put(Obligations.of("S2", "TR2", ObligationKind.SIMPANAN_WAJIB, 500, "2026-12-01", null));
        ObligationSettling s = book.settle(date("2026-12-02"));
        s.member("TR1", 15_000);
        s.finish();
        book.end("R1", date("2026-12-05"));
        return book;
    }

    private static byte[] bytes(ObligationBook book) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        book.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }

    private static ObligationBook read(byte[] bytes) throws IOException {
        return ObligationBook.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void roundTripsToTheSameStateAndBytes() throws IOException {
        ObligationBook original = sample();
        byte[] written = bytes(original);
        ObligationBook copy = read(written);
        assertThat(bytes(copy)).isEqualTo(written);
        assertThat(copy.lastCloseDate()).isEqualTo(date("2026-12-02"));
        assertThat(copy.views(null)).isEqualTo(original.views(null));
        for (ObligationBook b : new ObligationBook[] {original, copy}) {
            ObligationSettling s = b.settle(date("2026-12-06"));
            s.member("TR1", 40_000);
            s.member("TR2", 1_000);
            s.finish();
        }
        assertThat(copy.views(null)).isEqualTo(original.views(null));
        assertThat(bytes(copy)).isEqualTo(bytes(original));
    }

    @Test
    void refusesADeductionAboveTheAccrual() throws IOException {
        byte[] written = bytes(sample());
        // the last obligation written is S2 (by id), its deducted amount the last 8 bytes: 0 of 1,000 accrued
        ByteBuffer.wrap(written).putLong(written.length - 8, 1_001);
        assertThatThrownBy(() -> read(written)).isInstanceOf(IOException.class).hasMessageContaining("S2")
                .hasMessageContaining("deducted 1001");
        ByteBuffer.wrap(written).putLong(written.length - 8, 1_000);
        assertThat(read(written).view("S2").deductedRupiah()).isEqualTo(1_000);
    }

    @Test
    void refusesAWrongVersionAndATruncatedBook() throws IOException {
        byte[] written = bytes(sample());
        byte[] version = written.clone();
        version[3] = 9;
        assertThatThrownBy(() -> read(version)).isInstanceOf(IOException.class).hasMessageContaining("version 9");
        byte[] truncated = java.util.Arrays.copyOf(written, written.length - 1);
        assertThatThrownBy(() -> read(truncated)).isInstanceOf(IOException.class);
    }
}
