package id.lumbung.settlement;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settlement's warm-up settles a synthetic window on a scratch settler and renders synthetic
 * batches: it leaves nothing behind, so a close after it settles, books and writes exactly what the
 * same close settles without it.
 */
class SettlementScratchWarmUpTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T04:00:00Z"), ZoneOffset.UTC);

    private static ReferenceData demo() throws Exception {
        return ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
    }

    /** What a close left: its batches, the ledger's totals, and every file under the data folder with its bytes. */
    private record Outcome(List<Batch> batches, long clearingDebit, long feeIncome, List<Long> coopBalances,
            TreeMap<String, String> files) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCloseAfterTheWarmUpIsTheSameCloseAsWithoutIt(@TempDir Path dir) throws Exception {
        Outcome cold = closeOnce(dir.resolve("cold"), false);
        Outcome warmed = closeOnce(dir.resolve("warmed"), true);

        assertThat(cold.batches()).isNotEmpty();
        assertThat(warmed).isEqualTo(cold);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theWarmUpSettlesEveryRoundAndRendersEveryBatchWithoutListingBookingOrWritingAFile(@TempDir Path dir)
            throws Exception {
        ReferenceData ref = demo();
        Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        Path data = dir.resolve("data");
        Settlement settlement = new Settlement(ref, FeeSchedule.defaults(), data, ledger,
                new EngineMetrics(new SimpleMeterRegistry()), (t, e) -> fatal.add(e));
        try {
            Settlement.WarmUp done = settlement.warmUp().get(30, TimeUnit.SECONDS);

            assertThat(done.rounds()).isEqualTo(Settlement.WARM_UP_ROUNDS);
            assertThat(done.batches()).isEqualTo(SettlementFiles.warmUpBatches(ref)).isPositive();
            assertThat(Settlement.warmUpPayments(ref)).isEqualTo(2 * ref.traderCount());
            assertThat(fatal).isEmpty();
            assertThat(settlement.settledCloseSequence()).isZero();
            for (Coop c : ref.coops()) {
                assertThat(settlement.batchesOf(c.index())).isEmpty();
                assertThat(settlement.obligations(c.index(), null)).isEmpty();
                assertThat(ledger.coopBalanceRupiah(c.index())).isZero();
            }
            assertThat(ledger.clearingDebitRupiah()).isZero();
            assertThat(ledger.feeIncomeCreditRupiah()).isZero();
            try (Stream<Path> all = Files.walk(data)) {
                assertThat(all.filter(Files::isRegularFile)).as("no file written").isEmpty();
            }
        } finally {
            settlement.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWarmUpAskedForAfterTheStopSettlesAndRendersNothingAndDoesNotFail(@TempDir Path dir) throws Exception {
        ReferenceData ref = demo();
        Settlement settlement = new Settlement(ref, FeeSchedule.defaults(), dir.resolve("data"),
                new Ledger(ref.coopCount(), ref.traderCount()), new EngineMetrics(new SimpleMeterRegistry()),
                (t, e) -> { });
        settlement.close();

        assertThat(settlement.warmUp().get(10, TimeUnit.SECONDS)).isEqualTo(new Settlement.WarmUp(0, 0));
    }

    /** Posts three payments, warms up first when asked, closes every cooperative and reads what the close left. */
    private static Outcome closeOnce(Path dir, boolean warmUpFirst) throws Exception {
        ReferenceData ref = demo();
        Ledger ledger = new Ledger(ref.coopCount(), ref.traderCount());
        Path data = dir.resolve("data");
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        Settlement settlement = new Settlement(ref, FeeSchedule.defaults(), data, ledger,
                new EngineMetrics(new SimpleMeterRegistry()), (t, e) -> fatal.add(e));
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            if (warmUpFirst) {
                settlement.warmUp().get(30, TimeUnit.SECONDS);
            }
            PaymentBook book = new PaymentBook(ref, CLOCK, journal, settlement, TimeUnit.DAYS.toMillis(7), 1_000);
            String[] terminals = {"T0000001", "T0000003", "T0000006"};
            for (int i = 0; i < terminals.length; i++) {
                PostOutcome posted = book.post(new PaymentRequest(terminals[i], "w-" + i, 15_000L * (i + 1), "IDR",
                        CLOCK.millis(), 25_200, "QRIS", null, null), ref.terminal(terminals[i]));
                assertThat(posted.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            }
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            long close = book.lastSequence();
            book.publishWindows();
            List<Batch> batches = settlement.batchesOfClose(close).get(30, TimeUnit.SECONDS);
            assertThat(fatal).isEmpty();
            List<Long> balances = new ArrayList<>();
            for (Coop c : ref.coops()) {
                balances.add(ledger.coopBalanceRupiah(c.index()));
            }
            TreeMap<String, String> files = new TreeMap<>();
            try (Stream<Path> all = Files.walk(data)) {
                for (Path f : all.filter(Files::isRegularFile).toList()) {
                    files.put(data.relativize(f).toString(), Files.readString(f));
                }
            }
            return new Outcome(batches, ledger.clearingDebitRupiah(), ledger.feeIncomeCreditRupiah(), balances, files);
        } finally {
            settlement.close();
        }
    }
}
