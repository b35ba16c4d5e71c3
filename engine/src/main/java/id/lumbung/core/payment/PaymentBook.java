package id.lumbung.core.payment;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.JournalPort;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.obligation.JakartaDates;
import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.ObligationBook;
import id.lumbung.core.obligation.ObligationBooks;
import id.lumbung.core.obligation.ObligationCode;
import id.lumbung.core.obligation.ObligationCodec;
import id.lumbung.core.obligation.ObligationEvent;
import id.lumbung.core.obligation.ObligationOutcome;
import id.lumbung.core.obligation.ObligationRejection;
import id.lumbung.core.reference.Coop;
import id.lumbung.core.reference.JournaledReference;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.core.reference.Trader;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The deterministic core: idempotency index, payment statuses and settlement windows, as a function
 * of journal entries and reference data. Live commands validate against the state, journal one
 * entry, then apply it through the same code that replay uses, so a restart rebuilds exactly the
 * state that was acknowledged.
 *
 * <p>Retained payments live in primitive columns ({@link RetainedPayments}), not one object each;
 * a payment's full content is read back from the journal when an answer needs it.
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
    /** Replayed payments: the terminal is looked up from the journal when a status or void asks. */
    private static final int TERMINAL_UNRESOLVED = -2;

    /** The reference in effect at the book's position: the journaled values, names and keys from {@link #files}. */
    private ReferenceData reference;
    /** What decides money, as journaled up to the book's position. */
    JournaledReference journaled;
    /** The reference files as last read (names and credentials; what a change is compared against). */
    private ReferenceData files;
    /** True when {@link #journaled} changed since {@link #reference} was built. */
    boolean referenceStale;
    private final Clock clock;
    private final JournalPort journal;
    private final WindowSink windows;
    private final long retentionMs;
    private final int retainedPaymentsMax;
    /** The partition this book's payment ids name ({@link PaymentIds}): -1 over the Chronicle journal. */
    private final int idPartition;
    private final EntryCodec codec = new EntryCodec();
    /** Decodes entries read back from the journal (the encoder's buffer stays untouched). */
    private final EntryCodec readCodec = new EntryCodec();
    private final byte[] readBuffer = new byte[EntryCodec.ENTRY_BYTES_MAX];
    private final JournalEntry readEntry = new JournalEntry();
    /** The payment {@link #readEntry} holds (entries never change, so it can be answered again); 0 for none. */
    private long readSequence;
    /** A retained key's entry as slices of {@link #keyBuffer}, no Strings: what the idempotency lookup compares against. */
    private final byte[] keyBuffer = new byte[EntryCodec.ENTRY_BYTES_MAX];
    private final JournalEntry keyEntry = new JournalEntry();
    private long keySequence;
    /**
     * Entries this book appended, by type (replayed ones not counted): written by the writer thread
     * only, with opaque writes that a metrics scrape reads on its own thread.
     */
    private long paymentEntries;
    private long voidEntries;
    private long closeEntries;
    final RetainedPayments retained = new RetainedPayments();
    private int[] coopOfTrader;
    /** Replay finds traders and cooperatives from the ids' bytes. */
    private AsciiIdIndex traderIds;
    private AsciiIdIndex coopIds;

    // per cooperative, by index; they grow when a journaled change adds cooperatives
    long[] lastCloseSequence;
    /** Per cooperative: sequence and accepted-at of the first payment after its last close (while one is open). */
    long[] firstOpenSequence;
    long[] firstOpenAcceptedAt;
    /** Per cooperative: payments since its last close, voided ones included, and of those the voided. */
    long[] openPayments;
    long[] voidedOpen;
    long[][] batchCloseSequences;
    int[] batchCloseCount;
    long[] unsettledRupiahByCoop;
    /** Closed windows and obligation events for the window sink, in journal order, until their entries are durable. */
    final List<Object> pendingWindows = new ArrayList<>();
    /**
     * The obligations' terms and each cooperative's last close date, as journaled up to the book's
     * position: what a {@code PUT} or {@code end} is checked against before it is journaled.
     * Settlement keeps its own books (with what each obligation collected), fed the same events.
     */
    final ObligationBooks obligationTerms = new ObligationBooks();
    /** Obligation entries this book appended (replayed ones not counted). */
    private long obligationEntries;
    long unsettledRupiah;
    long unsettledPayments;
    long lastSequence;
    /** Chronicle index of the entry holding {@link #lastSequence} (-1 before the first). */
    long lastEntryIndex = -1;
    /** A single {@link #post(PaymentRequest, Terminal)}'s fields and outcome. Writer thread. */
    private final PaymentDraft requestDraft = new PaymentDraft();
    private final PostResult requestResult = new PostResult();
    /** A txnId String's characters, for {@link #find(long, String, String)}. */
    private char[] findChars = new char[PaymentDraft.TXN_ID_CHARS];
    /** Key hashes of the batch being posted ({@link #postAll}). Writer thread. */
    private long[] batchHashes = new long[128];
    /** Where {@link #postAll} leaves the slots it touched, so that the reads are not optimised away. */
    @SuppressWarnings("unused")
    private long touchSink;
    /** Sequence of the latest close entry applied, 0 before the first. */
    long lastClose;
    long evictCursor = 1;
    private long discardPendingIndex = -1;
    private volatile boolean writable = true;

    /**
     * A book whose reference in effect from the journal's start is {@code reference} itself, not
     * journaled (tests and benchmarks that journal no reference entries).
     */
    public PaymentBook(ReferenceData reference, Clock clock, JournalPort journal, WindowSink windows, long retentionMs,
            int retainedPaymentsMax) {
        this(reference, clock, journal, windows, retentionMs, retainedPaymentsMax, -1);
    }

    /** {@link #PaymentBook(ReferenceData, Clock, JournalPort, WindowSink, long, int)} whose ids name {@code idPartition}. */
    public PaymentBook(ReferenceData reference, Clock clock, JournalPort journal, WindowSink windows, long retentionMs,
            int retainedPaymentsMax, int idPartition) {
        this(JournaledReference.baseline(reference, reference.feePlans()), reference, clock, journal, windows,
                retentionMs, retainedPaymentsMax, idPartition);
        this.reference = reference; // the baseline's indexes are the files' order: the same data
    }

    /**
     * @param journaled the reference in effect before the first entry replayed or appended: empty
     *     for a journal that starts with its reference entries, else the baseline an upgraded
     *     journal carries ({@link ReferenceBaseline})
     * @param files the reference files as read (names and credentials; no money is taken from them)
     */
    public PaymentBook(JournaledReference journaled, ReferenceData files, Clock clock, JournalPort journal, WindowSink windows,
            long retentionMs, int retainedPaymentsMax) {
        this(journaled, files, clock, journal, windows, retentionMs, retainedPaymentsMax, -1);
    }

    /**
     * @param idPartition the partition this book's journal is, named by its payment ids: -1 for the
     *     Chronicle journal's {@code P<sequence>}, else 0 to {@link PaymentIds#PARTITION_MAX} for
     *     {@code P<partition>-<sequence>} (a sequence is unique only within its partition)
     */
    public PaymentBook(JournaledReference journaled, ReferenceData files, Clock clock, JournalPort journal, WindowSink windows,
            long retentionMs, int retainedPaymentsMax, int idPartition) {
        if (idPartition < -1 || idPartition > PaymentIds.PARTITION_MAX) {
            throw new IllegalArgumentException("idPartition " + idPartition + " is not -1 nor 0.." + PaymentIds.PARTITION_MAX);
        }
        this.idPartition = idPartition;
        this.journaled = journaled;
        this.files = files;
        this.reference = journaled.effective(files);
        this.clock = clock;
        this.journal = journal;
        this.windows = windows;
        this.retentionMs = retentionMs;
        this.retainedPaymentsMax = retainedPaymentsMax;
        lastCloseSequence = new long[0];
        firstOpenSequence = new long[0];
        firstOpenAcceptedAt = new long[0];
        openPayments = new long[0];
        voidedOpen = new long[0];
        batchCloseSequences = new long[0][];
        batchCloseCount = new int[0];
        unsettledRupiahByCoop = new long[0];
        indexReference();
    }

    /**
     * Sizes the per-cooperative arrays and rebuilds the id indexes for {@link #reference}. Indexes
     * are stable, so the arrays only grow; the old {@link #coopOfTrader} stays valid for windows
     * already handed over (a trader's cooperative never changes at its index).
     */
    private void indexReference() {
        ReferenceData ref = reference;
        int coops = ref.coopCount();
        if (coops > lastCloseSequence.length) {
            lastCloseSequence = Arrays.copyOf(lastCloseSequence, coops);
            firstOpenSequence = Arrays.copyOf(firstOpenSequence, coops);
            firstOpenAcceptedAt = Arrays.copyOf(firstOpenAcceptedAt, coops);
            openPayments = Arrays.copyOf(openPayments, coops);
            voidedOpen = Arrays.copyOf(voidedOpen, coops);
            batchCloseSequences = Arrays.copyOf(batchCloseSequences, coops);
            batchCloseCount = Arrays.copyOf(batchCloseCount, coops);
            unsettledRupiahByCoop = Arrays.copyOf(unsettledRupiahByCoop, coops);
        }
        traderIds = new AsciiIdIndex(ref.traderCount(), t -> ref.trader(t).traderId());
        coopIds = new AsciiIdIndex(ref.coopCount(), c -> ref.coop(c).coopId());
        coopOfTrader = ref.coopOfTraders();
    }

    /** Brings {@link #reference} up to {@link #journaled} after reference entries (replay batches them). */
    void refreshReference() {
        if (referenceStale) {
            reference = journaled.effective(files);
            indexReference();
            referenceStale = false;
        }
    }

    // ---------------------------------------------------------------- replay

    /** Applies one replayed entry. */
    public void replay(JournalEntry e) {
        lastSequence = e.sequence;
        lastEntryIndex = e.journalIndex;
        if (e.type == JournalEntry.TYPE_REFERENCE) {
            replayReference(e);
            return;
        }
        refreshReference();
        switch (e.type) {
            case JournalEntry.TYPE_PAYMENT -> replayPayment(e);
            case JournalEntry.TYPE_VOID -> {
                long voided = e.voidedSequence;
                // the writer journals a void only for a retained payment that is neither voided nor
                // settled, and eviction never takes such a payment: anything else here is a damaged
                // or misread entry (a close decoded as a void), not a void to skip
                if (voided <= 0 || voided >= e.sequence || !retained.present(voided) || retained.voided(voided)
                        || settled(voided)) {
                    throw new JournalCorruptException("journal sequence " + e.sequence + " voids payment " + voided
                            + ", which was not an open payment at that point of the journal");
                }
                applyVoid(voided);
            }
            case JournalEntry.TYPE_CLOSE -> {
                applyClose(e.sequence, e.atEpochMs, e.trigger, e.coopId == null ? -1 : coopIndexOf(e.coopId, e.sequence));
                publishWindows();
            }
            case JournalEntry.TYPE_DISCARD -> { }
            case JournalEntry.TYPE_OBLIGATION -> replayObligation(e);
            case JournalEntry.TYPE_FILE_DIGESTS -> {
                pendingWindows.add(e.digests);
                publishWindows();
            }
            default -> throw new JournalCorruptException("unknown entry type " + e.type + " at sequence " + e.sequence);
        }
    }

    private void replayObligation(JournalEntry e) {
        try {
            obligationTerms.apply(e.obligation);
        } catch (IllegalStateException | IllegalArgumentException x) {
            throw new JournalCorruptException("journal sequence " + e.sequence + " is an obligation change that cannot"
                    + " apply there: " + x.getMessage());
        }
        pendingWindows.add(e.obligation);
        publishWindows();
    }

    private void replayReference(JournalEntry e) {
        try {
            journaled.apply(new JournaledReference.Edit(e.refKind, e.refOp, e.refId, e.refParent, e.refValue,
                    e.refBlocked), e.sequence, e.atEpochMs, e.refBaseline);
        } catch (IllegalStateException x) {
            throw new JournalCorruptException("journal sequence " + e.sequence + " is a reference change that cannot"
                    + " apply there: " + x.getMessage());
        }
        referenceStale = true;
    }

    /**
     * A payment entry as replay decodes it: ids are found from their bytes (no String, no HashMap),
     * and the key's strings are built only when its hash is already in the table.
     */
    private void replayPayment(JournalEntry e) {
        byte[] raw = e.raw;
        int t = traderIds.find(raw, e.traderIdAt, e.traderIdLength);
        Trader trader = t >= 0 ? reference.trader(t) : reference.trader(e.string(e.traderIdAt, e.traderIdLength));
        if (trader != null && coopIds.find(raw, e.coopIdAt, e.coopIdLength) != coopOfTrader[trader.index()]) {
            // a trader that moved between cooperatives has an index per cooperative
            int other = journaled.traderIndex(e.string(e.traderIdAt, e.traderIdLength), e.string(e.coopIdAt, e.coopIdLength));
            trader = other < 0 ? null : reference.trader(other);
        }
        if (trader == null || coopIds.find(raw, e.coopIdAt, e.coopIdLength) != coopOfTrader[trader.index()]) {
            throw unknownTrader(e.sequence, e.string(e.traderIdAt, e.traderIdLength), e.string(e.coopIdAt, e.coopIdLength));
        }
        long hash = ascii(raw, e.terminalIdAt, e.terminalIdLength) && ascii(raw, e.txnIdAt, e.txnIdLength)
                ? RetainedPayments.keyHash(raw, e.terminalIdAt, e.terminalIdLength, e.txnIdAt, e.txnIdLength)
                : RetainedPayments.keyHash(e.string(e.terminalIdAt, e.terminalIdLength), e.string(e.txnIdAt, e.txnIdLength));
        if (hashPresent(hash)) {
            long known = find(hash, e.string(e.terminalIdAt, e.terminalIdLength), e.string(e.txnIdAt, e.txnIdLength));
            if (known != 0) {
                forgetTakenKey(known, e);
            }
        }
        // the terminal is resolved from the journal on the rare status or void that needs it
        applyPayment(e.sequence, e.atEpochMs, hash, TERMINAL_UNRESOLVED, trader.index(), e.amountRupiah, e.journalIndex);
    }

    /**
     * A payment takes the key of an earlier one: live, the writer takes a key again only after the
     * retention sweep forgot its payment, so replay (which has no sweep) forgets it here. The
     * sweep forgets only a voided or settled payment past the retention, which is never under 7
     * days: an earlier payment that was not so at this point of the journal is corruption.
     */
    private void forgetTakenKey(long known, JournalEntry e) {
        boolean settled = settled(known);
        if (retained.acceptedAt(known) >= e.atEpochMs - OCCURRED_BEHIND_MAX_MS - OCCURRED_AHEAD_MAX_MS
                || !(retained.voided(known) || settled)) {
            throw repeatedKey(e.sequence);
        }
        if (settled && !retained.voided(known)) {
            // its slot is cleared only once settlement has read the window that settled it
            windows.awaitRead(lastCloseSequence[coopOfTrader[retained.trader(known)]]);
        }
        retained.remove(known);
    }

    private static boolean ascii(byte[] b, int at, int length) {
        for (int i = 0; i < length; i++) {
            if (b[at + i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static JournalCorruptException unknownTrader(long sequence, String traderId, String coopId) {
        return new JournalCorruptException("journal sequence " + sequence + " names trader " + traderId
                + " of cooperative " + coopId + ", which the reference data does not hold;"
                + " traders and cooperatives with history must stay in the reference data");
    }

    private static JournalCorruptException repeatedKey(long sequence) {
        return new JournalCorruptException("journal sequence " + sequence + " repeats an idempotency key");
    }

    /** After replay: a torn tail to mark as discarded with the first append. */
    public void afterReplay(long lastSequence, long tornTailIndex) {
        this.lastSequence = lastSequence;
        this.discardPendingIndex = tornTailIndex;
        refreshReference();
    }

    private int coopIndexOf(String coopId, long sequence) {
        Coop c = reference.coop(coopId);
        if (c == null) {
            throw new JournalCorruptException("journal close at sequence " + sequence + " names cooperative " + coopId
                    + ", which the reference data does not hold");
        }
        return c.index();
    }

    // ---------------------------------------------------------------- reference changes

    /**
     * What a reference change came to: the changes journaled (possibly none), or why nothing was.
     *
     * @param changes the changes journaled, in journal order
     * @param refusal why the files cannot apply (names file, line and field), or null
     * @param journalUnavailable true when the journal takes no writes (disk reserve, or no room
     *     allocated past its end): retry later
     */
    public record ReferenceUpdate(List<JournaledReference.Change> changes, String refusal, boolean journalUnavailable) {
    }

    /**
     * Journals and applies every change that brings the reference in effect to {@code files} and
     * the configured fee plans, at this position of the journal, or refuses them all. Journal
     * writer thread only (the journal's appender is its own), at start too. This is the core's
     * reload: a caller without HTTP (a simulator) hands it the files' data. On a refusal nothing changes,
     * names and keys included; otherwise they take effect with it, journaled or not.
     *
     * @param feePlans the configured fee plans, name to tiers
     */
    public ReferenceUpdate applyReference(ReferenceData files, java.util.Map<String, String> feePlans) {
        refreshReference();
        List<JournaledReference.Edit> edits;
        try {
            edits = journaled.diff(files, feePlans, unsettled);
        } catch (id.lumbung.core.reference.ReferenceDataException e) {
            return new ReferenceUpdate(List.of(), e.getMessage(), false);
        }
        if (!edits.isEmpty() && !appendable()) {
            return new ReferenceUpdate(List.of(), null, true);
        }
        List<JournaledReference.Change> changes = journal(edits, false);
        this.files = files;
        referenceStale = true; // names and keys from the files, even when no money changed
        refreshReference();
        return new ReferenceUpdate(changes, null, false);
    }

    /**
     * Journals the reference in effect as the baseline of a journal written before reference
     * entries existed (its first start with them): the files are taken as what was in effect since
     * the journal's start. Same thread rules as {@link #applyReference}.
     */
    public List<JournaledReference.Change> journalBaseline(ReferenceData files, java.util.Map<String, String> feePlans) {
        refreshReference();
        List<JournaledReference.Edit> edits;
        try {
            edits = new JournaledReference().diff(files, feePlans, JournaledReference.NOTHING_UNSETTLED);
        } catch (id.lumbung.core.reference.ReferenceDataException e) {
            throw new IllegalStateException(e.getMessage(), e); // a diff from nothing refuses nothing
        }
        List<JournaledReference.Change> changes = journal(edits, true);
        refreshReference();
        return changes;
    }

    private List<JournaledReference.Change> journal(List<JournaledReference.Edit> edits, boolean baseline) {
        List<JournaledReference.Change> changes = new ArrayList<>(edits.size());
        for (JournaledReference.Edit e : edits) {
            long sequence = nextSequence();
            long now = clock.millis();
            append(codec.encodeReference(sequence, now, e.kind(), e.op(), e.id(), e.parent(), e.value(), e.blocked(),
                    baseline));
            changes.add(journaled.apply(e, sequence, now, baseline));
            referenceStale = true;
        }
        return changes;
    }

    /** Which traders and terminals still have unsettled payments: a scan of their cooperative's open window (cold). */
    private final JournaledReference.Unsettled unsettled = new JournaledReference.Unsettled() {
        @Override
        public boolean trader(int traderIndex) {
            return openPaymentOf(traderIndex, -1);
        }

        @Override
        public boolean terminal(int terminalIndex, int traderIndex) {
            return openPaymentOf(traderIndex, terminalIndex);
        }
    };

    /** True when the trader has an open (accepted, un-voided, unsettled) payment, from {@code terminal} if it is not -1. */
    private boolean openPaymentOf(int trader, int terminal) {
        int coop = coopOfTrader[trader];
        if (openPayments[coop] == voidedOpen[coop]) {
            return false;
        }
        for (long s = firstOpenSequence[coop]; s <= lastSequence; s++) {
            if (!retained.present(s) || retained.voided(s) || retained.trader(s) != trader) {
                continue;
            }
            if (terminal < 0) {
                return true;
            }
            int owner = retained.terminal(s);
            if (owner == terminal || (owner == TERMINAL_UNRESOLVED
                    && readBack(s).terminalId().equals(reference.terminal(terminal).terminalId()))) {
                return true;
            }
        }
        return false;
    }

    /** The reference in effect at the book's position (published to the event loops after each change). */
    public ReferenceData reference() {
        refreshReference();
        return reference;
    }

    /** The journaled changes, newest last (at most {@link JournaledReference#HISTORY_MAX}), and their total. */
    public List<JournaledReference.Change> referenceHistory() {
        return journaled.history();
    }

    public long referenceChangesTotal() {
        return journaled.changesTotal();
    }

    /** True when the journal holds no reference entry up to the book's position, nor a baseline. */
    /**
     * How the files differ from the journaled reference, journaling nothing: the first edit they
     * would make and how many, or null when they make none (or cannot apply: {@link #applyReference}
     * says why). Journal writer thread.
     */
    public String referenceDifference(ReferenceData files, java.util.Map<String, String> feePlans) {
        refreshReference();
        try {
            List<JournaledReference.Edit> edits = journaled.diff(files, feePlans, unsettled);
            return edits.isEmpty() ? null : edits.size() + " change(s), the first: " + edits.get(0);
        } catch (id.lumbung.core.reference.ReferenceDataException e) {
            return null;
        }
    }

    /**
     * Journals a batch's file digests as its owner wrote them (the Kafka journal: a node that
     * writes the files again from the journal must write the same bytes). Journal writer thread.
     *
     * @return false when the journal takes no writes (nothing journaled)
     */
    public boolean journalFileDigests(id.lumbung.core.journal.FileDigests digests) {
        if (!appendable()) {
            return false;
        }
        long sequence = nextSequence();
        append(codec.encodeFileDigests(sequence, clock.millis(), digests));
        return true;
    }

    public boolean referenceEmpty() {
        return journaled.isEmpty();
    }

    // ---------------------------------------------------------------- live commands

    // ---------------------------------------------------------------- obligations

    /**
     * Checks a {@code PUT} of an obligation against the journaled terms and journals it when it
     * creates one ({@link ObligationBook#put}): {@code CREATED} (201), {@code UNCHANGED} (200, nothing
     * journaled), or a rejection: {@code NOT_FOUND} when the trader is not a member of the
     * obligation's cooperative, {@code IDEMPOTENCY_CONFLICT}, {@code LIMIT_REACHED}. Journal writer
     * thread; the event reaches the window sink with the next {@link #publishWindows}, once durable.
     *
     * @param obligation checked by {@link Obligation#check}
     * @return the outcome, or null when the journal takes no writes (nothing was changed)
     */
    public ObligationOutcome putObligation(Obligation obligation) {
        refreshReference();
        Coop coop = reference.coop(obligation.coopId());
        Trader trader = reference.trader(obligation.traderId());
        if (coop == null || trader == null || trader.coopIndex() != coop.index()) {
            return new ObligationOutcome(ObligationOutcome.Status.REJECTED, null, new ObligationRejection(
                    ObligationCode.NOT_FOUND, "traderId", "no member " + obligation.traderId() + " in cooperative "
                    + obligation.coopId()));
        }
        Obligation known = obligationTerms.obligation(obligation.coopId(), obligation.obligationId());
        if (known == null && !appendable()) {
            return null;
        }
        ObligationBook book = obligationTerms.book(obligation.coopId());
        ObligationOutcome outcome;
        synchronized (book) {
            outcome = book.put(obligation);
        }
        if (outcome.changed()) {
            journalObligation(new ObligationEvent.Put(obligation));
        }
        return outcome;
    }

    /**
     * Checks an {@code end} against the journaled obligation and the cooperative's last close date
     * and journals it ({@link ObligationBook#end}): {@code ENDED}, or {@code NOT_FOUND},
     * {@code INVALID_FIELD} (before the last close's date). Same thread rules as {@link #putObligation}.
     *
     * @return the outcome, or null when the journal takes no writes (nothing was changed)
     */
    public ObligationOutcome endObligation(String coopId, String obligationId, LocalDate endDate) {
        if (!appendable()) {
            return null;
        }
        ObligationBook book = obligationTerms.book(coopId);
        ObligationOutcome outcome;
        synchronized (book) {
            outcome = book.end(obligationId, endDate);
        }
        if (outcome.changed()) {
            journalObligation(new ObligationEvent.End(coopId, obligationId, endDate));
        }
        return outcome;
    }

    /** The journaled obligation of that id in the cooperative (terms and end), or null. */
    public Obligation obligation(String coopId, String obligationId) {
        return obligationTerms.obligation(coopId, obligationId);
    }

    private void journalObligation(ObligationEvent event) {
        long sequence = nextSequence();
        append(codec.encodeObligation(sequence, clock.millis(), ObligationCodec.encode(event)));
        OBLIGATION_ENTRIES.setOpaque(this, obligationEntries + 1);
        pendingWindows.add(event);
    }

    /** Obligation entries this book appended; any thread. */
    public long obligationEntries() {
        return (long) OBLIGATION_ENTRIES.getOpaque(this);
    }

    /** Whether appends are allowed (the writer clears it when the disk reserve is reached). */
    public void writable(boolean writable) {
        this.writable = writable;
    }

    public boolean writable() {
        return writable;
    }

    /** True when an entry may be appended: above the disk reserve, and the journal has room allocated past its end. */
    private boolean appendable() {
        return writable && journal.hasRoom();
    }

    /** Posts one request (tests and offline tools); the engine posts {@link PaymentDraft}s through {@link PostLane}s. */
    public PostOutcome post(PaymentRequest r, Terminal terminal) {
        post(requestDraft.set(r), terminal, requestResult);
        return outcome(requestResult, r, terminal);
    }

    /** A result as the {@link PostOutcome} of request {@code r}: a REPLAYED one's view is the original, read back from the journal. */
    private PostOutcome outcome(PostResult result, PaymentRequest r, Terminal terminal) {
        return result.result() == PostOutcome.Result.REPLAYED
                ? new PostOutcome(PostOutcome.Result.REPLAYED, view(result.sequence()))
                : result.toOutcome(canonical(r, terminal));
    }

    /** Posts one payment; the outcome is written into {@code out}. Allocates nothing on the new-payment path. */
    public void post(PaymentDraft d, Terminal terminal, PostResult out) {
        PostOutcome.Result refusal = terminalRefusal(terminal);
        if (refusal != null) {
            out.refused(refusal);
            return;
        }
        post(d, terminal, RetainedPayments.keyHash(terminal.terminalId(), d.txnIdChars(), d.txnIdLength()), clock.millis(), out);
    }

    /**
     * Why every payment of {@code terminal} is refused at this journal position, or null. The
     * request was authenticated on an event loop against the reference published before it; a
     * reload journaled since may have blocked or removed the terminal, and a reference waiting for
     * room in the journal may not hold it yet. Posts do not change the reference, so a batch is
     * checked once.
     */
    private PostOutcome.Result terminalRefusal(Terminal terminal) {
        if (terminal.index() >= reference.terminalCount()) {
            return PostOutcome.Result.JOURNAL_UNAVAILABLE; // registered in the files, not journaled yet
        }
        Terminal current = reference.terminal(terminal.index());
        if (reference.terminal(current.terminalId()) != current) {
            return PostOutcome.Result.UNAUTHENTICATED;
        }
        return current.blocked() ? PostOutcome.Result.TERMINAL_BLOCKED : null;
    }

    /**
     * Posts a batch's payments in order, as {@link #post} one by one would. The keys' table slots
     * are read for all of them first ({@link RetainedPayments#touch}), so that their cache misses
     * overlap. The clock is read once: a batch's payments are accepted at the same millisecond (a
     * clock read per payment was 2.8% of the writer's profile samples under batch load).
     */
    public void postAll(PaymentDraft[] drafts, int n, Terminal terminal, PostResult[] out) {
        PostOutcome.Result refusal = terminalRefusal(terminal);
        if (refusal != null) {
            for (int i = 0; i < n; i++) {
                out[i].refused(refusal);
            }
            return;
        }
        if (batchHashes.length < n) {
            batchHashes = new long[Math.max(n, batchHashes.length * 2)];
        }
        String terminalId = terminal.terminalId();
        long sink = 0;
        for (int i = 0; i < n; i++) {
            batchHashes[i] = RetainedPayments.keyHash(terminalId, drafts[i].txnIdChars(), drafts[i].txnIdLength());
        }
        for (int i = 0; i < n; i++) { // loads only: the out-of-order core keeps many of these misses in flight
            sink += retained.touch(batchHashes[i]);
        }
        touchSink = sink;
        long now = clock.millis();
        for (int i = 0; i < n; i++) {
            post(drafts[i], terminal, batchHashes[i], now, out[i]);
        }
    }

    /** {@link #postAll(PaymentDraft[], int, Terminal, PostResult[])} of requests (tests). */
    public List<PostOutcome> postAll(List<PaymentRequest> requests, Terminal terminal) {
        int n = requests.size();
        PaymentDraft[] drafts = new PaymentDraft[n];
        PostResult[] results = new PostResult[n];
        for (int i = 0; i < n; i++) {
            drafts[i] = new PaymentDraft().set(requests.get(i));
            results[i] = new PostResult();
        }
        postAll(drafts, n, terminal, results);
        List<PostOutcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(outcome(results[i], requests.get(i), terminal));
        }
        return out;
    }

    /**
     * @param terminal a terminal {@link #terminalRefusal} accepts
     * @param now the clock's millis when the request reached the writer: the acceptance time
     */
    private void post(PaymentDraft d, Terminal terminal, long hash, long now, PostResult out) {
        Terminal current = reference.terminal(terminal.index());
        d.terminalId(terminal.terminalId()); // the terminal's own String: the encoder and answers share it
        long known = find(hash, d.terminalId(), d.txnIdChars(), d.txnIdLength());
        if (known != 0) {
            // keyEntry now holds the known payment, read back by find()
            if (d.sameContent(keyEntry)) {
                int trader = retained.trader(known);
                out.replayed(idPartition, known, retained.acceptedAt(known), reference.trader(trader).traderId(),
                        reference.coop(coopOfTrader[trader]).coopId());
            } else {
                out.refused(PostOutcome.Result.IDEMPOTENCY_CONFLICT);
            }
            return;
        }
        if (d.occurredAtEpochMs() > now + OCCURRED_AHEAD_MAX_MS || d.occurredAtEpochMs() < now - OCCURRED_BEHIND_MAX_MS) {
            out.refused(PostOutcome.Result.INVALID_TIMESTAMP);
            return;
        }
        if (!appendable() || retained.size() >= retainedPaymentsMax) {
            out.refused(PostOutcome.Result.JOURNAL_UNAVAILABLE);
            return;
        }
        // the terminal's trader as journaled at this position: an event loop may hold an older table
        Trader trader = reference.trader(current.traderIndex());
        Coop coop = reference.coop(trader.coopIndex());
        long sequence = nextSequence();
        long index = append(codec.encodePayment(sequence, now, d, trader.traderId(), coop.coopId()));
        PAYMENT_ENTRIES.setOpaque(this, paymentEntries + 1);
        applyPayment(sequence, now, hash, terminal.index(), trader.index(), d.amountRupiah(), index);
        out.accepted(idPartition, sequence, now, trader.traderId(), coop.coopId());
    }

    public VoidOutcome voidBySequence(long sequence, Terminal terminal) {
        return voidPayment(ownedBy(sequence, terminal) ? sequence : 0);
    }

    /** True when the sequence is a retained payment of this terminal. */
    private boolean ownedBy(long sequence, Terminal terminal) {
        if (!retained.present(sequence)) {
            return false;
        }
        int owner = retained.terminal(sequence);
        if (owner == TERMINAL_UNRESOLVED) {
            return readBack(sequence).terminalId().equals(terminal.terminalId());
        }
        return owner == terminal.index();
    }

    public VoidOutcome voidByTxnId(String txnId, Terminal terminal) {
        return voidPayment(find(RetainedPayments.keyHash(terminal.terminalId(), txnId), terminal.terminalId(), txnId));
    }

    /** Voids a retained payment by sequence; 0 means none was found. */
    private VoidOutcome voidPayment(long sequence) {
        if (sequence == 0) {
            return new VoidOutcome(VoidOutcome.Result.NOT_FOUND, null);
        }
        if (retained.voided(sequence)) {
            return new VoidOutcome(VoidOutcome.Result.VOIDED, view(sequence));
        }
        if (settled(sequence)) {
            return new VoidOutcome(VoidOutcome.Result.ALREADY_SETTLED, view(sequence));
        }
        if (!appendable()) {
            return new VoidOutcome(VoidOutcome.Result.JOURNAL_UNAVAILABLE, null);
        }
        long voidSequence = nextSequence();
        append(codec.encodeVoid(voidSequence, clock.millis(), sequence));
        VOID_ENTRIES.setOpaque(this, voidEntries + 1);
        applyVoid(sequence);
        return new VoidOutcome(VoidOutcome.Result.VOIDED, view(sequence));
    }

    /** The payment as its terminal may see it, or null. */
    public PaymentView status(long sequence, Terminal terminal) {
        return ownedBy(sequence, terminal) ? view(sequence) : null;
    }

    /**
     * Closes the window of one cooperative ({@code coopIndex >= 0}) or of all ({@code -1}): journals
     * the close and hands every cooperative with payments to the window sink.
     *
     * @return false when the journal cannot take writes
     */
    public boolean close(int coopIndex, byte trigger) {
        if (!appendable()) {
            return false;
        }
        long sequence = nextSequence();
        long now = clock.millis();
        append(codec.encodeClose(sequence, now, trigger, coopIndex < 0 ? null : reference.coop(coopIndex).coopId()));
        CLOSE_ENTRIES.setOpaque(this, closeEntries + 1);
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

    private long append(int length) {
        lastEntryIndex = journal.append(codec.buffer(), length);
        return lastEntryIndex;
    }

    /**
     * The request with the terminal's own id instance, so that the encoder and the answer share it
     * (the ISO gateway and the HTTP ingest each build their own string per request).
     */
    private static PaymentRequest canonical(PaymentRequest r, Terminal terminal) {
        if (terminal.terminalId() == r.terminalId()) {
            return r;
        }
        return new PaymentRequest(terminal.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
    }

    // ---------------------------------------------------------------- idempotency keys

    /**
     * The retained payment with this key, or 0. Every hash match is confirmed by reading the
     * payment back from the journal (an idempotent retry needs its content anyway), so a 64-bit
     * collision costs a read, never a wrong answer. On a hit, {@link #keyEntry} holds the payment
     * as slices of its bytes (no Strings: a retry allocates nothing either).
     */
    private long find(long hash, String terminalId, char[] txnId, int txnIdLength) {
        retained.probe(hash);
        for (long s = retained.nextMatch(); s != 0; s = retained.nextMatch()) {
            JournalEntry known = readKey(s);
            if (PaymentDraft.sameText(txnId, txnIdLength, known.raw, known.txnIdAt, known.txnIdLength)
                    && PaymentDraft.sameText(terminalId, known.raw, known.terminalIdAt, known.terminalIdLength)) {
                return s;
            }
        }
        return 0;
    }

    /** {@link #find(long, String, char[], int)} of a txnId String (voids by key, replay). */
    private long find(long hash, String terminalId, String txnId) {
        if (findChars.length < txnId.length()) {
            findChars = new char[txnId.length()];
        }
        txnId.getChars(0, txnId.length(), findChars, 0);
        return find(hash, terminalId, findChars, txnId.length());
    }

    /** True when some retained key has this hash (no journal read; replay's common case is false). */
    private boolean hashPresent(long hash) {
        retained.probe(hash);
        return retained.nextMatch() != 0;
    }

    /** Reads a retained payment's entry back from the journal into {@link #readEntry}. */
    private PaymentRequest readBack(long sequence) {
        if (readSequence == sequence) {
            return readEntry.request; // a status or void of a replayed payment reads it to check the terminal, then to answer
        }
        read(sequence, readBuffer, readEntry, true);
        readSequence = sequence;
        return readEntry.request;
    }

    /** Reads a retained payment's entry back as slices, no Strings ({@link #find}'s comparisons). */
    private JournalEntry readKey(long sequence) {
        if (keySequence != sequence) {
            keySequence = 0;
            read(sequence, keyBuffer, keyEntry, false);
            keySequence = sequence;
        }
        return keyEntry;
    }

    private void read(long sequence, byte[] buffer, JournalEntry into, boolean strings) {
        long index = retained.journalIndex(sequence);
        int n = journal.read(index, buffer);
        int code = n < 0 ? EntryCodec.ERR_SHORT
                : strings ? readCodec.decode(buffer, n, into) : readCodec.decodeForReplay(buffer, n, into);
        if (code != EntryCodec.OK || into.type != JournalEntry.TYPE_PAYMENT || into.sequence != sequence) {
            throw new JournalCorruptException("journal entry at index 0x" + Long.toHexString(index) + " should be payment "
                    + sequence + " but " + (n < 0 ? "cannot be read" : code != EntryCodec.OK ? "fails its checks ("
                    + EntryCodec.errorName(code) + ")" : "is entry " + into.sequence + " of type " + into.type));
        }
    }

    // ---------------------------------------------------------------- apply (shared by live and replay)

    private void applyPayment(long sequence, long acceptedAtEpochMs, long hash, int terminal, int trader, long amount,
            long journalIndex) {
        int coop = coopOfTrader[trader];
        retained.add(sequence, hash, terminal, trader, amount, acceptedAtEpochMs, journalIndex);
        if (openPayments[coop]++ == 0) {
            firstOpenSequence[coop] = sequence;
            firstOpenAcceptedAt[coop] = acceptedAtEpochMs;
        }
        unsettledRupiahByCoop[coop] += amount;
        unsettledRupiah += amount;
        unsettledPayments++;
    }

    private void applyVoid(long sequence) {
        if (retained.voided(sequence) || settled(sequence)) {
            return;
        }
        retained.markVoided(sequence);
        long amount = retained.amount(sequence);
        int coop = coopOfTrader[retained.trader(sequence)];
        voidedOpen[coop]++;
        unsettledRupiahByCoop[coop] -= amount;
        unsettledRupiah -= amount;
        unsettledPayments--;
    }

    private void applyClose(long sequence, long closedAtEpochMs, byte trigger, int onlyCoop) {
        lastClose = sequence;
        List<ClosedWindow.CoopWindow> parts = new ArrayList<>();
        long[] firstByCoop = new long[lastCloseSequence.length];
        Arrays.fill(firstByCoop, Long.MAX_VALUE);
        long scanFrom = Long.MAX_VALUE;
        int from = onlyCoop < 0 ? 0 : onlyCoop;
        int to = onlyCoop < 0 ? lastCloseSequence.length : onlyCoop + 1;
        for (int c = from; c < to; c++) {
            long first = lastCloseSequence[c] + 1;
            lastCloseSequence[c] = sequence;
            if (openPayments[c] == 0) {
                continue;
            }
            firstByCoop[c] = first;
            scanFrom = Math.min(scanFrom, firstOpenSequence[c]);
            unsettledPayments -= openPayments[c] - voidedOpen[c];
            openPayments[c] = 0;
            voidedOpen[c] = 0;
            addBatchClose(c, sequence);
            unsettledRupiah -= unsettledRupiahByCoop[c];
            unsettledRupiahByCoop[c] = 0;
            parts.add(new ClosedWindow.CoopWindow(c, reference.coop(c).coopId(), first, sequence));
        }
        WindowPayments payments = retained.window(scanFrom == Long.MAX_VALUE ? sequence : scanFrom, sequence,
                firstByCoop, coopOfTrader);
        LocalDate closeDate = JakartaDates.closeDate(closedAtEpochMs);
        if (onlyCoop >= 0) {
            obligationTerms.closed(reference.coop(onlyCoop).coopId(), closeDate);
        } else {
            for (Coop c : reference.coops()) {
                obligationTerms.closed(c.coopId(), closeDate);
            }
        }
        pendingWindows.add(new ClosedWindow(sequence, closedAtEpochMs, trigger, parts, payments, reference,
                onlyCoop < 0 ? null : reference.coop(onlyCoop).coopId()));
    }

    /**
     * Hands closed windows to settlement. The writer calls it only after the close entries are
     * durable: a batch file must never exist for a close the journal could still lose.
     */
    public void publishWindows() {
        if (pendingWindows.isEmpty()) {
            return;
        }
        for (Object o : pendingWindows) {
            if (o instanceof ClosedWindow w) {
                windows.onWindowClosed(w);
            } else if (o instanceof id.lumbung.core.journal.FileDigests d) {
                windows.onFileDigests(d);
            } else {
                windows.onObligationEvent((ObligationEvent) o);
            }
        }
        pendingWindows.clear();
    }

    private void addBatchClose(int coop, long sequence) {
        long[] seqs = batchCloseSequences[coop];
        if (seqs == null) {
            seqs = batchCloseSequences[coop] = new long[4];
        } else if (batchCloseCount[coop] == seqs.length) {
            seqs = batchCloseSequences[coop] = Arrays.copyOf(seqs, seqs.length * 2);
        }
        seqs[batchCloseCount[coop]++] = sequence;
    }

    /**
     * Settled, and every close of its cooperative so far has had its window read by settlement: a
     * payment settled only days after it was accepted (a late first close) is past its retention
     * at once, but its slot must stay until the settlement thread has read that close's window.
     */
    private boolean settledAndRead(long sequence, long windowsRead) {
        long lastClose = lastCloseSequence[coopOfTrader[retained.trader(sequence)]];
        return sequence < lastClose && lastClose <= windowsRead;
    }

    private boolean settled(long sequence) {
        return sequence < lastCloseSequence[coopOfTrader[retained.trader(sequence)]];
    }

    private String batchIdOf(long sequence, int coop) {
        long[] seqs = batchCloseSequences[coop];
        int lo = 0;
        int hi = batchCloseCount[coop] - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seqs[mid] > sequence) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return PaymentIds.batchId(reference.coop(coop).coopId(), seqs[lo]);
    }

    /** The view of a retained payment, its content read back from the journal. */
    private PaymentView view(long sequence) {
        return view(sequence, readBack(sequence));
    }

    private PaymentView view(long sequence, PaymentRequest request) {
        int trader = retained.trader(sequence);
        int coop = coopOfTrader[trader];
        PaymentStatus status = retained.voided(sequence) ? PaymentStatus.VOIDED
                : settled(sequence) ? PaymentStatus.SETTLED : PaymentStatus.ACCEPTED;
        String batchId = status == PaymentStatus.SETTLED ? batchIdOf(sequence, coop) : null;
        return new PaymentView(idPartition, sequence, reference.trader(trader).traderId(),
                reference.coop(coop).coopId(), retained.acceptedAt(sequence), status, batchId, request);
    }

    // ---------------------------------------------------------------- retention

    /**
     * Forgets payments whose retention has passed and that are voided, or settled with their window
     * read by settlement ({@link WindowSink#settledCloseSequence}), oldest first,
     * at most {@code stepsMax} journal positions per call so the writer never stalls on it.
     */
    public int evict(int stepsMax) {
        // a retry of a forgotten key must fail the occurredAt window rather than be accepted twice:
        // its occurredAt is at most 5 minutes after acceptedAt, and retention is at least the 7-day window
        long horizon = clock.millis() - retentionMs - OCCURRED_AHEAD_MAX_MS;
        long windowsRead = windows.settledCloseSequence();
        int evicted = 0;
        for (int i = 0; i < stepsMax && evictCursor <= lastSequence; i++) {
            if (retained.present(evictCursor)) {
                if (retained.acceptedAt(evictCursor) >= horizon
                        || !(retained.voided(evictCursor) || settledAndRead(evictCursor, windowsRead))) {
                    break;
                }
                retained.remove(evictCursor);
                evicted++;
            }
            evictCursor++;
        }
        retained.dropBelow(evictCursor);
        return evicted;
    }

    // ---------------------------------------------------------------- snapshot

    /** Chronicle index of the last journaled entry, -1 when the journal is empty. */
    public long lastEntryIndex() {
        return lastEntryIndex;
    }

    /** Sequence of the latest close applied (0 when none): a snapshot needs it settled. */
    public long lastCloseSequence() {
        return lastClose;
    }

    /**
     * Writes the whole book as of {@link #lastSequence} ({@link PaymentBookSnapshot}). Only when
     * nothing runs on it (the writer has stopped) and every closed window has been handed to settlement.
     */
    public void writeTo(SnapshotWriter out) {
        PaymentBookSnapshot.write(this, out);
    }

    /** Loads a snapshot {@link #writeTo} wrote into this freshly built book (its reference comes with it). */
    public void readFrom(SnapshotReader in) {
        PaymentBookSnapshot.read(this, in);
    }

    // ---------------------------------------------------------------- ids and gauges

    private static final VarHandle PAYMENT_ENTRIES;
    private static final VarHandle VOID_ENTRIES;
    private static final VarHandle CLOSE_ENTRIES;
    private static final VarHandle OBLIGATION_ENTRIES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PAYMENT_ENTRIES = lookup.findVarHandle(PaymentBook.class, "paymentEntries", long.class);
            VOID_ENTRIES = lookup.findVarHandle(PaymentBook.class, "voidEntries", long.class);
            CLOSE_ENTRIES = lookup.findVarHandle(PaymentBook.class, "closeEntries", long.class);
            OBLIGATION_ENTRIES = lookup.findVarHandle(PaymentBook.class, "obligationEntries", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Payment entries this book appended (not replayed ones). Any thread. */
    public long paymentEntries() {
        return (long) PAYMENT_ENTRIES.getOpaque(this);
    }

    /** Void entries this book appended (not replayed ones). Any thread. */
    public long voidEntries() {
        return (long) VOID_ENTRIES.getOpaque(this);
    }

    /** Close entries this book appended (not replayed ones). Any thread. */
    public long closeEntries() {
        return (long) CLOSE_ENTRIES.getOpaque(this);
    }

    /** The partition this book's payment ids name: -1 over the Chronicle journal. Any thread (final). */
    public int idPartition() {
        return idPartition;
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
        return retained.size();
    }

    /** Heap bytes allocated for retained payments' columns and key tables so far (storage that grows with them, not garbage). */
    public long storageBytesAllocated() {
        return retained.storageBytesAllocated();
    }

    /**
     * Accepted-at of the oldest payment still waiting for a close (the first payment of the longest
     * open window, even if that one was voided since), or -1 when none waits.
     */
    public long oldestUnsettledEpochMs() {
        long oldest = -1;
        for (int c = 0; c < firstOpenAcceptedAt.length; c++) {
            if (openPayments[c] > voidedOpen[c]) {
                long at = firstOpenAcceptedAt[c];
                oldest = oldest < 0 ? at : Math.min(oldest, at);
            }
        }
        return oldest;
    }
}
