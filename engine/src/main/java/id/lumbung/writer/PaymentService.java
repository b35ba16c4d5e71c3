package id.lumbung.writer;

import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PaymentIds;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.Terminal;
import io.vertx.core.Context;
import java.util.function.Consumer;

/**
 * {@link PaymentCommands} over the journal writer: each call becomes one writer command that runs
 * against the {@link PaymentBook} and completes on the caller's context after the group commit.
 * A full writer queue is answered at once with JOURNAL_UNAVAILABLE, and a command the writer
 * abandons (its journal became unavailable) gets the same answer; a status lookup too, never
 * "not found". Payments are posted through
 * {@link PostLane}s instead (reused commands, no allocation per payment); the rarer commands here
 * (voids, status, close, reference) allocate one small command each.
 */
public final class PaymentService implements PaymentCommands, ObligationCommands {
    private static final VoidOutcome VOID_UNAVAILABLE = new VoidOutcome(VoidOutcome.Result.JOURNAL_UNAVAILABLE, null);
    private final PaymentBook book;
    private final JournalWriter writer;

    public PaymentService(PaymentBook book, JournalWriter writer) {
        this.book = book;
        this.writer = writer;
    }

    @Override
    public PostLane lane(PostLane.Answers answers, PostLane.Wake wake) {
        return new PostLane(book, writer, answers, wake);
    }

    @Override
    public void voidPayment(String paymentId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
        long sequence = PaymentIds.sequenceOf(paymentId, book.idPartition());
        if (sequence < 0) {
            context.runOnContext(v -> done.accept(new VoidOutcome(VoidOutcome.Result.NOT_FOUND, null)));
            return;
        }
        submit(new Op<>(context, done, () -> book.voidBySequence(sequence, terminal), () -> done.accept(VOID_UNAVAILABLE)));
    }

    @Override
    public void voidByTxnId(String txnId, Terminal terminal, Context context, Consumer<VoidOutcome> done) {
        submit(new Op<>(context, done, () -> book.voidByTxnId(txnId, terminal), () -> done.accept(VOID_UNAVAILABLE)));
    }

    @Override
    public void status(String paymentId, Terminal terminal, Context context, Consumer<PaymentView> done, Runnable unavailable) {
        long sequence = PaymentIds.sequenceOf(paymentId, book.idPartition());
        if (sequence < 0) {
            context.runOnContext(v -> done.accept(null));
            return;
        }
        submit(new Op<>(context, done, () -> book.status(sequence, terminal), unavailable));
    }

    @Override
    public void putObligation(id.lumbung.core.obligation.Obligation obligation, Context context,
            Consumer<id.lumbung.core.obligation.ObligationOutcome> done) {
        submit(new Op<>(context, done, () -> book.putObligation(obligation), () -> done.accept(null)));
    }

    @Override
    public void endObligation(String coopId, String obligationId, java.time.LocalDate endDate, Context context,
            Consumer<id.lumbung.core.obligation.ObligationOutcome> done) {
        submit(new Op<>(context, done, () -> book.endObligation(coopId, obligationId, endDate), () -> done.accept(null)));
    }

    /**
     * Closes the window now for one cooperative (by index) or all ({@code -1}); {@code done} gets the
     * close entry's sequence, or -1 when the journal cannot take writes. Runs on the writer.
     */
    public void close(int coopIndex, byte trigger, Context context, Consumer<Long> done) {
        submit(new Op<>(context, done, () -> book.close(coopIndex, trigger) ? book.lastSequence() : -1L, () -> done.accept(-1L)));
    }

    /**
     * Journals and applies the changes {@code files} make to the reference ({@link
     * PaymentBook#applyReference}) on the writer; {@code publish} gets the new reference there, on
     * success, before any later command runs; {@code done} gets the outcome on {@code context}.
     */
    public void reference(id.lumbung.core.reference.ReferenceData files, java.util.Map<String, String> feePlans,
            Consumer<id.lumbung.core.reference.ReferenceData> publish, Context context,
            Consumer<PaymentBook.ReferenceUpdate> done) {
        submit(new Op<>(context, done, () -> {
            PaymentBook.ReferenceUpdate update = book.applyReference(files, feePlans);
            if (update.refusal() == null && !update.journalUnavailable()) {
                publish.accept(book.reference());
            }
            return update;
        }, () -> done.accept(new PaymentBook.ReferenceUpdate(java.util.List.of(), null, true))));
    }

    /** The journaled reference history and the count of every change, read on the writer; {@code done} runs there. */
    public void referenceHistory(java.util.function.BiConsumer<java.util.List<id.lumbung.core.reference.JournaledReference.Change>,
            Long> done) {
        JournalWriter.Command read = new JournalWriter.Command() {
            private java.util.List<id.lumbung.core.reference.JournaledReference.Change> changes;
            private long total;

            @Override
            public void execute() {
                changes = book.referenceHistory();
                total = book.referenceChangesTotal();
            }

            @Override
            public void complete() {
                done.accept(changes, total);
            }

            @Override
            public void abandon() {
                done.accept(java.util.List.of(), -1L);
            }
        };
        if (!writer.offer(read)) {
            done.accept(java.util.List.of(), -1L);
        }
    }

    private void submit(Op<?> op) {
        if (!writer.offer(op)) {
            op.abandon();
        }
    }

    /**
     * One writer command: computes its result on the writer, delivers it on the caller's context;
     * when the writer's queue is full or the journal became unavailable, runs {@code unavailable}
     * there instead.
     */
    private static final class Op<T> implements JournalWriter.Command {
        private final Context context;
        private final Consumer<T> done;
        private final java.util.function.Supplier<T> work;
        private final Runnable unavailable;
        private T result;

        Op(Context context, Consumer<T> done, java.util.function.Supplier<T> work, Runnable unavailable) {
            this.context = context;
            this.done = done;
            this.work = work;
            this.unavailable = unavailable;
        }

        @Override
        public void execute() {
            result = work.get();
        }

        @Override
        public void complete() {
            T r = result;
            context.runOnContext(v -> done.accept(r));
        }

        @Override
        public void abandon() {
            context.runOnContext(v -> unavailable.run());
        }
    }
}
