package id.lumbung.core.payment;

import java.util.List;

/**
 * A settlement window that the journal has closed: what the settlement thread turns into batches.
 * Its payments are frozen once handed over: voids of them are refused from here on.
 *
 * @param closeSequence the close entry's journal sequence
 * @param closedAtEpochMs the close entry's time
 * @param trigger {@link JournalEntry#TRIGGER_SCHEDULE} or {@link JournalEntry#TRIGGER_ADMIN}
 * @param coops one part per cooperative that had payments in the window, in cooperative order
 * @param payments the window's payments, every cooperative's together, in journal order
 * @param reference the reference data in effect at the close entry (fee plans, settlement
 *     accounts, members), or null for the reference settlement was built with
 * @param onlyCoopId the one cooperative the close closed, or null when it closed every one: each
 *     closed cooperative's obligations accrue to the close's date, with or without a batch
 */
public record ClosedWindow(long closeSequence, long closedAtEpochMs, byte trigger, List<CoopWindow> coops,
        WindowPayments payments, id.lumbung.core.reference.ReferenceData reference, String onlyCoopId) {

    /** A window of a close of every cooperative, settled on the reference settlement was built with. */
    public ClosedWindow(long closeSequence, long closedAtEpochMs, byte trigger, List<CoopWindow> coops,
            WindowPayments payments) {
        this(closeSequence, closedAtEpochMs, trigger, coops, payments, null, null);
    }

    /**
     * One cooperative's part of a close.
     *
     * @param coopIndex the cooperative
     * @param firstSequence first journal position the window covers (previous close + 1)
     * @param lastSequence the close entry's sequence
     */
    public record CoopWindow(int coopIndex, String coopId, long firstSequence, long lastSequence) {
    }
}
