package id.lumbung.core.snapshot;

/**
 * Reads back, in the same order, what a {@link SnapshotWriter} wrote. Every method throws {@link
 * SnapshotException} when the snapshot ends early or a value is out of its range.
 */
public interface SnapshotReader {
    byte readByte();

    int readInt();

    long readLong();

    /** A count in 0..{@code max}; {@code what} names it in the failure. */
    int readCount(int max, String what);

    /** What {@link SnapshotWriter#writeString} wrote, of at most {@code bytesMax} UTF-8 bytes. */
    String readString(int bytesMax);

    void readBytes(byte[] a, int from, int length);

    void readInts(int[] a, int from, int length);

    void readLongs(long[] a, int from, int length);

    /** A length-prefixed long array of at most {@code max} elements. */
    long[] readLongArray(int max, String what);

    /** Refuses a length that the rest of the snapshot cannot hold, before anything is allocated for it. */
    void requireBytesLeft(long bytes);
}
