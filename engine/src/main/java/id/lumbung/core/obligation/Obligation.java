package id.lumbung.core.obligation;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A member's standing obligation: its terms ({@code traderId} to {@code totalRupiah}) and, once
 * ended, its end date. The constructor checks every invariant and throws on a broken one (a bug);
 * request fields are checked by {@link #check} and {@link #checkEndDate}, which answer codes.
 *
 * @param obligationId 1 to {@value #OBLIGATION_ID_CHARS_MAX} characters of {@code [A-Za-z0-9-]}, unique within its cooperative
 * @param coopId the cooperative
 * @param traderId the member it is collected from
 * @param kind what it collects
 * @param dailyAmountRupiah accrues every day from {@code startDate}, 1 to {@link #DAILY_AMOUNT_MAX_RUPIAH}
 * @param startDate the first day that accrues
 * @param endDate the last day that accrues, or null while it runs
 * @param totalRupiah the most ever collected, 1 to {@link #TOTAL_MAX_RUPIAH}, or null when open-ended
 */
public record Obligation(String obligationId, String coopId, String traderId, ObligationKind kind,
        long dailyAmountRupiah, LocalDate startDate, LocalDate endDate, Long totalRupiah) {

    public static final int OBLIGATION_ID_CHARS_MAX = 32;
    /** The reference data's limits on the ids an obligation names. */
    public static final int COOP_ID_CHARS_MAX = 16;
    public static final int TRADER_ID_CHARS_MAX = 32;
    /**
     * Rp1,000,000,000 a day. With dates bounded to {@link #DATE_MIN}..{@link #DATE_MAX}
     * (2,932,897 days) an accrual is at most 2.93e15 rupiah, far inside a long (9.2e18), so that
     * the sums of a member's {@link ObligationBook#OBLIGATIONS_PER_TRADER_MAX} obligations fit too.
     */
    public static final long DAILY_AMOUNT_MAX_RUPIAH = 1_000_000_000L;
    /** Rp10^15: above any accrual a cooperative could see, bounded for the same reason. */
    public static final long TOTAL_MAX_RUPIAH = 1_000_000_000_000_000L;
    /** Dates are {@code YYYY-MM-DD} with a four-digit year, from the epoch on. */
    public static final LocalDate DATE_MIN = LocalDate.of(1970, 1, 1);
    public static final LocalDate DATE_MAX = LocalDate.of(9999, 12, 31);

    public Obligation {
        require(isId(obligationId, OBLIGATION_ID_CHARS_MAX), "obligationId", obligationId);
        require(isId(coopId, COOP_ID_CHARS_MAX), "coopId", coopId);
        require(isId(traderId, TRADER_ID_CHARS_MAX), "traderId", traderId);
        Objects.requireNonNull(kind, "kind");
        require(dailyAmountRupiah >= 1 && dailyAmountRupiah <= DAILY_AMOUNT_MAX_RUPIAH, "dailyAmount", dailyAmountRupiah);
        require(inDateRange(startDate), "startDate", startDate);
        require(endDate == null || inDateRange(endDate), "endDate", endDate);
        require(totalRupiah == null || totalRupiah >= 1 && totalRupiah <= TOTAL_MAX_RUPIAH, "total", totalRupiah);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("obligation " + field + " out of range: " + value);
        }
    }

    /** This obligation with {@code endDate} as its end. */
    public Obligation endedOn(LocalDate date) {
        return new Obligation(obligationId, coopId, traderId, kind, dailyAmountRupiah, startDate, date, totalRupiah);
    }

    /** True when the terms (everything but the end) are equal: a PUT of them is a replay. */
    public boolean sameTerms(Obligation other) {
        return obligationId.equals(other.obligationId) && coopId.equals(other.coopId)
                && traderId.equals(other.traderId) && kind == other.kind
                && dailyAmountRupiah == other.dailyAmountRupiah && startDate.equals(other.startDate)
                && Objects.equals(totalRupiah, other.totalRupiah);
    }

    /**
     * Checks the fields of a {@code PUT /v1/coops/{coopId}/obligations/{obligationId}}, as the API
     * layer decoded them (null = absent; a JSON amount that is not an integer is the decoder's
     * {@code INVALID_AMOUNT}). The path's obligation id first, then missing fields, then each field
     * in order; membership of the trader (404) and idempotency (422, {@link ObligationBook#put})
     * come after.
     *
     * @param coopId the path's cooperative, already authenticated
     */
    public static Checked<Obligation> check(String coopId, String obligationId, String traderId, String kind,
            Long dailyAmountRupiah, String startDate, Long totalRupiah) {
        if (obligationId == null || !isId(obligationId, OBLIGATION_ID_CHARS_MAX)) {
            return Checked.rejected(ObligationCode.INVALID_FIELD, "obligationId",
                    "obligationId must be 1 to " + OBLIGATION_ID_CHARS_MAX + " characters of A-Z, a-z, 0-9 and '-'");
        }
        if (traderId == null) {
            return missing("traderId");
        }
        if (kind == null) {
            return missing("kind");
        }
        if (dailyAmountRupiah == null) {
            return missing("dailyAmount");
        }
        if (startDate == null) {
            return missing("startDate");
        }
        if (!isId(traderId, TRADER_ID_CHARS_MAX)) {
            return Checked.rejected(ObligationCode.INVALID_FIELD, "traderId",
                    "traderId must be 1 to " + TRADER_ID_CHARS_MAX + " characters of A-Z, a-z, 0-9 and '-'");
        }
        ObligationKind k = ObligationKind.parse(kind);
        if (k == null) {
            return Checked.rejected(ObligationCode.INVALID_FIELD, "kind",
                    "kind must be RETRIBUSI, ANGSURAN or SIMPANAN_WAJIB");
        }
        if (dailyAmountRupiah < 1 || dailyAmountRupiah > DAILY_AMOUNT_MAX_RUPIAH) {
            return Checked.rejected(ObligationCode.INVALID_AMOUNT, "dailyAmount",
                    "dailyAmount must be between 1 and " + DAILY_AMOUNT_MAX_RUPIAH + " rupiah");
        }
        LocalDate start = parseDate(startDate);
        if (start == null) {
            return invalidDate("startDate");
        }
        if (totalRupiah != null && (totalRupiah < 1 || totalRupiah > TOTAL_MAX_RUPIAH)) {
            return Checked.rejected(ObligationCode.INVALID_AMOUNT, "total",
                    "total must be between 1 and " + TOTAL_MAX_RUPIAH + " rupiah");
        }
        return Checked.ok(new Obligation(obligationId, coopId, traderId, k, dailyAmountRupiah, start, null,
                totalRupiah));
    }

    /**
     * Checks the {@code endDate} of a {@code POST .../obligations/{obligationId}/end}; whether it
     * falls before the last close is {@link ObligationBook#end}'s check.
     */
    public static Checked<LocalDate> checkEndDate(String endDate) {
        if (endDate == null) {
            return missing("endDate");
        }
        LocalDate end = parseDate(endDate);
        return end == null ? invalidDate("endDate") : Checked.ok(end);
    }

    private static <T> Checked<T> missing(String field) {
        return Checked.rejected(ObligationCode.MISSING_FIELD, field, "'" + field + "' is required");
    }

    private static <T> Checked<T> invalidDate(String field) {
        return Checked.rejected(ObligationCode.INVALID_FIELD, field,
                field + " must be a date YYYY-MM-DD from " + DATE_MIN + " to " + DATE_MAX);
    }

    /**
     * A date written exactly {@code YYYY-MM-DD}, a real calendar day from {@link #DATE_MIN} to
     * {@link #DATE_MAX}, or null. Stricter than {@link LocalDate#parse}, which also takes signed
     * years of more than four digits.
     */
    public static LocalDate parseDate(String text) {
        if (text == null || text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException e) {
            return null; // 30 February and the like
        }
        return inDateRange(date) ? date : null;
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static boolean inDateRange(LocalDate date) {
        return date != null && !date.isBefore(DATE_MIN) && !date.isAfter(DATE_MAX);
    }

    /** True when {@code id} is 1 to {@code charsMax} characters of {@code [A-Za-z0-9-]}. */
    public static boolean isId(String id, int charsMax) {
        if (id == null || id.isEmpty() || id.length() > charsMax) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
