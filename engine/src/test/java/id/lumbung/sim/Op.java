package id.lumbung.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated operation: its kind and three random draws, made when the sequence is generated.
 * What a draw picks (a terminal, an earlier payment, an amount) is resolved against the model when
 * the operation runs, so that any sub-list of a sequence is still a valid sequence (what shrinking
 * needs). To add an operation: a kind here with its weight, and its case in {@link Simulator}.
 */
public record Op(Kind kind, long a, long b, long c) {

    /** Operation kinds and their relative weights in a generated sequence. */
    public enum Kind {
        /** One payment as a single post: new key, valid or with an occurredAt at or past the window's edges. */
        POST(22),
        /** 1 to 12 payments of one terminal in one batch: new keys, repeats inside the batch, earlier keys. */
        BATCH(8),
        /** An earlier post (any outcome) sent again unchanged. */
        RETRY_SAME(8),
        /** An earlier post sent again with one field changed. */
        RETRY_CHANGED(5),
        /** A void by payment id: open, voided, settled, another terminal's, unknown. */
        VOID(8),
        /** A reversal by the terminal's txnId (ISO 8583 0400). */
        VOID_TXN(3),
        /** A status read: own payment, another terminal's, an id that is no payment. */
        STATUS(7),
        /** Admin close of every cooperative. */
        CLOSE_ALL(5),
        /** Admin close of one cooperative. */
        CLOSE_ONE(5),
        /** The clock moves to the next scheduled cut-off, and the scheduler's close of all runs. */
        CUTOFF(4),
        /** The clock moves 1 minute to 6 hours. */
        ADVANCE(5),
        /** Clean stop (snapshot written), start from the snapshot. */
        RESTART(2),
        /** Clean stop, snapshots deleted, start replaying the whole journal. */
        RESTART_NO_SNAPSHOT(2),
        /** Crash (no snapshot; the last close's files possibly not yet written), start. */
        CRASH(2),
        /** Crash with a torn, unacknowledged entry at the journal's tail, start. */
        CRASH_TORN(2),
        /**
         * The reference files edited and reloaded through the core: a fee plan, a settlement account, a
         * new trader with a terminal, a terminal removed, blocked or unblocked, a trader or terminal
         * moved (refused while it has unsettled payments), an unknown fee plan (refused).
         */
        REFERENCE(5),
        /**
         * A member obligation through the writer's commands: a new one (some with a start in the
         * future, some with a total, some on another cooperative's trader), the same terms again,
         * other terms under a known id, an end (before the last close's date, on or after it, of an
         * unknown id). Closes then deduct them; payouts files, postings and balances follow the model.
         */
        OBLIGATION(6),
        /** The clock moves past the 7-day idempotency retention: settled and voided payments are forgotten. */
        RETENTION(1),
        /**
         * Enough payments (65,536 or fewer) that the journal stands just before the book's next
         * 65,536-sequence chunk. Seconds each: only in {@link #bulkSeed}s, elsewhere a POST.
         */
        BULK(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /** A sequence of {@code count} operations from {@code seed}. */
    public static List<Op> generate(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        int total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        List<Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int pick = r.nextInt(total);
            Kind kind = null;
            for (Kind k : Kind.values()) {
                pick -= k.weight;
                if (pick < 0) {
                    kind = k;
                    break;
                }
            }
            if (kind == Kind.BULK && !bulkSeed(seed)) {
                kind = Kind.POST;
            }
            ops.add(new Op(kind, r.nextLong() & Long.MAX_VALUE, r.nextLong() & Long.MAX_VALUE, r.nextLong() & Long.MAX_VALUE));
        }
        return ops;
    }

    /** How many operations seed {@code seed} runs: 20 to 79. */
    public static int countFor(long seed) {
        return 20 + new SplittableRandom(seed ^ 0x5DEECE66DL).nextInt(60);
    }

    /**
     * Seeds whose sequences may hold BULK operations (one seed in 64: 3, 67, 131, ...). The build's
     * fixed seed set leaves them to the long runs ({@code ops/simulate}).
     */
    public static boolean bulkSeed(long seed) {
        return Math.floorMod(seed, 64) == 3;
    }

    @Override
    public String toString() {
        return kind + "(" + a + "," + b + "," + c + ")";
    }
}
