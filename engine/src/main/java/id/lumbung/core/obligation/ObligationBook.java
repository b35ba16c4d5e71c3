package id.lumbung.core.obligation;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * One cooperative's obligations and what each has collected so far: the state the journal's
 * obligation events and the cooperative's closes build, read by the settlement (through
 * {@link #settle}), the accounts, the statement and {@code GET .../obligations}.
 *
 * <p>Obligations are indexed by trader, each member's sorted in priority order, so that a batch
 * costs one lookup per member with payments and no allocation beyond its results.
 *
 * <p>Not thread-safe: owned by the thread that applies journal entries in order.
 */
public final class ObligationBook {
    /** Per cooperative: one for each of {@code ReferenceData.TRADERS_MAX} traders. */
    public static final int OBLIGATIONS_MAX = 4_000_000;
    /** Per member: a few of each kind in practice; bounds the batch loop and a member's sums. */
    public static final int OBLIGATIONS_PER_TRADER_MAX = 64;
    /** {@link #writeTo}'s layout version. */
    static final int SNAPSHOT_VERSION = 1;
    /** Before the first close nothing has accrued. */
    static final long NO_CLOSE = Long.MIN_VALUE;
    private static final ObligationState[] NONE = new ObligationState[0];

    private final String coopId;
    private final HashMap<String, ObligationState> byId = new HashMap<>();
    private final HashMap<String, ObligationState[]> byTrader = new HashMap<>();
    private long lastCloseEpochDay = NO_CLOSE;
    private boolean settling;

    public ObligationBook(String coopId) {
        if (!Obligation.isId(coopId, Obligation.COOP_ID_CHARS_MAX)) {
            throw new IllegalArgumentException("bad cooperative id " + coopId);
        }
        this.coopId = coopId;
    }

    public String coopId() {
        return coopId;
    }

    /** Obligations held, ended ones included. */
    public int size() {
        return byId.size();
    }

    /** The date the cooperative's last window close accrued to, or null before its first. */
    public LocalDate lastCloseDate() {
        return lastCloseEpochDay == NO_CLOSE ? null : LocalDate.ofEpochDay(lastCloseEpochDay);
    }

    /**
     * Adds an obligation checked by {@link Obligation#check} (and whose trader the caller has found
     * a member of this cooperative): {@code CREATED} the first time, {@code UNCHANGED} for the same
     * terms again (ended or not), {@code IDEMPOTENCY_CONFLICT} for other terms under its id,
     * {@code LIMIT_REACHED} past a limit.
     */
    public ObligationOutcome put(Obligation obligation) {
        if (!obligation.coopId().equals(coopId)) {
            throw new IllegalArgumentException("obligation of " + obligation.coopId() + " put in the book of " + coopId);
        }
        if (obligation.endDate() != null) {
            throw new IllegalArgumentException("a put carries terms only; obligation " + obligation.obligationId()
                    + " has an end date");
        }
        ObligationState existing = byId.get(obligation.obligationId());
        if (existing != null) {
            if (existing.obligation.sameTerms(obligation)) {
                return new ObligationOutcome(ObligationOutcome.Status.UNCHANGED, existing.obligation, null);
            }
            return ObligationOutcome.rejected(ObligationCode.IDEMPOTENCY_CONFLICT, "obligationId", "obligation "
                    + obligation.obligationId() + " exists with other terms");
        }
        if (byId.size() == OBLIGATIONS_MAX) {
            return ObligationOutcome.rejected(ObligationCode.LIMIT_REACHED, null, "cooperative " + coopId
                    + " has " + OBLIGATIONS_MAX + " obligations, the most it may hold");
        }
        ObligationState[] member = byTrader.getOrDefault(obligation.traderId(), NONE);
        if (member.length == OBLIGATIONS_PER_TRADER_MAX) {
            return ObligationOutcome.rejected(ObligationCode.LIMIT_REACHED, "traderId", "trader "
                    + obligation.traderId() + " has " + OBLIGATIONS_PER_TRADER_MAX + " obligations, the most a member may hold");
        }
        add(new ObligationState(obligation));
        return new ObligationOutcome(ObligationOutcome.Status.CREATED, obligation, null);
    }

    private void add(ObligationState state) {
        Obligation o = state.obligation;
        byId.put(o.obligationId(), state);
        ObligationState[] member = byTrader.getOrDefault(o.traderId(), NONE);
        ObligationState[] grown = Arrays.copyOf(member, member.length + 1);
        grown[member.length] = state;
        Arrays.sort(grown, ObligationState.PRIORITY);
        byTrader.put(o.traderId(), grown);
    }

    /**
     * Ends an obligation: nothing accrues after {@code endDate}; what is already due is still
     * collected. {@code NOT_FOUND} for an unknown id; {@code INVALID_FIELD} for a date before the
     * last close's date (that close has accrued it). Ending again moves the end.
     */
    public ObligationOutcome end(String obligationId, LocalDate endDate) {
        ObligationState state = byId.get(obligationId);
        if (state == null) {
            return ObligationOutcome.rejected(ObligationCode.NOT_FOUND, "obligationId", "no obligation "
                    + obligationId + " in cooperative " + coopId);
        }
        if (!Obligation.inDateRange(endDate)) {
            throw new IllegalArgumentException("end date out of range: " + endDate);
        }
        if (lastCloseEpochDay != NO_CLOSE && endDate.toEpochDay() < lastCloseEpochDay) {
            return ObligationOutcome.rejected(ObligationCode.INVALID_FIELD, "endDate", "endDate " + endDate
                    + " is before the last close's date " + lastCloseDate());
        }
        state.end(state.obligation.endedOn(endDate));
        return new ObligationOutcome(ObligationOutcome.Status.ENDED, state.obligation, null);
    }

    /**
     * Applies a journaled event (replay, or right after journaling it): a PUT must create, an END
     * must end. An event that does not apply was never journaled by a correct engine, so it is
     * thrown as a broken invariant rather than answered.
     *
     * @return the obligation as the book holds it afterwards
     */
    public Obligation apply(ObligationEvent event) {
        if (!event.coopId().equals(coopId)) {
            throw new IllegalArgumentException("event of " + event.coopId() + " applied to the book of " + coopId);
        }
        ObligationOutcome outcome = event instanceof ObligationEvent.Put put ? put(put.obligation())
                : end(((ObligationEvent.End) event).obligationId(), ((ObligationEvent.End) event).endDate());
        if (!outcome.changed()) {
            throw new IllegalStateException("journaled obligation event " + event + " does not apply to the book of "
                    + coopId + ": " + (outcome.rejection() != null ? outcome.rejection().detail() : outcome.status()));
        }
        return outcome.obligation();
    }

    /** The obligation of that id, or null. */
    public Obligation obligation(String obligationId) {
        ObligationState s = byId.get(obligationId);
        return s == null ? null : s.obligation;
    }

    /** The obligation as of the last close, or null for an unknown id. */
    public ObligationView view(String obligationId) {
        ObligationState s = byId.get(obligationId);
        return s == null ? null : view(s);
    }

    private ObligationView view(ObligationState s) {
        long accrued = s.accruedRupiah(lastCloseEpochDay);
        return new ObligationView(s.obligation, accrued, s.deductedRupiah, s.dueRupiah(lastCloseEpochDay));
    }

    /** Every obligation, or only the member's when {@code traderIdOrNull} is given, by obligation id. */
    public List<ObligationView> views(String traderIdOrNull) {
        List<ObligationState> states = new ArrayList<>(traderIdOrNull == null ? byId.values()
                : Arrays.asList(byTrader.getOrDefault(traderIdOrNull, NONE)));
        states.sort(Comparator.comparing(s -> s.obligation.obligationId()));
        List<ObligationView> views = new ArrayList<>(states.size());
        for (ObligationState s : states) {
            views.add(view(s));
        }
        return views;
    }

    /** The member's savings, loan due and total due as of the last close. */
    public MemberDues dues(String traderId) {
        ObligationState[] member = byTrader.get(traderId);
        if (member == null) {
            return MemberDues.NONE;
        }
        long savings = 0, loanDue = 0, due = 0;
        for (ObligationState s : member) {
            long d = s.dueRupiah(lastCloseEpochDay);
            due = Math.addExact(due, d);
            if (s.kindOrdinal == ObligationKind.ANGSURAN.ordinal()) {
                loanDue = Math.addExact(loanDue, d);
            } else if (s.kindOrdinal == ObligationKind.SIMPANAN_WAJIB.ordinal()) {
                savings = Math.addExact(savings, s.deductedRupiah);
            }
        }
        return new MemberDues(savings, loanDue, due);
    }

    /**
     * Starts applying the rule to a window close of this cooperative dated {@code closeDate}
     * (Asia/Jakarta, {@link JakartaDates#closeDate}). Call it for every close of the cooperative,
     * with or without a batch: {@link ObligationSettling#finish} moves the last close's date, which
     * {@code GET .../obligations}, the accounts and {@link #end} go by.
     */
    public ObligationSettling settle(LocalDate closeDate) {
        long epochDay = closeEpochDay(closeDate);
        settling = true;
        return new ObligationSettling(this, epochDay);
    }

    /** A close that deducts nothing (no batch, or the writer's copy of the terms): {@link #settle} and its finish without a member. */
    public void close(LocalDate closeDate) {
        closed(closeEpochDay(closeDate));
    }

    /** The day a close on {@code closeDate} moves the last close to: never back. */
    private long closeEpochDay(LocalDate closeDate) {
        if (settling) {
            throw new IllegalStateException("cooperative " + coopId + " is already settling");
        }
        if (!Obligation.inDateRange(closeDate)) {
            throw new IllegalArgumentException("close date out of range: " + closeDate);
        }
        return Math.max(closeDate.toEpochDay(), lastCloseEpochDay);
    }

    /** The member's obligations in priority order; never null. */
    ObligationState[] memberObligations(String traderId) {
        return byTrader.getOrDefault(traderId, NONE);
    }

    void closed(long epochDay) {
        lastCloseEpochDay = epochDay;
        settling = false;
    }

    // ---- snapshot

    /**
     * Writes the book: version, cooperative, last close, then every obligation by id with its end
     * and deducted amount. Same book, same bytes.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(SNAPSHOT_VERSION);
        out.writeUTF(coopId);
        out.writeLong(lastCloseEpochDay);
        List<ObligationState> states = new ArrayList<>(byId.values());
        states.sort(Comparator.comparing(s -> s.obligation.obligationId()));
        out.writeInt(states.size());
        for (ObligationState s : states) {
            Obligation o = s.obligation;
            out.writeUTF(o.obligationId());
            out.writeUTF(o.traderId());
            out.writeByte(o.kind().code());
            out.writeLong(o.dailyAmountRupiah());
            out.writeLong(o.startDate().toEpochDay());
            out.writeLong(o.endDate() == null ? NO_CLOSE : o.endDate().toEpochDay());
            out.writeLong(o.totalRupiah() == null ? 0 : o.totalRupiah());
            out.writeLong(s.deductedRupiah);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote, checking every obligation's fields and that nothing was
     * deducted beyond its accrual at the last close.
     *
     * @throws IOException on a short read or a value out of range, naming it
     */
    public static ObligationBook readFrom(DataInput in) throws IOException {
        int version = in.readInt();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("obligation book snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
        }
        ObligationBook book;
        try {
            book = new ObligationBook(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new IOException("obligation book snapshot: " + e.getMessage(), e);
        }
        long lastClose = in.readLong();
        if (lastClose != NO_CLOSE && !inDayRange(lastClose)) {
            throw new IOException("obligation book snapshot of " + book.coopId + ": last close day " + lastClose);
        }
        book.lastCloseEpochDay = lastClose;
        int count = in.readInt();
        if (count < 0 || count > OBLIGATIONS_MAX) {
            throw new IOException("obligation book snapshot of " + book.coopId + ": " + count + " obligations");
        }
        for (int i = 0; i < count; i++) {
            book.readObligation(in);
        }
        return book;
    }

    private void readObligation(DataInput in) throws IOException {
        String id = in.readUTF();
        try {
            String traderId = in.readUTF();
            ObligationKind kind = ObligationKind.ofCode(in.readByte());
            long daily = in.readLong();
            LocalDate start = epochDay(in.readLong());
            long end = in.readLong();
            long total = in.readLong();
            long deducted = in.readLong();
            if (kind == null) {
                throw new IllegalArgumentException("unknown kind");
            }
            Obligation o = new Obligation(id, coopId, traderId, kind, daily, start, end == NO_CLOSE ? null : epochDay(end),
                    total == 0 ? null : total);
            if (byId.containsKey(id) || byTrader.getOrDefault(traderId, NONE).length == OBLIGATIONS_PER_TRADER_MAX) {
                throw new IllegalArgumentException("duplicate id or too many obligations of trader " + traderId);
            }
            ObligationState s = new ObligationState(o);
            if (deducted < 0 || deducted > s.accruedRupiah(lastCloseEpochDay)) {
                throw new IllegalArgumentException("deducted " + deducted + " outside 0.." + s.accruedRupiah(lastCloseEpochDay));
            }
            s.deductedRupiah = deducted;
            add(s);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IOException("obligation book snapshot of " + coopId + ", obligation " + id + ": " + e.getMessage(), e);
        }
    }

    private static boolean inDayRange(long day) {
        return day >= Obligation.DATE_MIN.toEpochDay() && day <= Obligation.DATE_MAX.toEpochDay();
    }

    private static LocalDate epochDay(long day) {
        if (!inDayRange(day)) {
            throw new IllegalArgumentException("day " + day + " out of range");
        }
        return LocalDate.ofEpochDay(day);
    }
}
