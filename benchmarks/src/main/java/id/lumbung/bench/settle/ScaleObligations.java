package id.lumbung.bench.settle;

import id.lumbung.core.obligation.Checked;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationKind;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.PayoutLine;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.settlement.Batch;
import id.lumbung.writer.JournalWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The member obligations a settlement-scale run journals before its first fill
 * ({@code -Dscale.obligations=N}) and what its closes deducted.
 *
 * <p>One obligation per trader over the first N traders, kinds in turn (trader index mod 3:
 * RETRIBUSI, ANGSURAN, SIMPANAN_WAJIB), each started 1 to {@value #START_DAYS_MAX} days before the
 * close's date, so that it has accrued 1 to 30 days at the close. Nine in ten charge what a market
 * charges a day: retribusi Rp2,000 to Rp5,000, angsuran Rp10,000 to Rp50,000, simpanan wajib
 * Rp1,000 to Rp5,000, at most Rp1,500,000 over 30 days, which the net of a trader with a few
 * payments covers (the run's payments average Rp500,000). Every tenth charges, every day,
 * {@value #SHORT_NETS_PER_DAY} times what its trader's payments of one close come to at the mean
 * amount (more than its net, which is after fees), so its net falls short in every close of the
 * run: it pays nothing out and the rest stays due. Every
 * ANGSURAN has a total (a loan) of 1 to 60 days' instalments, below the accrual for about a quarter
 * of them, so those reach it in the first close.
 *
 * <p>They are journaled as {@code PUT /v1/coops/{coopId}/obligations/{obligationId}} journals them:
 * fields checked by {@link Obligation#check}, then {@link PaymentBook#putObligation} in a writer
 * command (the work of {@code PaymentService.putObligation}), durable with the writer's group commit.
 */
final class ScaleObligations {
    /** Obligations start 1 to 30 days before the close's date: accrual counts both ends. */
    static final int START_DAYS_MAX = 30;
    /** One obligation in ten is short in every close. */
    static final int SHORT_EVERY = 10;
    /** A short obligation's daily amount is this many times its trader's net in one close. */
    static final int SHORT_NETS_PER_DAY = 4;
    /** The run's payment amounts are 1,000 + (i × 7919) mod 1,000,000: Rp500,999.5 on average, rounded up. */
    static final long MEAN_PAYMENT_RUPIAH = 501_000;
    /** Obligations per writer command, as the fill posts 1,000 payments per command. */
    static final int PUTS_PER_COMMAND = 1_000;

    private static final ObligationKind[] KINDS = ObligationKind.values();

    private ScaleObligations() {
    }

    /**
     * The obligations of the first {@code count} traders for a run whose closes each take about
     * {@code paymentsPerClose} payments spread evenly over every trader.
     *
     * @param closeDate the Asia/Jakarta date of the run's closes
     * @throws IllegalArgumentException if {@code count} is negative or above the trader count
     */
    static List<Obligation> spread(ReferenceData ref, int count, long paymentsPerClose, LocalDate closeDate) {
        if (count < 0 || count > ref.traderCount()) {
            throw new IllegalArgumentException("obligations must be 0.." + ref.traderCount()
                    + " (one per trader): " + count);
        }
        long paymentsPerTrader = Math.max(1, (paymentsPerClose + ref.traderCount() - 1) / ref.traderCount());
        long shortDailyRupiah = Math.min(Obligation.DAILY_AMOUNT_MAX_RUPIAH,
                SHORT_NETS_PER_DAY * paymentsPerTrader * MEAN_PAYMENT_RUPIAH);
        List<Obligation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Trader t = ref.trader(i);
            ObligationKind kind = KINDS[i % KINDS.length];
            int days = 1 + i % START_DAYS_MAX;
            long dailyRupiah = i % SHORT_EVERY == SHORT_EVERY - 1 ? shortDailyRupiah : marketDailyRupiah(kind, i);
            // a loan of 1 to 60 days' instalments: reached in the first close when shorter than the days accrued
            Long totalRupiah = kind == ObligationKind.ANGSURAN ? dailyRupiah * (1 + (i / KINDS.length) % (2 * START_DAYS_MAX))
                    : null;
            Checked<Obligation> checked = Obligation.check(ref.coop(t.coopIndex()).coopId(), obligationId(i), t.traderId(),
                    kind.name(), dailyRupiah, closeDate.minusDays(days - 1).toString(), totalRupiah);
            if (!checked.ok()) {
                throw new IllegalStateException("obligation of trader " + t.traderId() + " refused: " + checked.rejection());
            }
            out.add(checked.value());
        }
        return out;
    }

    private static long marketDailyRupiah(ObligationKind kind, int i) {
        int step = (i / KINDS.length) % 4; // 0..3
        return switch (kind) {
            case RETRIBUSI -> 2_000 + step * 1_000L;
            case ANGSURAN -> 10_000 + step * 13_333L; // 10,000..49,999
            case SIMPANAN_WAJIB -> 1_000 + step * 1_333L; // 1,000..4,999
        };
    }

    static String obligationId(int traderIndex) {
        return "SCALE-" + traderIndex;
    }

    /**
     * Journals every obligation through the writer, {@value #PUTS_PER_COMMAND} per command, and
     * waits until all are durable.
     *
     * @return the obligations created
     * @throws IllegalStateException if one is refused or the journal takes no writes
     */
    static int journal(JournalWriter writer, PaymentBook book, List<Obligation> obligations) throws InterruptedException {
        int commands = (obligations.size() + PUTS_PER_COMMAND - 1) / PUTS_PER_COMMAND;
        CountDownLatch done = new CountDownLatch(commands);
        AtomicInteger created = new AtomicInteger();
        AtomicReference<String> refused = new AtomicReference<>();
        for (int c = 0; c < commands; c++) {
            List<Obligation> part = obligations.subList(c * PUTS_PER_COMMAND,
                    Math.min(obligations.size(), (c + 1) * PUTS_PER_COMMAND));
            JournalWriter.Command cmd = new JournalWriter.Command() {
                @Override
                public void execute() {
                    for (Obligation o : part) {
                        ObligationOutcome outcome = book.putObligation(o);
                        if (outcome == null || outcome.rejection() != null) {
                            refused.compareAndSet(null, o.obligationId() + ": "
                                    + (outcome == null ? "the journal takes no writes" : outcome.rejection()));
                        } else if (outcome.status() == ObligationOutcome.Status.CREATED) {
                            created.incrementAndGet();
                        }
                    }
                }

                @Override
                public void complete() {
                    done.countDown();
                }

                @Override
                public void abandon() {
                    refused.compareAndSet(null, "from " + part.get(0).obligationId() + ": the journal became unavailable");
                    done.countDown();
                }
            };
            while (!writer.offer(cmd)) {
                Thread.onSpinWait();
            }
        }
        done.await();
        if (refused.get() != null) {
            throw new IllegalStateException("obligation refused: " + refused.get());
        }
        return created.get();
    }

    /**
     * What a close's batches deducted, from their payout lines.
     *
     * @param members member lines (members with payments)
     * @param membersDeducted lines with a deduction
     * @param membersPaidNothing lines with a deduction that took the whole net: what was due was
     *     at least the net (short, or exactly covered)
     * @param retribusiRupiah deducted for market fees
     * @param angsuranRupiah deducted for loan instalments
     * @param simpananWajibRupiah deducted for mandatory savings
     * @param payoutRupiah paid out to members
     */
    record Tally(long members, long membersDeducted, long membersPaidNothing, long retribusiRupiah, long angsuranRupiah,
            long simpananWajibRupiah, long payoutRupiah) {
        long deductedRupiah() {
            return retribusiRupiah + angsuranRupiah + simpananWajibRupiah;
        }
    }

    static Tally tally(List<Batch> batches) {
        long members = 0, deducted = 0, paidNothing = 0, retribusi = 0, angsuran = 0, simpananWajib = 0, payout = 0;
        for (Batch b : batches) {
            for (PayoutLine l : b.payouts()) {
                members++;
                long taken = l.retribusiRupiah() + l.angsuranRupiah() + l.simpananWajibRupiah();
                if (taken > 0) {
                    deducted++;
                    if (l.payoutRupiah() == 0) {
                        paidNothing++;
                    }
                }
                retribusi += l.retribusiRupiah();
                angsuran += l.angsuranRupiah();
                simpananWajib += l.simpananWajibRupiah();
                payout += l.payoutRupiah();
            }
        }
        return new Tally(members, deducted, paidNothing, retribusi, angsuran, simpananWajib, payout);
    }
}
