package id.lumbung.core.reference;

import id.lumbung.core.digest.Hex;
import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The reference data that decides money, as the journal holds it: each cooperative's settlement
 * account, each trader's cooperative and fee plan, each terminal's trader and status, and the fee
 * plans' tiers. It changes only by {@link Edit}s that the journal carries, applied in journal
 * order, so replay rebuilds it at every position whatever the files say now.
 *
 * <p>Indexes are stable: a cooperative, trader or terminal keeps its index for ever, removed ones
 * included, and new ones are appended, so that derived state (arrays by index, snapshots) never
 * needs renumbering. A trader that moves to another cooperative gets an index per cooperative
 * (its payments before the move stay with the old cooperative's index); its terminals follow it.
 * Names, terminal keys and token digests are credentials or labels, not money: they are not
 * journaled and come from the files ({@link #effective}).
 *
 * <p>Not thread-safe: the journal writer owns it (replay: the starting thread). What other
 * threads read is the immutable {@link ReferenceData} that {@link #effective} builds.
 */
public final class JournaledReference {
    public static final byte KIND_COOP = EntryCodec.REF_KIND_COOP;
    public static final byte KIND_TRADER = EntryCodec.REF_KIND_TRADER;
    public static final byte KIND_TERMINAL = EntryCodec.REF_KIND_TERMINAL;
    public static final byte KIND_FEE_PLAN = EntryCodec.REF_KIND_FEE_PLAN;
    public static final byte OP_SET = EntryCodec.REF_OP_SET;
    public static final byte OP_REMOVE = EntryCodec.REF_OP_REMOVE;
    /** Changes kept for {@code GET /admin/v1/reference/history}: the newest 10,000 (about 1 MB). */
    public static final int HISTORY_MAX = 10_000;
    /** Longest string a journal entry holds (u8 length). */
    public static final int TEXT_BYTES_MAX = 255;
    private static final String NONE = "(none)";
    private static final String REMOVED = "(removed)";
    private static final String JOURNAL_START = "(in effect since the journal's start)";

    /** A reference that holds what {@code files} and {@code feePlanSpecs} say, with no history (not journaled). */
    public static JournaledReference baseline(ReferenceData files, Map<String, String> feePlanSpecs) {
        JournaledReference r = new JournaledReference();
        try {
            for (Edit e : r.diff(files, feePlanSpecs, NOTHING_UNSETTLED)) {
                r.apply(e, 0, 0);
            }
        } catch (ReferenceDataException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // a new reference refuses no change
        }
        return r.withoutHistory();
    }

    /** This reference with its history emptied (a baseline read ahead of replay, which records it in place). */
    public JournaledReference withoutHistory() {
        history.clear();
        changesTotal = 0;
        return this;
    }

    /** For a reference with no payments behind it. */
    public static final Unsettled NOTHING_UNSETTLED = new Unsettled() {
        @Override
        public boolean trader(int traderIndex) {
            return false;
        }

        @Override
        public boolean terminal(int terminalIndex, int traderIndex) {
            return false;
        }
    };

    /**
     * One change as journaled. {@code parent}: a trader's cooperative id, a terminal's trader id,
     * else empty; {@code value}: a cooperative's settlement account, a trader's fee plan, a fee
     * plan's tiers, else empty; {@code blocked}: a terminal's status. A remove carries the id only.
     */
    public record Edit(byte kind, byte op, String id, String parent, String value, boolean blocked) {
        public Edit {
            Objects.requireNonNull(id, "id");
            if (op == OP_SET) {
                Objects.requireNonNull(parent, "parent");
                Objects.requireNonNull(value, "value");
            }
        }
    }

    /**
     * A journaled change as the history lists it.
     *
     * @param what the kind and id, for example {@code trader TR0100001}
     * @param from the values before ({@code (none)} for a new one)
     * @param to the values after ({@code (removed)} for a removal)
     * @param sequence the journal position of the change's entry
     * @param atEpochMs when it was journaled
     */
    public record Change(String what, String from, String to, long sequence, long atEpochMs) {
    }

    /** Answers, for a change that needs it, whether payments are still unsettled. */
    public interface Unsettled {
        /** True when the trader (by index) has accepted, un-voided payments not yet settled. */
        boolean trader(int traderIndex);

        /** True when the terminal (by index) has accepted, un-voided payments of that trader not yet settled. */
        boolean terminal(int terminalIndex, int traderIndex);
    }

    private final ArrayList<String> coopIds = new ArrayList<>();
    private final ArrayList<String> coopAccounts = new ArrayList<>();
    private final BitSet coopRemoved = new BitSet();
    private final HashMap<String, Integer> coopById = new HashMap<>();

    private final ArrayList<String> traderIds = new ArrayList<>();
    private int[] traderCoop = new int[16];
    private final ArrayList<String> traderPlans = new ArrayList<>();
    private final BitSet traderRemoved = new BitSet();
    /** Trader id to the index of its live incarnation. */
    private final HashMap<String, Integer> traderLive = new HashMap<>();
    /** Trader id and cooperative index to that incarnation: a trader moving back reuses it. */
    private final HashMap<String, Integer> traderByIdAndCoop = new HashMap<>();

    private final ArrayList<String> terminalIds = new ArrayList<>();
    private int[] terminalTrader = new int[16];
    private final BitSet terminalBlocked = new BitSet();
    private final BitSet terminalRemoved = new BitSet();
    private final HashMap<String, Integer> terminalById = new HashMap<>();

    private final TreeMap<String, String> feePlans = new TreeMap<>();
    private final ArrayDeque<Change> history = new ArrayDeque<>();
    private long changesTotal;

    /** True when nothing was ever journaled (a new journal, or one written before reference entries). */
    public boolean isEmpty() {
        return coopIds.isEmpty() && feePlans.isEmpty();
    }

    public int coopCount() {
        return coopIds.size();
    }

    public int traderCount() {
        return traderIds.size();
    }

    public int terminalCount() {
        return terminalIds.size();
    }

    /** The journaled fee plans, name to tiers, sorted by name. */
    public Map<String, String> feePlans() {
        return java.util.Collections.unmodifiableMap(feePlans);
    }

    /** The index of trader {@code traderId} in cooperative {@code coopId}, live or not, or -1. */
    public int traderIndex(String traderId, String coopId) {
        Integer c = coopById.get(coopId);
        Integer t = c == null ? null : traderByIdAndCoop.get(traderKey(traderId, c));
        return t == null ? -1 : t;
    }

    /** The newest journaled changes, oldest first (at most {@link #HISTORY_MAX}). */
    public List<Change> history() {
        return List.copyOf(history);
    }

    /** Every change journaled since the journal began, including those no longer in {@link #history}. */
    public long changesTotal() {
        return changesTotal;
    }

    // ---------------------------------------------------------------- diff

    /**
     * The edits that bring this reference to what {@code files} and {@code feePlanSpecs} say, in an
     * order each can apply in: fee plans, cooperatives, traders, terminals, then removals of
     * terminals, traders and cooperatives. A fee plan missing from {@code feePlanSpecs} stays
     * journaled (a removed trader's unsettled payments may still need it; no live trader can name it).
     * An empty {@code feePlanSpecs} leaves fee plans out of the comparison (data built without a config).
     *
     * @throws ReferenceDataException naming file, line and field of a change that cannot apply
     */
    public List<Edit> diff(ReferenceData files, Map<String, String> feePlanSpecs, Unsettled unsettled)
            throws ReferenceDataException {
        List<Edit> edits = new ArrayList<>();
        for (Map.Entry<String, String> plan : new TreeMap<>(feePlanSpecs).entrySet()) {
            if (!plan.getValue().equals(feePlans.get(plan.getKey()))) {
                checkText(plan.getValue(), "fee plan " + plan.getKey() + " tiers");
                edits.add(new Edit(KIND_FEE_PLAN, OP_SET, plan.getKey(), "", plan.getValue(), false));
            }
        }
        for (int i = 0; i < files.coopCount(); i++) {
            Coop c = files.coop(i);
            Integer at = coopById.get(c.coopId());
            if (at == null || coopRemoved.get(at) || !coopAccounts.get(at).equals(c.settlementAccount())) {
                edits.add(new Edit(KIND_COOP, OP_SET, c.coopId(), "", c.settlementAccount(), false));
            }
        }
        for (int i = 0; i < files.traderCount(); i++) {
            Trader t = files.trader(i);
            String coopId = files.coop(t.coopIndex()).coopId();
            Integer live = traderLive.get(t.traderId());
            if (live != null && !coopIds.get(traderCoop[live]).equals(coopId) && unsettled.trader(live)) {
                throw new ReferenceDataException(files.where(KIND_TRADER, i) + " field coop_id: trader " + t.traderId()
                        + " moves from cooperative " + coopIds.get(traderCoop[live]) + " to " + coopId
                        + " while it has unsettled payments; close the window of " + coopIds.get(traderCoop[live])
                        + " first (POST /admin/v1/settlements/close), then make the change");
            }
            if (live == null || !coopIds.get(traderCoop[live]).equals(coopId)
                    || !traderPlans.get(live).equals(t.feePlan())) {
                if (!feePlanSpecs.isEmpty() && !feePlanSpecs.containsKey(t.feePlan())) {
                    throw new ReferenceDataException(files.where(KIND_TRADER, i) + " field fee_plan: unknown fee plan "
                            + t.feePlan() + ", known: " + new java.util.TreeSet<>(feePlanSpecs.keySet()));
                }
                edits.add(new Edit(KIND_TRADER, OP_SET, t.traderId(), coopId, t.feePlan(), false));
            }
        }
        for (int i = 0; i < files.terminalCount(); i++) {
            Terminal t = files.terminal(i);
            String traderId = files.trader(t.traderIndex()).traderId();
            Integer at = terminalById.get(t.terminalId());
            boolean live = at != null && !terminalRemoved.get(at);
            if (live && !traderIds.get(terminalTrader[at]).equals(traderId)
                    && unsettled.terminal(at, terminalTrader[at])) {
                throw new ReferenceDataException(files.where(KIND_TERMINAL, i) + " field trader_id: terminal "
                        + t.terminalId() + " moves from trader " + traderIds.get(terminalTrader[at]) + " to " + traderId
                        + " while it has unsettled payments; close the window of its cooperative first"
                        + " (POST /admin/v1/settlements/close), then make the change");
            }
            if (!live || !traderIds.get(terminalTrader[at]).equals(traderId) || terminalBlocked.get(at) != t.blocked()) {
                edits.add(new Edit(KIND_TERMINAL, OP_SET, t.terminalId(), traderId, "", t.blocked()));
            }
        }
        for (int i = 0; i < terminalIds.size(); i++) {
            if (!terminalRemoved.get(i) && files.terminal(terminalIds.get(i)) == null) {
                edits.add(new Edit(KIND_TERMINAL, OP_REMOVE, terminalIds.get(i), null, null, false));
            }
        }
        for (int i = 0; i < traderIds.size(); i++) {
            if (!traderRemoved.get(i) && files.trader(traderIds.get(i)) == null) {
                edits.add(new Edit(KIND_TRADER, OP_REMOVE, traderIds.get(i), null, null, false));
            }
        }
        for (int i = 0; i < coopIds.size(); i++) {
            if (!coopRemoved.get(i) && files.coop(coopIds.get(i)) == null) {
                edits.add(new Edit(KIND_COOP, OP_REMOVE, coopIds.get(i), null, null, false));
            }
        }
        return edits;
    }

    private static void checkText(String text, String what) throws ReferenceDataException {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > TEXT_BYTES_MAX) {
            throw new ReferenceDataException(what + " are longer than " + TEXT_BYTES_MAX + " bytes, more than a"
                    + " journal entry holds");
        }
    }

    // ---------------------------------------------------------------- apply

    /**
     * Applies one journaled edit (live, or replayed) and records it in the history.
     *
     * @throws IllegalStateException when the edit cannot apply here (names a cooperative or trader
     *         this reference does not hold): a journal entry that does so is damaged or misplaced
     */
    public Change apply(Edit e, long sequence, long atEpochMs) {
        return apply(e, sequence, atEpochMs, false);
    }

    /**
     * {@link #apply(Edit, long, long)}; {@code baseline} marks an edit an upgraded journal carries
     * to record the reference in effect since its start: its history shows that as the old value.
     */
    public Change apply(Edit e, long sequence, long atEpochMs, boolean baseline) {
        Change change = switch (e.kind()) {
            case KIND_FEE_PLAN -> applyFeePlan(e, sequence, atEpochMs);
            case KIND_COOP -> applyCoop(e, sequence, atEpochMs);
            case KIND_TRADER -> applyTrader(e, sequence, atEpochMs);
            case KIND_TERMINAL -> applyTerminal(e, sequence, atEpochMs);
            default -> throw new IllegalStateException("unknown reference kind " + e.kind());
        };
        if (baseline) {
            change = new Change(change.what(), JOURNAL_START, change.to(), sequence, atEpochMs);
        }
        changesTotal++;
        if (history.size() == HISTORY_MAX) {
            history.removeFirst();
        }
        history.addLast(change);
        return change;
    }

    private Change applyFeePlan(Edit e, long sequence, long at) {
        if (e.op() == OP_REMOVE) {
            throw new IllegalStateException("fee plans are never removed from the journaled reference");
        }
        String old = feePlans.put(e.id(), e.value());
        return new Change("fee plan " + e.id(), old == null ? NONE : old, e.value(), sequence, at);
    }

    private Change applyCoop(Edit e, long sequence, long at) {
        Integer c = coopById.get(e.id());
        if (e.op() == OP_REMOVE) {
            if (c == null || coopRemoved.get(c)) {
                throw new IllegalStateException("removes cooperative " + e.id() + ", which is not held");
            }
            coopRemoved.set(c);
            return new Change("cooperative " + e.id(), coopText(c), REMOVED, sequence, at);
        }
        String from = c == null || coopRemoved.get(c) ? NONE : coopText(c);
        if (c == null) {
            c = coopIds.size();
            coopIds.add(e.id());
            coopAccounts.add(e.value());
            coopById.put(e.id(), c);
        } else {
            coopAccounts.set(c, e.value());
            coopRemoved.clear(c);
        }
        return new Change("cooperative " + e.id(), from, coopText(c), sequence, at);
    }

    private String coopText(int c) {
        return "settlement_account=" + coopAccounts.get(c);
    }

    private Change applyTrader(Edit e, long sequence, long at) {
        Integer live = traderLive.get(e.id());
        if (e.op() == OP_REMOVE) {
            if (live == null) {
                throw new IllegalStateException("removes trader " + e.id() + ", which is not held");
            }
            traderLive.remove(e.id());
            traderRemoved.set(live);
            return new Change("trader " + e.id(), traderText(live), REMOVED, sequence, at);
        }
        Integer coop = coopById.get(e.parent());
        if (coop == null || coopRemoved.get(coop)) {
            throw new IllegalStateException("trader " + e.id() + " names cooperative " + e.parent() + ", which is not held");
        }
        String from = live == null ? NONE : traderText(live);
        Integer t = traderByIdAndCoop.get(traderKey(e.id(), coop));
        if (t == null) {
            t = traderIds.size();
            traderIds.add(e.id());
            traderPlans.add(e.value());
            traderCoop = grow(traderCoop, t);
            traderCoop[t] = coop;
            traderByIdAndCoop.put(traderKey(e.id(), coop), t);
        } else {
            traderPlans.set(t, e.value());
            traderRemoved.clear(t);
        }
        if (live != null && live.intValue() != t.intValue()) {
            // moved: the old incarnation keeps its cooperative (its settled payments stay there),
            // the trader's terminals follow it to the new one
            traderRemoved.set(live);
            for (int i = 0; i < terminalIds.size(); i++) {
                if (terminalTrader[i] == live) {
                    terminalTrader[i] = t;
                }
            }
        }
        traderLive.put(e.id(), t);
        return new Change("trader " + e.id(), from, traderText(t), sequence, at);
    }

    private String traderText(int t) {
        return "coop_id=" + coopIds.get(traderCoop[t]) + " fee_plan=" + traderPlans.get(t);
    }

    private Change applyTerminal(Edit e, long sequence, long at) {
        Integer i = terminalById.get(e.id());
        if (e.op() == OP_REMOVE) {
            if (i == null || terminalRemoved.get(i)) {
                throw new IllegalStateException("removes terminal " + e.id() + ", which is not held");
            }
            terminalRemoved.set(i);
            return new Change("terminal " + e.id(), terminalText(i), REMOVED, sequence, at);
        }
        Integer trader = traderLive.get(e.parent());
        if (trader == null) {
            throw new IllegalStateException("terminal " + e.id() + " names trader " + e.parent() + ", which is not held");
        }
        String from = i == null || terminalRemoved.get(i) ? NONE : terminalText(i);
        if (i == null) {
            i = terminalIds.size();
            terminalIds.add(e.id());
            terminalById.put(e.id(), i);
            terminalTrader = grow(terminalTrader, i);
        }
        terminalTrader[i] = trader;
        terminalBlocked.set(i, e.blocked());
        terminalRemoved.clear(i);
        return new Change("terminal " + e.id(), from, terminalText(i), sequence, at);
    }

    private String terminalText(int i) {
        return "trader_id=" + traderIds.get(terminalTrader[i]) + " status=" + (terminalBlocked.get(i) ? "BLOCKED" : "ACTIVE");
    }

    private static String traderKey(String traderId, int coop) {
        return traderId + '/' + coop;
    }

    private static int[] grow(int[] a, int index) {
        return index < a.length ? a : java.util.Arrays.copyOf(a, Math.max(16, a.length * 2));
    }

    // ---------------------------------------------------------------- effective data

    /**
     * The reference data in effect: the journaled values by journaled index, with names, keys and
     * token digests from {@code files} for what the files hold (labels and credentials take effect
     * at once). Removed entries keep their index and cannot be found by id; they have no key.
     */
    public ReferenceData effective(ReferenceData files) {
        int coopCount = coopIds.size();
        Coop[] coops = new Coop[coopCount];
        HashMap<String, Coop> coopsById = new HashMap<>(coopCount * 2);
        for (int c = 0; c < coopCount; c++) {
            String id = coopIds.get(c);
            Coop f = files == null ? null : files.coop(id);
            coops[c] = new Coop(c, id, f != null ? f.name() : id, coopAccounts.get(c),
                    f != null ? f.tokenSha256() : new byte[Hex.KEY_BYTES]);
            if (!coopRemoved.get(c)) {
                coopsById.put(id, coops[c]);
            }
        }
        int traderCount = traderIds.size();
        Trader[] traders = new Trader[traderCount];
        HashMap<String, Trader> tradersById = new HashMap<>(traderCount * 2);
        for (int t = 0; t < traderCount; t++) {
            String id = traderIds.get(t);
            Trader f = files == null || traderRemoved.get(t) ? null : files.trader(id);
            traders[t] = new Trader(t, id, traderCoop[t], f != null ? f.name() : id, traderPlans.get(t));
            if (!traderRemoved.get(t)) {
                tradersById.put(id, traders[t]);
            }
        }
        int terminalCount = terminalIds.size();
        Terminal[] terminals = new Terminal[terminalCount];
        HashMap<String, Terminal> terminalsById = new HashMap<>(terminalCount * 2);
        for (int i = 0; i < terminalCount; i++) {
            String id = terminalIds.get(i);
            Terminal f = files == null || terminalRemoved.get(i) ? null : files.terminal(id);
            terminals[i] = new Terminal(i, id, terminalTrader[i], f != null ? f.key() : new byte[Hex.KEY_BYTES],
                    f != null ? f.nextKey() : null, terminalBlocked.get(i));
            if (!terminalRemoved.get(i) && f != null) {
                terminalsById.put(id, terminals[i]);
            }
        }
        return new ReferenceData(coops, coopsById, traders, tradersById, terminals, terminalsById, null,
                Map.copyOf(feePlans));
    }

    // ---------------------------------------------------------------- snapshot

    /** Snapshot bytes the journaled reference may take: about 60 bytes per terminal at 4 million terminals. */
    private static final int SNAPSHOT_BYTES_MAX = Integer.MAX_VALUE - 8;

    /** Writes {@link #writeTo(DataOutput)}'s bytes into a snapshot, length first. */
    public void writeTo(SnapshotWriter out) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            writeTo(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        out.writeInt(bytes.size());
        out.writeBytes(bytes.toByteArray(), 0, bytes.size());
    }

    /**
     * Reads what {@link #writeTo(SnapshotWriter)} wrote.
     *
     * @throws SnapshotException when the bytes are damaged or more than the reference's
     */
    public static JournaledReference readFrom(SnapshotReader in) {
        int n = in.readCount(SNAPSHOT_BYTES_MAX, "reference bytes");
        in.requireBytesLeft(n);
        byte[] bytes = new byte[n];
        in.readBytes(bytes, 0, n);
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes))) {
            JournaledReference r = readFrom(data);
            if (data.available() != 0) {
                throw new SnapshotException("snapshot reference has " + data.available() + " bytes too many");
            }
            return r;
        } catch (IOException e) {
            throw new SnapshotException("snapshot reference is damaged: " + e.getMessage(), e);
        }
    }

    /** Writes the whole journaled reference and its history (a snapshot's part). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(coopIds.size());
        for (int c = 0; c < coopIds.size(); c++) {
            out.writeUTF(coopIds.get(c));
            out.writeUTF(coopAccounts.get(c));
            out.writeBoolean(coopRemoved.get(c));
        }
        out.writeInt(traderIds.size());
        for (int t = 0; t < traderIds.size(); t++) {
            out.writeUTF(traderIds.get(t));
            out.writeInt(traderCoop[t]);
            out.writeUTF(traderPlans.get(t));
            out.writeBoolean(traderRemoved.get(t));
        }
        out.writeInt(terminalIds.size());
        for (int i = 0; i < terminalIds.size(); i++) {
            out.writeUTF(terminalIds.get(i));
            out.writeInt(terminalTrader[i]);
            out.writeBoolean(terminalBlocked.get(i));
            out.writeBoolean(terminalRemoved.get(i));
        }
        out.writeInt(feePlans.size());
        for (Map.Entry<String, String> p : feePlans.entrySet()) {
            out.writeUTF(p.getKey());
            out.writeUTF(p.getValue());
        }
        out.writeLong(changesTotal);
        out.writeInt(history.size());
        for (Change c : history) {
            out.writeUTF(c.what());
            out.writeUTF(c.from());
            out.writeUTF(c.to());
            out.writeLong(c.sequence());
            out.writeLong(c.atEpochMs());
        }
    }

    /**
     * Reads what {@link #writeTo} wrote.
     *
     * @throws IOException when the bytes end early or do not agree with themselves
     */
    public static JournaledReference readFrom(DataInput in) throws IOException {
        JournaledReference r = new JournaledReference();
        int coops = count(in, ReferenceData.COOPS_MAX);
        for (int c = 0; c < coops; c++) {
            String id = in.readUTF();
            r.coopIds.add(id);
            r.coopAccounts.add(in.readUTF());
            r.coopRemoved.set(c, in.readBoolean());
            r.coopById.put(id, c);
        }
        int traders = count(in, Integer.MAX_VALUE - 8);
        r.traderCoop = new int[Math.max(16, traders)];
        for (int t = 0; t < traders; t++) {
            String id = in.readUTF();
            int coop = in.readInt();
            if (coop < 0 || coop >= coops) {
                throw new IOException("trader " + id + " names cooperative index " + coop);
            }
            r.traderIds.add(id);
            r.traderCoop[t] = coop;
            r.traderPlans.add(in.readUTF());
            boolean removed = in.readBoolean();
            r.traderRemoved.set(t, removed);
            r.traderByIdAndCoop.put(traderKey(id, coop), t);
            if (!removed) {
                r.traderLive.put(id, t);
            }
        }
        int terminals = count(in, Integer.MAX_VALUE - 8);
        r.terminalTrader = new int[Math.max(16, terminals)];
        for (int i = 0; i < terminals; i++) {
            String id = in.readUTF();
            int trader = in.readInt();
            if (trader < 0 || trader >= traders) {
                throw new IOException("terminal " + id + " names trader index " + trader);
            }
            r.terminalIds.add(id);
            r.terminalTrader[i] = trader;
            r.terminalBlocked.set(i, in.readBoolean());
            r.terminalRemoved.set(i, in.readBoolean());
            r.terminalById.put(id, i);
        }
        int plans = count(in, 1 << 16);
        for (int p = 0; p < plans; p++) {
            r.feePlans.put(in.readUTF(), in.readUTF());
        }
        r.changesTotal = in.readLong();
        int kept = count(in, HISTORY_MAX);
        for (int i = 0; i < kept; i++) {
            r.history.addLast(new Change(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
        return r;
    }

    private static int count(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("count " + n + " out of 0.." + max);
        }
        return n;
    }
}
