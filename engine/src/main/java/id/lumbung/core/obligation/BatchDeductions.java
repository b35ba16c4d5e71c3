package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.List;

/**
 * What the obligation rule did to one cooperative's batch.
 *
 * @param coopId the cooperative
 * @param closeDate the date accrual ran to: the close's Asia/Jakarta date, or the cooperative's
 *        previous close date if that is later (a clock stepped back never un-accrues)
 * @param lines one per member with payments, in the order given (sorted by trader id)
 * @param deductions the non-zero deductions, by member then in priority order
 */
public record BatchDeductions(String coopId, LocalDate closeDate, List<PayoutLine> lines, List<Deduction> deductions) {
    public BatchDeductions {
        lines = List.copyOf(lines);
        deductions = List.copyOf(deductions);
    }
}
