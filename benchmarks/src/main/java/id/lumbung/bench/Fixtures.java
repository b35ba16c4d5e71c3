package id.lumbung.bench;

import id.lumbung.core.journal.PaymentRequest;
import java.nio.charset.StandardCharsets;

/** Realistic payment data shared by the benchmarks: the DESIGN.md "Terminal API" example payment. */
final class Fixtures {
    static final String TERMINAL_ID = "T0000001";
    static final String TXN_ID = "000123";
    static final long AMOUNT_RUPIAH = 15_000;
    static final String OCCURRED_AT = "2026-11-29T10:15:30+07:00";
    /** 2026-11-29T03:15:30Z, the instant of {@link #OCCURRED_AT}. */
    static final long OCCURRED_AT_EPOCH_MS = 1_795_922_130_000L;
    static final int OCCURRED_AT_OFFSET_SECONDS = 7 * 3600;
    static final String TRADER_ID = "TR000001";
    static final String COOP_ID = "KOP001";
    static final String PAYER_REF = "INV-2026-000123";
    /** The DESIGN.md default amountMax: the QRIS cap of Rp10,000,000. */
    static final long AMOUNT_MAX_RUPIAH = 10_000_000;

    private Fixtures() {
    }

    /** The example payment without the optional fields. */
    static PaymentRequest payment() {
        return new PaymentRequest(TERMINAL_ID, TXN_ID, AMOUNT_RUPIAH, "IDR", OCCURRED_AT_EPOCH_MS,
                OCCURRED_AT_OFFSET_SECONDS, "QRIS", null, null);
    }

    /** The example payment with a payerRef, which brings its journal entry to about 100 bytes. */
    static PaymentRequest paymentWithPayerRef() {
        return new PaymentRequest(TERMINAL_ID, TXN_ID, AMOUNT_RUPIAH, "IDR", OCCURRED_AT_EPOCH_MS,
                OCCURRED_AT_OFFSET_SECONDS, "QRIS", PAYER_REF, null);
    }

    /** One payment's JSON body as a terminal sends it (DESIGN.md "Terminal API"). */
    static String paymentJson(String txnId) {
        return "{\"terminalId\":\"" + TERMINAL_ID + "\",\"txnId\":\"" + txnId + "\",\"amount\":" + AMOUNT_RUPIAH
                + ",\"currency\":\"IDR\",\"occurredAt\":\"" + OCCURRED_AT + "\",\"method\":\"QRIS\"}";
    }

    static byte[] paymentJsonBytes() {
        return paymentJson(TXN_ID).getBytes(StandardCharsets.UTF_8);
    }

    /** A batch body of {@code items} payments with distinct txnIds, as an offline terminal uploads it. */
    static byte[] batchJsonBytes(int items) {
        StringBuilder out = new StringBuilder("{\"payments\":[");
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(paymentJson(String.format("%06d", 123 + i)));
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
