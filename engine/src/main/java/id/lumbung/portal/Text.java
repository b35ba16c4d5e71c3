package id.lumbung.portal;

/** Every text the portal shows, in Indonesian and English. */
enum Text {
    PORTAL("Portal koperasi", "Cooperative portal"),
    SIGN_IN("Masuk", "Sign in"),
    SIGN_IN_HINT("Masuk dengan ID koperasi dan token API koperasi Anda.",
            "Sign in with your cooperative ID and your cooperative API token."),
    COOP_ID("ID koperasi", "Cooperative ID"),
    TOKEN("Token", "Token"),
    WRONG_TOKEN("ID koperasi atau token salah.", "Wrong cooperative ID or token."),
    TOO_MANY_SESSIONS("Terlalu banyak sesi aktif. Coba lagi nanti.", "Too many active sessions. Try again later."),
    SIGN_OUT("Keluar", "Sign out"),
    LANGUAGE("Bahasa", "Language"),
    BATCHES("Batch", "Batches"),
    BATCHES_TITLE("Batch setelmen", "Settlement batches"),
    CHART("Grafik 30 hari", "30-day chart"),
    MEMBERS("Anggota", "Members"),
    BATCH("Batch", "Batch"),
    CLOSED_AT("Ditutup", "Closed"),
    PAYMENTS("Transaksi", "Payments"),
    GROSS("Bruto", "Gross"),
    FEE("Biaya", "Fee"),
    NET("Neto", "Net"),
    FILES("Berkas", "Files"),
    NO_BATCHES("Belum ada batch setelmen.", "No settlement batches yet."),
    NEWER("Lebih baru", "Newer"),
    OLDER("Lebih lama", "Older"),
    PAGE("Halaman", "Page"),
    CHART_TITLE("Bruto dan pembayaran harian, 30 hari terakhir", "Daily gross and payouts, last 30 days"),
    PAYOUTS("Pembayaran", "Payouts"),
    PAYOUTS_NOTE("Pembayaran: neto yang disetelmen ke rekening anggota.", "Payouts: the net settled to the members' accounts."),
    DATE("Tanggal", "Date"),
    TOTAL("Total", "Total"),
    NO_SETTLEMENTS_30("Tidak ada setelmen dalam 30 hari terakhir.", "No settlements in the last 30 days."),
    MEMBER_ID("ID anggota", "Member ID"),
    NAME("Nama", "Name"),
    BALANCE("Saldo", "Balance"),
    COOP_BALANCE("Saldo koperasi (neto yang disetelmen)", "Cooperative balance (settled net)"),
    SEARCH("Cari", "Search"),
    SEARCH_LABEL("Nama atau ID anggota", "Member name or ID"),
    NO_MEMBERS("Tidak ada anggota yang cocok.", "No member matches."),
    FIRST_OF("Ditampilkan %d pertama dari %d; persempit pencarian.", "Showing the first %d of %d; narrow the search."),
    REFUSED("Permintaan ditolak.", "Request refused."),
    NOT_FOUND("Halaman tidak ditemukan.", "Page not found.");

    private final String id;
    private final String en;

    Text(String id, String en) {
        this.id = id;
        this.en = en;
    }

    String in(Lang lang) {
        return lang == Lang.ID ? id : en;
    }
}
