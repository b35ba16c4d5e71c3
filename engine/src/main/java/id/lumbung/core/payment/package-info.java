/**
 * Payment domain: requests, drafts and the deterministic payment book (idempotency, statuses,
 * windows, retained payments). Pure: it journals through {@link id.lumbung.core.journal.JournalPort}
 * and writes snapshots through {@link id.lumbung.core.snapshot.SnapshotWriter}. The book runs on the
 * journal writer thread only.
 */
package id.lumbung.core.payment;
