package id.lumbung.core.reference;

import id.lumbung.core.digest.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cooperatives, traders and terminals the engine serves, immutable once built (read from the
 * three reference files by the shell's {@code id.lumbung.reference.ReferenceFiles}, or rebuilt from
 * the journal by {@link JournaledReference}).
 * Safe to read from any thread once published (all fields final, nothing written after the
 * constructor but the cached {@link #identityDigest}). The {@code byte[]} keys inside the records are shared: callers must not modify them.
 *
 * <p>A load either succeeds completely or throws {@link ReferenceDataException} naming the file,
 * the line (1-based, the header is line 1) and what is wrong.
 */
public final class ReferenceData {
    /** Coop ids are part of batch ids and file names, so they stay short. */
    public static final int COOP_ID_CHARS_MAX = 16;
    public static final int TRADER_ID_CHARS_MAX = 32;
    /** ISO 8583 field 41 (terminal id) is 8 characters; HTTP terminals may use up to 16. */
    public static final int TERMINAL_ID_CHARS_MAX = 16;
    /** An IBAN is at most 34 characters, as is ISO 20022 Max34Text (camt.053 account id). */
    public static final int SETTLEMENT_ACCOUNT_CHARS_MAX = 34;
    /** ISO 20022 Max140Text, the camt.053 name fields a name may end up in. */
    public static final int NAME_CHARS_MAX = 140;

    /*
     * Guards against a runaway file, not business limits. Indonesia has about 16,000 traditional
     * markets with a few hundred traders each: 16,000 x 250 = 4 million traders. One terminal per
     * trader at that size, at about 250 bytes of heap per terminal (record, id, key, map entry),
     * is 4,000,000 x 250 B = 1 GB. Indonesia counts about 130,000 cooperatives of every kind.
     */
    public static final int COOPS_MAX = 130_000;
    public static final int TRADERS_MAX = 4_000_000;
    public static final int TERMINALS_MAX = 4_000_000;

    private final Coop[] coops;
    private final Trader[] traders;
    private final Terminal[] terminals;
    private final HashMap<String, Coop> coopsById;
    private final HashMap<String, Trader> tradersById;
    private final HashMap<String, Terminal> terminalsById;
    private final List<Coop> coopList;
    private final List<List<Trader>> tradersByCoopIndex;
    /** {@link #identityDigest}, once computed. */
    private volatile byte[] identityDigest;
    /** Where each row was read (data loaded from files), or null (data built by {@link JournaledReference}). */
    private final Rows rows;
    /** The journaled fee plans, name to tiers (data built by {@link JournaledReference}); empty for files. */
    private final Map<String, String> feePlans;

    /** Per kind, the file as messages name it and the line of each row, in row order. */
    public record Rows(int[] coopLines, int[] traderLines, int[] terminalLines, String[] files) {
    }

    /** Data read from files: {@code rows} says where each row was read, for messages. */
    public ReferenceData(Coop[] coops, HashMap<String, Coop> coopsById, Trader[] traders,
            HashMap<String, Trader> tradersById, Terminal[] terminals, HashMap<String, Terminal> terminalsById,
            Rows rows) {
        this(coops, coopsById, traders, tradersById, terminals, terminalsById, rows, Map.of());
    }

    ReferenceData(Coop[] coops, HashMap<String, Coop> coopsById, Trader[] traders,
            HashMap<String, Trader> tradersById, Terminal[] terminals, HashMap<String, Terminal> terminalsById,
            Rows rows, Map<String, String> feePlans) {
        this.rows = rows;
        this.feePlans = feePlans;
        this.coops = coops;
        this.traders = traders;
        this.terminals = terminals;
        this.coopsById = coopsById;
        this.tradersById = tradersById;
        this.terminalsById = terminalsById;
        this.coopList = List.of(coops);
        this.tradersByCoopIndex = groupByCoop(coops.length, traders);
    }

    private static List<List<Trader>> groupByCoop(int coopCount, Trader[] traders) {
        List<List<Trader>> groups = new ArrayList<>(coopCount);
        for (int i = 0; i < coopCount; i++) {
            groups.add(new ArrayList<>());
        }
        for (Trader trader : traders) {
            groups.get(trader.coopIndex()).add(trader);
        }
        // members in trader-id order: the order of settlement file lines and account listings
        groups.forEach(g -> g.sort(java.util.Comparator.comparing(Trader::traderId)));
        groups.replaceAll(List::copyOf);
        return List.copyOf(groups);
    }

    /**
     * SHA-256 over what derived state refers to by index: each cooperative's id, each trader's id
     * and cooperative, each terminal's id and trader, in index order.
     */
    public byte[] identityDigest() {
        byte[] digest = identityDigest;
        if (digest == null) {
            digest = computeIdentityDigest();
            identityDigest = digest; // immutable data: a race computes the same bytes twice at worst
        }
        return digest.clone();
    }

    private byte[] computeIdentityDigest() {
        MessageDigest d = Sha256.newDigest();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
        for (Coop c : coops) {
            identityLine(d, buf, 'C', c.coopId(), -1);
        }
        for (Trader t : traders) {
            identityLine(d, buf, 'R', t.traderId(), t.coopIndex());
        }
        for (Terminal t : terminals) {
            identityLine(d, buf, 'T', t.terminalId(), t.traderIndex());
        }
        d.update(buf.flip());
        return d.digest();
    }

    /** Kind, id (ASCII: ids are validated to [A-Za-z0-9-] on load) and parent index, batched into {@code buf}. */
    private static void identityLine(MessageDigest d, java.nio.ByteBuffer buf, char kind, String id, int parent) {
        if (buf.remaining() < id.length() + 8) {
            d.update(buf.flip());
            buf.clear();
        }
        buf.put((byte) kind);
        for (int i = 0; i < id.length(); i++) {
            buf.put((byte) id.charAt(i));
        }
        buf.put((byte) ',').putInt(parent);
    }

    /**
     * Where a row was read, for a message: {@code <file> line <n>} (kind {@link JournaledReference#KIND_COOP},
     * {@code KIND_TRADER} or {@code KIND_TERMINAL}); data not read from files names the record.
     */
    public String where(byte kind, int index) {
        if (rows == null) {
            return switch (kind) {
                case JournaledReference.KIND_COOP -> "cooperative " + coops[index].coopId();
                case JournaledReference.KIND_TRADER -> "trader " + traders[index].traderId();
                default -> "terminal " + terminals[index].terminalId();
            };
        }
        return switch (kind) {
            case JournaledReference.KIND_COOP -> rows.files()[0] + " line " + rows.coopLines()[index];
            case JournaledReference.KIND_TRADER -> rows.files()[1] + " line " + rows.traderLines()[index];
            default -> rows.files()[2] + " line " + rows.terminalLines()[index];
        };
    }

    /** The journaled fee plans in effect, name to tiers (empty for data read from files: those come from the config). */
    public Map<String, String> feePlans() {
        return feePlans;
    }

    /** The live cooperative with this id, or {@code null}. */
    public Coop coop(String coopId) {
        return coopsById.get(coopId);
    }

    /** The trader with this id, or {@code null}. */
    public Trader trader(String traderId) {
        return tradersById.get(traderId);
    }

    /** The terminal with this id, or {@code null}. */
    public Terminal terminal(String terminalId) {
        return terminalsById.get(terminalId);
    }

    /** The cooperative at {@code index} (0..{@link #coopCount()}-1). */
    public Coop coop(int index) {
        return coops[index];
    }

    /** The trader at {@code index} (0..{@link #traderCount()}-1). */
    public Trader trader(int index) {
        return traders[index];
    }

    /** The terminal at {@code index} (0..{@link #terminalCount()}-1). */
    public Terminal terminal(int index) {
        return terminals[index];
    }

    public int coopCount() {
        return coops.length;
    }

    public int traderCount() {
        return traders.length;
    }

    /** Each trader's cooperative index, by trader index: a new array the caller owns. */
    public int[] coopOfTraders() {
        int[] coopOf = new int[traders.length];
        for (int t = 0; t < coopOf.length; t++) {
            coopOf[t] = traders[t].coopIndex();
        }
        return coopOf;
    }

    public int terminalCount() {
        return terminals.length;
    }

    /** All cooperatives in file order (position = index); unmodifiable. */
    public List<Coop> coops() {
        return coopList;
    }

    /** The traders of the cooperative at {@code coopIndex}, sorted by trader id; unmodifiable. */
    public List<Trader> tradersOf(int coopIndex) {
        return tradersByCoopIndex.get(coopIndex);
    }

    /**
     * True when {@code token} is the cooperative's bearer token: its SHA-256 equals the stored one,
     * compared in constant time so that response timing reveals nothing about the stored digest.
     */
    public boolean tokenMatches(Coop coop, String token) {
        Objects.requireNonNull(coop, "coop");
        if (token == null) {
            return false;
        }
        return MessageDigest.isEqual(Sha256.of(token), coop.tokenSha256());
    }

    @Override
    public String toString() {
        return "ReferenceData[" + coops.length + " coops, " + traders.length + " traders, "
                + terminals.length + " terminals]";
    }
}
