package id.lumbung.core.payment;

/**
 * The payments of one closed window, read by the settlement thread straight from the retained
 * payment columns: a payment belongs to the window when it is present, not voided, and its
 * sequence is at or after its cooperative's first sequence in this window and at most the close.
 * The columns' chunks are held here, so the writer dropping old chunks cannot pull them away.
 */
public final class WindowPayments {

    /** Receives each payment of the window, in journal order. */
    @FunctionalInterface
    public interface Visitor {
        void payment(int coopIndex, int traderIndex, long amountRupiah);
    }

    private final RetainedPayments.Chunk[] chunks;
    /** Sequence of slot 0 of {@code chunks[0]}. */
    private final long chunkBase;
    private final long from;
    private final long to;
    private final long[] firstSequenceByCoop;
    private final int[] coopOfTrader;

    WindowPayments(RetainedPayments.Chunk[] chunks, long chunkBase, long from, long to, long[] firstSequenceByCoop,
            int[] coopOfTrader) {
        this.chunks = chunks;
        this.chunkBase = chunkBase;
        this.from = from;
        this.to = to;
        this.firstSequenceByCoop = firstSequenceByCoop;
        this.coopOfTrader = coopOfTrader;
    }

    /** Visits every un-voided payment of the window. */
    public void forEach(Visitor visitor) {
        for (int c = 0; c < chunks.length; c++) {
            RetainedPayments.Chunk ch = chunks[c];
            long base = chunkBase + ((long) c << RetainedPayments.CHUNK_BITS);
            int i0 = (int) Math.max(0, from - base);
            int i1 = (int) Math.min(RetainedPayments.CHUNK_SLOTS - 1, to - base);
            byte[] flags = ch.flags;
            int[] trader = ch.trader;
            long[] amount = ch.amount;
            for (int i = i0; i <= i1; i++) {
                if (flags[i] != RetainedPayments.PRESENT) {
                    continue; // empty (void, close, evicted) or voided
                }
                int t = trader[i];
                int coop = coopOfTrader[t];
                if (base + i >= firstSequenceByCoop[coop]) {
                    visitor.payment(coop, t, amount[i]);
                }
            }
        }
    }
}
