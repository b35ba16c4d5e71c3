package id.lumbung.core.payment;

import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.util.ArrayList;

/**
 * Retained payments as primitive columns, in chunks of 2^16 journal sequences, plus an
 * open-addressing table from idempotency key to sequence. No object per payment: at 20 million
 * retained payments the garbage collector sees a few hundred arrays instead of 60 million objects,
 * so young collections stop copying payments, and a restart's replay fills arrays instead of
 * allocating a record, a request and strings per entry.
 *
 * <p>What the columns keep is what the hot paths need: the key's 64-bit hash and terminal (for the
 * idempotency lookup), trader, amount and voided flag (for settlement), accepted-at (retention) and
 * the entry's Chronicle index. Everything else (txnId, method, payerRef, ...) is read back from the
 * journal when an answer needs it: an idempotent retry, a status lookup or a void. The journal is
 * the source of truth, so there is exactly one copy of each payment's content.
 *
 * <p>Memory: 41 bytes per journal sequence in the columns, plus 16 bytes per table slot at a load
 * of at most 0.7 (23–46 bytes per retained key; while the table doubles, the old one is kept
 * until its keys have moved).
 *
 * <p>Written by the journal writer thread only. A closed window's payments are read by the
 * settlement thread through {@link WindowPayments}, which holds its own references to the chunks:
 * the writer never changes a slot at or below a published close again, except eviction, which
 * clears only payments whose retention (at least seven days) has passed and whose window
 * settlement has already read.
 */
final class RetainedPayments {
    static final int CHUNK_BITS = 16;
    static final int CHUNK_SLOTS = 1 << CHUNK_BITS;
    static final int CHUNK_MASK = CHUNK_SLOTS - 1;
    /** Slot holds a retained payment. */
    static final byte PRESENT = 1;
    /** The payment was voided (set together with PRESENT). */
    static final byte VOIDED = 2;
    private static final int TABLE_SLOTS_MIN = 1 << 16;

    /** Columns for 2^16 consecutive sequences. Slots of voids, closes and evicted payments have flags 0. */
    static final class Chunk {
        final byte[] flags = new byte[CHUNK_SLOTS];
        final int[] trader = new int[CHUNK_SLOTS];
        final int[] terminal = new int[CHUNK_SLOTS];
        final long[] amount = new long[CHUNK_SLOTS];
        final long[] acceptedAt = new long[CHUNK_SLOTS];
        final long[] keyHash = new long[CHUNK_SLOTS];
        final long[] journalIndex = new long[CHUNK_SLOTS];

        /** The int columns in snapshot order (with {@link #longColumns}: the one place that order is written down). */
        int[][] intColumns() {
            return new int[][] {trader, terminal};
        }

        long[][] longColumns() {
            return new long[][] {amount, acceptedAt, keyHash, journalIndex};
        }

        /** Heap bytes of one chunk (compressed oops: 16-byte array headers, a 40-byte object): the book's storage, not garbage. */
        static final long HEAP_BYTES = 40 + 7 * 16 + CHUNK_SLOTS * (1L + 2 * Integer.BYTES + 4 * Long.BYTES);

        /** Snapshot bytes per slot: flags 1 + trader, terminal 4 each + amount, accepted-at, key hash, journal index 8 each. */
        static final int SNAPSHOT_SLOT_BYTES = 1 + 2 * Integer.BYTES + 4 * Long.BYTES;
    }

    /** A few hundred chunks at most (2^16 × 300 = 20 M sequences), so dropping the first is cheap. */
    private final ArrayList<Chunk> chunks = new ArrayList<>();
    /** Sequence held in slot 0 of the first chunk. */
    private long baseSequence = 1;

    /**
     * The key table: open addressing with linear probing, split by the key hash's top bits into
     * {@value #SEGMENTS} segments that grow one at a time, each incrementally. A single table
     * doubling at 12 million keys allocates and zeroes 512 MB and stopped the journal writer for
     * 290 ms (GrowProbe, 15 M inserts); a segment's doubling is 1/64 of that, its keys moved a few
     * per insert.
     */
    private static final int SEGMENT_BITS = 6;
    private static final int SEGMENTS = 1 << SEGMENT_BITS;
    private final KeySegment[] segments = new KeySegment[SEGMENTS];
    private int size;
    private KeySegment probing;
    /** Heap bytes of every chunk added since this book began ({@link #storageBytesAllocated}). */
    private long chunkBytesAllocated;

    {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new KeySegment(TABLE_SLOTS_MIN / SEGMENTS);
        }
    }

    private KeySegment segment(long hash) {
        return segments[(int) (hash >>> (64 - SEGMENT_BITS))];
    }

    // ---------------------------------------------------------------- keys

    /**
     * 64-bit hash of an idempotency key: FNV-1a over both ids' characters (with a separator, so
     * "AB"+"C" and "A"+"BC" differ) and the murmur3 finalizer, so structured ids such as T0000001
     * and 000123 spread over every bit. Equal hashes are confirmed against the journal, so a
     * collision costs a read, never a wrong answer.
     */
    static long keyHash(String terminalId, String txnId) {
        long h = terminalHash(terminalId);
        for (int i = 0; i < txnId.length(); i++) {
            h = (h ^ txnId.charAt(i)) * 0x100000001B3L;
        }
        return fmix64(h);
    }

    /** {@link #keyHash(String, String)} with the txnId as {@code txnId[0, length)}: the same value, without a String. */
    static long keyHash(String terminalId, char[] txnId, int length) {
        long h = terminalHash(terminalId);
        for (int i = 0; i < length; i++) {
            h = (h ^ txnId[i]) * 0x100000001B3L;
        }
        return fmix64(h);
    }

    private static long terminalHash(String terminalId) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < terminalId.length(); i++) {
            h = (h ^ terminalId.charAt(i)) * 0x100000001B3L;
        }
        return (h ^ 0xFFFF) * 0x100000001B3L;
    }

    /** {@link #keyHash(String, String)} of two ASCII ids given as bytes: the same value, without Strings. */
    static long keyHash(byte[] b, int terminalAt, int terminalLength, int txnAt, int txnLength) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < terminalLength; i++) {
            h = (h ^ b[terminalAt + i]) * 0x100000001B3L;
        }
        h = (h ^ 0xFFFF) * 0x100000001B3L;
        for (int i = 0; i < txnLength; i++) {
            h = (h ^ b[txnAt + i]) * 0x100000001B3L;
        }
        return fmix64(h);
    }

    /** The murmur3 64-bit finalizer: spreads structured input over every bit (package access for the key table's benchmark). */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /**
     * Starts listing the retained sequences whose key hash equals {@code hash}; {@link #nextMatch}
     * returns them one by one. One listing at a time (writer thread only).
     */
    void probe(long hash) {
        probing = segment(hash);
        probing.probe(hash);
    }

    /**
     * Reads the slot a lookup of {@code hash} starts at. A batch calls it for all its keys before
     * looking any up: the table is hundreds of MB, so each first read misses the caches, and issued
     * back to back these misses overlap in the memory system instead of coming one per lookup.
     *
     * @return the slot's content, for the caller to fold into a sink (so the read is kept)
     */
    long touch(long hash) {
        long[] t = segment(hash).table;
        return t[KeySegment.home(hash, t) << 1];
    }

    /** The next sequence with the probed hash, or 0 when there is none. */
    long nextMatch() {
        return probing.nextMatch();
    }

    /** True while some segment is still moving keys out of its old table (for tests). */
    boolean growing() {
        for (KeySegment k : segments) {
            if (k.draining != null) {
                return true;
            }
        }
        return false;
    }

    /** Number of retained payments (keys in the table). */
    int size() {
        return size;
    }

    /**
     * Heap bytes this store has allocated for its columns and key tables since it began: storage
     * that grows with the payments retained, which an allocation benchmark subtracts to see the
     * garbage a post leaves (none).
     */
    long storageBytesAllocated() {
        long bytes = chunkBytesAllocated;
        for (KeySegment k : segments) {
            bytes += k.bytesAllocated;
        }
        return bytes;
    }

    // ---------------------------------------------------------------- columns

    /** Adds a payment; its key must not be present (the caller looked it up). */
    void add(long sequence, long keyHash, int terminal, int trader, long amount, long acceptedAt, long journalIndex) {
        long offset = sequence - baseSequence;
        if (offset < 0) {
            throw new IllegalStateException("sequence " + sequence + " is below the retained range from " + baseSequence);
        }
        int c = (int) (offset >>> CHUNK_BITS);
        while (chunks.size() <= c) {
            chunks.add(new Chunk());
            chunkBytesAllocated += Chunk.HEAP_BYTES;
        }
        Chunk ch = chunks.get(c);
        int i = (int) (offset & CHUNK_MASK);
        ch.keyHash[i] = keyHash;
        ch.terminal[i] = terminal;
        ch.trader[i] = trader;
        ch.amount[i] = amount;
        ch.acceptedAt[i] = acceptedAt;
        ch.journalIndex[i] = journalIndex;
        ch.flags[i] = PRESENT;
        insertKey(sequence, keyHash);
    }

    /** The chunk holding a sequence, or null when the sequence is outside the retained range. */
    private Chunk chunk(long sequence) {
        long offset = sequence - baseSequence;
        if (offset < 0) {
            return null;
        }
        long c = offset >>> CHUNK_BITS;
        return c < chunks.size() ? chunks.get((int) c) : null;
    }

    private static int slot(long sequence) {
        // chunks start at multiples of CHUNK_SLOTS from sequence 1, so the slot is (sequence - 1) mod 2^16
        return (int) ((sequence - 1) & CHUNK_MASK);
    }

    /** True when the sequence holds a retained payment. */
    boolean present(long sequence) {
        Chunk ch = chunk(sequence);
        return ch != null && ch.flags[slot(sequence)] != 0;
    }

    boolean voided(long sequence) {
        return (chunk(sequence).flags[slot(sequence)] & VOIDED) != 0;
    }

    void markVoided(long sequence) {
        chunk(sequence).flags[slot(sequence)] |= VOIDED;
    }

    int trader(long sequence) {
        return chunk(sequence).trader[slot(sequence)];
    }

    int terminal(long sequence) {
        return chunk(sequence).terminal[slot(sequence)];
    }

    long amount(long sequence) {
        return chunk(sequence).amount[slot(sequence)];
    }

    long acceptedAt(long sequence) {
        return chunk(sequence).acceptedAt[slot(sequence)];
    }

    long journalIndex(long sequence) {
        return chunk(sequence).journalIndex[slot(sequence)];
    }

    /** Forgets a retained payment: its key leaves the table and its slot is emptied. */
    void remove(long sequence) {
        Chunk ch = chunk(sequence);
        int i = slot(sequence);
        removeKey(sequence, ch.keyHash[i]);
        ch.flags[i] = 0;
    }

    /** Drops whole chunks that lie entirely below {@code sequence}. */
    void dropBelow(long sequence) {
        while (!chunks.isEmpty() && baseSequence + CHUNK_SLOTS <= sequence) {
            chunks.remove(0);
            baseSequence += CHUNK_SLOTS;
        }
    }

    /**
     * The payments of a closed window, for the settlement thread: sequences {@code from..to} and,
     * per cooperative, the first sequence that belongs to this window ({@code Long.MAX_VALUE} for
     * cooperatives that do not close).
     */
    WindowPayments window(long from, long to, long[] firstSequenceByCoop, int[] coopOfTrader) {
        long first = Math.max(from, baseSequence);
        // Chunks exist only up to the last payment's sequence: the close itself, and any close or
        // discard after the last payment, holds no slot. A window past them (a close before the
        // first payment, or a close whose sequence opens a chunk no payment reached) is empty
        // there, not an index past the list.
        long lastHeld = baseSequence + ((long) chunks.size() << CHUNK_BITS) - 1;
        long last = Math.min(to, lastHeld);
        if (first > last) {
            return new WindowPayments(new Chunk[0], first, first, to, firstSequenceByCoop, coopOfTrader);
        }
        int c0 = (int) ((first - baseSequence) >>> CHUNK_BITS);
        int c1 = (int) ((last - baseSequence) >>> CHUNK_BITS);
        Chunk[] held = new Chunk[c1 - c0 + 1];
        for (int c = c0; c <= c1; c++) {
            held[c - c0] = chunks.get(c);
        }
        return new WindowPayments(held, baseSequence + ((long) c0 << CHUNK_BITS), first, to, firstSequenceByCoop,
                coopOfTrader);
    }

    // ---------------------------------------------------------------- snapshot

    /** Chunks a snapshot may hold: 2^31 sequences, far past any retained bound. */
    private static final int SNAPSHOT_CHUNKS_MAX = 1 << (31 - CHUNK_BITS);
    /** Slots of one key segment a snapshot may hold (2^26 x 64 segments = 4 G slots). */
    private static final int SNAPSHOT_SEGMENT_SLOTS_MAX = 1 << 26;

    /**
     * Writes the columns and the key table, as arrays. Segments still growing finish moving their
     * keys first, so the table is written in its settled layout and loads without rehashing.
     */
    void writeTo(SnapshotWriter out) {
        for (KeySegment k : segments) {
            k.finishGrowing();
        }
        out.writeLong(baseSequence);
        out.writeInt(chunks.size());
        for (Chunk ch : chunks) {
            out.writeBytes(ch.flags, 0, CHUNK_SLOTS);
            for (int[] column : ch.intColumns()) {
                out.writeInts(column, 0, CHUNK_SLOTS);
            }
            for (long[] column : ch.longColumns()) {
                out.writeLongs(column, 0, CHUNK_SLOTS);
            }
        }
        out.writeInt(size);
        for (KeySegment k : segments) {
            out.writeInt(k.keys);
            out.writeLongArray(k.table);
        }
    }

    /** Replaces this (empty) state with a snapshot's, checking the key counts and table shapes. */
    void readFrom(SnapshotReader in) {
        if (size != 0 || !chunks.isEmpty()) {
            throw new IllegalStateException("a snapshot loads into an empty payment table only");
        }
        baseSequence = in.readLong();
        if (baseSequence < 1 || ((baseSequence - 1) & CHUNK_MASK) != 0) {
            throw new SnapshotException("snapshot's first retained sequence " + baseSequence + " is not a chunk start");
        }
        int chunkCount = in.readCount(SNAPSHOT_CHUNKS_MAX, "column chunks");
        in.requireBytesLeft((long) chunkCount * CHUNK_SLOTS * Chunk.SNAPSHOT_SLOT_BYTES);
        for (int c = 0; c < chunkCount; c++) {
            Chunk ch = new Chunk();
            chunkBytesAllocated += Chunk.HEAP_BYTES;
            in.readBytes(ch.flags, 0, CHUNK_SLOTS);
            for (int[] column : ch.intColumns()) {
                in.readInts(column, 0, CHUNK_SLOTS);
            }
            for (long[] column : ch.longColumns()) {
                in.readLongs(column, 0, CHUNK_SLOTS);
            }
            chunks.add(ch);
        }
        int total = in.readCount(Integer.MAX_VALUE, "retained keys");
        long keys = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            int segmentKeys = in.readCount(SNAPSHOT_SEGMENT_SLOTS_MAX, "keys in a segment");
            long[] table = in.readLongArray(2 * SNAPSHOT_SEGMENT_SLOTS_MAX, "key table longs");
            int slots = table.length >>> 1;
            if (slots < 1 || Integer.bitCount(slots) != 1 || table.length != 2 * slots || segmentKeys >= slots) {
                throw new SnapshotException("snapshot key segment " + i + " has " + table.length + " longs for "
                        + segmentKeys + " keys");
            }
            segments[i].table = table;
            segments[i].keys = segmentKeys;
            keys += segmentKeys;
        }
        if (keys != total) {
            throw new SnapshotException("snapshot key segments hold " + keys + " keys, its count says " + total);
        }
        long present = 0;
        for (Chunk ch : chunks) {
            for (byte f : ch.flags) {
                present += f != 0 ? 1 : 0;
            }
        }
        if (present != total) {
            throw new SnapshotException("snapshot columns hold " + present + " payments, its key table " + total);
        }
        size = total;
    }

    // ---------------------------------------------------------------- key table

    private void insertKey(long sequence, long hash) {
        segment(hash).insert(sequence, hash);
        size++;
    }

    private void removeKey(long sequence, long hash) {
        if (segment(hash).remove(sequence, hash)) {
            size--;
        }
    }

    /**
     * One segment of the key table. Slot i is {@code table[2i]} = a sequence (0 when empty) and
     * {@code table[2i+1]} = its key hash, side by side so that a probe compares hashes without
     * touching the columns. Growth is incremental: the full table becomes {@link #draining}, a
     * table twice its size takes new keys, and every insert moves {@value #MOVES_PER_INSERT} old
     * slots across. Lookups look in both; a key removed while still in the old table is marked
     * MOVED_OUT there, so the old table never shifts entries and its scan stays simple.
     */
    private static final class KeySegment {
        private static final long EMPTY = 0;
        /** In the draining table: a key already moved or removed (probes go past it). */
        private static final long MOVED_OUT = -1;
        /** Old slots moved per insert: a table of N slots is drained within N/8 inserts, long before the new one fills. */
        private static final int MOVES_PER_INSERT = 8;

        long[] table;
        long[] draining;
        int drainCursor;
        int keys;
        private long probeHash;
        private long[] probeTable;
        private int probeSlot;

        /** Heap bytes of every table this segment allocated. */
        long bytesAllocated;

        KeySegment(int slots) {
            table = newTable(2 * slots);
        }

        private long[] newTable(int length) {
            bytesAllocated += 16 + 8L * length;
            return new long[length];
        }

        static int home(long hash, long[] t) {
            return (int) hash & ((t.length >>> 1) - 1);
        }

        void insert(long sequence, long hash) {
            if (draining == null && keys + 1 > (long) (table.length >>> 1) * 7 / 10) {
                draining = table;
                drainCursor = 0;
                table = newTable(table.length << 1);
            }
            if (draining != null) {
                moveSome();
            }
            place(table, sequence, hash);
            keys++;
        }

        /** Moves every key still in the old table. */
        void finishGrowing() {
            while (draining != null) {
                moveSome();
            }
        }

        private void moveSome() {
            int slots = draining.length >>> 1;
            for (int n = 0; n < MOVES_PER_INSERT && drainCursor < slots; n++, drainCursor++) {
                long s = draining[drainCursor << 1];
                if (s != EMPTY && s != MOVED_OUT) {
                    place(table, s, draining[(drainCursor << 1) + 1]);
                    draining[drainCursor << 1] = MOVED_OUT;
                }
            }
            if (drainCursor == slots) {
                draining = null;
            }
        }

        private static void place(long[] into, long sequence, long hash) {
            int mask = (into.length >>> 1) - 1;
            int i = home(hash, into);
            while (into[i << 1] != EMPTY) {
                i = (i + 1) & mask;
            }
            into[i << 1] = sequence;
            into[(i << 1) + 1] = hash;
        }

        boolean remove(long sequence, long hash) {
            if (removeFrom(table, sequence, hash)) {
                keys--;
                return true;
            }
            if (draining != null) {
                int mask = (draining.length >>> 1) - 1;
                for (int i = home(hash, draining); draining[i << 1] != EMPTY; i = (i + 1) & mask) {
                    if (draining[i << 1] == sequence) {
                        draining[i << 1] = MOVED_OUT;
                        keys--;
                        return true;
                    }
                }
            }
            return false;
        }

        /** Backward-shift deletion: entries after the hole move up unless their home lies after the hole. */
        private static boolean removeFrom(long[] t, long sequence, long hash) {
            int mask = (t.length >>> 1) - 1;
            int i = home(hash, t);
            while (t[i << 1] != sequence) {
                if (t[i << 1] == EMPTY) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                long s = t[j << 1];
                if (s == EMPTY) {
                    break;
                }
                int h = home(t[(j << 1) + 1], t);
                boolean homeInHoleToJ = i <= j ? (i < h && h <= j) : (i < h || h <= j);
                if (homeInHoleToJ) {
                    continue;
                }
                t[i << 1] = s;
                t[(i << 1) + 1] = t[(j << 1) + 1];
                i = j;
            }
            t[i << 1] = EMPTY;
            t[(i << 1) + 1] = 0;
            return true;
        }

        void probe(long hash) {
            probeHash = hash;
            probeTable = table;
            probeSlot = home(hash, table);
        }

        long nextMatch() {
            while (probeTable != null) {
                int mask = (probeTable.length >>> 1) - 1;
                while (true) {
                    long s = probeTable[probeSlot << 1];
                    if (s == EMPTY) {
                        break;
                    }
                    long h = probeTable[(probeSlot << 1) + 1];
                    probeSlot = (probeSlot + 1) & mask;
                    if (s != MOVED_OUT && h == probeHash) {
                        return s;
                    }
                }
                // not in this table: the older one may still hold keys not yet moved
                probeTable = probeTable == table ? draining : null;
                if (probeTable != null) {
                    probeSlot = home(probeHash, probeTable);
                }
            }
            return 0;
        }
    }
}
