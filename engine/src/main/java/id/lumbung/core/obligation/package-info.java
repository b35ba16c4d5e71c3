/**
 * Member obligations (DESIGN.md, "Member obligations: deductions at settlement"): market fees
 * (retribusi), loan instalments (angsuran) and mandatory savings (simpanan wajib) deducted from a
 * member's batch net before it is paid out; the member statement and the year-end surplus sharing
 * (SHU).
 *
 * <p>Pure core: deterministic functions of journaled obligation events and settled batches, money
 * as {@code long} rupiah with overflow checks, dates as Asia/Jakarta calendar days. Imports only
 * {@code java.*}. The shell decodes requests, journals the events this package encodes, writes
 * the files and maps {@link id.lumbung.core.obligation.ObligationCode}s to HTTP answers.
 *
 * <p>Threads: an {@link id.lumbung.core.obligation.ObligationBook} and its
 * {@link id.lumbung.core.obligation.ObligationSettling} are owned by one thread, the one that
 * applies journal entries in order; the records are immutable and may be read anywhere.
 */
package id.lumbung.core.obligation;
