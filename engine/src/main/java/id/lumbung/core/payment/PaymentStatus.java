package id.lumbung.core.payment;

/** Lifecycle of an accepted payment. */
public enum PaymentStatus {
    ACCEPTED,
    VOIDED,
    SETTLED
}
