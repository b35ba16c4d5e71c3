/**
 * Snapshots of the derived state (payment book, settlement, ledger) at a journal position, so that
 * a restart replays only the journal's tail. A snapshot is a cache: the journal stays the only
 * source of truth, and a snapshot that does not match it exactly is ignored.
 *
 * <p>Threads: written by the stopping thread once the journal writer and the settlement thread
 * have finished; read by the starting thread before either starts.
 */
package id.lumbung.snapshot;
