/**
 * Reference data: the cooperatives, their member traders and the traders' payment terminals, with
 * terminal keys and the SHA-256 of each cooperative's bearer token. Pure: no files (the shell's
 * {@code id.lumbung.reference} reads them).
 *
 * <p>Public surface: {@link id.lumbung.core.reference.ReferenceData} (look up by id or dense
 * index), the records {@link id.lumbung.core.reference.Coop}, {@link id.lumbung.core.reference.Trader}
 * and {@link id.lumbung.core.reference.Terminal}, {@link id.lumbung.core.reference.ReferenceDataException}.
 *
 * <p>Threads: the data is read-only once built: event loops look up terminals and cooperatives to
 * authenticate requests, and the journal writer and settlement read traders and cooperatives by
 * index. No locks are needed because nothing is written after construction and the instance is
 * published through final fields. What decides money is journaled history ({@link
 * id.lumbung.core.reference.JournaledReference}, owned by the journal writer): a change to the files is
 * journaled at start or on reload, and the engine then publishes a new {@code ReferenceData}
 * through a volatile field; indexes are stable across versions, so a reader holding an older one
 * sees the same entities at the same indexes.
 */
package id.lumbung.core.reference;
