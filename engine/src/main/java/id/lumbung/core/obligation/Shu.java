package id.lumbung.core.obligation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The year-end surplus sharing (sisa hasil usaha) that the annual meeting decides: the service
 * pool ({@code surplus × P / 100}) split by each member's gross in the year, the capital pool
 * ({@code surplus × Q / 100}) by its simpanan wajib collected by the year's end. Each pool is
 * rounded down to a rupiah, then split in whole rupiah by the largest remainder method, ties by
 * trader id, so the shares add up exactly to the pool; a pool without weight is not shared and
 * answered as 0.
 */
public final class Shu {
    public static final String CSV_HEADER = "trader_id,gross,savings,service_share,capital_share,total";

    /** A member's weights: gross in the year's batches and savings collected by its end. */
    public record Member(String traderId, long grossRupiah, long savingsRupiah) {
        public Member {
            if (grossRupiah < 0 || savingsRupiah < 0) {
                throw new IllegalArgumentException("negative SHU weight of " + traderId);
            }
        }
    }

    /** A member's line of the answer. */
    public record Share(String traderId, long grossRupiah, long savingsRupiah, long serviceShareRupiah,
            long capitalShareRupiah, long totalRupiah) {
    }

    /** The answer of {@code GET .../shu}, members sorted by trader id. */
    public record Result(int year, long surplusRupiah, long servicePoolRupiah, long capitalPoolRupiah,
            List<Share> members) {
        public Result {
            members = List.copyOf(members);
        }

        /** The {@code text/csv} answer: {@link #CSV_HEADER}, then one row per member. */
        public List<String[]> csvRows() {
            List<String[]> rows = new ArrayList<>(members.size() + 1);
            rows.add(CSV_HEADER.split(","));
            for (Share s : members) {
                rows.add(new String[] {s.traderId(), Long.toString(s.grossRupiah()), Long.toString(s.savingsRupiah()),
                        Long.toString(s.serviceShareRupiah()), Long.toString(s.capitalShareRupiah()),
                        Long.toString(s.totalRupiah())});
            }
            return rows;
        }
    }

    private Shu() {
    }

    /**
     * Shares {@code surplusRupiah} among {@code members} (every member of the cooperative, each
     * once). {@code INVALID_FIELD} when a percent is outside 0..100 or their sum above 100;
     * {@code INVALID_AMOUNT} for a negative surplus.
     */
    public static Checked<Result> compute(int year, long surplusRupiah, int servicePct, int capitalPct,
            List<Member> members) {
        if (servicePct < 0 || servicePct > 100) {
            return Checked.rejected(ObligationCode.INVALID_FIELD, "servicePct", "servicePct must be 0 to 100");
        }
        if (capitalPct < 0 || capitalPct > 100 || servicePct + capitalPct > 100) {
            return Checked.rejected(ObligationCode.INVALID_FIELD, "capitalPct",
                    "capitalPct must be 0 to 100 and servicePct + capitalPct at most 100");
        }
        if (surplusRupiah < 0) {
            return Checked.rejected(ObligationCode.INVALID_AMOUNT, "surplus", "surplus must not be negative");
        }
        Member[] sorted = members.toArray(new Member[0]);
        Arrays.sort(sorted, Comparator.comparing(Member::traderId));
        long[] gross = new long[sorted.length];
        long[] savings = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            if (i > 0 && sorted[i - 1].traderId().equals(sorted[i].traderId())) {
                throw new IllegalArgumentException("member " + sorted[i].traderId() + " listed twice");
            }
            gross[i] = sorted[i].grossRupiah();
            savings[i] = sorted[i].savingsRupiah();
        }
        long servicePool = pool(surplusRupiah, servicePct);
        long capitalPool = pool(surplusRupiah, capitalPct);
        long[] service = largestRemainder(servicePool, gross);
        long[] capital = largestRemainder(capitalPool, savings);
        List<Share> shares = new ArrayList<>(sorted.length);
        for (int i = 0; i < sorted.length; i++) {
            shares.add(new Share(sorted[i].traderId(), gross[i], savings[i], service[i], capital[i],
                    Math.addExact(service[i], capital[i])));
        }
        return Checked.ok(new Result(year, surplusRupiah, servicePool, capitalPool, shares));
    }

    /**
     * {@code surplus × pct / 100} rounded down, without overflow: with surplus = 100q + r it is
     * q × pct + (r × pct) / 100, and q × pct ≤ surplus.
     */
    public static long pool(long surplusRupiah, int pct) {
        if (surplusRupiah < 0 || pct < 0 || pct > 100) {
            throw new IllegalArgumentException("pool of " + surplusRupiah + " at " + pct + "%");
        }
        return surplusRupiah / 100 * pct + surplusRupiah % 100 * pct / 100;
    }

    /**
     * Splits {@code poolRupiah} in proportion to {@code weights} by the largest remainder method:
     * each share is its quota rounded down; the rupiah left over go one each to the largest
     * remainders, ties to the lower index (callers list members by trader id). The shares sum to
     * the pool exactly; all zero when the weights sum to 0.
     */
    public static long[] largestRemainder(long poolRupiah, long[] weights) {
        long[] shares = new long[weights.length];
        BigInteger total = BigInteger.ZERO;
        for (long w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            total = total.add(BigInteger.valueOf(w));
        }
        if (poolRupiah < 0) {
            throw new IllegalArgumentException("negative pool " + poolRupiah);
        }
        if (total.signum() == 0 || poolRupiah == 0) {
            return shares;
        }
        BigInteger pool = BigInteger.valueOf(poolRupiah);
        BigInteger[] remainders = new BigInteger[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            BigInteger[] qr = pool.multiply(BigInteger.valueOf(weights[i])).divideAndRemainder(total);
            shares[i] = qr[0].longValueExact(); // at most the pool
            remainders[i] = qr[1];
            given += shares[i];
        }
        long left = poolRupiah - given; // fewer than the number of members with weight
        Integer[] order = new Integer[weights.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byRemainder = remainders[b].compareTo(remainders[a]);
            return byRemainder != 0 ? byRemainder : Integer.compare(a, b);
        });
        for (int k = 0; k < left; k++) {
            shares[order[k]]++;
        }
        return shares;
    }
}
