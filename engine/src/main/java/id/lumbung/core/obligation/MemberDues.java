package id.lumbung.core.obligation;

/**
 * A member's obligation fields of {@code GET .../accounts}, as of the cooperative's last close.
 *
 * @param savingsRupiah simpanan wajib collected
 * @param loanDueRupiah angsuran due now
 * @param dueRupiah everything due now
 */
public record MemberDues(long savingsRupiah, long loanDueRupiah, long dueRupiah) {
    /** A member with no obligations. */
    public static final MemberDues NONE = new MemberDues(0, 0, 0);
}
