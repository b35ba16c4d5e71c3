package id.lumbung.core.reference;

/**
 * A trader (pedagang pasar), member of exactly one cooperative.
 *
 * @param index dense index, 0..traders-1, in file order
 * @param traderId identifier, at most 32 characters of {@code [A-Za-z0-9-]}
 * @param coopIndex index of the trader's cooperative
 * @param name display name
 * @param feePlan name of a configured fee plan (for example {@code UMI}, {@code REG}, {@code GOV})
 */
public record Trader(int index, String traderId, int coopIndex, String name, String feePlan) {
}
