package id.lumbung.snapshot;

import id.lumbung.core.snapshot.SnapshotException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The snapshot file's reader and writer: bulk arrays across buffer edges, lengths and checksum checked. */
class SnapshotFileTest {
    @TempDir
    Path dir;

    private Path write(Consumer<SnapshotOut> body) throws IOException {
        Path file = dir.resolve("s.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            SnapshotOut out = new SnapshotOut(ch);
            body.accept(out);
            assertThat(out.finish()).isEqualTo(Files.size(file));
        }
        return file;
    }

    private static void read(Path file, Consumer<SnapshotIn> body) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SnapshotIn in = new SnapshotIn(ch, ch.size());
            body.accept(in);
            in.finish();
        }
    }

    @Test
    void roundTripsValuesAndArraysThatCrossTheBufferEdge() throws Exception {
        Random random = new Random(20261130L);
        // 4 MiB buffer: odd sizes and a leading byte put every array across an edge at an odd offset
        long[] longs = random.longs(1_300_001).toArray();
        int[] ints = random.ints(700_003).toArray();
        byte[] bytes = new byte[5_000_011];
        random.nextBytes(bytes);
        Path file = write(out -> {
            out.writeByte((byte) 7);
            out.writeLongs(longs, 0, longs.length);
            out.writeInt(-5);
            out.writeInts(ints, 0, ints.length);
            out.writeString("KSP-BERINGHARJO-143 ü");
            out.writeBytes(bytes, 0, bytes.length);
            out.writeLongArray(new long[] {1, 2, 3});
            out.writeLong(Long.MIN_VALUE);
        });
        long[] longsBack = new long[longs.length];
        int[] intsBack = new int[ints.length];
        byte[] bytesBack = new byte[bytes.length];
        read(file, in -> {
            assertThat(in.readByte()).isEqualTo((byte) 7);
            in.readLongs(longsBack, 0, longsBack.length);
            assertThat(in.readInt()).isEqualTo(-5);
            in.readInts(intsBack, 0, intsBack.length);
            assertThat(in.readString(100)).isEqualTo("KSP-BERINGHARJO-143 ü");
            in.readBytes(bytesBack, 0, bytesBack.length);
            assertThat(in.readLongArray(3, "longs")).containsExactly(1, 2, 3);
            assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE);
        });
        assertThat(Arrays.equals(longs, longsBack)).isTrue();
        assertThat(Arrays.equals(ints, intsBack)).isTrue();
        assertThat(Arrays.equals(bytes, bytesBack)).isTrue();
    }

    @Test
    void aFlippedBitAnywhereFailsTheChecksum() throws Exception {
        long[] longs = new Random(1).longs(600_000).toArray();
        Path file = write(out -> out.writeLongs(longs, 0, longs.length));
        byte[] raw = Files.readAllBytes(file);
        for (int at : new int[] {0, 4 << 20, raw.length / 2, raw.length - 9, raw.length - 1}) {
            byte[] damaged = raw.clone();
            damaged[at] ^= 0x04;
            Files.write(file, damaged);
            assertThatThrownBy(() -> read(file, in -> in.readLongs(new long[longs.length], 0, longs.length)))
                    .as("bit flipped at byte %d", at)
                    .isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("checksum");
        }
    }

    @Test
    void refusesTruncationUnreadBytesAndLengthsTheFileCannotHold() throws Exception {
        Path file = write(out -> {
            out.writeInt(1_000_000_000); // a damaged length: would be 8 GB of longs
            out.writeLong(42);
        });
        assertThatThrownBy(() -> read(file, in -> in.readLongArray(Integer.MAX_VALUE, "longs")))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("only");
        assertThatThrownBy(() -> read(file, in -> in.readCount(1000, "batches")))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("1000000000 batches");
        assertThatThrownBy(() -> read(file, SnapshotIn::readInt))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("unread");
        byte[] raw = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(raw, 10));
        assertThatThrownBy(() -> read(file, in -> {
            in.readInt();
            in.readLong();
        })).isInstanceOf(SnapshotException.class).hasMessageContaining("ends early");
    }
}
