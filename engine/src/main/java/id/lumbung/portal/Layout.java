package id.lumbung.portal;

import id.lumbung.core.reference.Coop;

/** The frame every portal page shares: head, the cooperative's name, navigation, language switch, sign-out. */
final class Layout {
    private Layout() {
    }

    /**
     * A whole page.
     *
     * @param coop the signed-in cooperative, or null on the sign-in page (no navigation then)
     * @param current the page shown, for {@code aria-current}, or null
     * @param path this page's path, with the query that shows the same content (no {@code lang}),
     *     which the language links point back to
     * @param main the {@code <main>} content, already escaped
     */
    static String page(Lang lang, Coop coop, Page current, String path, String title, CharSequence main) {
        StringBuilder sb = new StringBuilder(2048 + main.length());
        sb.append("<!doctype html><html lang=\"").append(lang.code).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
        Html.text(sb, title).append(" · Lumbung</title><link rel=\"stylesheet\" href=\"").append(PortalAssets.cssHref())
                .append("\"><link rel=\"icon\" href=\"data:,\"></head><body><header class=\"top\"><div class=\"brand\">Lumbung");
        if (coop != null) {
            Html.text(sb.append("<small>"), coop.name()).append("</small>");
        } else {
            Html.text(sb.append("<small>"), Text.PORTAL.in(lang)).append("</small>");
        }
        sb.append("</div>");
        if (coop != null) {
            sb.append("<nav class=\"pages\">");
            for (Page p : Page.values()) {
                sb.append("<a href=\"").append(p.path).append('"');
                if (p == current) {
                    sb.append(" aria-current=\"page\"");
                }
                Html.text(sb.append('>'), p.label.in(lang)).append("</a>");
            }
            sb.append("</nav>");
        }
        sb.append("<div class=\"tools\"><span class=\"langs\" aria-label=\"");
        Html.text(sb, Text.LANGUAGE.in(lang)).append("\">");
        for (Lang l : Lang.values()) {
            sb.append("<a id=\"lang-").append(l.code).append("\" lang=\"").append(l.code).append("\" href=\"");
            Html.text(sb, path).append(path.indexOf('?') < 0 ? "?lang=" : "&amp;lang=").append(l.code).append('"');
            if (l == lang) {
                sb.append(" aria-current=\"true\"");
            }
            sb.append('>').append(l.code.toUpperCase(java.util.Locale.ROOT)).append("</a>");
        }
        sb.append("</span>");
        if (coop != null) {
            sb.append("<form method=\"post\" action=\"").append(Portal.SIGN_OUT).append("\"><button id=\"signout\" type=\"submit\">");
            Html.text(sb, Text.SIGN_OUT.in(lang)).append("</button></form>");
        }
        return sb.append("</div></header><main>").append(main).append("</main></body></html>").toString();
    }
}
