package id.lumbung.portal;

import id.lumbung.web.HeaderValues;

/**
 * The portal's languages. Chosen by {@code ?lang=id|en}, then by the language cookie an earlier
 * {@code ?lang=} set, then by {@code Accept-Language} (the highest-weighted of Indonesian, whose old
 * code {@code in} counts too, and English), and Indonesian when none of these names one.
 */
enum Lang {
    ID("id", '.'),
    EN("en", ',');

    /** The {@code lang} attribute and query value. */
    final String code;
    private final char groupingSeparator;

    Lang(String code, char groupingSeparator) {
        this.code = code;
        this.groupingSeparator = groupingSeparator;
    }

    /** The language a query or cookie value names, or null. */
    static Lang ofCode(String value) {
        if (value == null) {
            return null;
        }
        for (Lang l : values()) {
            if (l.code.equals(value)) {
                return l;
            }
        }
        return null;
    }

    /** The language of the first choice that names one, Indonesian when none does. */
    static Lang choose(String query, String cookie, String acceptLanguage) {
        Lang l = ofCode(query);
        if (l == null) {
            l = ofCode(cookie);
        }
        if (l == null) {
            l = fromAcceptLanguage(acceptLanguage);
        }
        return l == null ? ID : l;
    }

    /** The highest-weighted of Indonesian and English in an {@code Accept-Language} value (RFC 9110 section 12.5.4); first wins a tie. */
    static Lang fromAcceptLanguage(String header) {
        if (header == null) {
            return null;
        }
        Lang best = null;
        double bestQ = 0;
        for (String range : HeaderValues.ranges(header)) {
            String[] parts = range.split(";");
            String tag = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
            int dash = tag.indexOf('-');
            String primary = dash < 0 ? tag : tag.substring(0, dash);
            Lang l = primary.equals("id") || primary.equals("in") ? ID : primary.equals("en") ? EN : null;
            double q = HeaderValues.weight(parts);
            if (l != null && q > bestQ) {
                best = l;
                bestQ = q;
            }
        }
        return best;
    }


    /** Whole rupiah with this language's thousands separator: {@code Rp 1.234.567} or {@code Rp 1,234,567}. */
    String rupiah(long amountRupiah) {
        return "Rp\u00a0" + grouped(amountRupiah);
    }

    /** A count with this language's thousands separator. */
    String grouped(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (n < 0) {
            sb.append('-');
        }
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        sb.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) {
            sb.append(groupingSeparator).append(digits, i, i + 3);
        }
        return sb.toString();
    }
}
