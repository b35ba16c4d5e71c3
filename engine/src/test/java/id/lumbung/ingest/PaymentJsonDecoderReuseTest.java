package id.lumbung.ingest;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.journal.PaymentDraft;
import id.lumbung.core.journal.PaymentRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder reuses one Jackson stream, its result holders and interned Strings across bodies.
 * Over seeded random sequences of valid and broken bodies, singles and batches interleaved, one
 * reused decoder must answer exactly what the decoder before reuse answered for each body alone
 * ({@link LegacyPaymentJsonDecoder}, a fresh parser per body): same request field for field, or the
 * same code and detail. Nothing of one body may show in the next.
 */
class PaymentJsonDecoderReuseTest {
    private static final long AMOUNT_MAX = EngineConfig.AMOUNT_MAX_DEFAULT;
    private static final int ROUNDS = 20_000;
    private static final String[] KEYS = {"terminalId", "txnId", "amount", "currency", "occurredAt", "method", "payerRef", "merchantId"};
    private static final String[] JUNK = {" ", "\n\t\r ", "x", "{}", "1", "\"", "[", "}", "tru", "nul", "\"a\"", ",", "0", "-", "1e", "/"};
    private static final String[] TIMESTAMPS = {"2026-11-29T10:15:30+07:00", "2026-11-29T03:15:30Z", "2026-11-29T10:15:30.5+07:00",
        "2026-11-29T10:15:30.123000000-03:30", "2026-11-29T10:15+07:00", "2026-02-30T10:15:30Z", "2026-11-29T10:15:30+07:00:00",
        "2026-11-29 10:15:30Z", "+2026-11-29T10:15:30Z", "2026-11-29T24:00:00Z", "", "2026-11-29T10:15:30+18:00",
        "2026-11-29T10:15:30.123456789-03:30", "2026-11-29T10:15:30.1230001Z", "2026-11-29T10:15:30.123456+07:00:00",
        "2026-11-29T10:15:30.1234567890Z"};
    private static final String[] METHODS = {"QRIS", "CARD", "CASH_IN", "qris", "", "A_VERY_LONG_METHOD_NAME", "Q1"};

    /** The body before the one being checked, named in a failure: a leak shows as a pair. */
    private byte[] previous;

    @Test
    void reusedDecoderAnswersAsAFreshDecoderOverSeededSequences() {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            PaymentJsonDecoder reused = new PaymentJsonDecoder(AMOUNT_MAX);
            previous = new byte[0];
            for (int round = 0; round < ROUNDS; round++) {
                if (random.nextInt(4) == 0) {
                    int itemsMax = 1 + random.nextInt(6);
                    byte[] body = mutate(random, batchBody(random).getBytes(StandardCharsets.UTF_8));
                    assertSameBatch(reused.decodeBatch(body, body.length, itemsMax),
                            new LegacyPaymentJsonDecoder(AMOUNT_MAX).decodeBatch(body, body.length, itemsMax), seed, round, body);
                    previous = body;
                } else {
                    byte[] body = mutate(random, paymentBody(random).getBytes(StandardCharsets.UTF_8));
                    assertSameItem(reused.decodeOne(body, body.length),
                            new LegacyPaymentJsonDecoder(AMOUNT_MAX).decodeOne(body, body.length), seed, round, body);
                    previous = body;
                }
            }
        }
    }

    @Test
    void readOneHandsOverTheCheckedIdsAndNothingOfThePreviousBody() {
        PaymentJsonDecoder decoder = new PaymentJsonDecoder(AMOUNT_MAX);
        String terminalId = new String("T0000001".toCharArray());
        String traderId = new String("M0000001".toCharArray());
        byte[] full = ("{\"terminalId\":\"T0000001\",\"txnId\":\"000123\",\"amount\":15000,\"currency\":\"IDR\","
                + "\"occurredAt\":\"2026-11-29T10:15:30+07:00\",\"method\":\"QRIS\",\"payerRef\":\"ref 1\",\"merchantId\":\"M0000001\"}")
                .getBytes(StandardCharsets.UTF_8);
        DecodedPayment d = decoder.readOne(full, full.length);
        assertThat(d.error()).isNull();
        PaymentDraft draft = new PaymentDraft();
        PaymentRequest r = d.copyTo(draft, terminalId, traderId).toRequest();
        assertThat(r.terminalId()).isSameAs(terminalId);
        assertThat(r.merchantId()).isSameAs(traderId);
        assertThat(draft.sameContent(r)).isTrue();
        assertThat(r).isEqualTo(new PaymentRequest("T0000001", "000123", 15000, "IDR", 1_795_922_130_000L, 7 * 3600, "QRIS",
                "ref 1", "M0000001"));

        byte[] bare = ("{\"terminalId\":\"T0000001\",\"txnId\":\"9\",\"amount\":1,\"currency\":\"IDR\","
                + "\"occurredAt\":\"2026-11-29T03:15:30Z\",\"method\":\"QRIS\"}").getBytes(StandardCharsets.UTF_8);
        DecodedPayment again = decoder.readOne(bare, bare.length);
        assertThat(again).isSameAs(d);
        assertThat(again.hasMerchantId()).isFalse();
        PaymentRequest second = again.copyTo(draft, terminalId, null).toRequest();
        assertThat(second).isEqualTo(new PaymentRequest("T0000001", "9", 1, "IDR", 1_795_922_130_000L, 0, "QRIS", null, null));
        assertThat(second.method()).isSameAs(r.method());
        // the draft is the writer's copy, not the holder: decoding a third body does not change it
        decoder.readOne(full, full.length);
        assertThat(draft.toRequest()).isEqualTo(second);
        assertThat(draft.sameContent(r)).isFalse();
    }

    private void assertSameItem(PaymentJsonDecoder.Item got, LegacyPaymentJsonDecoder.Item want, long seed, int round, byte[] body) {
        String what = "seed " + seed + " round " + round + ": " + new String(body, StandardCharsets.UTF_8) + " after "
                + new String(previous, StandardCharsets.UTF_8);
        assertThat(got.request()).as(what).isEqualTo(want.request());
        assertThat(got.error()).as(what).isEqualTo(want.error());
    }

    private void assertSameBatch(PaymentJsonDecoder.Batch got, LegacyPaymentJsonDecoder.Batch want, long seed, int round,
            byte[] body) {
        String what = "seed " + seed + " round " + round + ": " + new String(body, StandardCharsets.UTF_8) + " after "
                + new String(previous, StandardCharsets.UTF_8);
        assertThat(got.error()).as(what).isEqualTo(want.error());
        assertThat(got.items()).as(what).hasSameSizeAs(want.items());
        for (int i = 0; i < got.items().size(); i++) {
            assertSameItem(got.items().get(i), want.items().get(i), seed, round, body);
        }
    }

    /** A payment object: mostly valid, with random key order, spacing, optional and broken fields. */
    private static String paymentBody(SplittableRandom random) {
        List<String> fields = new ArrayList<>();
        boolean valid = random.nextInt(3) != 0;
        for (String key : KEYS) {
            boolean optional = key.equals("payerRef") || key.equals("merchantId");
            if (optional ? random.nextBoolean() : valid || random.nextInt(8) != 0) {
                fields.add(field(random, key, valid || random.nextInt(3) != 0));
            }
        }
        if (!valid) {
            switch (random.nextInt(5)) {
                case 0 -> fields.add(field(random, KEYS[random.nextInt(KEYS.length)], true)); // repeated
                case 1 -> fields.add("\"extra" + random.nextInt(1000) + "\":1"); // unknown, a new name each time
                case 2 -> fields.add("\"" + KEYS[random.nextInt(KEYS.length)] + "\":{\"n\":[1,{\"m\":2}]}");
                case 3 -> fields.add("\"amount\":" + (random.nextBoolean() ? "1.5" : "123456789012345678901234"));
                default -> { }
            }
        }
        for (int i = fields.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = fields.get(i);
            fields.set(i, fields.get(j));
            fields.set(j, t);
        }
        String space = random.nextInt(4) == 0 ? " \n" : "";
        return "{" + space + String.join("," + space, fields) + space + "}";
    }

    private static String field(SplittableRandom random, String key, boolean valid) {
        String value = switch (key) {
            case "terminalId", "merchantId" -> valid ? quoted("T" + random.nextInt(100)) : pick(random, "\"\"", "\"T 1\"", "null", "12",
                    quoted("T".repeat(33)), "\"T\\u0031\"");
            case "txnId" -> valid ? quoted(Integer.toString(random.nextInt(1_000_000))) : pick(random, "\"\"", "true", "\"t\u00e9\"");
            case "amount" -> valid ? Long.toString(1 + random.nextLong(AMOUNT_MAX)) : pick(random, "0", "-5", "\"1500\"", "1.5e3",
                    Long.toString(AMOUNT_MAX + 1), "9223372036854775808");
            case "currency" -> valid ? "\"IDR\"" : pick(random, "\"idr\"", "\"USD\"", "\"ID\"", "null", "\"IDR \"", "\"I\\u0044R\"",
                    "\"ID\\ud800\"");
            case "occurredAt" -> valid ? quoted(TIMESTAMPS[random.nextInt(4)]) : random.nextBoolean()
                    ? quoted(TIMESTAMPS[random.nextInt(TIMESTAMPS.length)]) : pick(random, "1764386130000", "null");
            case "method" -> valid ? quoted(METHODS[random.nextInt(3)]) : quoted(METHODS[random.nextInt(METHODS.length)]);
            case "payerRef" -> valid ? pick(random, "null", "\"ref-1\"", "\"pembeli \u00e0 \ud83d\ude00\"",
                    quoted("\ud83d\ude00".repeat(64)), "\"\\ud83d\\ude00\"") : pick(random, "\"a\\u0001\"",
                    quoted("r".repeat(65)), "5", quoted("\ud83d\ude00".repeat(65)), "\"a\\ud800b\"", "\"\\udc00\"",
                    "\"\\ud83d\"");
            default -> "1";
        };
        return "\"" + key + "\":" + value;
    }

    private static String batchBody(SplittableRandom random) {
        int n = random.nextInt(8);
        StringBuilder sb = new StringBuilder("{\"payments\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(random.nextInt(12) == 0 ? pick(random, "1", "\"x\"", "[1,2]", "null") : paymentBody(random));
        }
        sb.append(']');
        switch (random.nextInt(12)) {
            case 0 -> sb.append(",\"payments\":[]");
            case 1 -> sb.append(",\"other\":1");
            case 2 -> sb.append(",\"other\\ud800\":1");
            default -> { }
        }
        sb.append('}');
        return random.nextInt(20) == 0 ? pick(random, "{}", "{\"payments\":{}}", "[]", "{\"other\":[]}") : sb.toString();
    }

    /** Most bodies as built; the rest cut short, followed by junk, with a flipped byte, or wrapped. */
    private static byte[] mutate(SplittableRandom random, byte[] body) {
        switch (random.nextInt(10)) {
            case 0 -> {
                return java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
            }
            case 1 -> {
                return concat(body, JUNK[random.nextInt(JUNK.length)].getBytes(StandardCharsets.UTF_8));
            }
            case 2 -> {
                byte[] b = body.clone();
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            case 3 -> {
                return concat(pick(random, "\u00ef\u00bb\u00bf", " ", "[[[[[[[[[[").getBytes(StandardCharsets.ISO_8859_1), body);
            }
            default -> {
                return body;
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private static String pick(SplittableRandom random, String... options) {
        return options[random.nextInt(options.length)];
    }
}
