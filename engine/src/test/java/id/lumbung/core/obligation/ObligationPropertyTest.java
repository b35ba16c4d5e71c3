package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random members, obligations, ends and payments across several batches, checked against
 * the rule's invariants after every batch and against an accrual counted day by day.
 */
class ObligationPropertyTest {
    private static final int SEEDS = 400;
    private static final int BATCHES = 10;
    private static final LocalDate BASE = LocalDate.of(2026, 11, 20);

    /** How often the interesting cases came up, so that the invariants are not checked in vain. */
    private static final class Stats {
        int partlyCollected;
        int shortfallsBehindAnother;
        int endedCollected;
        int totalsReached;
    }

    private static Stats stats;

    @Test
    void everyBatchKeepsTheRulesInvariants() {
        stats = new Stats();
        for (long seed = 1; seed <= SEEDS; seed++) {
            run(seed);
        }
        assertThat(stats.partlyCollected).isGreaterThan(100);
        assertThat(stats.shortfallsBehindAnother).isGreaterThan(100);
        assertThat(stats.endedCollected).isGreaterThan(10);
        assertThat(stats.totalsReached).isGreaterThan(10);
    }

    private static void run(long seed) {
        Random random = new Random(seed);
        int traders = 1 + random.nextInt(8);
        ObligationBook book = new ObligationBook("C1");
        List<Obligation> obligations = new ArrayList<>();
        int count = random.nextInt(14);
        for (int i = 0; i < count; i++) {
            Obligation o = Obligations.of(String.format("O%02d", random.nextInt(40)), trader(random.nextInt(traders)),
                    ObligationKind.values()[random.nextInt(3)], 1 + random.nextInt(5_000),
                    BASE.plusDays(random.nextInt(20) - 5).toString(),
                    random.nextBoolean() ? null : 1L + random.nextInt(60_000));
            if (book.put(o).status() == ObligationOutcome.Status.CREATED) {
                obligations.add(o);
            }
        }
        LocalDate close = BASE;
        for (int b = 0; b < BATCHES; b++) {
            close = close.plusDays(random.nextInt(4));
            endSome(random, book, obligations, close);
            batch(seed, random, book, traders, close);
        }
    }

    private static void endSome(Random random, ObligationBook book, List<Obligation> obligations, LocalDate close) {
        for (Obligation o : obligations) {
            if (random.nextInt(10) == 0) {
                LocalDate from = book.lastCloseDate() == null ? BASE : book.lastCloseDate();
                assertThat(book.end(o.obligationId(), from.plusDays(random.nextInt(6))).status())
                        .isEqualTo(ObligationOutcome.Status.ENDED);
            }
        }
    }

    private static void batch(long seed, Random random, ObligationBook book, int traders, LocalDate close) {
        Map<String, Long> deductedBefore = deducted(book);
        ObligationSettling settling = book.settle(close);
        List<String> paid = new ArrayList<>();
        for (int t = 0; t < traders; t++) {
            if (random.nextInt(10) < 6) {
                PayoutLine line = settling.member(trader(t), random.nextInt(4) == 0 ? 0 : random.nextInt(20_000));
                paid.add(trader(t));
                Supplier<String> where = () -> "seed " + seed + " close " + close + " " + line;
                assertThat(line.retribusiRupiah() + line.angsuranRupiah() + line.simpananWajibRupiah() + line.payoutRupiah())
                        .as(where).isEqualTo(line.netRupiah());
                assertThat(line.payoutRupiah()).as(where).isNotNegative();
            }
        }
        BatchDeductions result = settling.finish();
        Map<String, Long> deductedNow = deducted(book);
        Map<String, Long> byObligation = new HashMap<>();
        for (Deduction d : result.deductions()) {
            byObligation.merge(d.obligationId(), d.amountRupiah(), Long::sum);
        }
        for (ObligationView v : book.views(null)) {
            Obligation o = v.obligation();
            Supplier<String> where = () -> "seed " + seed + " close " + close + " " + v;
            long accrued = accruedDayByDay(o, book.lastCloseDate());
            assertThat(v.accruedRupiah()).as(where).isEqualTo(accrued);
            assertThat(v.deductedRupiah()).as(where).isBetween(0L, accrued);
            assertThat(v.dueRupiah()).as(where).isEqualTo(accrued - v.deductedRupiah());
            long taken = deductedNow.get(o.obligationId()) - deductedBefore.get(o.obligationId());
            assertThat(taken).as(where).isEqualTo(byObligation.getOrDefault(o.obligationId(), 0L));
            if (!paid.contains(o.traderId())) {
                assertThat(taken).as(() -> "untouched " + where.get()).isZero();
            }
        }
        for (PayoutLine line : result.lines()) {
            checkPriority(seed, close, book, line, result, deductedBefore);
        }
    }

    /**
     * In priority order, once an obligation is left with something due, nothing after it took
     * anything in this batch and the payout is 0; a payout means nothing is left due.
     */
    private static void checkPriority(long seed, LocalDate close, ObligationBook book, PayoutLine line,
            BatchDeductions result, Map<String, Long> deductedBefore) {
        List<ObligationView> member = new ArrayList<>(book.views(line.traderId()));
        member.sort(Comparator.<ObligationView>comparingInt(v -> v.obligation().kind().ordinal())
                .thenComparing(v -> v.obligation().obligationId()));
        boolean shortfallSeen = false;
        long[] byKind = new long[3];
        for (ObligationView v : member) {
            long taken = v.deductedRupiah() - deductedBefore.get(v.obligation().obligationId());
            byKind[v.obligation().kind().ordinal()] += taken;
            if (shortfallSeen) {
                assertThat(taken).as(() -> "taken after an earlier shortfall: seed " + seed + " close " + close + " "
                        + line + " " + v).isZero();
                if (taken == 0 && v.dueRupiah() > 0) {
                    stats.shortfallsBehindAnother++;
                }
            }
            if (v.dueRupiah() > 0) {
                shortfallSeen = true;
                if (taken > 0) {
                    stats.partlyCollected++;
                }
            }
            if (taken > 0 && v.deductedRupiah() - taken > 0 && v.obligation().endDate() != null) {
                stats.endedCollected++;
            }
            if (taken > 0 && v.obligation().totalRupiah() != null && v.deductedRupiah() == v.obligation().totalRupiah()) {
                stats.totalsReached++;
            }
        }
        if (shortfallSeen) {
            assertThat(line.payoutRupiah()).as(() -> "payout while something is due: seed " + seed + " " + line).isZero();
        }
        assertThat(byKind).as(() -> "seed " + seed + " " + line)
                .containsExactly(line.retribusiRupiah(), line.angsuranRupiah(), line.simpananWajibRupiah());
    }

    /** dailyAmount for each day from the start to min(close, end), counted one by one, capped at the total. */
    private static long accruedDayByDay(Obligation o, LocalDate close) {
        long accrued = 0;
        for (LocalDate d = o.startDate(); !d.isAfter(close) && (o.endDate() == null || !d.isAfter(o.endDate()));
                d = d.plusDays(1)) {
            accrued += o.dailyAmountRupiah();
        }
        return o.totalRupiah() == null ? accrued : Math.min(accrued, o.totalRupiah());
    }

    private static Map<String, Long> deducted(ObligationBook book) {
        Map<String, Long> m = new HashMap<>();
        for (ObligationView v : book.views(null)) {
            m.put(v.obligation().obligationId(), v.deductedRupiah());
        }
        return m;
    }

    private static String trader(int t) {
        return "TR" + t;
    }
}
