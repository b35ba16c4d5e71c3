package id.lumbung.snapshot;

import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Sequential reader of a file {@link SnapshotOut} wrote. Every read is bounds-checked against the
 * file (a damaged length cannot make it allocate gigabytes or read past the end: {@link
 * SnapshotException}), and {@link #finish} checks the CRC32C over all bytes read.
 */
public final class SnapshotIn implements SnapshotReader {
    private final FileChannel channel;
    private final long contentBytes;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(SnapshotOut.BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    /** Bytes of content taken into the buffer so far. */
    private long loaded;

    SnapshotIn(FileChannel channel, long fileBytes) {
        if (fileBytes < Long.BYTES) {
            throw new SnapshotException("snapshot file too short: " + fileBytes + " bytes");
        }
        this.channel = channel;
        this.contentBytes = fileBytes - Long.BYTES;
        buffer.limit(0);
    }

    /** Makes at least {@code n} (at most the buffer size) bytes available. */
    private void need(int n) {
        if (buffer.remaining() >= n) {
            return;
        }
        buffer.compact();
        try {
            while (buffer.position() < n) {
                long left = contentBytes - loaded;
                if (left <= 0) {
                    throw new SnapshotException("snapshot ends early at byte " + loaded);
                }
                int before = buffer.position();
                if (left < buffer.remaining()) {
                    buffer.limit(before + (int) left);
                }
                if (channel.read(buffer) < 0) {
                    throw new SnapshotException("snapshot ends early at byte " + loaded);
                }
                ByteBuffer fresh = buffer.duplicate().flip().position(before);
                crc.update(fresh);
                loaded += buffer.position() - before;
                buffer.limit(buffer.capacity());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot", e);
        }
        buffer.flip();
    }

    @Override
    public byte readByte() {
        need(1);
        return buffer.get();
    }

    @Override
    public int readInt() {
        need(Integer.BYTES);
        return buffer.getInt();
    }

    @Override
    public long readLong() {
        need(Long.BYTES);
        return buffer.getLong();
    }

    /** A non-negative count no larger than {@code max}, else the snapshot is damaged. */
    @Override
    public int readCount(int max, String what) {
        int n = readInt();
        if (n < 0 || n > max) {
            throw new SnapshotException("snapshot holds " + n + " " + what + ", outside 0.." + max);
        }
        return n;
    }

    @Override
    public String readString(int bytesMax) {
        int n = readCount(bytesMax, "string bytes");
        byte[] b = new byte[n];
        readBytes(b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void readBytes(byte[] a, int from, int length) {
        requireBytesLeft((long) length);
        while (length > 0) {
            need(1);
            int n = Math.min(length, buffer.remaining());
            buffer.get(a, from, n);
            from += n;
            length -= n;
        }
    }

    @Override
    public void readInts(int[] a, int from, int length) {
        requireBytesLeft((long) length * Integer.BYTES);
        while (length > 0) {
            need(Integer.BYTES);
            int n = Math.min(length, buffer.remaining() / Integer.BYTES);
            buffer.asIntBuffer().get(a, from, n);
            buffer.position(buffer.position() + n * Integer.BYTES);
            from += n;
            length -= n;
        }
    }

    @Override
    public void readLongs(long[] a, int from, int length) {
        requireBytesLeft((long) length * Long.BYTES);
        while (length > 0) {
            need(Long.BYTES);
            int n = Math.min(length, buffer.remaining() / Long.BYTES);
            buffer.asLongBuffer().get(a, from, n);
            buffer.position(buffer.position() + n * Long.BYTES);
            from += n;
            length -= n;
        }
    }

    /** A length-prefixed long array of at most {@code max} elements. */
    @Override
    public long[] readLongArray(int max, String what) {
        int n = readCount(max, what);
        requireBytesLeft((long) n * Long.BYTES);
        long[] a = new long[n];
        readLongs(a, 0, n);
        return a;
    }

    /** Refuses a length that the rest of the file cannot hold, before anything is allocated for it. */
    @Override
    public void requireBytesLeft(long bytes) {
        if (bytes > contentBytes - loaded + buffer.remaining()) {
            throw new SnapshotException("snapshot names " + bytes + " bytes where only "
                    + (contentBytes - loaded + buffer.remaining()) + " are left");
        }
    }

    /** Checks that every content byte was read and the stored CRC32C matches them. */
    void finish() {
        if (buffer.hasRemaining() || loaded != contentBytes) {
            throw new SnapshotException("snapshot has " + (contentBytes - loaded + buffer.remaining()) + " unread bytes");
        }
        ByteBuffer tail = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (tail.hasRemaining() && channel.read(tail) >= 0) {
                // read the 8-byte trailer
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot", e);
        }
        if (tail.hasRemaining() || tail.flip().getLong() != crc.getValue()) {
            throw new SnapshotException("snapshot checksum does not match its content");
        }
    }
}
