package id.lumbung.core.payment;

import id.lumbung.core.reference.ReferenceData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A synthetic closed window of every cooperative, held in its own payment columns: what settlement
 * settles on a scratch settler once the engine is ready, so that the first real close after a start
 * runs the per-payment and per-member code compiled. Built the way a close builds its window (the
 * same columns, the same {@link WindowPayments} reader), so the JIT sees the same classes and call
 * sites; it shares nothing with the payment book and is never journaled.
 *
 * <p>Payment {@code i} (from 0) goes to trader {@code i mod traders}, so every trader is a member of
 * its cooperative's batch once there are at least as many payments as traders; amounts vary from
 * 1,000 to about 900,000 rupiah so that each fee plan's branches are taken, and one payment in 97 is
 * voided so that the reader's skip is taken as well.
 */
public final class WarmUpWindow {
    private WarmUpWindow() {
    }

    /**
     * @param payments how many payments the window holds (voided ones included)
     * @param closedAtEpochMs the close's time: the obligations' close date
     * @return a window of every cooperative of {@code reference}, its close at sequence
     *     {@code payments + 1}; no parts when {@code reference} has no trader
     */
    public static ClosedWindow of(ReferenceData reference, int payments, long closedAtEpochMs) {
        int traders = reference.traderCount();
        int coops = reference.coopCount();
        int[] coopOfTrader = reference.coopOfTraders();
        RetainedPayments columns = new RetainedPayments();
        long[] firstByCoop = new long[coops];
        Arrays.fill(firstByCoop, Long.MAX_VALUE);
        int added = traders == 0 ? 0 : payments;
        for (int i = 0; i < added; i++) {
            long sequence = i + 1L;
            int trader = i % traders;
            long amount = 1_000 + (i * 7_919L) % 900_000;
            columns.add(sequence, RetainedPayments.fmix64(sequence), 0, trader, amount, closedAtEpochMs, sequence);
            if (i % 97 == 96) {
                columns.markVoided(sequence);
            }
            if (firstByCoop[coopOfTrader[trader]] == Long.MAX_VALUE) { // sequences rise: the first is the least
                firstByCoop[coopOfTrader[trader]] = sequence;
            }
        }
        long close = added + 1L;
        List<ClosedWindow.CoopWindow> parts = new ArrayList<>();
        for (int c = 0; c < coops; c++) {
            if (firstByCoop[c] != Long.MAX_VALUE) {
                parts.add(new ClosedWindow.CoopWindow(c, reference.coop(c).coopId(), firstByCoop[c], close));
            }
        }
        WindowPayments window = columns.window(1, close, firstByCoop, coopOfTrader);
        return new ClosedWindow(close, closedAtEpochMs, id.lumbung.core.journal.JournalEntry.TRIGGER_ADMIN, parts, window, reference, null);
    }
}
