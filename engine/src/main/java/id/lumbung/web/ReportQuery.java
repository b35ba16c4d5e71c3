package id.lumbung.web;

import id.lumbung.core.obligation.Obligation;
import id.lumbung.core.obligation.Statement;
import java.time.LocalDate;

/**
 * The query parameters of the member statement ({@code from}, {@code to}) and of the SHU
 * ({@code year}, {@code surplus}, {@code servicePct}, {@code capitalPct}), checked once for the
 * cooperative API and the portal alike. A refusal names its problem code (the terminal API's) and
 * a detail written here, never copied from the request.
 */
public final class ReportQuery {
    /** {@code surplus} digits at most: 18 digits always fit a {@code long}. */
    static final int SURPLUS_DIGITS_MAX = 18;

    /**
     * A checked query: exactly one of {@code value} and {@code problem} is set; {@code field} names
     * the parameter at fault.
     *
     * @param <T> the checked parameters
     */
    public record Parsed<T>(T value, Problem problem, String field, String detail) {
        static <T> Parsed<T> ok(T value) {
            return new Parsed<>(value, null, null, null);
        }

        static <T> Parsed<T> refused(Problem problem, String field, String detail) {
            return new Parsed<>(null, problem, field, detail);
        }

        public boolean ok() {
            return problem == null;
        }
    }

    /** A statement's period: close dates, both inclusive. */
    public record Period(LocalDate from, LocalDate to) {
    }

    /** The SHU's parameters: whole rupiah and whole percents. */
    public record ShuParams(int year, long surplusRupiah, int servicePct, int capitalPct) {
    }

    private ReportQuery() {
    }

    /**
     * {@code from} and {@code to} as {@code YYYY-MM-DD}; each absent one defaults to its end of the
     * month of {@code today} (the engine clock's date in Asia/Jakarta). {@code INVALID_FIELD} for a
     * date that is not one, or a {@code from} after {@code to}.
     */
    public static Parsed<Period> period(String from, String to, LocalDate today) {
        LocalDate[] month = Statement.currentMonth(today);
        LocalDate f = month[0];
        LocalDate t = month[1];
        if (from != null) {
            f = Obligation.parseDate(from);
            if (f == null) {
                return Parsed.refused(Problem.INVALID_FIELD, "from", "from must be a date YYYY-MM-DD");
            }
        }
        if (to != null) {
            t = Obligation.parseDate(to);
            if (t == null) {
                return Parsed.refused(Problem.INVALID_FIELD, "to", "to must be a date YYYY-MM-DD");
            }
        }
        if (t.isBefore(f)) {
            return Parsed.refused(Problem.INVALID_FIELD, "from", "from must not be after to");
        }
        return Parsed.ok(new Period(f, t));
    }

    /**
     * All four parameters are required ({@code MISSING_FIELD}). {@code year} is four digits from
     * 1970; {@code surplus} whole rupiah ({@code INVALID_AMOUNT} otherwise); the percents whole
     * numbers 0 to 100 with {@code servicePct + capitalPct} at most 100 ({@code INVALID_FIELD}).
     */
    public static Parsed<ShuParams> shu(String year, String surplus, String servicePct, String capitalPct) {
        for (String[] p : new String[][] {{"year", year}, {"surplus", surplus}, {"servicePct", servicePct},
                {"capitalPct", capitalPct}}) {
            if (p[1] == null || p[1].isEmpty()) {
                return Parsed.refused(Problem.MISSING_FIELD, p[0], "'" + p[0] + "' is required");
            }
        }
        long y = digits(year, 4);
        if (year.length() != 4 || y < Obligation.DATE_MIN.getYear()) {
            return Parsed.refused(Problem.INVALID_FIELD, "year", "year must be four digits, " + Obligation.DATE_MIN.getYear()
                    + " or later");
        }
        long s = digits(surplus, SURPLUS_DIGITS_MAX);
        if (s < 0) {
            return Parsed.refused(Problem.INVALID_AMOUNT, "surplus", "surplus must be whole rupiah, 0 or more, at most "
                    + SURPLUS_DIGITS_MAX + " digits");
        }
        long service = digits(servicePct, 3);
        long capital = digits(capitalPct, 3);
        if (service < 0 || service > 100) {
            return Parsed.refused(Problem.INVALID_FIELD, "servicePct", "servicePct must be a whole percent from 0 to 100");
        }
        if (capital < 0 || capital > 100 || service + capital > 100) {
            return Parsed.refused(Problem.INVALID_FIELD, "capitalPct",
                    "capitalPct must be a whole percent from 0 to 100, and servicePct + capitalPct at most 100");
        }
        return Parsed.ok(new ShuParams((int) y, s, (int) service, (int) capital));
    }

    /** The value of 1 to {@code digitsMax} ASCII digits, or -1. */
    public static long digits(String text, int digitsMax) {
        if (text.isEmpty() || text.length() > digitsMax) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
