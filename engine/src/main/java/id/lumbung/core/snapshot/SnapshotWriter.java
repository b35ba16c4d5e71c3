package id.lumbung.core.snapshot;

/**
 * The primitive writes the core's state uses for a snapshot, in order; a {@link SnapshotReader}
 * reads them back in the same order. The shell's implementation writes a checksummed file.
 */
public interface SnapshotWriter {
    void writeByte(byte v);

    void writeInt(int v);

    void writeLong(long v);

    /** A length and the string's UTF-8 bytes. */
    void writeString(String s);

    void writeBytes(byte[] a, int from, int length);

    void writeInts(int[] a, int from, int length);

    void writeLongs(long[] a, int from, int length);

    /** A length-prefixed long array. */
    void writeLongArray(long[] a);
}
