package id.lumbung.core.settlement;

import java.util.Map;
import java.util.TreeMap;

/**
 * The configured fee plans by name. Built once at start-up; immutable and safe to share.
 * Defaults follow Bank Indonesia's QRIS MDR rules since 1 Dec 2024: {@code UMI} 0% up to
 * Rp500,000 and 0.3% above (on the whole amount), {@code REG} 0.7%, {@code GOV} 0%.
 *
 * <p>Per payment, look a plan up once with {@link #plan(String)} and call
 * {@link FeePlan#feeRupiah(long)}; {@link #feeRupiah(String, long)} does both without allocating.
 */
public final class FeeSchedule {

    /** Config lines of the default plans, in the form {@link #parse(Map)} reads. */
    public static final Map<String, String> DEFAULT_PLANS = Map.of(
            "UMI", "500000:0%,*:0.3%",
            "REG", "*:0.7%",
            "GOV", "*:0%");

    /** Bounds the map; a schedule is a handful of plans, never data. */
    public static final int PLANS_MAX = 64;

    private final Map<String, FeePlan> plansByName;

    private FeeSchedule(Map<String, FeePlan> plansByName) {
        if (plansByName.isEmpty()) {
            throw new IllegalArgumentException("fee schedule has no plans");
        }
        if (plansByName.size() > PLANS_MAX) {
            throw new IllegalArgumentException("fee schedule has " + plansByName.size() + " plans, more than "
                    + PLANS_MAX);
        }
        this.plansByName = Map.copyOf(plansByName);
    }

    /** The QRIS default plans {@code UMI}, {@code REG} and {@code GOV}. */
    public static FeeSchedule defaults() {
        return parse(DEFAULT_PLANS);
    }

    /**
     * Parses config lines, plan name to tiers, e.g. {@code UMI -> 500000:0%,*:0.3%}.
     *
     * @throws IllegalArgumentException naming the plan and tier at fault
     */
    public static FeeSchedule parse(Map<String, String> specsByName) {
        Map<String, FeePlan> plans = new TreeMap<>();
        specsByName.forEach((name, spec) -> plans.put(name, FeePlan.parse(name, spec)));
        return new FeeSchedule(plans);
    }

    /** The config lines this schedule parses from, sorted by plan name. */
    public Map<String, String> toConfig() {
        Map<String, String> specs = new TreeMap<>();
        plansByName.forEach((name, plan) -> specs.put(name, plan.spec()));
        return specs;
    }

    /** Whether a plan of that name is configured (for reference-data checks at load). */
    public boolean hasPlan(String name) {
        return plansByName.containsKey(name);
    }

    /**
     * The plan of that name.
     *
     * @throws IllegalArgumentException if no such plan is configured; reference data is checked
     *         against the schedule at load, so on the payment path this is a bug
     */
    public FeePlan plan(String name) {
        FeePlan plan = plansByName.get(name);
        if (plan == null) {
            throw new IllegalArgumentException("unknown fee plan '" + name + "'; configured: "
                    + new TreeMap<>(plansByName).keySet());
        }
        return plan;
    }

    /** The fee of one payment under the named plan; see {@link FeePlan#feeRupiah(long)}. */
    public long feeRupiah(String planName, long amountRupiah) {
        return plan(planName).feeRupiah(amountRupiah);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeeSchedule schedule && plansByName.equals(schedule.plansByName);
    }

    @Override
    public int hashCode() {
        return plansByName.hashCode();
    }

    @Override
    public String toString() {
        return "FeeSchedule" + toConfig();
    }
}
