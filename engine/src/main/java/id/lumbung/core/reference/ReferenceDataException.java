package id.lumbung.core.reference;

/** Reference data that cannot be used: the message names the file and line. */
public final class ReferenceDataException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReferenceDataException(String message) {
        super(message);
    }

    public ReferenceDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
