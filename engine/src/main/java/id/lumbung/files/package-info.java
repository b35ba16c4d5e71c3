/**
 * Settlement files: renders each closed {@link id.lumbung.core.settlement.Batch} as
 * {@code <batchId>.csv} ({@link id.lumbung.files.SettlementCsv}, with commons-csv) and
 * {@code <batchId>.camt053.xml} ({@link id.lumbung.files.Camt053Statement}, with the JDK's StAX
 * writer), and writes them
 * crash-safely and immutably ({@link id.lumbung.files.AtomicFiles}: temp file, fsync, atomic
 * rename, folder fsync), with the digests the cooperative API serves
 * ({@link id.lumbung.core.settlement.FileDigest}).
 *
 * <p>Rendering is a pure function of the batch and the cooperative: no wall clock, no random ids,
 * so regenerating a file from the journal yields the same bytes, and writing it again is a no-op.
 * Money stays {@code long} rupiah until the XML edge, where it becomes a two-decimal amount.
 *
 * <p>Threads: files are rendered and written on the settlement file writers
 * ({@code id.lumbung.settlement.SettlementFiles}), which take each close's batches from the
 * settlement thread. Writing blocks on the disk (fsync), so nothing
 * here may ever run on an event loop; the HTTP pull only reads finished files.
 */
package id.lumbung.files;
