package id.lumbung.core.obligation;

/**
 * An obligation as {@code GET .../obligations} lists it, as of the cooperative's last window close.
 *
 * @param obligation terms and end
 * @param accruedRupiah accrued to the last close's date (0 before the first close)
 * @param deductedRupiah collected so far
 * @param dueRupiah accrued minus deducted
 */
public record ObligationView(Obligation obligation, long accruedRupiah, long deductedRupiah, long dueRupiah) {
}
