package id.lumbung.core.obligation;

/**
 * What an obligation collects. Declaration order is the deduction priority: a member's net pays
 * every {@code RETRIBUSI} due first, then {@code ANGSURAN}, then {@code SIMPANAN_WAJIB}.
 */
public enum ObligationKind {
    /** Market fee, credited to the market-fee payable. */
    RETRIBUSI,
    /** Loan instalment, credited to the loan receivable. */
    ANGSURAN,
    /** Mandatory savings, credited to the member's savings (a liability of the cooperative). */
    SIMPANAN_WAJIB;

    private static final ObligationKind[] VALUES = values();

    /** The kind named exactly {@code name}, or null. */
    public static ObligationKind parse(String name) {
        for (ObligationKind k : VALUES) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The kind of journal code {@code code} (1, 2, 3), or null. */
    static ObligationKind ofCode(int code) {
        return code >= 1 && code <= VALUES.length ? VALUES[code - 1] : null;
    }

    /** The journal code: 1 + the priority position, stable because the priority order is the contract. */
    int code() {
        return ordinal() + 1;
    }
}
