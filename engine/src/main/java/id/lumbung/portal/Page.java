package id.lumbung.portal;

/** The signed-in pages, in navigation order. */
enum Page {
    BATCHES("/portal/batches", Text.BATCHES),
    CHART("/portal/chart", Text.CHART),
    MEMBERS("/portal/members", Text.MEMBERS),
    OBLIGATIONS("/portal/obligations", Text.OBLIGATIONS),
    STATEMENT("/portal/statement", Text.STATEMENT),
    SHU("/portal/shu", Text.SHU);

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
