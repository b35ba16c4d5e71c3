/**
 * Double-entry balances derived from settlement batches ({@link id.lumbung.core.ledger.Ledger}):
 * pure bookkeeping, written by the settlement thread and read from event loops through atomic
 * arrays.
 */
package id.lumbung.core.ledger;
