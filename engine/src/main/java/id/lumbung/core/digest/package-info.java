/**
 * Digests over bytes, pure and deterministic: no I/O, no threads. SHA-256 and hex parsing of
 * 32-byte keys and digests, shared by the core and the shell; {@link
 * id.lumbung.core.digest.HmacSha256} is the one HMAC-SHA256 of the engine (terminal request
 * signatures and ISO 8583 field 64), allocation-free per MAC.
 */
package id.lumbung.core.digest;
