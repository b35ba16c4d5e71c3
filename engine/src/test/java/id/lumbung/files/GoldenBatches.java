package id.lumbung.files;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeePlan;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.core.settlement.MemberTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Golden-file scenarios: batches built from payments priced with the default fee plans, and the
 * cooperative they belong to. Expected outputs live in {@code src/test/resources/golden/<name>.*}.
 */
final class GoldenBatches {

    static final Coop COOP = new Coop(0, "KOP-BRG", "Koperasi Pasar Beringharjo", "1234567890123", new byte[32]);

    /** 11:45 Jakarta cut-off on 5 Jan 2026 = 04:45 UTC. */
    static final long CLOSED_AT_EPOCH_MS = Instant.parse("2026-01-05T04:45:00Z").toEpochMilli();

    private static final FeeSchedule FEES = FeeSchedule.defaults();

    /** Scenario names, each with a {@code .csv} and a {@code .camt053.xml} golden file. */
    static final List<String> NAMES = List.of("one-member", "many-members", "opening-balance");

    private GoldenBatches() {
    }

    static Batch byName(String name) {
        return switch (name) {
            case "one-member" -> oneMember();
            case "many-members" -> manyMembers();
            case "opening-balance" -> openingBalance();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** One REG trader, one Rp15,000 payment (fee 105), first batch of the coop. */
    static Batch oneMember() {
        return batch("KOP-BRG-20260105-1145", 0, Map.of("TR-0001", payments("REG", 15_000)));
    }

    /** Every default plan, tier edges and half-up rounding, several payments per trader. */
    static Batch manyMembers() {
        Map<String, List<long[]>> byTrader = new TreeMap<>();
        byTrader.put("TR-0001", payments("REG", 15_000, 500, 50));          // fees 105 + 4 + 0
        byTrader.put("TR-0002", payments("UMI", 500_000, 500_001, 12_500)); // fees 0 + 1500 + 0
        byTrader.put("TR-0003", payments("GOV", 2_000_000));                // fee 0
        byTrader.put("TR-0010", payments("REG", 10_000_000, 1));            // fees 70000 + 0
        byTrader.put("TR-0100", payments("UMI", 9_999_999));                // fee 30000 (29999.997)
        byTrader.put("ta-lower", payments("REG", 7_143));                   // fee 50 (50.001)
        return batch("KOP-BRG-20260105-1145", 0, byTrader);
    }

    /** A later batch: opening balance is the previous batch's closing. */
    static Batch openingBalance() {
        return batch("KOP-BRG-20260105-1410", 123_456_789,
                Map.of("TR-0002", payments("UMI", 750_000), "TR-0007", payments("REG", 20_000, 35_000)));
    }

    /** Each long[] is {amountRupiah, feeRupiah}. */
    static List<long[]> payments(String plan, long... amountsRupiah) {
        FeePlan feePlan = FEES.plan(plan);
        List<long[]> out = new ArrayList<>();
        for (long amount : amountsRupiah) {
            out.add(new long[] {amount, feePlan.feeRupiah(amount)});
        }
        return out;
    }

    static Batch batch(String batchId, long openingBalanceRupiah, Map<String, List<long[]>> paymentsByTrader) {
        List<MemberTotals> members = new ArrayList<>();
        long payments = 0, gross = 0, fee = 0;
        for (Map.Entry<String, List<long[]>> e : new TreeMap<>(paymentsByTrader).entrySet()) {
            long g = 0, f = 0;
            for (long[] p : e.getValue()) {
                g += p[0];
                f += p[1];
            }
            members.add(new MemberTotals(e.getKey(), e.getValue().size(), g, f, g - f));
            payments += e.getValue().size();
            gross += g;
            fee += f;
        }
        return new Batch(batchId, COOP.coopId(), 1, 100, CLOSED_AT_EPOCH_MS, members, payments, gross, fee,
                gross - fee, openingBalanceRupiah);
    }

    /** A batch of {@code count} members with varied amounts, for schema validation at size. */
    static Batch largeBatch(int count, long openingBalanceRupiah) {
        Map<String, List<long[]>> byTrader = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            byTrader.put(String.format("TR-%05d", i), payments(i % 3 == 0 ? "UMI" : "REG", 1 + 7_919L * i, 480_000 + i));
        }
        return batch("KOP-BRG-LARGE", openingBalanceRupiah, byTrader);
    }
}
