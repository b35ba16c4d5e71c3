/**
 * Settlement's pure core: fee plans ({@link id.lumbung.core.settlement.FeePlan},
 * {@link id.lumbung.core.settlement.FeeSchedule}), the cut-off times
 * ({@link id.lumbung.core.settlement.CutoffSchedule}), per-cooperative batches and their member
 * lines ({@link id.lumbung.core.settlement.Batch}, {@link id.lumbung.core.settlement.MemberTotals}),
 * the listed batch with its file digests ({@link id.lumbung.core.settlement.BatchRecord},
 * {@link id.lumbung.core.settlement.FileDigest}), and {@link id.lumbung.core.settlement.Settler},
 * which turns closed windows into batches and books them in the ledger.
 *
 * <p>Fees, batches and their control totals are pure functions of journal entries and reference
 * data: no wall clock, no randomness, no files, threads or metrics, money as {@code long} rupiah
 * throughout, so replay yields the same batches byte for byte. The shell
 * ({@code id.lumbung.settlement}) runs the core on its thread and writes the files.
 */
package id.lumbung.core.settlement;
