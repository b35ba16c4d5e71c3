package id.lumbung.payment;

import java.util.ArrayList;

/**
 * Retained payments by journal sequence, in chunks of 2^16 slots so that the oldest can be dropped
 * whole once retention has passed them. Slots of voids and closes stay null. Journal writer thread only.
 */
final class SequenceTable {
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK_SLOTS = 1 << CHUNK_BITS;
    /** A few hundred chunks at most (2^16 × 300 = 20 M payments), so removing the first is cheap. */
    private final ArrayList<PaymentRecord[]> view = new ArrayList<>();
    /** Sequence held in slot 0 of the first chunk. */
    private long baseSequence = 1;

    void put(long sequence, PaymentRecord record) {
        long offset = sequence - baseSequence;
        int chunk = (int) (offset >>> CHUNK_BITS);
        while (view.size() <= chunk) {
            view.add(new PaymentRecord[CHUNK_SLOTS]);
        }
        view.get(chunk)[(int) (offset & (CHUNK_SLOTS - 1))] = record;
    }

    PaymentRecord get(long sequence) {
        long offset = sequence - baseSequence;
        if (offset < 0) {
            return null;
        }
        long chunk = offset >>> CHUNK_BITS;
        if (chunk >= view.size()) {
            return null;
        }
        return view.get((int) chunk)[(int) (offset & (CHUNK_SLOTS - 1))];
    }

    void clear(long sequence) {
        long offset = sequence - baseSequence;
        if (offset >= 0 && (offset >>> CHUNK_BITS) < view.size()) {
            view.get((int) (offset >>> CHUNK_BITS))[(int) (offset & (CHUNK_SLOTS - 1))] = null;
        }
    }

    /** Drops whole chunks that lie entirely below {@code sequence}. */
    void dropBelow(long sequence) {
        while (!view.isEmpty() && baseSequence + CHUNK_SLOTS <= sequence) {
            view.remove(0);
            baseSequence += CHUNK_SLOTS;
        }
    }
}
