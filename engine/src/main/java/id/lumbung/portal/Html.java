package id.lumbung.portal;

/** The portal's HTML escaper: text and attribute values both go through {@link #text}. */
final class Html {
    private Html() {
    }

    /** Appends {@code s} with {@code & < > " '} escaped, safe in element text and quoted attribute values. */
    static StringBuilder text(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb;
    }

    /** {@code s} escaped as {@link #text} does. */
    static String escape(String s) {
        return text(new StringBuilder(s.length() + 16), s).toString();
    }
}
