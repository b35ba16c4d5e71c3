/**
 * Digests over bytes, pure and deterministic: no I/O, no threads. {@link
 * id.lumbung.core.digest.HmacSha256} is the one HMAC-SHA256 of the engine (terminal request
 * signatures and ISO 8583 field 64), allocation-free per MAC.
 */
package id.lumbung.core.digest;
