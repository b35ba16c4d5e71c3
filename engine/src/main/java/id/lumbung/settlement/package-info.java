/**
 * Settlement: turns journaled payments into per-cooperative batches and prices each payment
 * under its trader's {@link id.lumbung.settlement.FeePlan}.
 *
 * <p>Fees, batches and their control totals are pure functions of journal entries and reference
 * data: no wall clock, no randomness, money as {@code long} rupiah throughout, so replay yields the
 * same batches byte for byte.
 *
 * <p>Threads: settlement runs on the journal writer thread, which applies window-close entries in
 * journal order. {@link id.lumbung.settlement.FeeSchedule} is immutable after start-up and may be
 * read from any thread. Nothing here touches files or runs on an event loop; closed
 * {@link id.lumbung.settlement.Batch}es are handed to {@code id.lumbung.files} for writing.
 */
package id.lumbung.settlement;
