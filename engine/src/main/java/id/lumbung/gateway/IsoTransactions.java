package id.lumbung.gateway;

import id.lumbung.config.IsoMacMode;
import id.lumbung.core.payment.PaymentRules;
import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PartitionLanes;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What each decoded request means: 0200 purchase through the connection's {@link PostLane} (the
 * HTTP ingest's allocation-free posting path: a reused slot, the writer's group commit, the answer
 * once the group is as durable as configured), 0400 reversal to {@link
 * PaymentCommands#voidByTxnId}, anything else answered 12. Validates on the event loop, hands off,
 * and turns the outcome into field 39. Stateless and shared by every connection.
 *
 * <p>Order of checks for a 0200 or 0400: field 41 readable (else 30), terminal registered (else
 * 03), then the MAC (field 64, {@link IsoMacMode}; else 63) before anything else is read, then the
 * mutual-TLS certificate's terminal, the terminal's status, and the content.
 *
 * <p>{@code occurredAt} is passed through without a time-window check: the engine looks a known
 * key up before any such check (a retry of an accepted payment always gets its original answer),
 * and only it can do that.
 */
final class IsoTransactions {

    static final String APPROVED = "00";
    static final String METHOD_CARD = "CARD";
    static final String METHOD_QRIS = "QRIS";
    /** Asia/Jakarta (WIB) is UTC+07:00 all year, with no daylight saving since 1964: 7 * 3600 s. */
    static final int JAKARTA_OFFSET_SECONDS = 7 * 3600;
    /** A PAN of this many digits or more shows its first 6 and last 4 (PCI DSS 3.4); shorter ones less. */
    static final int PAN_DIGITS_FULL_MASK_MIN = 13;

    private static final long MS_PER_DAY = 86_400_000L;
    private static final long NO_TIME = Long.MIN_VALUE;
    private static final int MTI_PURCHASE = 200;
    private static final int MTI_PURCHASE_REPEAT = 201;
    private static final int MTI_PURCHASE_RESPONSE = 210;
    private static final int MTI_REVERSAL = 400;
    private static final int MTI_REVERSAL_REPEAT = 401;
    private static final int MTI_REVERSAL_RESPONSE = 410;
    private static final int FIELD_PAN = 2;
    private static final int FIELD_PROCESSING_CODE = 3;
    private static final int FIELD_AMOUNT = 4;
    private static final int FIELD_TIME_LOCAL = 12;
    private static final int FIELD_DATE_LOCAL = 13;
    private static final int FIELD_RRN = 37;
    private static final int FIELD_TERMINAL = 41;
    private static final int FIELD_MERCHANT = 42;
    private static final int FIELD_CURRENCY = 49;

    private final IsoRoutes routes;
    private final Function<String, Terminal> terminalById;
    private final IntFunction<String> traderIdByIndex;
    private final Clock clock;
    private final IsoMetrics metrics;
    private final PaymentRules rules;
    private final IsoMacMode macMode;

    IsoTransactions(IsoRoutes routes, Function<String, Terminal> terminalById,
            IntFunction<String> traderIdByIndex, Clock clock, IsoMetrics metrics, PaymentRules rules,
            IsoMacMode macMode) {
        this.routes = routes;
        this.terminalById = terminalById;
        this.traderIdByIndex = traderIdByIndex;
        this.clock = clock;
        this.metrics = metrics;
        this.rules = rules;
        this.macMode = macMode;
    }

    /**
     * A lane for one connection into the core whose {@code commands} serve a partition;
     * {@code wake} must schedule {@link PostLane#drain} on its event loop.
     */
    PostLane lane(PaymentCommands commands, PostLane.Wake wake) {
        return commands.lane(ANSWERS, wake);
    }

    /** A connection's lanes, one per partition it posts to, woken on {@code loop}. */
    PartitionLanes lanes(io.vertx.core.Context loop) {
        return new PartitionLanes(ANSWERS, loop);
    }

    /** A finished purchase slot answers its exchange (on the connection's loop); the gateway posts no batches. */
    private static final PostLane.Answers ANSWERS = new PostLane.Answers() {
        @Override
        public void answer(PostLane.Single slot) {
            ((IsoExchange) slot.attachment).posted(slot.result);
        }

        @Override
        public void answer(PostLane.Batch slot) {
            throw new IllegalStateException("the ISO 8583 gateway posts no batches");
        }
    };

    /**
     * Starts handling a decoded request; the answer comes through {@link IsoExchange#answer},
     * now or later. Returns false for a message a terminal must never send us (a response or
     * other odd-function MTI): the connection treats that as a protocol error.
     */
    boolean handle(IsoExchange exchange) {
        int mti = exchange.request().mti();
        switch (mti) {
            case MTI_PURCHASE:
            case MTI_PURCHASE_REPEAT:
                exchange.responseMti(MTI_PURCHASE_RESPONSE);
                if (routed(exchange, true)) {
                    purchase(exchange);
                }
                return true;
            case MTI_REVERSAL:
            case MTI_REVERSAL_REPEAT:
                exchange.responseMti(MTI_REVERSAL_RESPONSE);
                if (routed(exchange, false)) {
                    reversal(exchange);
                }
                return true;
            default:
                // third MTI digit: 0 request, 2 advice, 4 notification (even) are requests; odd are answers
                if ((mti / 10) % 2 != 0) {
                    return false;
                }
                metrics.unsupported();
                exchange.responseMti(mti + 10);
                exchange.answer(Rejection.UNSUPPORTED_TRANSACTION.responseCode(), null);
                return true;
        }
    }

    /**
     * Where a purchase or reversal is served: true when here (the exchange then knows its core);
     * false once it went to its partition's owner, whose answer the exchange relays, or was
     * answered 91 because no owner serves the partition. A request whose field 41 names no
     * terminal is served here: every node answers it alike (30 or 03), without its MAC checked.
     */
    private boolean routed(IsoExchange exchange, boolean payment) {
        String terminalId = exchange.terminalId(FIELD_TERMINAL);
        Terminal terminal = terminalId == null ? null : terminalById.apply(terminalId);
        if (terminal == null) {
            return true; // authenticate() answers it
        }
        int partition = routes.partitionOf(terminal);
        PaymentCommands local = routes.local(partition);
        if (local != null) {
            exchange.servedBy(partition, local);
            return true;
        }
        if (exchange.fromNode()) {
            unavailable(exchange, terminal, payment); // the sender's view of the owners is stale
            return false;
        }
        Iso8583Message m = exchange.request();
        routes.forward(partition, java.util.Arrays.copyOf(m.buffer(), m.length()), exchange.certifiedTerminalId())
                .onComplete(answer -> {
                    if (answer.succeeded() && exchange.relay(answer.result())) {
                        metrics.forwardRelayed();
                    } else {
                        metrics.forwardFailed();
                        unavailable(exchange, terminal, payment);
                    }
                });
        return false;
    }

    /**
     * 91 for a request no core here serves and no owner answered: the terminal retries with the
     * same RRN. Signed when its MAC verifies, as the owner's answer would have been.
     */
    private void unavailable(IsoExchange exchange, Terminal terminal, boolean payment) {
        macAccepted(exchange, terminal); // a MAC that verifies makes the answer carry one; nothing else follows from it
        if (payment) {
            rejectPayment(exchange, Rejection.JOURNAL_UNAVAILABLE);
        } else {
            rejectReversal(exchange, Rejection.JOURNAL_UNAVAILABLE);
        }
    }

    private void purchase(IsoExchange exchange) {
        Iso8583Message m = exchange.request();
        Terminal terminal = authenticate(exchange, true);
        if (terminal == null) {
            return;
        }
        int txnIdLength = m.trimmedChars(FIELD_RRN, exchange.txnId);
        if (txnIdLength < 0 || !m.has(FIELD_PROCESSING_CODE) || !m.has(FIELD_AMOUNT) || !m.has(FIELD_TIME_LOCAL)
                || !m.has(FIELD_DATE_LOCAL) || !m.has(FIELD_CURRENCY) || !m.has(FIELD_MERCHANT)) {
            rejectPayment(exchange, Rejection.MALFORMED_MESSAGE);
            return;
        }
        String traderId = traderIdByIndex.apply(terminal.traderIndex());
        Rejection rejection = checkContent(m, traderId);
        if (rejection != null) {
            rejectPayment(exchange, rejection);
            return;
        }
        long occurredAtEpochMs = occurredAtEpochMs(m.numeric(FIELD_DATE_LOCAL), m.numeric(FIELD_TIME_LOCAL), clock.millis());
        int payerRefLength = m.has(FIELD_PAN) ? maskedPan(m, exchange.payerRef) : -1;
        if (occurredAtEpochMs == NO_TIME || m.has(FIELD_PAN) && payerRefLength < 0) {
            rejectPayment(exchange, Rejection.MALFORMED_MESSAGE);
            return;
        }
        // the merchant id (field 42) equals the trader's id: the draft holds the reference's String
        PostLane lane = exchange.lane();
        PostLane.Single slot = lane.single(terminal);
        slot.attachment = exchange;
        slot.startNs = exchange.receivedNanos();
        slot.draft.set(terminal.terminalId(), exchange.txnId, txnIdLength,
                m.numeric(FIELD_AMOUNT) / PaymentRules.MINOR_UNITS_PER_RUPIAH, PaymentRules.CURRENCY, occurredAtEpochMs,
                JAKARTA_OFFSET_SECONDS, payerRefLength < 0 ? METHOD_QRIS : METHOD_CARD, exchange.payerRef,
                payerRefLength, traderId);
        lane.submit(slot);
    }

    /** Processing code, amount, currency, merchant (against the terminal's trader); null when all hold. */
    private Rejection checkContent(Iso8583Message m, String traderId) {
        long processingCode = m.numeric(FIELD_PROCESSING_CODE);
        long amountMinor = m.numeric(FIELD_AMOUNT);
        if (processingCode < 0 || amountMinor < 0) {
            return Rejection.MALFORMED_MESSAGE;
        }
        // 00xxxx: purchase of goods and services, from any account type
        if (processingCode / 10_000 != 0) {
            return Rejection.UNSUPPORTED_TRANSACTION;
        }
        // ISO 4217 gives IDR exponent 2: 000001500000 is Rp15,000.00; sen are not in circulation
        if (!rules.minorUnitsInRange(amountMinor)) {
            return Rejection.INVALID_AMOUNT;
        }
        if (!m.charsEqual(FIELD_CURRENCY, PaymentRules.CURRENCY_NUMERIC)) {
            return Rejection.INVALID_CURRENCY;
        }
        if (m.trimmedCharsEqual(FIELD_MERCHANT, traderId)) {
            return null;
        }
        return m.hasTrimmedChars(FIELD_MERCHANT) ? Rejection.MERCHANT_MISMATCH : Rejection.MALFORMED_MESSAGE;
    }

    private void reversal(IsoExchange exchange) {
        Iso8583Message m = exchange.request();
        Terminal terminal = authenticate(exchange, false);
        if (terminal == null) {
            return;
        }
        String rrn = m.trimmedChars(FIELD_RRN);
        if (rrn == null) {
            rejectReversal(exchange, Rejection.MALFORMED_MESSAGE);
            return;
        }
        if (m.has(FIELD_MERCHANT)) {
            String merchantId = m.trimmedChars(FIELD_MERCHANT);
            if (merchantId == null || !merchantId.equals(traderIdByIndex.apply(terminal.traderIndex()))) {
                rejectReversal(exchange, merchantId == null ? Rejection.MALFORMED_MESSAGE : Rejection.MERCHANT_MISMATCH);
                return;
            }
        }
        exchange.commands().voidByTxnId(rrn, terminal, exchange.context(), exchange.onVoided());
    }

    /**
     * Field 64 under {@link #macMode}: true when the request may go on. A MAC that verifies makes
     * the answer carry one under the same key ({@link IsoExchange#macVerified}).
     */
    private boolean macAccepted(IsoExchange exchange, Terminal terminal) {
        if (macMode == IsoMacMode.OFF) {
            return true;
        }
        Iso8583Message m = exchange.request();
        if (!m.has(IsoMac.FIELD_MAC)) {
            return macMode == IsoMacMode.OPTIONAL;
        }
        byte[] key = exchange.mac().verifiedKey(m, terminal);
        if (key == null) {
            return false;
        }
        exchange.macVerified(key);
        return true;
    }

    /** Mutual TLS: field 41 must be the terminal id the client certificate names. */
    private static boolean certified(IsoExchange exchange, String terminalId) {
        String certified = exchange.certifiedTerminalId();
        return certified == null || certified.equals(terminalId);
    }

    /** A purchase's result, back from the lane on the connection's loop: its answer. */
    void posted(IsoExchange exchange, PostResult result) {
        switch (result.result()) {
            case ACCEPTED:
                metrics.paymentAccepted();
                exchange.answer(APPROVED, result.sequence());
                break;
            case REPLAYED:
                metrics.paymentReplayed();
                exchange.answer(APPROVED, result.sequence());
                break;
            case INVALID_TIMESTAMP:
                rejectPayment(exchange, Rejection.INVALID_TIMESTAMP);
                break;
            case IDEMPOTENCY_CONFLICT:
                rejectPayment(exchange, Rejection.IDEMPOTENCY_CONFLICT);
                break;
            case JOURNAL_UNAVAILABLE:
                rejectPayment(exchange, Rejection.JOURNAL_UNAVAILABLE);
                break;
            case TERMINAL_BLOCKED: // blocked by a reload after the request's checks, before its post
                rejectPayment(exchange, Rejection.TERMINAL_BLOCKED);
                break;
            case UNAUTHENTICATED: // removed by a reload after the request's checks: unknown, as at the checks
                rejectPayment(exchange, Rejection.UNAUTHENTICATED);
                break;
            default:
                throw new IllegalStateException("unknown post result " + result.result());
        }
    }

    void voided(IsoExchange exchange, VoidOutcome outcome) {
        switch (outcome.result()) {
            case VOIDED:
                metrics.reversalVoided();
                PaymentView payment = outcome.payment();
                exchange.answer(APPROVED, payment == null ? null : payment.approvalCode());
                break;
            case NOT_FOUND:
                rejectReversal(exchange, Rejection.NOT_FOUND);
                break;
            case ALREADY_SETTLED:
                rejectReversal(exchange, Rejection.ALREADY_SETTLED);
                break;
            case JOURNAL_UNAVAILABLE:
                rejectReversal(exchange, Rejection.JOURNAL_UNAVAILABLE);
                break;
            default:
                throw new IllegalStateException("unknown void result " + outcome.result());
        }
    }

    /**
     * The request's terminal, checked in the gateway's order (field 41 readable, terminal
     * registered, MAC, certificate, not blocked), or null once the request is answered with the
     * first check that failed.
     */
    private Terminal authenticate(IsoExchange exchange, boolean payment) {
        String terminalId = exchange.terminalId(FIELD_TERMINAL);
        Rejection rejection;
        Terminal terminal = null;
        if (terminalId == null) {
            rejection = Rejection.MALFORMED_MESSAGE;
        } else if ((terminal = terminalById.apply(terminalId)) == null) {
            rejection = Rejection.UNAUTHENTICATED;
        } else if (!macAccepted(exchange, terminal)) {
            rejection = Rejection.MAC_INVALID;
        } else if (!certified(exchange, terminalId)) {
            rejection = Rejection.UNAUTHENTICATED;
        } else if (terminal.blocked()) {
            rejection = Rejection.TERMINAL_BLOCKED;
        } else {
            return terminal;
        }
        if (payment) {
            rejectPayment(exchange, rejection);
        } else {
            rejectReversal(exchange, rejection);
        }
        return null;
    }

    private void rejectPayment(IsoExchange exchange, Rejection rejection) {
        metrics.paymentRejected(rejection);
        exchange.answer(rejection.responseCode(), null);
    }

    private void rejectReversal(IsoExchange exchange, Rejection rejection) {
        metrics.reversalRejected(rejection);
        exchange.answer(rejection.responseCode(), null);
    }

    /**
     * Masked PAN for {@code payerRef}: first 6 and last 4 digits of a PAN of 13 or more digits,
     * only the last {@code min(4, n / 3)} of a shorter one, {@code *} for the rest. Reads digits
     * from the frame one by one into {@code into}: the clear PAN never becomes a String. The masked
     * PAN's length, or -1 when the field is absent or longer than {@code into}, or a nibble is not a digit.
     */
    static int maskedPan(Iso8583Message m, char[] into) {
        int n = m.units(FIELD_PAN);
        if (n <= 0 || n > into.length) {
            return -1;
        }
        int head = n >= PAN_DIGITS_FULL_MASK_MIN ? 6 : 0;
        int tail = n >= PAN_DIGITS_FULL_MASK_MIN ? 4 : Math.min(4, n / 3);
        for (int i = 0; i < n; i++) {
            int d = m.digit(FIELD_PAN, i);
            if (d > 9) {
                return -1;
            }
            into[i] = i < head || i >= n - tail ? (char) ('0' + d) : '*';
        }
        return n;
    }

    /**
     * Fields 13 (MMDD) and 12 (hhmmss), local time in Asia/Jakarta, with the year (this one, the
     * last or the next) that puts the instant closest to {@code nowEpochMs}: a payment made at
     * 23:59 on 31 December and received at 00:00:01 on 1 January belongs to the old year.
     * {@link #NO_TIME} when the date or time is impossible in every candidate year.
     */
    static long occurredAtEpochMs(long mmdd, long hhmmss, long nowEpochMs) {
        if (mmdd < 0 || hhmmss < 0) {
            return NO_TIME;
        }
        int month = (int) (mmdd / 100);
        int day = (int) (mmdd % 100);
        int hour = (int) (hhmmss / 10_000);
        int minute = (int) (hhmmss / 100 % 100);
        int second = (int) (hhmmss % 100);
        if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
            return NO_TIME;
        }
        long offsetMs = JAKARTA_OFFSET_SECONDS * 1000L;
        int yearNow = CivilDates.yearOfEpochDay(Math.floorDiv(nowEpochMs + offsetMs, MS_PER_DAY));
        long best = NO_TIME;
        for (int year = yearNow - 1; year <= yearNow + 1; year++) {
            if (day > CivilDates.daysInMonth(year, month)) {
                continue;
            }
            long localMs = CivilDates.epochDay(year, month, day) * MS_PER_DAY
                    + ((hour * 60L + minute) * 60L + second) * 1000L;
            long candidate = localMs - offsetMs;
            if (best == NO_TIME || Math.abs(candidate - nowEpochMs) < Math.abs(best - nowEpochMs)) {
                best = candidate;
            }
        }
        return best;
    }
}
