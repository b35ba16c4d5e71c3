package id.lumbung.bench;

import id.lumbung.core.settlement.FeePlan;
import id.lumbung.core.settlement.FeeSchedule;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-payment fee under the UMI plan (0% up to Rp500,000, 0.3% above) over a spread of amounts
 * on both sides of the tier boundary, so the tier branch is not perfectly predicted. The baseline
 * reads the same amounts without computing a fee.
 */
@State(Scope.Thread)
public class FeePlanBenchmark extends HotPathBenchmark {
    /** 4096 amounts × 8 bytes = 32 KB: a power of two for a mask, small enough for L1/L2. */
    private static final int AMOUNTS = 4096;
    private static final int AMOUNTS_MASK = AMOUNTS - 1;

    private FeePlan plan;
    private long[] amountsRupiah;
    private int next;

    @Setup
    public void setUp() {
        plan = FeeSchedule.defaults().plan("UMI");
        SplittableRandom random = new SplittableRandom(42);
        amountsRupiah = new long[AMOUNTS];
        for (int i = 0; i < AMOUNTS; i++) {
            // market payments: mostly Rp1,000..Rp500,000, one in eight above (up to the Rp10,000,000 cap)
            amountsRupiah[i] = random.nextInt(8) == 0
                    ? random.nextLong(500_001, Fixtures.AMOUNT_MAX_RUPIAH + 1)
                    : random.nextLong(1_000, 500_001);
        }
        if (plan.feeRupiah(500_000) != 0 || plan.feeRupiah(500_001) != 1_500) {
            throw new IllegalStateException("UMI plan is not 500000:0%,*:0.3%");
        }
    }

    @Benchmark
    public long baseline() {
        return amountsRupiah[next++ & AMOUNTS_MASK];
    }

    @Benchmark
    public long feeRupiah() {
        return plan.feeRupiah(amountsRupiah[next++ & AMOUNTS_MASK]);
    }
}
