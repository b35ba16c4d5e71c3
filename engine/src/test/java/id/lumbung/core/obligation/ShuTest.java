package id.lumbung.core.obligation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Year-end surplus sharing: pools rounded down, shares by largest remainder, summing exactly to each pool. */
class ShuTest {

    @Test
    void splitsBothPoolsByLargestRemainderWithTiesByTraderId() {
        List<Shu.Member> members = List.of(new Shu.Member("TR-C", 100, 0), new Shu.Member("TR-A", 100, 50),
                new Shu.Member("TR-B", 100, 0), new Shu.Member("TR-D", 0, 0));
        // surplus 1,001: service 60% = 600.6 -> 600; capital 40% = 400.4 -> 400
        Shu.Result r = Shu.compute(2026, 1_001, 60, 40, members).value();
        assertThat(r.servicePoolRupiah()).isEqualTo(600);
        assertThat(r.capitalPoolRupiah()).isEqualTo(400);
        assertThat(r.members()).containsExactly(
                new Shu.Share("TR-A", 100, 50, 200, 400, 600),
                new Shu.Share("TR-B", 100, 0, 200, 0, 200),
                new Shu.Share("TR-C", 100, 0, 200, 0, 200),
                new Shu.Share("TR-D", 0, 0, 0, 0, 0));
        // 100 among three equal weights: 33 each, the one rupiah left to the lowest trader id
        assertThat(Shu.largestRemainder(100, new long[] {5, 5, 5})).containsExactly(34, 33, 33);
        // quotas 1.6, 1.3, 1.1 of 4: floors 1, 1, 1, the rupiah left to the largest remainder (0.6)
        assertThat(Shu.largestRemainder(4, new long[] {16, 13, 11})).containsExactly(2, 1, 1);
        assertThat(Shu.largestRemainder(4, new long[] {11, 13, 16})).containsExactly(1, 1, 2);
    }

    @Test
    void aPoolWithoutWeightIsNotShared() {
        Shu.Result r = Shu.compute(2026, 1_000, 70, 30, List.of(new Shu.Member("TR1", 500, 0),
                new Shu.Member("TR2", 0, 0))).value();
        assertThat(r.members()).extracting(Shu.Share::capitalShareRupiah).containsExactly(0L, 0L);
        assertThat(r.members()).extracting(Shu.Share::serviceShareRupiah).containsExactly(700L, 0L);
        assertThat(Shu.largestRemainder(1_000, new long[0])).isEmpty();
    }

    @Test
    void poolsRoundDownWithoutOverflow() {
        assertThat(Shu.pool(999, 33)).isEqualTo(329); // 329.67
        assertThat(Shu.pool(Long.MAX_VALUE, 100)).isEqualTo(Long.MAX_VALUE);
        assertThat(Shu.pool(Long.MAX_VALUE, 99)).isEqualTo(9_131_138_316_486_228_048L); // 9223372036854775807 × 0.99 = ...8048.93
    }

    @Test
    void percentsAndSurplusAreChecked() {
        List<Shu.Member> none = List.of();
        assertThat(Shu.compute(2026, 1, 60, 41, none).rejection().code()).isEqualTo(ObligationCode.INVALID_FIELD);
        assertThat(Shu.compute(2026, 1, -1, 0, none).rejection().code()).isEqualTo(ObligationCode.INVALID_FIELD);
        assertThat(Shu.compute(2026, 1, 101, 0, none).rejection().code()).isEqualTo(ObligationCode.INVALID_FIELD);
        assertThat(Shu.compute(2026, -1, 50, 50, none).rejection().code()).isEqualTo(ObligationCode.INVALID_AMOUNT);
        assertThat(Shu.compute(2026, 1, 100, 0, none).ok()).isTrue();
    }

    @Test
    void sharesSumExactlyToEachPoolForRandomWeights() {
        for (long seed = 1; seed <= 500; seed++) {
            Random random = new Random(seed);
            List<Shu.Member> members = new ArrayList<>();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                long scale = random.nextBoolean() ? 1_000 : Long.MAX_VALUE / 64;
                members.add(new Shu.Member("T" + i, random.nextInt(3) == 0 ? 0 : (long) (random.nextDouble() * scale),
                        random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000)));
            }
            int p = random.nextInt(101);
            long surplus = random.nextBoolean() ? random.nextInt(1_000_000) : Math.abs(random.nextLong() >> 1);
            Shu.Result r = Shu.compute(2026, surplus, p, random.nextInt(101 - p), members).value();
            long service = r.members().stream().mapToLong(Shu.Share::serviceShareRupiah).sum();
            long capital = r.members().stream().mapToLong(Shu.Share::capitalShareRupiah).sum();
            boolean anyGross = members.stream().anyMatch(m -> m.grossRupiah() > 0);
            boolean anySavings = members.stream().anyMatch(m -> m.savingsRupiah() > 0);
            assertThat(service).as("seed " + seed).isEqualTo(anyGross ? r.servicePoolRupiah() : 0);
            assertThat(capital).as("seed " + seed).isEqualTo(anySavings ? r.capitalPoolRupiah() : 0);
            for (Shu.Share s : r.members()) {
                assertThat(s.serviceShareRupiah()).isNotNegative();
                assertThat(s.grossRupiah() == 0 ? s.serviceShareRupiah() : 0).isZero();
                assertThat(s.savingsRupiah() == 0 ? s.capitalShareRupiah() : 0).isZero();
            }
        }
    }

    @Test
    void csvRowsListEveryMember() {
        Shu.Result r = Shu.compute(2026, 100, 50, 50, List.of(new Shu.Member("TR1", 10, 10))).value();
        assertThat(r.csvRows()).extracting(Arrays::toString).containsExactly(
                "[trader_id, gross, savings, service_share, capital_share, total]", "[TR1, 10, 10, 50, 50, 100]");
    }
}
