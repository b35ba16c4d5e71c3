package id.lumbung.bench.settle;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.files.PayoutsCsv;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import id.lumbung.settlement.Settlement;
import id.lumbung.writer.JournalWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The obligations of {@code SettlementScaleRun -Dscale.obligations=N}: how they are spread over the
 * traders, and what closes of the run's own fill deduct through the real writer, book and settlement.
 */
class ScaleObligationsTest {
    private static final int COOPS = 10;
    private static final int TRADERS = 1_000;
    private static final int OBLIGATIONS = 500;
    /** 20 payments per trader: a net of about Rp10,000,000, far above a market obligation's 30 days (Rp1,500,000). */
    private static final int PAYMENTS = 20_000;
    private static final LocalDate CLOSE_DATE = LocalDate.of(2026, 12, 6);

    @TempDir
    Path dir;

    private ReferenceData reference() throws Exception {
        Path refDir = Files.createDirectories(dir.resolve("reference"));
        ReferenceDataGenerator.write(refDir, COOPS, TRADERS, TRADERS, 42);
        return ReferenceFiles.load(refDir, FeeSchedule.defaults().toConfig().keySet());
    }

    @Test
    void oneObligationPerTraderOverTheFirstTradersInTheirCooperativeEveryKindStartedUpTo30DaysBeforeTheClose()
            throws Exception {
        ReferenceData ref = reference();
        List<Obligation> obligations = ScaleObligations.spread(ref, OBLIGATIONS, PAYMENTS, CLOSE_DATE);

        assertThat(obligations).hasSize(OBLIGATIONS);
        for (int i = 0; i < OBLIGATIONS; i++) {
            Obligation o = obligations.get(i);
            assertThat(o.traderId()).isEqualTo(ref.trader(i).traderId());
            assertThat(o.coopId()).isEqualTo(ref.coop(ref.trader(i).coopIndex()).coopId());
            assertThat(o.endDate()).isNull();
            long days = ChronoUnit.DAYS.between(o.startDate(), CLOSE_DATE) + 1;
            assertThat(days).isEqualTo(1 + i % 30);
        }
        Map<ObligationKind, Long> byKind = obligations.stream()
                .collect(Collectors.groupingBy(Obligation::kind, Collectors.counting()));
        assertThat(byKind).containsOnly(Map.entry(ObligationKind.RETRIBUSI, 167L), Map.entry(ObligationKind.ANGSURAN, 167L),
                Map.entry(ObligationKind.SIMPANAN_WAJIB, 166L));
        assertThat(obligations.stream().map(Obligation::obligationId).collect(Collectors.toSet())).hasSize(OBLIGATIONS);
    }

    @Test
    void everyTenthChargesFourNetsADayTheRestAMarketsAmountAndEveryAngsuranHasATotal() throws Exception {
        List<Obligation> obligations = ScaleObligations.spread(reference(), OBLIGATIONS, PAYMENTS, CLOSE_DATE);
        long shortDaily = 4L * (PAYMENTS / TRADERS) * ScaleObligations.MEAN_PAYMENT_RUPIAH; // Rp40,080,000
        for (int i = 0; i < OBLIGATIONS; i++) {
            Obligation o = obligations.get(i);
            if (i % 10 == 9) {
                assertThat(o.dailyAmountRupiah()).as("obligation %d", i).isEqualTo(shortDaily);
            } else {
                assertThat(o.dailyAmountRupiah()).as("obligation %d", i).isBetween(1_000L, 49_999L);
            }
            assertThat(o.totalRupiah() != null).as("obligation %d has a total", i).isEqualTo(o.kind() == ObligationKind.ANGSURAN);
        }
        long totalsReached = obligations.stream().filter(o -> o.totalRupiah() != null
                && o.totalRupiah() < o.dailyAmountRupiah() * (ChronoUnit.DAYS.between(o.startDate(), CLOSE_DATE) + 1)).count();
        assertThat(totalsReached).as("loans whose total the first close reaches").isBetween(20L, 80L);
    }

    @Test
    void moreObligationsThanTradersIsRefused() throws Exception {
        ReferenceData ref = reference();
        assertThatThrownBy(() -> ScaleObligations.spread(ref, TRADERS + 1, PAYMENTS, CLOSE_DATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one per trader");
    }

    @Test
    @Timeout(120)
    void closesOfTheRunsFillDeductEveryObligationOnceAndTheShortOnesInEveryCloseWithAPayoutsFilePerBatch() throws Exception {
        ReferenceData ref = reference();
        FeeSchedule fees = FeeSchedule.defaults();
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        Path data = Files.createDirectories(dir.resolve("data"));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Journal journal = new Journal(data.resolve("journal"), Durability.ASYNC);
        Settlement settlement = new Settlement(ref, fees, data, new Ledger(ref.coopCount(), ref.traderCount()), metrics,
                (t, e) -> failed.set(e));
        settlement.live();
        Clock clock = Clock.systemUTC();
        PaymentBook book = new PaymentBook(ref, clock, journal, settlement, TimeUnit.DAYS.toMillis(7), Integer.MAX_VALUE);
        JournalWriter writer = new JournalWriter(journal, metrics, 1 << 16, book::publishWindows, () -> { },
                (t, e) -> failed.set(e));
        writer.start();
        CloseSplit split = CloseSplit.listen();
        try {
            List<Obligation> obligations = ScaleObligations.spread(ref, OBLIGATIONS, PAYMENTS,
                    JakartaDates.closeDate(clock.millis()));
            assertThat(ScaleObligations.journal(writer, book, obligations)).isEqualTo(OBLIGATIONS);
            assertThat(ScaleObligations.journal(writer, book, obligations)).as("the same PUTs again create nothing").isZero();
            assertThat(book.obligationEntries()).isEqualTo(OBLIGATIONS);

            AtomicLong ids = new AtomicLong();
            List<Batch> first = fillAndClose(writer, book, ref, settlement, ids, clock);
            LocalDate firstDate = JakartaDates.closeDate(first.get(0).closedAtEpochMs());
            Set<String> shortTraders = obligations.stream().filter(o -> o.dailyAmountRupiah() > 50_000)
                    .map(Obligation::traderId).collect(Collectors.toSet());
            assertThat(shortTraders).hasSize(OBLIGATIONS / 10);

            ScaleObligations.Tally tally = ScaleObligations.tally(first);
            assertThat(tally.members()).isEqualTo(TRADERS);
            assertThat(tally.membersDeducted()).isEqualTo(OBLIGATIONS);
            assertThat(tally.membersPaidNothing()).isEqualTo(OBLIGATIONS / 10);
            // the rule: a covered obligation pays what accrued to the close's date (capped at its total), a short one the whole net
            long accruedCovered = obligations.stream().filter(o -> !shortTraders.contains(o.traderId()))
                    .mapToLong(o -> accrued(o, firstDate)).sum();
            long netShort = first.stream().flatMap(b -> b.payouts().stream()).filter(l -> shortTraders.contains(l.traderId()))
                    .mapToLong(PayoutLine::netRupiah).sum();
            assertThat(tally.deductedRupiah()).isEqualTo(accruedCovered + netShort);
            assertThat(payoutsFiles(settlement, first)).isEqualTo(first.size()).isEqualTo(COOPS);
            CloseSplit.Split logged = split.of(first.get(0).lastSequence()); // a batch's last sequence is its close entry
            assertThat(logged).as("the settlement's window_closed line of the close").isNotNull();
            assertThat(logged.aggregateMs() + logged.filesMs()).isEqualTo(logged.durationMs());

            List<Batch> second = fillAndClose(writer, book, ref, settlement, ids, clock);
            assumeTrue(JakartaDates.closeDate(second.get(0).closedAtEpochMs()).equals(firstDate),
                    "both closes on one Asia/Jakarta date");
            ScaleObligations.Tally again = ScaleObligations.tally(second);
            assertThat(again.membersDeducted()).as("only the short ones are still due").isEqualTo(OBLIGATIONS / 10);
            assertThat(again.membersPaidNothing()).isEqualTo(OBLIGATIONS / 10);
            assertThat(payoutsFiles(settlement, second)).isEqualTo(COOPS);
            assertThat(failed.get()).isNull();
        } finally {
            split.close();
            writer.close();
            settlement.close();
            journal.close();
        }
    }

    private static long accrued(Obligation o, LocalDate closeDate) {
        long accrued = o.dailyAmountRupiah() * (ChronoUnit.DAYS.between(o.startDate(), closeDate) + 1);
        return o.totalRupiah() == null ? accrued : Math.min(accrued, o.totalRupiah());
    }

    private static List<Batch> fillAndClose(JournalWriter writer, PaymentBook book, ReferenceData ref, Settlement settlement,
            AtomicLong ids, Clock clock) throws Exception {
        SettlementScaleRun.submitPosts(writer, book, ref, ids.getAndAdd(PAYMENTS), PAYMENTS, clock.millis(), new AtomicLong());
        long closeSeq = SettlementScaleRun.closeAll(writer, book);
        assertThat(closeSeq).isPositive();
        return settlement.batchesOfClose(closeSeq).get(60, TimeUnit.SECONDS);
    }

    private static long payoutsFiles(Settlement settlement, List<Batch> batches) {
        return batches.stream().filter(b -> Files.isRegularFile(
                settlement.filesDir().resolve(b.coopId()).resolve(PayoutsCsv.fileName(b.batchId())))).count();
    }

    @Test
    void closeSplitReadsTheSettlementsWindowClosedLine() {
        Map.Entry<Long, CloseSplit.Split> e = CloseSplit.parse("event=window_closed close_sequence=10000123 batches=1000"
                + " payments=10000000 gross_rupiah=5 fee_rupiah=1 net_rupiah=4 duration_ms=1234 aggregate_ms=800 files_ms=434");
        assertThat(e).isEqualTo(Map.entry(10_000_123L, new CloseSplit.Split(1234, 800, 434)));
        assertThat(CloseSplit.parse("event=batch_closed batch_id=B coop_id=KSP000001")).isNull();
    }
}
