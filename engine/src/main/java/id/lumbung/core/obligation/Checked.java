package id.lumbung.core.obligation;

/**
 * A value checked from request fields: exactly one of {@code value} and {@code rejection} is set.
 *
 * @param <T> what was checked
 */
public record Checked<T>(T value, ObligationRejection rejection) {
    public Checked {
        if ((value == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of value and rejection");
        }
    }

    static <T> Checked<T> ok(T value) {
        return new Checked<>(value, null);
    }

    static <T> Checked<T> rejected(ObligationCode code, String field, String detail) {
        return new Checked<>(null, new ObligationRejection(code, field, detail));
    }

    /** True when the fields were accepted. */
    public boolean ok() {
        return rejection == null;
    }
}
