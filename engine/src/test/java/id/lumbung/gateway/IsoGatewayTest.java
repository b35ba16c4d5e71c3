package id.lumbung.gateway;

import id.lumbung.Polling;
import id.lumbung.config.IsoMacMode;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentStatus;
import id.lumbung.core.reference.Terminal;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the real gateway over TCP with jPOS ISO87BPackager as the terminal. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IsoGatewayTest {

    /** 2026-11-29 10:15:30 in Jakarta. */
    static final Instant NOW = Instant.parse("2026-11-29T03:15:30Z");
    static final long AMOUNT_MAX_RUPIAH = 10_000_000;
    private static final String PAN = "4111111111111111";
    /** T0000001 is in a key changeover: its next key is accepted as well. */
    private static final Terminal ACTIVE = new Terminal(0, "T0000001", 0, key(1), key(2), false);
    private static final Terminal OTHER = new Terminal(1, "T0000002", 1, key(3), null, false);
    private static final Terminal BLOCKED = new Terminal(2, "T0000003", 0, key(4), null, true);
    /** What a terminal unknown to the gateway signs with. */
    private static final byte[] UNKNOWN_TERMINAL_KEY = key(5);
    static final Map<String, Terminal> TERMINALS =
            Map.of(ACTIVE.terminalId(), ACTIVE, OTHER.terminalId(), OTHER, BLOCKED.terminalId(), BLOCKED);
    static final List<String> TRADERS = List.of("TRADER-001", "TRADER-002");

    private Vertx vertx;
    private InMemoryPaymentCommands commands;
    private PrometheusMeterRegistry registry;
    private IsoGateway gateway;
    private final List<String> logLines = new ArrayList<>();
    private final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logLines) {
                logLines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("id.lumbung.gateway").addHandler(logCapture);
        Logger.getLogger("id.lumbung.gateway").setLevel(Level.ALL);
        vertx = Vertx.vertx();
        commands = new InMemoryPaymentCommands();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        gateway = new IsoGateway(vertx, "127.0.0.1", 0, commands, TERMINALS::get, TRADERS::get,
                Clock.fixed(NOW, ZoneOffset.UTC), registry, AMOUNT_MAX_RUPIAH);
        gateway.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Logger.getLogger("id.lumbung.gateway").removeHandler(logCapture);
    }

    @Test
    void approvesPurchaseAndEchoesRequestFields() throws Exception {
        try (Client c = client()) {
            ISOMsg request = purchase("T0000001", "000000000123", 1_500_000L, PAN);
            ISOMsg answer = c.exchange(request);
            assertThat(answer.getMTI()).isEqualTo("0210");
            assertThat(answer.getString(39)).isEqualTo("00");
            assertThat(answer.getString(38)).isEqualTo("000001");
            for (int field : new int[] {3, 4, 7, 11, 12, 13, 37, 41, 42, 49}) {
                // jPOS keeps IF_CHAR padding on unpack: compare without it
                assertThat(answer.getString(field).trim()).as("field %d", field).isEqualTo(request.getString(field));
            }
            assertThat(answer.hasField(2)).isFalse();
        }
        assertThat(commands.received()).containsExactly(new PaymentRequest("T0000001", "000000000123", 15_000,
                "IDR", Instant.parse("2026-11-29T03:15:30Z").toEpochMilli(), 7 * 3600, "CARD", "411111******1111",
                "TRADER-001"));
        assertThat(scrape()).contains("lumbung_payments_total{code=\"none\",result=\"accepted\"} 1.0");
    }

    @Test
    void purchaseWithoutMacIsRefused63AndNothingIsPosted() throws Exception {
        try (Client c = client()) {
            byte[] packed = purchase("T0000001", "NO-MAC-1", 1_500_000L, null).pack();
            c.send(packed);
            byte[] answerBytes = c.receiveRaw();
            ISOMsg answer = IsoTerminal.unpack(answerBytes);
            assertThat(answer.getMTI()).isEqualTo("0210");
            assertThat(answer.getString(39)).isEqualTo("63");
            assertThat(answer.hasField(38)).isFalse();
            assertThat(answer.hasField(64)).as("no MAC on the answer to an unverified request").isFalse();
            assertThat(answer.getString(37).trim()).isEqualTo("NO-MAC-1");
        }
        assertThat(commands.received()).isEmpty();
        assertThat(scrape()).contains("lumbung_payments_total{code=\"UNAUTHENTICATED\",result=\"rejected\"} 1.0");
    }

    @Test
    void purchaseWithWrongMacIsRefused63AndNothingIsPosted() throws Exception {
        try (Client c = client()) {
            // signed with another terminal's key
            ISOMsg otherKey = IsoTerminal.withMac(purchase("T0000001", "BAD-MAC-1", 1_500_000L, null), OTHER.key());
            assertThat(c.exchangeAsIs(otherKey).getString(39)).isEqualTo("63");
            // signed correctly, then the amount changed on the way
            ISOMsg altered = IsoTerminal.withMac(purchase("T0000001", "BAD-MAC-2", 1_500_000L, null), ACTIVE.key());
            altered.set(4, String.format("%012d", 9_500_000L));
            ISOMsg answer = c.exchangeAsIs(altered);
            assertThat(answer.getString(39)).isEqualTo("63");
            assertThat(answer.hasField(64)).isFalse();
            // a reversal with a wrong MAC voids nothing
            assertThat(c.exchange(purchase("T0000001", "RV-MAC", 1_000_000L, null)).getString(39)).isEqualTo("00");
            ISOMsg reversal = IsoTerminal.withMac(reversal("T0000001", "RV-MAC"), OTHER.key());
            ISOMsg reversalAnswer = c.exchangeAsIs(reversal);
            assertThat(reversalAnswer.getMTI()).isEqualTo("0410");
            assertThat(reversalAnswer.getString(39)).isEqualTo("63");
            ISOMsg unsignedReversal = reversal("T0000001", "RV-MAC");
            assertThat(c.exchangeAsIs(unsignedReversal).getString(39)).isEqualTo("63");
        }
        assertThat(commands.received()).extracting(PaymentRequest::txnId).containsExactly("RV-MAC");
        assertThat(commands.byKey("T0000001", "RV-MAC").status()).isEqualTo(PaymentStatus.ACCEPTED);
        assertThat(scrape()).contains("lumbung_payments_total{code=\"UNAUTHENTICATED\",result=\"rejected\"} 2.0")
                .contains("lumbung_iso_reversals_total{code=\"UNAUTHENTICATED\",result=\"rejected\"} 2.0");
    }

    @Test
    void macIsCheckedBeforeAnyOtherCheckOnceTheTerminalIsKnown() throws Exception {
        try (Client c = client()) {
            // unknown terminal: 03 whatever the MAC
            assertThat(c.exchangeAsIs(purchase("T9999999", "ORDER-1", 1_000_000L, null)).getString(39)).isEqualTo("03");
            // known terminal, no MAC: 63 before blocked (58), amount (13), merchant (03) and missing fields (30)
            assertThat(c.exchangeAsIs(purchase("T0000003", "ORDER-2", 1_000_000L, null)).getString(39)).isEqualTo("63");
            assertThat(c.exchangeAsIs(purchase("T0000001", "ORDER-3", 1_000_050L, null)).getString(39)).isEqualTo("63");
            ISOMsg otherMerchant = purchase("T0000001", "ORDER-4", 1_000_000L, null);
            otherMerchant.set(42, "TRADER-002");
            assertThat(c.exchangeAsIs(otherMerchant).getString(39)).isEqualTo("63");
            ISOMsg noTime = purchase("T0000001", "ORDER-5", 1_000_000L, null);
            noTime.unset(12);
            assertThat(c.exchangeAsIs(noTime).getString(39)).isEqualTo("63");
            // the same requests signed get their own codes, each answer with its MAC
            assertThat(c.exchange(purchase("T0000003", "ORDER-2", 1_000_000L, null)).getString(39)).isEqualTo("58");
            assertThat(c.exchange(purchase("T0000001", "ORDER-3", 1_000_050L, null)).getString(39)).isEqualTo("13");
            assertThat(c.exchange(otherMerchant).getString(39)).isEqualTo("03");
            assertThat(c.exchange(noTime).getString(39)).isEqualTo("30");
        }
        assertThat(commands.received()).isEmpty();
    }

    @Test
    void answerCarriesTheMacUnderTheKeyThatVerifiedTheRequest() throws Exception {
        try (Client c = client()) {
            for (byte[] key : new byte[][] {ACTIVE.key(), ACTIVE.nextKey()}) {
                String rrn = key == ACTIVE.key() ? "KEY-CURRENT" : "KEY-NEXT";
                c.send(IsoTerminal.withMac(purchase("T0000001", rrn, 1_000_000L, null), key).pack());
                byte[] answer = c.receiveRaw();
                assertThat(IsoTerminal.unpack(answer).getString(39)).as(rrn).isEqualTo("00");
                assertThat(IsoTerminal.answerMacValid(answer, key)).as(rrn).isTrue();
                byte[] otherKey = key == ACTIVE.key() ? ACTIVE.nextKey() : ACTIVE.key();
                assertThat(IsoTerminal.answerMacValid(answer, otherKey)).as(rrn).isFalse();
            }
            // a rejection after a verified MAC is signed too; the same answer, byte for byte, but for field 64
            c.send(IsoTerminal.withMac(purchase("T0000001", "KEY-13", 1_000_050L, null), ACTIVE.nextKey()).pack());
            byte[] rejected = c.receiveRaw();
            assertThat(IsoTerminal.unpack(rejected).getString(39)).isEqualTo("13");
            assertThat(IsoTerminal.answerMacValid(rejected, ACTIVE.nextKey())).isTrue();
        }
        assertThat(commands.received()).extracting(PaymentRequest::txnId).containsExactly("KEY-CURRENT", "KEY-NEXT");
    }

    @Test
    void optionalModeChecksAMacOnlyWhenPresent() throws Exception {
        IsoGateway optional = otherGateway(IsoMacMode.OPTIONAL);
        try (Client c = new Client(new Socket("127.0.0.1", optional.actualPort()), IsoGatewayTest::keyOf)) {
            ISOMsg unsigned = c.exchangeAsIs(purchase("T0000001", "OPT-1", 1_000_000L, null));
            assertThat(unsigned.getString(39)).isEqualTo("00");
            assertThat(unsigned.hasField(64)).isFalse();
            ISOMsg wrong = IsoTerminal.withMac(purchase("T0000001", "OPT-2", 1_000_000L, null), OTHER.key());
            assertThat(c.exchangeAsIs(wrong).getString(39)).isEqualTo("63");
            ISOMsg signed = c.exchange(purchase("T0000001", "OPT-3", 1_000_000L, null));
            assertThat(signed.getString(39)).isEqualTo("00");
            assertThat(signed.hasField(64)).isTrue();
        } finally {
            optional.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(commands.received()).extracting(PaymentRequest::txnId).containsExactly("OPT-1", "OPT-3");
    }

    @Test
    void offModeNeitherChecksNorSendsAMac() throws Exception {
        IsoGateway off = otherGateway(IsoMacMode.OFF);
        try (Client c = new Client(new Socket("127.0.0.1", off.actualPort()), IsoGatewayTest::keyOf)) {
            ISOMsg wrong = IsoTerminal.withMac(purchase("T0000001", "OFF-1", 1_000_000L, null), OTHER.key());
            ISOMsg answer = c.exchangeAsIs(wrong);
            assertThat(answer.getString(39)).isEqualTo("00");
            assertThat(answer.hasField(64)).isFalse();
            assertThat(c.exchangeAsIs(purchase("T0000001", "OFF-2", 1_000_000L, null)).getString(39)).isEqualTo("00");
        } finally {
            off.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(commands.received()).extracting(PaymentRequest::txnId).containsExactly("OFF-1", "OFF-2");
    }

    private IsoGateway otherGateway(IsoMacMode mode) throws Exception {
        IsoGateway g = new IsoGateway(vertx, "127.0.0.1", 0, commands, TERMINALS::get, TRADERS::get,
                Clock.fixed(NOW, ZoneOffset.UTC), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), AMOUNT_MAX_RUPIAH, mode);
        g.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return g;
    }

    @Test
    void qrisPurchaseWithoutPanHasNoPayerRef() throws Exception {
        try (Client c = client()) {
            assertThat(c.exchange(purchase("T0000001", "RRN1", 1_500_000L, null)).getString(39)).isEqualTo("00");
        }
        PaymentRequest r = commands.received().get(0);
        assertThat(r.method()).isEqualTo("QRIS");
        assertThat(r.payerRef()).isNull();
        assertThat(r.txnId()).isEqualTo("RRN1");
    }

    @Test
    void retransmissionWithNewStanGetsTheOriginalApprovalCode() throws Exception {
        try (Client c = client()) {
            c.exchange(purchase("T0000001", "RRN-A", 1_000_000L, null));
            ISOMsg first = c.exchange(purchase("T0000001", "RRN-B", 2_000_000L, PAN));
            ISOMsg retry = purchase("T0000001", "RRN-B", 2_000_000L, PAN);
            retry.set(7, "1129031600");
            retry.set(11, "999999");
            ISOMsg again = c.exchange(retry);
            assertThat(first.getString(38)).isEqualTo("000002");
            assertThat(again.getString(39)).isEqualTo("00");
            assertThat(again.getString(38)).isEqualTo("000002");
            assertThat(again.getString(11)).isEqualTo("999999");
        }
        assertThat(scrape()).contains("lumbung_payments_total{code=\"none\",result=\"replayed\"} 1.0");
    }

    @Test
    void sameRrnWithDifferentAmountIsAConflict() throws Exception {
        try (Client c = client()) {
            c.exchange(purchase("T0000001", "RRN-C", 1_000_000L, null));
            ISOMsg answer = c.exchange(purchase("T0000001", "RRN-C", 1_000_100L, null));
            assertThat(answer.getString(39)).isEqualTo("94");
            assertThat(answer.hasField(38)).isFalse();
        }
        assertThat(scrape()).contains("lumbung_payments_total{code=\"IDEMPOTENCY_CONFLICT\",result=\"rejected\"} 1.0");
    }

    @Test
    void journalUnavailableAnswers91() throws Exception {
        commands.journalUnavailable(true);
        try (Client c = client()) {
            assertThat(c.exchange(purchase("T0000001", "RRN-J", 1_000_000L, null)).getString(39)).isEqualTo("91");
        }
        assertThat(scrape()).contains("lumbung_payments_total{code=\"JOURNAL_UNAVAILABLE\",result=\"rejected\"} 1.0");
    }

    @Test
    void rejectsEachInvalidPurchaseWithItsCode() throws Exception {
        try (Client c = client()) {
            assertCode(c, purchase("T9999999", "R1", 1_000_000L, null), "03", "UNAUTHENTICATED");
            assertCode(c, purchase("T0000003", "R2", 1_000_000L, null), "58", "TERMINAL_BLOCKED");
            ISOMsg otherMerchant = purchase("T0000001", "R3", 1_000_000L, null);
            otherMerchant.set(42, "TRADER-002");
            assertCode(c, otherMerchant, "03", "MERCHANT_MISMATCH");
            assertCode(c, purchase("T0000001", "R4", 1_000_050L, null), "13", "INVALID_AMOUNT");
            assertCode(c, purchase("T0000001", "R5", 0L, null), "13", "INVALID_AMOUNT");
            assertCode(c, purchase("T0000001", "R6", (AMOUNT_MAX_RUPIAH + 1) * 100, null), "13", "INVALID_AMOUNT");
            assertCode(c, purchase("T0000001", "R6b", AMOUNT_MAX_RUPIAH * 100, null), "00", null);
            ISOMsg dollars = purchase("T0000001", "R7", 1_000_000L, null);
            dollars.set(49, "840");
            assertCode(c, dollars, "13", "INVALID_CURRENCY");
            ISOMsg noTime = purchase("T0000001", "R8", 1_000_000L, null);
            noTime.unset(12);
            assertCode(c, noTime, "30", "MALFORMED_MESSAGE");
            ISOMsg badDate = purchase("T0000001", "R9", 1_000_000L, null);
            badDate.set(13, "1332");
            assertCode(c, badDate, "30", "MALFORMED_MESSAGE");
            ISOMsg blankRrn = purchase("T0000001", "            ", 1_000_000L, null);
            assertCode(c, blankRrn, "30", "MALFORMED_MESSAGE");
            ISOMsg refund = purchase("T0000001", "R10", 1_000_000L, null);
            refund.set(3, "200000");
            assertCode(c, refund, "12", "UNSUPPORTED_TRANSACTION");
        }
        assertThat(commands.received()).extracting(PaymentRequest::txnId).containsExactly("R6b");
        String metrics = scrape();
        assertThat(metrics).contains("lumbung_payments_total{code=\"INVALID_AMOUNT\",result=\"rejected\"} 3.0");
        assertThat(metrics).contains("lumbung_payments_total{code=\"MALFORMED_MESSAGE\",result=\"rejected\"} 3.0");
    }

    @Test
    void unknownMessageTypeIsAnswered12() throws Exception {
        try (Client c = client()) {
            ISOMsg echo = new ISOMsg();
            echo.setPackager(new ISO87BPackager());
            echo.setMTI("0800");
            echo.set(7, "1129031530");
            echo.set(11, "000001");
            echo.set(41, "T0000001");
            ISOMsg answer = c.exchangeAsIs(echo);
            assertThat(answer.getMTI()).isEqualTo("0810");
            assertThat(answer.getString(39)).isEqualTo("12");
            assertThat(answer.getString(11)).isEqualTo("000001");
            // still usable afterwards
            assertThat(c.exchange(purchase("T0000001", "R-after", 1_000_000L, null)).getString(39)).isEqualTo("00");
        }
    }

    @Test
    void reversesThenRefusesSettledAndUnknown() throws Exception {
        try (Client c = client()) {
            c.exchange(purchase("T0000001", "RV-1", 1_000_000L, null));
            c.exchange(purchase("T0000001", "RV-2", 1_000_000L, null));
            ISOMsg reversal = reversal("T0000001", "RV-1");
            ISOMsg answer = c.exchange(reversal);
            assertThat(answer.getMTI()).isEqualTo("0410");
            assertThat(answer.getString(39)).isEqualTo("00");
            assertThat(answer.getString(37)).isEqualTo("RV-1        ");
            assertThat(commands.byKey("T0000001", "RV-1").status()).isEqualTo(PaymentStatus.VOIDED);
            assertThat(c.exchange(reversal("T0000001", "RV-1")).getString(39)).as("again").isEqualTo("00");

            commands.settle("T0000001", "RV-2");
            assertThat(c.exchange(reversal("T0000001", "RV-2")).getString(39)).isEqualTo("12");
            assertThat(commands.byKey("T0000001", "RV-2").status()).isEqualTo(PaymentStatus.SETTLED);
            assertThat(c.exchange(reversal("T0000001", "NOPE")).getString(39)).isEqualTo("25");
            assertThat(c.exchange(reversal("T0000002", "RV-1")).getString(39)).as("another terminal's RRN").isEqualTo("25");
            assertThat(c.exchange(reversal("T9999999", "RV-1")).getString(39)).isEqualTo("03");
            c.exchange(purchase("T0000001", "RV-3", 1_000_000L, null));
            commands.journalUnavailable(true);
            assertThat(c.exchange(reversal("T0000001", "RV-3")).getString(39)).isEqualTo("91");
        }
        assertThat(scrape()).contains("lumbung_iso_reversals_total{code=\"ALREADY_SETTLED\",result=\"rejected\"} 1.0")
                .contains("lumbung_iso_reversals_total{code=\"none\",result=\"voided\"} 2.0");
    }

    @Test
    void panAppearsNowhereButMasked() throws Exception {
        byte[] answerBytes;
        try (Client c = client()) {
            c.send(signed(purchase("T0000001", "P-1", 1_000_000L, PAN)));
            answerBytes = c.receiveRaw();
            c.exchange(purchase("T0000001", "P-1", 2_000_000L, PAN));
            c.exchange(purchase("T9999999", "P-2", 2_000_000L, PAN));
            c.send(new byte[] {0x01, 0x02, 0x03});
        }
        try (Client c = client()) {
            c.send(signed(purchase("T0000001", "P-3", 1_000_000L, PAN)));
            c.raw(new byte[] {0x00, 0x00});
            c.receiveRaw();
            c.awaitClosed();
        }
        String everything = commands.received() + "\n" + scrape() + "\n" + String.join("\n", logLines)
                + "\n" + new String(answerBytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                + "\n" + java.util.HexFormat.of().formatHex(answerBytes);
        assertThat(everything).doesNotContain(PAN).doesNotContain("41111111111111").contains("411111******1111");
        assertThat(logLines).isNotEmpty();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        int requests = 200;
        // later requests complete first: request i waits (requests - i) / 4 ms
        commands.delayMsByTxnId(txnId -> (requests - Integer.parseInt(txnId.substring(1))) / 4);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            byte[] body = signed(purchase("T0000001", "Q" + i, 100L * (i + 1), null));
            all.write(body.length >>> 8);
            all.write(body.length);
            all.write(body);
        }
        try (Client c = client()) {
            c.raw(all.toByteArray());
            for (int i = 0; i < requests; i++) {
                ISOMsg answer = c.receive();
                assertThat(answer.getString(37).trim()).isEqualTo("Q" + i);
                assertThat(answer.getString(39)).isEqualTo("00");
            }
        }
        assertThat(commands.received()).hasSize(requests);
    }

    @Test
    void servesSixtyFourConnectionsAtOnce() throws Exception {
        int connections = 64;
        int perConnection = 20;
        commands.delayMsByTxnId(txnId -> txnId.hashCode() & 3);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int k = 0; k < connections; k++) {
                int conn = k;
                Callable<Integer> task = () -> {
                    int approved = 0;
                    try (Client c = client()) {
                        for (int i = 0; i < perConnection; i++) {
                            ISOMsg answer = c.exchange(purchase("T0000001", "C" + conn + "-" + i, 100L * (i + 1), null));
                            if ("00".equals(answer.getString(39)) && answer.getString(37).trim().equals("C" + conn + "-" + i)) {
                                approved++;
                            }
                        }
                    }
                    return approved;
                };
                results.add(pool.submit(task));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(20, TimeUnit.SECONDS)).isEqualTo(perConnection);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(commands.received()).hasSize(connections * perConnection);
        assertThat(scrape()).contains("lumbung_ingest_latency_seconds_bucket{channel=\"iso\"");
    }

    @Test
    void badFramesCloseOnlyTheirConnection() throws Exception {
        byte[] good = frame(signed(purchase("T0000001", "F-1", 1_000_000L, null)));
        try (Client bystander = client()) {
            assertThat(bystander.exchange(purchase("T0000001", "F-0", 1_000_000L, null)).getString(39)).isEqualTo("00");
            byte[][] bad = {
                {0x00, 0x00},
                {0x10, 0x01},
                {(byte) 0xFF, (byte) 0xFF},
                {0x00, 0x04, 0x01, 0x02, 0x03, 0x04},
                frame(new byte[] {0x02, 0x10, 0, 0, 0, 0, 0, 0, 0, 0}),
            };
            for (byte[] b : bad) {
                try (Client victim = client()) {
                    victim.raw(b);
                    victim.awaitClosed();
                }
                assertThat(bystander.exchange(purchase("T0000001", "F-0", 1_000_000L, null)).getString(39)).isEqualTo("00");
            }
            assertThat(scrape()).contains("lumbung_iso_frame_errors_total " + bad.length + ".0");

            // a frame split across writes, then two frames in one write
            try (Client c = client()) {
                c.raw(java.util.Arrays.copyOfRange(good, 0, 1));
                Thread.sleep(20);
                c.raw(java.util.Arrays.copyOfRange(good, 1, 17));
                Thread.sleep(20);
                c.raw(java.util.Arrays.copyOfRange(good, 17, good.length));
                assertThat(c.receive().getString(39)).isEqualTo("00");
                byte[] two = new byte[good.length * 2];
                System.arraycopy(good, 0, two, 0, good.length);
                System.arraycopy(good, 0, two, good.length, good.length);
                c.raw(two);
                assertThat(c.receive().getString(39)).isEqualTo("00");
                assertThat(c.receive().getString(39)).isEqualTo("00");
            }
        }
        assertThat(scrape()).contains("lumbung_iso_frame_errors_total " + 5 + ".0");
    }

    @Test
    void answersOwedBeforeABadFrameStillGoOut() throws Exception {
        commands.delayMsByTxnId(txnId -> 50);
        byte[] good = frame(signed(purchase("T0000001", "G-1", 1_000_000L, null)));
        byte[] both = new byte[good.length + 2];
        System.arraycopy(good, 0, both, 0, good.length);
        try (Client c = client()) {
            c.raw(both);
            assertThat(c.receive().getString(39)).isEqualTo("00");
            c.awaitClosed();
        }
        assertThat(scrape()).contains("lumbung_iso_frame_errors_total 1.0");
        // the server sees the close a moment after the client does
        assertThat(Polling.until(this::scrape, s -> s.contains("lumbung_iso_connections 0.0"), java.time.Duration.ofSeconds(5)))
                .contains("lumbung_iso_connections 0.0");
    }

    @Test
    void exposesEveryMeterWithHelp() throws Exception {
        try (Client c = client()) {
            c.exchange(purchase("T0000001", "M-1", 1_000_000L, null));
            assertThat(scrape()).contains("lumbung_iso_connections 1.0");
        }
        String metrics = scrape();
        assertThat(metrics).contains("# HELP lumbung_iso_connections ", "# HELP lumbung_iso_frame_errors_total ",
                "# HELP lumbung_payments_total ", "# HELP lumbung_ingest_latency_seconds ",
                "lumbung_ingest_latency_seconds_bucket{channel=\"iso\",le=");
        assertThat(metrics).doesNotContain("T0000001").doesNotContain("TRADER-001");
    }

    private void assertCode(Client c, ISOMsg request, String responseCode, String metricCode) throws Exception {
        ISOMsg answer = c.exchange(request);
        assertThat(answer.getString(39)).as("RRN %s", request.getString(37)).isEqualTo(responseCode);
        assertThat(answer.hasField(38)).isEqualTo("00".equals(responseCode));
        if (metricCode != null) {
            assertThat(scrape()).contains("lumbung_payments_total{code=\"" + metricCode + "\",result=\"rejected\"}");
        }
    }

    private String scrape() {
        return registry.scrape();
    }

    private Client client() throws IOException {
        return new Client(new Socket("127.0.0.1", gateway.actualPort()), IsoGatewayTest::keyOf);
    }

    /** A request signed with its terminal's key ({@link #keyOf}), packed. */
    static byte[] signed(ISOMsg request) throws Exception {
        return IsoTerminal.withMac(request, keyOf(request.getString(41))).pack();
    }

    /** The current key of a registered terminal, a key of its own for any other id. */
    static byte[] keyOf(String terminalId) {
        Terminal t = TERMINALS.get(terminalId);
        return t == null ? UNKNOWN_TERMINAL_KEY : t.key();
    }

    /** A 32-byte key, every byte {@code seed}: distinct per terminal, and easy to read in a dump. */
    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) seed);
        return k;
    }

    static ISOMsg purchase(String terminalId, String rrn, long amountMinor, String pan) throws Exception {
        ISOMsg m = new ISOMsg();
        m.setPackager(new ISO87BPackager());
        m.setMTI("0200");
        if (pan != null) {
            m.set(2, pan);
        }
        m.set(3, "000000");
        m.set(4, String.format("%012d", amountMinor));
        m.set(7, "1129031530");
        m.set(11, "000123");
        m.set(12, "101530");
        m.set(13, "1129");
        m.set(22, "051");
        m.set(25, "00");
        m.set(37, rrn);
        m.set(41, terminalId);
        m.set(42, "TRADER-001");
        m.set(49, "360");
        return m;
    }

    static ISOMsg reversal(String terminalId, String rrn) throws Exception {
        return IsoTerminal.reversal(terminalId, rrn);
    }

    static byte[] frame(byte[] body) {
        byte[] f = new byte[body.length + 2];
        f[0] = (byte) (body.length >>> 8);
        f[1] = (byte) body.length;
        System.arraycopy(body, 0, f, 2, body.length);
        return f;
    }

    /**
     * A terminal: jPOS ISO87BPackager messages over a plain socket, 2-byte big-endian length
     * header. {@link #exchange} signs each request with its terminal's key (field 64) and checks
     * that the answer carries a valid MAC under the same key; {@link #exchangeAsIs} sends a request
     * as it is and checks nothing.
     */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final java.util.function.Function<String, byte[]> keyOf;

        Client(Socket socket, java.util.function.Function<String, byte[]> keyOf) throws IOException {
            this.socket = socket;
            this.keyOf = keyOf;
            socket.setSoTimeout(15_000);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        ISOMsg exchange(ISOMsg request) throws Exception {
            byte[] key = keyOf.apply(request.getString(41));
            send(IsoTerminal.withMac(request, key).pack());
            byte[] answer = receiveRaw();
            ISOMsg m = IsoTerminal.unpack(answer);
            // an answer to a request whose MAC verified carries one; only 03 (unknown terminal) and 63 come before the check
            if (m.hasField(64) || !"03".equals(m.getString(39)) && !"63".equals(m.getString(39))) {
                assertThat(IsoTerminal.answerMacValid(answer, key)).as("answer MAC under the request's key").isTrue();
            }
            return m;
        }

        ISOMsg exchangeAsIs(ISOMsg request) throws Exception {
            send(request.pack());
            return receive();
        }

        void send(byte[] body) throws IOException {
            raw(frame(body));
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        byte[] receiveRaw() throws IOException {
            int length = in.readUnsignedShort();
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        }

        ISOMsg receive() throws Exception {
            ISOMsg m = new ISOMsg();
            m.setPackager(new ISO87BPackager());
            m.unpack(receiveRaw());
            return m;
        }

        void awaitClosed() throws IOException {
            try {
                while (in.read() >= 0) {
                    // drain whatever answers were owed
                }
            } catch (EOFException | java.net.SocketException e) {
                // reset by peer also means closed
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
