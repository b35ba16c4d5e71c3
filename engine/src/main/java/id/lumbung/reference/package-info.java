/**
 * Reference data: the cooperatives, their member traders and the traders' payment terminals, with
 * terminal keys and the SHA-256 of each cooperative's bearer token.
 *
 * <p>Public surface: {@link id.lumbung.reference.ReferenceData} (load once, then look up by id or
 * dense index), the records {@link id.lumbung.reference.Coop}, {@link id.lumbung.reference.Trader}
 * and {@link id.lumbung.reference.Terminal}, {@link id.lumbung.reference.ReferenceDataException},
 * and for demos and load tests {@link id.lumbung.reference.DemoCredentials} and
 * {@link id.lumbung.reference.ReferenceDataGenerator}. CSV parsing and field checks are
 * package-private.
 *
 * <p>Threads: the data is loaded once at start-up on the main thread, before any listener opens,
 * and is read-only afterwards: event loops look up terminals and cooperatives to authenticate
 * requests, and the journal writer and settlement read traders and cooperatives by index. No
 * locks are needed because nothing is written after construction and the instance is published
 * through final fields. What decides money is journaled history ({@link
 * id.lumbung.reference.JournaledReference}, owned by the journal writer): a change to the files is
 * journaled at start or on reload, and the engine then publishes a new {@code ReferenceData}
 * through a volatile field; indexes are stable across versions, so a reader holding an older one
 * sees the same entities at the same indexes.
 */
package id.lumbung.reference;
