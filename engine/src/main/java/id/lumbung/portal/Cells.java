package id.lumbung.portal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Table cells of the portal's card tables: each cell carries its column's name in
 * {@code data-label}, which a phone-sized screen shows beside the value (the stylesheet hides the
 * table head there).
 */
final class Cells {
    /** A close time as the portal shows it, in the cooperative's zone, to the minute. */
    private static final DateTimeFormatter CLOSED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Cells() {
    }

    static void header(StringBuilder sb, Lang lang, Text text, boolean numeric) {
        sb.append(numeric ? "<th class=\"num\">" : "<th>");
        Html.text(sb, text.in(lang)).append("</th>");
    }

    /** Opens a cell; the caller appends its escaped content and {@code </td>}. */
    static StringBuilder open(StringBuilder sb, Lang lang, Text label, boolean numeric) {
        sb.append(numeric ? "<td class=\"num\" data-label=\"" : "<td data-label=\"");
        return Html.text(sb, label.in(lang)).append("\">");
    }

    static void text(StringBuilder sb, Lang lang, Text label, String value) {
        Html.text(open(sb, lang, label, false), value).append("</td>");
    }

    static void rupiah(StringBuilder sb, Lang lang, Text label, long amountRupiah) {
        open(sb, lang, label, true).append(lang.rupiah(amountRupiah)).append("</td>");
    }

    /** A batch's close time: the instant in {@code <time datetime>}, shown in {@code zone}. */
    static void closedAt(StringBuilder sb, Lang lang, long closedAtEpochMs, ZoneId zone) {
        Instant closed = Instant.ofEpochMilli(closedAtEpochMs);
        open(sb, lang, Text.CLOSED_AT, false).append("<time datetime=\"").append(closed).append("\">")
                .append(CLOSED_AT.format(closed.atZone(zone))).append("</time></td>");
    }

    static void count(StringBuilder sb, Lang lang, Text label, long n) {
        open(sb, lang, label, true).append(lang.grouped(n)).append("</td>");
    }

    /**
     * A labelled input of a form; {@code value} may be null. Type {@code "digits"} is a text input
     * of whole numbers (a rupiah amount can exceed what a browser's number input holds exactly).
     */
    static void input(StringBuilder sb, Lang lang, String name, Text label, String type, String value, boolean required,
            int maxLength) {
        input(sb, lang, name, name, label, type, value, required, maxLength);
    }

    /** As above, with an element id other than the field's name (two forms of a page with the same field). */
    static void input(StringBuilder sb, Lang lang, String id, String name, Text label, String type, String value,
            boolean required, int maxLength) {
        sb.append("<div class=\"field\"><label for=\"").append(id).append("\">");
        Html.text(sb, label.in(lang)).append("</label><input id=\"").append(id).append("\" name=\"").append(name)
                .append("\" type=\"").append(type.equals("digits") ? "text\" inputmode=\"numeric\" pattern=\"[0-9]+" : type)
                .append('"');
        if (maxLength > 0) {
            sb.append(" maxlength=\"").append(maxLength).append('"');
        }
        if (required) {
            sb.append(" required");
        }
        if (value != null) {
            Html.text(sb.append(" value=\""), value).append('"');
        }
        sb.append("></div>");
    }
}
