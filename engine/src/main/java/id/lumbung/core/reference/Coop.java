package id.lumbung.core.reference;

/**
 * A market cooperative (koperasi pasar): the customer whose members' payments are settled.
 *
 * @param index dense index, 0..coops-1, in file order; used for array-indexed state
 * @param coopId identifier, at most 16 characters of {@code [A-Za-z0-9-]} (it is part of batch ids)
 * @param name display name
 * @param settlementAccount the account settled into (camt.053 statement account)
 * @param tokenSha256 SHA-256 of the cooperative's bearer token (32 bytes); the token itself is never stored
 */
public record Coop(int index, String coopId, String name, String settlementAccount, byte[] tokenSha256) {
}
