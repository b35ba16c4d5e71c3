package id.lumbung.core.reference;

/**
 * A payment terminal, bound to one trader.
 *
 * @param index dense index, 0..terminals-1, in file order
 * @param terminalId identifier, at most 16 characters of {@code [A-Za-z0-9-]} (ISO 8583 field 41 is 8)
 * @param traderIndex index of the trader the terminal belongs to
 * @param key the 32-byte HMAC-SHA256 key
 * @param nextKey a second 32-byte key valid during a key changeover, or {@code null}
 * @param blocked true when the terminal's status is {@code BLOCKED}
 */
public record Terminal(int index, String terminalId, int traderIndex, byte[] key, byte[] nextKey, boolean blocked) {
}
