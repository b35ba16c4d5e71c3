/**
 * Payment domain: requests, the binary journal entry codec, and the deterministic payment book (idempotency, statuses, windows). The book runs on the journal writer thread only; PaymentService is called from event loops and only enqueues.
 */
package id.lumbung.payment;
