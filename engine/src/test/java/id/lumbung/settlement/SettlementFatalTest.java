package id.lumbung.settlement;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.Batch;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch that cannot be booked is handed to settlement's fatal handler, and nothing of it is listed or written. */
class SettlementFatalTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T04:00:00Z"), ZoneOffset.UTC);
    private static final long RETENTION_MS = TimeUnit.DAYS.toMillis(7);

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBatchTheLedgerRefusesReachesTheFatalHandlerAndIsNeitherListedNorWritten(@TempDir Path dir) throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        // inconsistent input: a ledger without the members' accounts, so its booking throws
        Ledger ledger = new Ledger(reference.coopCount(), 0);
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        Path data = dir.resolve("data");
        // the engine is marked failed (by its fatal handler) before the close's caller hears of the
        // failure: whatever the caller asks next must find the engine failed
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<List<Batch>>> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        List<Boolean> waiterDoneWhenFatal = new CopyOnWriteArrayList<>();
        Settlement settlement = new Settlement(reference, FeeSchedule.defaults(), data, ledger, metrics,
                (thread, e) -> {
                    waiterDoneWhenFatal.add(waiter.get().isDone());
                    fatal.add(e);
                });
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            PaymentBook book = new PaymentBook(reference, CLOCK, journal, settlement, RETENTION_MS, 1_000);
            PostOutcome posted = book.post(new PaymentRequest("T0000001", "f-1", 15_000, "IDR", CLOCK.millis(), 25_200,
                    "QRIS", null, null), reference.terminal("T0000001"));
            assertThat(posted.result()).isEqualTo(PostOutcome.Result.ACCEPTED);
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            long closeSequence = book.lastSequence();
            CompletableFuture<List<Batch>> batches = settlement.batchesOfClose(closeSequence);
            waiter.set(batches);
            book.publishWindows();
            settlement.drained().get(10, TimeUnit.SECONDS);

            assertThat(waiterDoneWhenFatal).as("the close's waiter had not heard of the failure when the engine was told").containsExactly(false);

            assertThat(fatal).singleElement().satisfies(e -> assertThat(e.getStackTrace()).anySatisfy(frame -> {
                assertThat(frame.getClassName()).isEqualTo(Ledger.class.getName());
                assertThat(frame.getMethodName()).isEqualTo("book");
            }));
            assertThat(batches).isCompletedExceptionally();
            assertThat(metrics.settlementCloseFailures.count()).isEqualTo(1);
            assertThat(metrics.settlementBatches.count()).isZero();
            assertThat(settlement.settledCloseSequence()).isZero();
            assertThat(settlement.batchesOf(reference.coop("KSP-BERINGHARJO").index())).isEmpty();
            assertThat(settlement.batch(PaymentIds.batchId("KSP-BERINGHARJO", closeSequence))).isNull();
            assertThat(data.resolve("files")).doesNotExist();
            assertThat(data.resolve("ledger")).doesNotExist();
            assertThat(ledger.clearingDebitRupiah()).isZero();
            assertThat(ledger.feeIncomeCreditRupiah()).isZero();
            assertThat(ledger.coopBalanceRupiah(reference.coop("KSP-BERINGHARJO").index())).isZero();
        } finally {
            settlement.close();
        }
    }

    /**
     * After a close fails to settle, no later close is settled (its opening balance would follow a
     * batch that was never published) and every waiter gets the failure, while the engine stops.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void noLaterCloseIsSettledAfterOneFailed(@TempDir Path dir) throws Exception {
        ReferenceData reference = ReferenceFiles.loadBundledDemo(FeeSchedule.defaults().toConfig().keySet());
        EngineMetrics metrics = new EngineMetrics(new SimpleMeterRegistry());
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        Path data = dir.resolve("data");
        Settlement settlement = new Settlement(reference, FeeSchedule.defaults(), data,
                new Ledger(reference.coopCount(), reference.traderCount()), metrics, (thread, e) -> fatal.add(e));
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            PaymentBook book = new PaymentBook(reference, CLOCK, journal, settlement, RETENTION_MS, 1_000);
            book.post(new PaymentRequest("T0000001", "f-1", 15_000, "IDR", CLOCK.millis(), 25_200, "QRIS", null, null),
                    reference.terminal("T0000001"));
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            long first = book.lastSequence();
            // the first close's CSV is already there with other bytes: it cannot be settled exactly
            String coopId = reference.coop(reference.trader(reference.terminal("T0000001").traderIndex()).coopIndex()).coopId();
            Path planted = data.resolve("files").resolve(coopId).resolve(PaymentIds.batchId(coopId, first) + ".csv");
            java.nio.file.Files.createDirectories(planted.getParent());
            java.nio.file.Files.writeString(planted, "not this batch\n");
            book.publishWindows();
            settlement.drained().get(10, TimeUnit.SECONDS);
            assertThat(fatal).hasSize(1);

            book.post(new PaymentRequest("T0000001", "f-2", 20_000, "IDR", CLOCK.millis(), 25_200, "QRIS", null, null),
                    reference.terminal("T0000001"));
            assertThat(book.close(-1, JournalEntry.TRIGGER_ADMIN)).isTrue();
            long second = book.lastSequence();
            CompletableFuture<List<Batch>> waiting = settlement.batchesOfClose(second);
            book.publishWindows();
            settlement.drained().get(10, TimeUnit.SECONDS);

            assertThat(waiting).isCompletedExceptionally();
            assertThat(settlement.batchesOfClose(second)).failsWithin(10, TimeUnit.SECONDS);
            assertThat(settlement.batch(PaymentIds.batchId(coopId, second))).isNull();
            assertThat(settlement.batchesOf(reference.coop(coopId).index())).isEmpty();
            assertThat(settlement.settledCloseSequence()).isZero();
            assertThat(data.resolve("files").resolve(coopId).resolve(PaymentIds.batchId(coopId, second) + ".csv"))
                    .doesNotExist();
            assertThat(fatal).as("the engine was told once").hasSize(1);
        } finally {
            settlement.close();
        }
    }
}
