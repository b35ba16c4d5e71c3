package id.lumbung.core.settlement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeeScheduleTest {

    private final FeeSchedule defaults = FeeSchedule.defaults();

    @Test
    void umiChargesNothingUpToFiveHundredThousand() {
        assertThat(defaults.feeRupiah("UMI", 500_000)).isZero();
        assertThat(defaults.feeRupiah("UMI", 1)).isZero();
    }

    @Test
    void umiChargesPointThreePercentOfTheWholeAmountAbove() {
        // 500,001 * 0.003 = 1500.003 -> 1500
        assertThat(defaults.feeRupiah("UMI", 500_001)).isEqualTo(1500);
        assertThat(defaults.plan("UMI").ratePpm(500_001)).isEqualTo(3000);
    }

    @Test
    void regChargesPointSevenPercent() {
        assertThat(defaults.feeRupiah("REG", 15_000)).isEqualTo(105);
    }

    @Test
    void govChargesNothing() {
        assertThat(defaults.feeRupiah("GOV", 10_000_000)).isZero();
    }

    @Test
    void roundsHalfUp() {
        assertThat(defaults.feeRupiah("REG", 50)).isZero();      // 0.35
        assertThat(defaults.feeRupiah("REG", 500)).isEqualTo(4); // 3.5
        assertThat(defaults.feeRupiah("REG", 214)).isEqualTo(1); // 1.498
        assertThat(defaults.feeRupiah("REG", 72)).isEqualTo(1);  // 0.504
        assertThat(defaults.feeRupiah("REG", 71)).isEqualTo(0);  // 0.497
    }

    @Test
    void feeOfZeroAndOfTheMaximumAmount() {
        assertThat(defaults.feeRupiah("REG", 0)).isZero();
        // 10^13 * 0.007 = 7 * 10^10 exactly
        assertThat(defaults.feeRupiah("REG", FeePlan.AMOUNT_RUPIAH_MAX)).isEqualTo(70_000_000_000L);
        FeePlan tenPercent = FeePlan.parse("MAX", "*:10%");
        assertThat(tenPercent.feeRupiah(FeePlan.AMOUNT_RUPIAH_MAX)).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void rejectsAmountsOutOfRange() {
        FeePlan reg = defaults.plan("REG");
        assertThatThrownBy(() -> reg.feeRupiah(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reg.feeRupiah(FeePlan.AMOUNT_RUPIAH_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnknownPlan() {
        assertThatThrownBy(() -> defaults.feeRupiah("VIP", 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown fee plan 'VIP'; configured: [GOV, REG, UMI]");
    }

    @Test
    void defaultsMatchTheQrisTiers() {
        assertThat(defaults.plan("UMI").tiers()).containsExactly(
                new FeePlan.Tier(500_000, 0), new FeePlan.Tier(FeePlan.ANY_AMOUNT, 3000));
        assertThat(defaults.plan("REG").tiers()).containsExactly(new FeePlan.Tier(FeePlan.ANY_AMOUNT, 7000));
        assertThat(defaults.plan("GOV").tiers()).containsExactly(new FeePlan.Tier(FeePlan.ANY_AMOUNT, 0));
    }

    @Test
    void parseRoundTrips() {
        Map<String, String> config = Map.of(
                "UMI", "500000:0%,*:0.3%",
                "REG", "*:0.7%",
                "GOV", "*:0%",
                "STEP", "100:1.2345%,1000:2%,*:0.0001%");
        FeeSchedule schedule = FeeSchedule.parse(config);
        assertThat(schedule.toConfig()).isEqualTo(config);
        assertThat(FeeSchedule.parse(schedule.toConfig())).isEqualTo(schedule);
        assertThat(schedule.plan("STEP").tiers()).containsExactly(
                new FeePlan.Tier(100, 12_345), new FeePlan.Tier(1000, 20_000), new FeePlan.Tier(FeePlan.ANY_AMOUNT, 1));
    }

    @Test
    void parseToleratesSpacesAndNormalisesTrailingZeros() {
        FeePlan plan = FeePlan.parse("UMI", " 500000 : 0.000% , * : 0.30% ");
        assertThat(plan).isEqualTo(defaults.plan("UMI"));
        assertThat(plan.spec()).isEqualTo("500000:0%,*:0.3%");
    }

    @Test
    void rejectsPercentWithMoreThanFourDecimals() {
        assertThatThrownBy(() -> FeePlan.parse("REG", "*:0.00001%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan REG tier 1 '*:0.00001%': rate 0.00001% has more than 4 decimals;"
                        + " 0.0001% (1 ppm) is the finest rate held exactly");
    }

    @Test
    void rejectsTiersThatDoNotAscend() {
        assertThatThrownBy(() -> FeePlan.parse("UMI", "500000:0%,500000:0.1%,*:0.3%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan UMI tier 2: max amount 500000 is not above the previous tier's 500000"
                        + " (tiers must ascend)");
        assertThatThrownBy(() -> FeePlan.parse("UMI", "500000:0%,100:0.1%,*:0.3%"))
                .hasMessageContaining("tiers must ascend");
    }

    @Test
    void rejectsMissingStarTier() {
        assertThatThrownBy(() -> FeePlan.parse("UMI", "500000:0%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan UMI lacks a last '*' tier for amounts above 500000");
    }

    @Test
    void rejectsStarTierThatIsNotLast() {
        assertThatThrownBy(() -> FeePlan.parse("UMI", "*:0%,500000:0.3%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan UMI tier 2: follows the '*' tier, which must be last");
    }

    @Test
    void rejectsNegativeRateAndNegativeAmount() {
        assertThatThrownBy(() -> FeePlan.parse("REG", "*:-0.7%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan REG tier 1 '*:-0.7%': negative rate -0.7%");
        assertThatThrownBy(() -> FeePlan.parse("UMI", "-5:0%,*:0.3%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fee plan UMI tier 1 '-5:0%': negative max amount -5");
        assertThatThrownBy(() -> new FeePlan("X", List.of(new FeePlan.Tier(FeePlan.ANY_AMOUNT, -1))))
                .hasMessage("fee plan X tier 1: negative rate -1 ppm");
    }

    @Test
    void rejectsMalformedTiers() {
        assertThatThrownBy(() -> FeePlan.parse("REG", "*:0.7"))
                .hasMessage("fee plan REG tier 1 '*:0.7': rate '0.7' must end in % (e.g. 0.3%)");
        assertThatThrownBy(() -> FeePlan.parse("REG", "0.7%"))
                .hasMessage("fee plan REG tier 1 '0.7%': expected <maxAmountInclusive>:<percent> or *:<percent>");
        assertThatThrownBy(() -> FeePlan.parse("REG", "1e3:0.7%,*:1%"))
                .hasMessage("fee plan REG tier 1 '1e3:0.7%': max amount '1e3' is not a whole number of rupiah or *");
        assertThatThrownBy(() -> FeePlan.parse("REG", "*:abc%"))
                .hasMessage("fee plan REG tier 1 '*:abc%': rate 'abc%' is not a plain decimal percent (e.g. 0.3%)");
        assertThatThrownBy(() -> FeePlan.parse("REG", ""))
                .hasMessage("fee plan REG is empty; expected e.g. 500000:0%,*:0.3%");
        assertThatThrownBy(() -> FeePlan.parse("REG", "*:0.7%,"))
                .hasMessageContaining("tier 2 ''");
    }

    @Test
    void rejectsRateAboveTenPercent() {
        assertThatThrownBy(() -> FeePlan.parse("HIGH", "*:10.0001%"))
                .hasMessage("fee plan HIGH tier 1: rate 100001 ppm is above the 100000 ppm (10%) maximum");
    }

    @Test
    void rejectsBadNamesAndEmptySchedule() {
        assertThatThrownBy(() -> FeePlan.parse("U M I", "*:0%"))
                .hasMessage("fee plan name 'U M I' is not 1..32 characters of [A-Za-z0-9_-]");
        assertThatThrownBy(() -> FeeSchedule.parse(Map.of())).hasMessage("fee schedule has no plans");
    }

    @Test
    void matchesBigDecimalHalfUpForRandomAmounts() {
        FeeSchedule schedule = FeeSchedule.parse(Map.of(
                "UMI", "500000:0%,*:0.3%", "REG", "*:0.7%", "ODD", "999:0.0001%,123456:1.2345%,*:9.9999%"));
        SplittableRandom random = new SplittableRandom(20241201L);
        for (String name : List.of("UMI", "REG", "ODD")) {
            FeePlan plan = schedule.plan(name);
            for (int i = 0; i < 100_000; i++) {
                long amountRupiah = randomAmount(random);
                long expected = BigDecimal.valueOf(amountRupiah)
                        .multiply(BigDecimal.valueOf(plan.ratePpm(amountRupiah), 6))
                        .setScale(0, RoundingMode.HALF_UP)
                        .longValueExact();
                assertThat(plan.feeRupiah(amountRupiah)).as("%s fee of %d", name, amountRupiah).isEqualTo(expected);
            }
        }
    }

    /** Mostly QRIS-sized amounts, some near tier edges, some up to the maximum. */
    private static long randomAmount(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextLong(1, 10_000_001);
            case 1 -> random.nextLong(499_000, 501_001);
            case 2 -> random.nextLong(0, 1_000);
            default -> random.nextLong(0, FeePlan.AMOUNT_RUPIAH_MAX + 1);
        };
    }
}
