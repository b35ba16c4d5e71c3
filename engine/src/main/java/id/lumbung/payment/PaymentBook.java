package id.lumbung.payment;

import id.lumbung.journal.Journal;
import id.lumbung.journal.JournalCorruptException;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.Coop;
import id.lumbung.reference.ReferenceData;
import id.lumbung.reference.Terminal;
import id.lumbung.reference.Trader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic core: idempotency index, payment statuses and settlement windows, as a function
 * of journal entries and reference data. Live commands validate against the state, journal one
 * entry, then apply it through the same code that replay uses, so a restart rebuilds exactly the
 * state that was acknowledged.
 *
 * <p>Journal writer thread only (replay runs on the starting thread before the writer starts).
 * Statuses: a payment is VOIDED once its void is journaled; SETTLED once a close of its
 * cooperative comes after it in the journal ({@code sequence < lastCloseSequence[coop]}); ACCEPTED
 * otherwise. The batch id is the cooperative id and the sequence of the first close after it.
 */
public final class PaymentBook {
    /** Terminals may run up to five minutes fast (DESIGN: occurredAt no later than 5 min ahead). */
    public static final long OCCURRED_AHEAD_MAX_MS = 5 * 60_000L;
    /** Offline terminals upload up to seven days of backlog. */
    public static final long OCCURRED_BEHIND_MAX_MS = 7 * 24 * 3_600_000L;

    private final ReferenceData reference;
    private final Clock clock;
    private final Journal journal;
    private final WindowSink windows;
    private final long retentionMs;
    private final int retainedPaymentsMax;
    private final EntryCodec codec = new EntryCodec();
    private final EngineMetrics metrics;
    private final IdempotencyIndex index = new IdempotencyIndex();
    private final SequenceTable bySequence = new SequenceTable();

    private final List<List<PaymentRecord>> openByCoop;
    private final long[] lastCloseSequence;
    private final long[][] batchCloseSequences;
    private final int[] batchCloseCount;
    private final long[] unsettledRupiahByCoop;
    private final List<ClosedWindow> pendingWindows = new ArrayList<>();
    /** Distinct method names shared; real terminals use a handful (QRIS, CARD, ...), beyond 64 they are not shared. */
    private static final int METHODS_MAX = 64;
    /** Method names seen, each kept once. */
    private final java.util.HashMap<String, String> methods = new java.util.HashMap<>();
    private long unsettledRupiah;
    private long unsettledPayments;
    private long lastSequence;
    private long evictCursor = 1;
    private long discardPendingIndex = -1;
    private volatile boolean writable = true;

    public PaymentBook(ReferenceData reference, Clock clock, Journal journal, WindowSink windows, long retentionMs,
            int retainedPaymentsMax, EngineMetrics metrics) {
        this.metrics = metrics;
        this.reference = reference;
        this.clock = clock;
        this.journal = journal;
        this.windows = windows;
        this.retentionMs = retentionMs;
        this.retainedPaymentsMax = retainedPaymentsMax;
        int coops = reference.coopCount();
        openByCoop = new ArrayList<>(coops);
        for (int i = 0; i < coops; i++) {
            openByCoop.add(new ArrayList<>());
        }
        lastCloseSequence = new long[coops];
        batchCloseSequences = new long[coops][];
        batchCloseCount = new int[coops];
        unsettledRupiahByCoop = new long[coops];
    }

    // ---------------------------------------------------------------- replay

    /** Applies one replayed entry. */
    public void replay(JournalEntry e) {
        lastSequence = e.sequence;
        switch (e.type) {
            case JournalEntry.TYPE_PAYMENT -> {
                Trader trader = reference.trader(e.traderId);
                if (trader == null || !reference.coop(trader.coopIndex()).coopId().equals(e.coopId)) {
                    throw new JournalCorruptException("journal sequence " + e.sequence + " names trader " + e.traderId
                            + " of cooperative " + e.coopId + ", which the reference data does not hold;"
                            + " traders and cooperatives with history must stay in the reference data");
                }
                Terminal terminal = reference.terminal(e.request.terminalId());
                applyPayment(e.sequence, e.atEpochMs, canonical(e.request, terminal), trader);
            }
            case JournalEntry.TYPE_VOID -> {
                PaymentRecord r = bySequence.get(e.voidedSequence);
                if (r != null) {
                    applyVoid(r);
                }
            }
            case JournalEntry.TYPE_CLOSE -> {
                applyClose(e.sequence, e.atEpochMs, e.trigger, e.coopId == null ? -1 : coopIndexOf(e.coopId, e.sequence));
                publishWindows();
            }
            case JournalEntry.TYPE_DISCARD -> { }
            default -> throw new JournalCorruptException("unknown entry type " + e.type + " at sequence " + e.sequence);
        }
    }

    /** After replay: a torn tail to mark as discarded with the first append. */
    public void afterReplay(long lastSequence, long tornTailIndex) {
        this.lastSequence = lastSequence;
        this.discardPendingIndex = tornTailIndex;
    }

    private int coopIndexOf(String coopId, long sequence) {
        Coop c = reference.coop(coopId);
        if (c == null) {
            throw new JournalCorruptException("journal close at sequence " + sequence + " names cooperative " + coopId
                    + ", which the reference data does not hold");
        }
        return c.index();
    }

    // ---------------------------------------------------------------- live commands

    /** Whether appends are allowed (the writer clears it when the disk reserve is reached). */
    public void writable(boolean writable) {
        this.writable = writable;
    }

    public boolean writable() {
        return writable;
    }

    public PostOutcome post(PaymentRequest r, Terminal terminal) {
        PaymentRecord known = index.get(r.terminalId(), r.txnId());
        if (known != null) {
            return known.request.sameContent(r)
                    ? new PostOutcome(PostOutcome.Result.REPLAYED, view(known))
                    : new PostOutcome(PostOutcome.Result.IDEMPOTENCY_CONFLICT, null);
        }
        long now = clock.millis();
        if (r.occurredAtEpochMs() > now + OCCURRED_AHEAD_MAX_MS || r.occurredAtEpochMs() < now - OCCURRED_BEHIND_MAX_MS) {
            return new PostOutcome(PostOutcome.Result.INVALID_TIMESTAMP, null);
        }
        if (!writable || index.size() >= retainedPaymentsMax) {
            return new PostOutcome(PostOutcome.Result.JOURNAL_UNAVAILABLE, null);
        }
        Trader trader = reference.trader(terminal.traderIndex());
        Coop coop = reference.coop(trader.coopIndex());
        r = canonical(r, terminal);
        long sequence = nextSequence();
        append(codec.encodePayment(sequence, now, r, trader.traderId(), coop.coopId()));
        metrics.paymentEntries.increment();
        PaymentRecord record = applyPayment(sequence, now, r, trader);
        return new PostOutcome(PostOutcome.Result.ACCEPTED, view(record));
    }

    public VoidOutcome voidBySequence(long sequence, Terminal terminal) {
        PaymentRecord r = bySequence.get(sequence);
        return voidRecord(r != null && r.request.terminalId().equals(terminal.terminalId()) ? r : null);
    }

    public VoidOutcome voidByTxnId(String txnId, Terminal terminal) {
        return voidRecord(index.get(terminal.terminalId(), txnId));
    }

    private VoidOutcome voidRecord(PaymentRecord r) {
        if (r == null) {
            return new VoidOutcome(VoidOutcome.Result.NOT_FOUND, null);
        }
        if (r.voided) {
            return new VoidOutcome(VoidOutcome.Result.VOIDED, view(r));
        }
        if (settled(r)) {
            return new VoidOutcome(VoidOutcome.Result.ALREADY_SETTLED, view(r));
        }
        if (!writable) {
            return new VoidOutcome(VoidOutcome.Result.JOURNAL_UNAVAILABLE, null);
        }
        long sequence = nextSequence();
        append(codec.encodeVoid(sequence, clock.millis(), r.sequence));
        metrics.voidEntries.increment();
        applyVoid(r);
        return new VoidOutcome(VoidOutcome.Result.VOIDED, view(r));
    }

    /** The payment as its terminal may see it, or null. */
    public PaymentView status(long sequence, Terminal terminal) {
        PaymentRecord r = bySequence.get(sequence);
        return r != null && r.request.terminalId().equals(terminal.terminalId()) ? view(r) : null;
    }

    /**
     * Closes the window of one cooperative ({@code coopIndex >= 0}) or of all ({@code -1}): journals
     * the close and hands every cooperative with payments to the window sink.
     *
     * @return false when the journal cannot take writes
     */
    public boolean close(int coopIndex, byte trigger) {
        if (!writable) {
            return false;
        }
        long sequence = nextSequence();
        long now = clock.millis();
        append(codec.encodeClose(sequence, now, trigger, coopIndex < 0 ? null : reference.coop(coopIndex).coopId()));
        metrics.closeEntries.increment();
        applyClose(sequence, now, trigger, coopIndex);
        return true;
    }

    private long nextSequence() {
        if (discardPendingIndex != -1) {
            long s = ++lastSequence;
            append(codec.encodeDiscard(s, clock.millis(), discardPendingIndex));
            discardPendingIndex = -1;
        }
        return ++lastSequence;
    }

    private void append(int length) {
        journal.append(codec.buffer(), length);
    }

    /**
     * The request with shared instances for its repeated strings (terminal id, currency, method):
     * every retained payment then holds only its own txnId, which halves the objects the garbage
     * collector must copy per payment (about 20 million of them at the retention bound).
     */
    private PaymentRequest canonical(PaymentRequest r, Terminal terminal) {
        String terminalId = terminal != null ? terminal.terminalId() : r.terminalId();
        String currency = "IDR".equals(r.currency()) ? "IDR" : r.currency();
        String method = methods.get(r.method());
        if (method == null) {
            method = r.method();
            if (methods.size() < METHODS_MAX) {
                methods.put(method, method);
            }
        }
        if (terminalId == r.terminalId() && currency == r.currency() && method == r.method()) {
            return r;
        }
        return new PaymentRequest(terminalId, r.txnId(), r.amountRupiah(), currency, r.occurredAtEpochMs(),
                r.occurredAtOffsetSeconds(), method, r.payerRef(), r.merchantId());
    }

    // ---------------------------------------------------------------- apply (shared by live and replay)

    private PaymentRecord applyPayment(long sequence, long acceptedAtEpochMs, PaymentRequest r, Trader trader) {
        Coop coop = reference.coop(trader.coopIndex());
        PaymentRecord record = new PaymentRecord(sequence, r, coop.index(), trader.index(), trader.traderId(),
                coop.coopId(), acceptedAtEpochMs);
        if (index.get(r.terminalId(), r.txnId()) != null) {
            throw new JournalCorruptException("journal sequence " + sequence + " repeats an idempotency key");
        }
        index.put(record);
        bySequence.put(sequence, record);
        openByCoop.get(coop.index()).add(record);
        unsettledRupiahByCoop[coop.index()] += r.amountRupiah();
        unsettledRupiah += r.amountRupiah();
        unsettledPayments++;
        return record;
    }

    private void applyVoid(PaymentRecord r) {
        if (r.voided || settled(r)) {
            return;
        }
        r.voided = true;
        unsettledRupiahByCoop[r.coopIndex] -= r.amountRupiah();
        unsettledRupiah -= r.amountRupiah();
        unsettledPayments--;
    }

    private void applyClose(long sequence, long closedAtEpochMs, byte trigger, int onlyCoop) {
        List<ClosedWindow.CoopWindow> parts = new ArrayList<>();
        int from = onlyCoop < 0 ? 0 : onlyCoop;
        int to = onlyCoop < 0 ? openByCoop.size() : onlyCoop + 1;
        for (int c = from; c < to; c++) {
            List<PaymentRecord> open = openByCoop.get(c);
            long first = lastCloseSequence[c] + 1;
            lastCloseSequence[c] = sequence;
            if (open.isEmpty()) {
                continue;
            }
            openByCoop.set(c, new ArrayList<>());
            addBatchClose(c, sequence);
            unsettledRupiah -= unsettledRupiahByCoop[c];
            unsettledRupiahByCoop[c] = 0;
            parts.add(new ClosedWindow.CoopWindow(c, reference.coop(c).coopId(), first, sequence, open));
        }
        unsettledPayments = 0;
        for (List<PaymentRecord> open : openByCoop) {
            unsettledPayments += open.size();
        }
        pendingWindows.add(new ClosedWindow(sequence, closedAtEpochMs, trigger, parts));
    }

    /**
     * Hands closed windows to settlement. The writer calls it only after the close entries are
     * durable: a batch file must never exist for a close the journal could still lose.
     */
    public void publishWindows() {
        if (pendingWindows.isEmpty()) {
            return;
        }
        for (ClosedWindow w : pendingWindows) {
            windows.onWindowClosed(w);
        }
        pendingWindows.clear();
    }

    private void addBatchClose(int coop, long sequence) {
        long[] seqs = batchCloseSequences[coop];
        if (seqs == null) {
            seqs = batchCloseSequences[coop] = new long[4];
        } else if (batchCloseCount[coop] == seqs.length) {
            seqs = batchCloseSequences[coop] = java.util.Arrays.copyOf(seqs, seqs.length * 2);
        }
        seqs[batchCloseCount[coop]++] = sequence;
    }

    private boolean settled(PaymentRecord r) {
        return r.sequence < lastCloseSequence[r.coopIndex];
    }

    /** The batch id of a settled payment: cooperative id and the sequence of the close that settled it. */
    public static String batchId(String coopId, long closeSequence) {
        return coopId + "-" + closeSequence;
    }

    private String batchIdOf(PaymentRecord r) {
        long[] seqs = batchCloseSequences[r.coopIndex];
        int lo = 0;
        int hi = batchCloseCount[r.coopIndex] - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seqs[mid] > r.sequence) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return batchId(r.coopId, seqs[lo]);
    }

    private PaymentView view(PaymentRecord r) {
        PaymentStatus status = r.voided ? PaymentStatus.VOIDED : settled(r) ? PaymentStatus.SETTLED : PaymentStatus.ACCEPTED;
        String batchId = status == PaymentStatus.SETTLED ? batchIdOf(r) : null;
        return new PaymentView(paymentId(r.sequence), r.sequence, r.traderId, r.coopId, r.acceptedAtEpochMs, status,
                batchId, r.request);
    }

    // ---------------------------------------------------------------- retention

    /**
     * Forgets payments whose retention has passed and that are settled or voided, oldest first,
     * at most {@code stepsMax} journal positions per call so the writer never stalls on it.
     */
    public int evict(int stepsMax) {
        // a retry of a forgotten key must fail the occurredAt window rather than be accepted twice:
        // its occurredAt is at most 5 minutes after acceptedAt, and retention is at least the 7-day window
        long horizon = clock.millis() - retentionMs - OCCURRED_AHEAD_MAX_MS;
        int evicted = 0;
        for (int i = 0; i < stepsMax && evictCursor <= lastSequence; i++) {
            PaymentRecord r = bySequence.get(evictCursor);
            if (r != null) {
                if (r.acceptedAtEpochMs >= horizon || !(r.voided || settled(r))) {
                    break;
                }
                index.remove(r);
                bySequence.clear(evictCursor);
                evicted++;
            }
            evictCursor++;
        }
        bySequence.dropBelow(evictCursor);
        return evicted;
    }

    // ---------------------------------------------------------------- ids and gauges

    /** Public payment id: "P" and the journal sequence, so a status lookup is one array read. */
    public static String paymentId(long sequence) {
        return "P" + sequence;
    }

    /** The sequence in a payment id, or -1 when it is not one of ours. */
    public static long sequenceOf(String paymentId) {
        if (paymentId == null || paymentId.length() < 2 || paymentId.length() > 20 || paymentId.charAt(0) != 'P') {
            return -1;
        }
        long s = 0;
        for (int i = 1; i < paymentId.length(); i++) {
            char ch = paymentId.charAt(i);
            if (ch < '0' || ch > '9' || s > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            s = s * 10 + (ch - '0');
        }
        return s;
    }

    public long lastSequence() {
        return lastSequence;
    }

    public long unsettledRupiah() {
        return unsettledRupiah;
    }

    public long unsettledPayments() {
        return unsettledPayments;
    }

    public int retainedPayments() {
        return index.size();
    }

    /** Accepted-at of the oldest payment still waiting for a close, or -1 when none waits. */
    public long oldestUnsettledEpochMs() {
        long oldest = -1;
        for (List<PaymentRecord> open : openByCoop) {
            for (PaymentRecord r : open) {
                if (!r.voided) {
                    oldest = oldest < 0 ? r.acceptedAtEpochMs : Math.min(oldest, r.acceptedAtEpochMs);
                    break;
                }
            }
        }
        return oldest;
    }
}
