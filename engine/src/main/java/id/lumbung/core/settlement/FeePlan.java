package id.lumbung.core.settlement;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A named fee plan: ascending amount tiers, each with a rate held exactly in parts per million
 * (0.3% = 3000 ppm). The tier a payment falls in sets the rate for its whole amount, so a
 * Rp500,001 payment on {@code UMI} pays 0.3% of Rp500,001, not of Rp1.
 *
 * <p>Config form: {@code <maxAmountInclusive>:<percent>,...,*:<percent>}, for example
 * {@code 500000:0%,*:0.3%}. {@link #feeRupiah(long)} is the per-payment path and allocates nothing.
 */
public final class FeePlan {

    /** Largest payment amount the fee arithmetic accepts: Rp10 trillion, far above the QRIS cap of Rp10 million. */
    public static final long AMOUNT_RUPIAH_MAX = 10_000_000_000_000L;

    /**
     * Largest rate a plan may hold: 10% (QRIS MDRs are at most 0.7%). Together with
     * {@link #AMOUNT_RUPIAH_MAX} this bounds {@code amountRupiah * ratePpm + 500_000} by
     * 10^13 * 10^5 + 5 * 10^5 ≈ 1.0 * 10^18 &lt; Long.MAX_VALUE ≈ 9.22 * 10^18, so the product cannot
     * overflow. (At 100% = 10^6 ppm the bound would be 10^19 and it could.)
     */
    public static final long RATE_PPM_MAX = 100_000;

    /** Parts per million in one: a rate of {@code ppm} means {@code ppm / 1_000_000}. */
    public static final long PPM_PER_UNIT = 1_000_000;

    /** The {@code maxAmountInclusive} of the last, open-ended tier (written {@code *}). */
    public static final long ANY_AMOUNT = Long.MAX_VALUE;

    /** Plan names: what traders.csv may put in {@code fee_plan}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,19}");
    private static final Pattern PERCENT = Pattern.compile("[0-9]{1,3}(\\.[0-9]+)?");
    private static final int PERCENT_DECIMALS_MAX = 4; // 0.0001% = 1 ppm, the finest rate held exactly

    /**
     * One tier: payments up to and including {@code maxAmountRupiahInclusive} pay {@code ratePpm}.
     *
     * @param maxAmountRupiahInclusive upper bound of the tier, or {@link #ANY_AMOUNT} for the last tier
     * @param ratePpm rate in parts per million, 0..{@link #RATE_PPM_MAX}
     */
    public record Tier(long maxAmountRupiahInclusive, long ratePpm) {
    }

    private final String name;
    private final long[] tierMaxAmountRupiah;
    private final long[] tierRatePpm;

    /**
     * @throws IllegalArgumentException if the name is malformed, the tiers are empty, not strictly
     *         ascending, do not end with an {@link #ANY_AMOUNT} tier, or hold a rate out of range
     */
    public FeePlan(String name, List<Tier> tiers) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("fee plan name '" + name + "' is not 1..32 characters of [A-Za-z0-9_-]");
        }
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("fee plan " + name + " has no tiers");
        }
        this.name = name;
        this.tierMaxAmountRupiah = new long[tiers.size()];
        this.tierRatePpm = new long[tiers.size()];
        for (int i = 0; i < tiers.size(); i++) {
            Tier tier = tiers.get(i);
            checkTier(name, i, tier, i == 0 ? -1 : tierMaxAmountRupiah[i - 1]);
            tierMaxAmountRupiah[i] = tier.maxAmountRupiahInclusive();
            tierRatePpm[i] = tier.ratePpm();
        }
        if (tierMaxAmountRupiah[tiers.size() - 1] != ANY_AMOUNT) {
            throw new IllegalArgumentException("fee plan " + name + " lacks a last '*' tier for amounts above "
                    + tierMaxAmountRupiah[tiers.size() - 1]);
        }
    }

    private static void checkTier(String name, int index, Tier tier, long previousMaxRupiah) {
        String where = "fee plan " + name + " tier " + (index + 1) + ": ";
        if (tier.maxAmountRupiahInclusive() < 0) {
            throw new IllegalArgumentException(where + "negative max amount " + tier.maxAmountRupiahInclusive());
        }
        if (previousMaxRupiah == ANY_AMOUNT) {
            throw new IllegalArgumentException(where + "follows the '*' tier, which must be last");
        }
        if (tier.maxAmountRupiahInclusive() <= previousMaxRupiah) {
            throw new IllegalArgumentException(where + "max amount " + tier.maxAmountRupiahInclusive()
                    + " is not above the previous tier's " + previousMaxRupiah + " (tiers must ascend)");
        }
        if (tier.ratePpm() < 0) {
            throw new IllegalArgumentException(where + "negative rate " + tier.ratePpm() + " ppm");
        }
        if (tier.ratePpm() > RATE_PPM_MAX) {
            throw new IllegalArgumentException(where + "rate " + tier.ratePpm() + " ppm is above the "
                    + RATE_PPM_MAX + " ppm (10%) maximum");
        }
    }

    /**
     * Parses a plan from its config form, for example {@code 500000:0%,*:0.3%}.
     *
     * @throws IllegalArgumentException naming the plan, the tier and what is wrong
     */
    public static FeePlan parse(String name, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("fee plan " + name + " is empty; expected e.g. 500000:0%,*:0.3%");
        }
        String[] parts = spec.split(",", -1);
        List<Tier> tiers = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            tiers.add(parseTier(name, i, parts[i].strip()));
        }
        return new FeePlan(name, tiers);
    }

    private static Tier parseTier(String name, int index, String text) {
        String where = "fee plan " + name + " tier " + (index + 1) + " '" + text + "': ";
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(where + "expected <maxAmountInclusive>:<percent> or *:<percent>");
        }
        return new Tier(parseMaxAmount(where, text.substring(0, colon).strip()),
                parsePercentPpm(where, text.substring(colon + 1).strip()));
    }

    private static long parseMaxAmount(String where, String text) {
        if (text.equals("*")) {
            return ANY_AMOUNT;
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException(where + "negative max amount " + text);
        }
        if (!AMOUNT.matcher(text).matches()) {
            throw new IllegalArgumentException(where + "max amount '" + text + "' is not a whole number of rupiah or *");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "max amount " + text + " is out of range", e);
        }
    }

    private static long parsePercentPpm(String where, String text) {
        if (!text.endsWith("%")) {
            throw new IllegalArgumentException(where + "rate '" + text + "' must end in % (e.g. 0.3%)");
        }
        String number = text.substring(0, text.length() - 1).strip();
        if (number.startsWith("-")) {
            throw new IllegalArgumentException(where + "negative rate " + text);
        }
        if (!PERCENT.matcher(number).matches()) {
            throw new IllegalArgumentException(where + "rate '" + text + "' is not a plain decimal percent (e.g. 0.3%)");
        }
        BigDecimal percent = new BigDecimal(number);
        if (percent.scale() > PERCENT_DECIMALS_MAX) {
            throw new IllegalArgumentException(where + "rate " + text + " has more than " + PERCENT_DECIMALS_MAX
                    + " decimals; 0.0001% (1 ppm) is the finest rate held exactly");
        }
        // 1% = 10,000 ppm: moving the point 4 places turns percent into ppm exactly.
        return percent.movePointRight(PERCENT_DECIMALS_MAX).longValueExact();
    }

    /** The plan's name, as traders.csv refers to it. */
    public String name() {
        return name;
    }

    /** The tiers, ascending; the last one has {@link #ANY_AMOUNT}. */
    public List<Tier> tiers() {
        List<Tier> tiers = new ArrayList<>(tierRatePpm.length);
        for (int i = 0; i < tierRatePpm.length; i++) {
            tiers.add(new Tier(tierMaxAmountRupiah[i], tierRatePpm[i]));
        }
        return List.copyOf(tiers);
    }

    /**
     * The fee of one payment: amount × rate of the tier the amount falls in, rounded half up to a
     * whole rupiah. Allocation-free.
     *
     * @param amountRupiah 0..{@link #AMOUNT_RUPIAH_MAX}; anything else is a caller's bug
     */
    public long feeRupiah(long amountRupiah) {
        if (amountRupiah < 0 || amountRupiah > AMOUNT_RUPIAH_MAX) {
            throw new IllegalArgumentException("amount out of 0.." + AMOUNT_RUPIAH_MAX + ": " + amountRupiah);
        }
        return roundHalfUpRupiah(amountRupiah, ratePpm(amountRupiah));
    }

    /** The rate, in ppm, that applies to a payment of {@code amountRupiah}. */
    public long ratePpm(long amountRupiah) {
        int i = 0;
        while (amountRupiah > tierMaxAmountRupiah[i]) {
            i++; // terminates: the last tier's max is ANY_AMOUNT
        }
        return tierRatePpm[i];
    }

    /**
     * Half up for non-negative values: adding half a unit (500,000 ppm-rupiah) then truncating.
     * No overflow: amount ≤ 10^13 and rate ≤ 10^5 ppm keep the sum near 10^18 (see {@link #RATE_PPM_MAX}).
     */
    static long roundHalfUpRupiah(long amountRupiah, long ratePpm) {
        return (amountRupiah * ratePpm + PPM_PER_UNIT / 2) / PPM_PER_UNIT;
    }

    /** The config form this plan parses from, for example {@code 500000:0%,*:0.3%}. */
    public String spec() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tierRatePpm.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(tierMaxAmountRupiah[i] == ANY_AMOUNT ? "*" : Long.toString(tierMaxAmountRupiah[i]));
            out.append(':').append(percentText(tierRatePpm[i])).append('%');
        }
        return out.toString();
    }

    private static String percentText(long ratePpm) {
        BigDecimal percent = BigDecimal.valueOf(ratePpm, PERCENT_DECIMALS_MAX).stripTrailingZeros();
        return percent.signum() == 0 ? "0" : percent.toPlainString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeePlan plan && name.equals(plan.name)
                && Arrays.equals(tierMaxAmountRupiah, plan.tierMaxAmountRupiah)
                && Arrays.equals(tierRatePpm, plan.tierRatePpm);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(tierRatePpm);
    }

    @Override
    public String toString() {
        return name + "=" + spec();
    }
}
