package id.lumbung.portal;

/** The sign-in form: cooperative id and token; a refused sign-in shows one plain message in {@code role="alert"}. */
final class SignInPage {
    private SignInPage() {
    }

    /**
     * @param coopId the id to fill in again after a refusal, or null
     * @param alert the refusal's message, or null
     */
    static String main(Lang lang, String coopId, Text alert) {
        StringBuilder sb = new StringBuilder(1024);
        Html.text(sb.append("<h1>"), Text.SIGN_IN.in(lang)).append("</h1>");
        if (alert != null) {
            Html.text(sb.append("<p id=\"signin-error\" role=\"alert\">"), alert.in(lang)).append("</p>");
        }
        Html.text(sb.append("<p class=\"note\">"), Text.SIGN_IN_HINT.in(lang)).append("</p>");
        sb.append("<form class=\"signin\" method=\"post\" action=\"").append(Portal.SIGN_IN).append("\"><label for=\"coopId\">");
        Html.text(sb, Text.COOP_ID.in(lang)).append("</label><input id=\"coopId\" name=\"coopId\" autocomplete=\"username\" required")
                .append(" maxlength=\"").append(Portal.FIELD_CHARS_MAX).append("\" value=\"");
        Html.text(sb, coopId == null ? "" : coopId).append("\"><label for=\"token\">");
        Html.text(sb, Text.TOKEN.in(lang)).append("</label><input id=\"token\" name=\"token\" type=\"password\"")
                .append(" autocomplete=\"current-password\" required maxlength=\"").append(Portal.FIELD_CHARS_MAX)
                .append("\"><button id=\"signin\" type=\"submit\">");
        Html.text(sb, Text.SIGN_IN.in(lang)).append("</button></form>");
        return sb.toString();
    }
}
