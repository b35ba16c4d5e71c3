/**
 * Settlement's shell: {@link id.lumbung.settlement.Settlement} runs the pure
 * {@link id.lumbung.core.settlement.Settler} on its own thread ("lumbung-settlement") for each
 * closed window, writes each close's files through {@link id.lumbung.settlement.SettlementFiles}
 * (CSV, camt.053 and ledger postings, on a small writer pool), records the settlement metrics and
 * tells {@link id.lumbung.settlement.BatchFilesListener}s of live batches.
 * {@link id.lumbung.settlement.CutoffTimer} closes every window at each scheduled cut-off.
 *
 * <p>Nothing here runs on an event loop: writing blocks on the disk (fsync).
 */
package id.lumbung.settlement;
