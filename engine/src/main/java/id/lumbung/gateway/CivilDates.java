package id.lumbung.gateway;

/**
 * Proleptic Gregorian date arithmetic on plain numbers (H. Hinnant's days_from_civil and its
 * inverse), so that turning ISO 8583 fields 12/13 into an instant allocates nothing.
 */
final class CivilDates {

    /** 1970-01-01 is day 719,468 counted from 0000-03-01. */
    private static final long EPOCH_SHIFT_DAYS = 719_468L;
    /** A 400-year era: 400 * 365 + 97 leap days. */
    private static final long DAYS_PER_ERA = 146_097L;

    private CivilDates() {
    }

    /** Days since 1970-01-01 of a valid date. */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT_DAYS;
    }

    /** The year that day {@code epochDay} (days since 1970-01-01) falls in. */
    static int yearOfEpochDay(long epochDay) {
        long z = epochDay + EPOCH_SHIFT_DAYS;
        long era = Math.floorDiv(z, DAYS_PER_ERA);
        long dayOfEra = z - era * DAYS_PER_ERA;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthShifted = (5 * dayOfYear + 2) / 153;
        long year = yearOfEra + era * 400 + (monthShifted >= 10 ? 1 : 0);
        return (int) year;
    }

    static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                return isLeap(year) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    static boolean isLeap(int year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }
}
