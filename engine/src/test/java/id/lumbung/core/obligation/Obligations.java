package id.lumbung.core.obligation;

import java.time.LocalDate;

/** Obligations for tests, checked through the request path so that every one is valid. */
final class Obligations {
    static final String COOP = "C1";

    private Obligations() {
    }

    static Obligation of(String id, String trader, ObligationKind kind, long daily, String start, Long total) {
        Checked<Obligation> c = Obligation.check(COOP, id, trader, kind.name(), daily, start, total);
        if (!c.ok()) {
            throw new IllegalArgumentException(c.rejection().toString());
        }
        return c.value();
    }

    static LocalDate date(String text) {
        return LocalDate.parse(text);
    }
}
