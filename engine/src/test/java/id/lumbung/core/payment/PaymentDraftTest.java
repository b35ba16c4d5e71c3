package id.lumbung.core.payment;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link PaymentDraft} is the allocation-free form of a {@link PaymentRequest}: it must hash,
 * encode and compare exactly as the request does, or a payment posted over HTTP would get another
 * idempotency key, other journal bytes or another replay decision than the same payment over ISO
 * 8583 (seeded random requests, including non-ASCII payer references and long txnIds), and a
 * retry compared with the known payment's journal entry (as byte slices) must get the decision
 * the requests' comparison gives.
 */
class PaymentDraftTest {
    private static final String[] METHODS = {"QRIS", "CARD", "DEBIT_CARD"};
    private static final String PAYER_CHARS = "abcXYZ019 -_/#ü€漢";

    private static String text(Random random, String alphabet, int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static PaymentRequest randomRequest(Random random) {
        String ids = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
        return new PaymentRequest(text(random, ids, 1, 32), text(random, ids, 1, 40), 1 + random.nextInt(10_000_000), "IDR",
                1_795_000_000_000L + random.nextInt(1_000_000_000), (random.nextInt(29) - 14) * 1800,
                METHODS[random.nextInt(METHODS.length)],
                random.nextBoolean() ? null : text(random, PAYER_CHARS, 0, 64),
                random.nextBoolean() ? null : text(random, ids, 1, 32));
    }

    /** One field of {@code r} changed. */
    private static PaymentRequest mutate(PaymentRequest r, Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> new PaymentRequest(r.terminalId() + "X", r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
            case 1 -> new PaymentRequest(r.terminalId(), r.txnId().substring(1) + "Q", r.amountRupiah(), r.currency(),
                    r.occurredAtEpochMs(), r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
            case 2 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah() + 1, r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
            case 3 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), "USD", r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
            case 4 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs() + 1,
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId());
            case 5 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds() + 1800, r.method(), r.payerRef(), r.merchantId());
            case 6 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method() + "2", r.payerRef(), r.merchantId());
            case 7 -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef() == null ? "" : r.payerRef() + "x", r.merchantId());
            default -> new PaymentRequest(r.terminalId(), r.txnId(), r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), r.payerRef(), r.merchantId() == null ? "M1" : null);
        };
    }

    @Test
    void hashesEncodesAndComparesExactlyAsTheRequest() {
        Random random = new Random(0xD5AF7L);
        EntryCodec fromRequest = new EntryCodec();
        EntryCodec fromDraft = new EntryCodec();
        PaymentDraft draft = new PaymentDraft(); // reused, as a lane slot's is: stale longer fields must not leak
        for (int i = 0; i < 5_000; i++) {
            PaymentRequest r = randomRequest(random);
            char[] txn = r.txnId().toCharArray();
            char[] payer = r.payerRef() == null ? new char[0] : r.payerRef().toCharArray();
            draft.set(r.terminalId(), txn, txn.length, r.amountRupiah(), r.currency(), r.occurredAtEpochMs(),
                    r.occurredAtOffsetSeconds(), r.method(), payer, r.payerRef() == null ? -1 : payer.length, r.merchantId());

            assertThat(RetainedPayments.keyHash(r.terminalId(), draft.txnIdChars(), draft.txnIdLength()))
                    .as("key hash of %s", r).isEqualTo(RetainedPayments.keyHash(r.terminalId(), r.txnId()));
            int n = fromRequest.encodePayment(i + 1, 1_795_000_000_000L + i, r, "TR1", "KOP1");
            int m = fromDraft.encodePayment(i + 1, 1_795_000_000_000L + i, draft, "TR1", "KOP1");
            assertThat(Arrays.copyOf(fromDraft.buffer(), m)).as("entry of %s", r)
                    .isEqualTo(Arrays.copyOf(fromRequest.buffer(), n));
            assertThat(draft.toRequest()).isEqualTo(r);
            assertThat(new PaymentDraft().set(r).toRequest()).isEqualTo(r);

            assertThat(draft.sameContent(r)).isTrue();
            PaymentRequest other = mutate(r, random);
            assertThat(draft.sameContent(other)).as("%s against %s", r, other).isEqualTo(r.sameContent(other));

            // a retry is compared with the known payment's journal entry as byte slices, no Strings:
            // the same decision as comparing the requests
            JournalEntry known = new JournalEntry();
            byte[] entry = Arrays.copyOf(fromRequest.buffer(), n);
            assertThat(new EntryCodec().decodeForReplay(entry, n, known)).isEqualTo(EntryCodec.OK);
            assertThat(draft.sameContent(known)).as("%s against its own entry", r).isTrue();
            PaymentDraft otherDraft = new PaymentDraft().set(other);
            assertThat(otherDraft.sameContent(known)).as("%s against the entry of %s", other, r).isEqualTo(other.sameContent(r));
            assertThat(PaymentDraft.sameText(draft.txnIdChars(), draft.txnIdLength(), known.raw, known.txnIdAt, known.txnIdLength)).isTrue();
            assertThat(PaymentDraft.sameText(other.terminalId(), known.raw, known.terminalIdAt, known.terminalIdLength))
                    .isEqualTo(other.terminalId().equals(r.terminalId()));
        }
    }
}
