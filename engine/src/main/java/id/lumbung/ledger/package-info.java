/**
 * Double-entry balances derived from settlement batches. Written by the settlement thread (lumbung-settlement), read from event loops through atomic arrays.
 */
package id.lumbung.ledger;
