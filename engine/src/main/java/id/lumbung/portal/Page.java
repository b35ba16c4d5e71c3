package id.lumbung.portal;

/**
 * The signed-in pages, in navigation order. A page is listed here only once its data exists in
 * the engine: obligations, a member's statement and the year-end SHU table join when member
 * obligations are settled (docs/DECISIONS.md).
 */
enum Page {
    BATCHES("/portal/batches", Text.BATCHES),
    CHART("/portal/chart", Text.CHART),
    MEMBERS("/portal/members", Text.MEMBERS);

    final String path;
    final Text label;

    Page(String path, Text label) {
        this.path = path;
        this.label = label;
    }

    /** The page served at exactly this path, or null. */
    static Page at(String path) {
        for (Page p : values()) {
            if (p.path.equals(path)) {
                return p;
            }
        }
        return null;
    }
}
