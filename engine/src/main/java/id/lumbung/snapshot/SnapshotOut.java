package id.lumbung.snapshot;

import id.lumbung.core.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Sequential little-endian writer of a snapshot file. Arrays go through in bulk (a 10-million
 * payment book is ~700 MB of primitive arrays), and every byte is added to a CRC32C that
 * {@link #finish} appends as the file's last 8 bytes.
 */
public final class SnapshotOut implements SnapshotWriter {
    /** 4 MiB: large enough that a chunk's column (512 KB) is one copy, small enough to stay cheap. */
    static final int BUFFER_BYTES = 4 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long bytes;

    SnapshotOut(FileChannel channel) {
        this.channel = channel;
    }

    private void room(int n) {
        if (buffer.remaining() < n) {
            flush();
        }
    }

    private void flush() {
        buffer.flip();
        crc.update(buffer.duplicate());
        drain();
    }

    /** Writes the flipped buffer out whole and clears it. */
    private void drain() {
        try {
            while (buffer.hasRemaining()) {
                bytes += channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot", e);
        }
        buffer.clear();
    }

    @Override
    public void writeByte(byte v) {
        room(1);
        buffer.put(v);
    }

    @Override
    public void writeInt(int v) {
        room(Integer.BYTES);
        buffer.putInt(v);
    }

    @Override
    public void writeLong(long v) {
        room(Long.BYTES);
        buffer.putLong(v);
    }

    /** A length and the string's UTF-8 bytes. */
    @Override
    public void writeString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(b.length);
        writeBytes(b, 0, b.length);
    }

    @Override
    public void writeBytes(byte[] a, int from, int length) {
        while (length > 0) {
            room(1);
            int n = Math.min(length, buffer.remaining());
            buffer.put(a, from, n);
            from += n;
            length -= n;
        }
    }

    @Override
    public void writeInts(int[] a, int from, int length) {
        while (length > 0) {
            room(Integer.BYTES);
            int n = Math.min(length, buffer.remaining() / Integer.BYTES);
            buffer.asIntBuffer().put(a, from, n);
            buffer.position(buffer.position() + n * Integer.BYTES);
            from += n;
            length -= n;
        }
    }

    @Override
    public void writeLongs(long[] a, int from, int length) {
        while (length > 0) {
            room(Long.BYTES);
            int n = Math.min(length, buffer.remaining() / Long.BYTES);
            buffer.asLongBuffer().put(a, from, n);
            buffer.position(buffer.position() + n * Long.BYTES);
            from += n;
            length -= n;
        }
    }

    /** A length-prefixed long array. */
    @Override
    public void writeLongArray(long[] a) {
        writeInt(a.length);
        writeLongs(a, 0, a.length);
    }

    /** Writes what is buffered and the CRC32C of everything before it; returns the file's length. */
    long finish() {
        flush();
        buffer.putLong(crc.getValue());
        buffer.flip();
        drain(); // the checksum itself is not part of what it sums
        return bytes;
    }
}
