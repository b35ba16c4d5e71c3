package id.lumbung.core.payment;

/**
 * The rules every payment meets whichever way it arrives (HTTP JSON, ISO 8583): the currency and
 * the amount range. The one home of both; the decoders and the gateway ask here.
 *
 * <p>Amounts are whole rupiah: ISO 4217 gives IDR two minor units, but sen are not in circulation,
 * so an ISO 8583 amount (minor units) must be a whole number of rupiah.
 */
public final class PaymentRules {
    /** The only currency the engine takes, as its ISO 4217 code. */
    public static final String CURRENCY = "IDR";
    /** {@link #CURRENCY} as its ISO 4217 numeric code (ISO 8583 field 49). */
    public static final String CURRENCY_NUMERIC = "360";
    /** The smallest amount, in rupiah. */
    public static final long AMOUNT_MIN_RUPIAH = 1;
    /** ISO 4217 minor units per rupiah (exponent 2). */
    public static final long MINOR_UNITS_PER_RUPIAH = 100;

    private final long amountMaxRupiah;

    /** @param amountMaxRupiah the largest amount accepted (configuration), at least {@link #AMOUNT_MIN_RUPIAH} */
    public PaymentRules(long amountMaxRupiah) {
        if (amountMaxRupiah < AMOUNT_MIN_RUPIAH) {
            throw new IllegalArgumentException("amountMaxRupiah must be at least " + AMOUNT_MIN_RUPIAH + ": "
                    + amountMaxRupiah);
        }
        this.amountMaxRupiah = amountMaxRupiah;
    }

    public long amountMaxRupiah() {
        return amountMaxRupiah;
    }

    /** Whether a whole-rupiah amount is within {@link #AMOUNT_MIN_RUPIAH}..{@link #amountMaxRupiah}. */
    public boolean amountInRange(long rupiah) {
        return rupiah >= AMOUNT_MIN_RUPIAH && rupiah <= amountMaxRupiah;
    }

    /** Whether an amount in minor units (ISO 8583 field 4) is a whole number of rupiah within the range. */
    public boolean minorUnitsInRange(long minorUnits) {
        return minorUnits >= 0 && minorUnits % MINOR_UNITS_PER_RUPIAH == 0
                && amountInRange(minorUnits / MINOR_UNITS_PER_RUPIAH);
    }
}
