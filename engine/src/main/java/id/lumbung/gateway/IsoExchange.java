package id.lumbung.gateway;

import id.lumbung.core.payment.PaymentView;
import id.lumbung.core.payment.PostResult;
import id.lumbung.core.payment.VoidOutcome;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.nio.CharBuffer;
import java.util.function.Consumer;

/**
 * One request/answer slot of a connection: the decoded request, the encoded answer, the text a
 * purchase copies into its {@link PostLane} slot, and the completion callback, all allocated once
 * per slot and reused. A connection keeps at most {@link IsoGateway#IN_FLIGHT_MAX} of them. Runs
 * on the connection's event loop only.
 */
final class IsoExchange {

    /** What an exchange needs of its connection. */
    interface Link {
        Context context();

        /** With mutual TLS, the terminal id the client certificate names; otherwise null (no check). */
        String certifiedTerminalId();

        /** The connection's MAC calculator (event-loop confined). */
        IsoMac mac();

        /**
         * The connection's lane into the core whose {@code commands} serve {@code partition}:
         * purchases post through it.
         */
        PostLane lane(int partition, PaymentCommands commands);

        /**
         * Whether the requests come from another node, which forwarded them here: this node
         * answers them itself or answers 91, and never forwards them again (a stale view of the
         * owners must not bounce a request between nodes).
         */
        boolean fromNode();

        /** An exchange has its answer. */
        void answered();
    }

    /** What every link holds alike: its event loop, its certified terminal and its MAC calculator. */
    abstract static class Peer implements Link {
        private final Context context;
        private final String certifiedTerminalId;
        private final IsoMac mac = new IsoMac();

        Peer(Context context, String certifiedTerminalId) {
            this.context = context;
            this.certifiedTerminalId = certifiedTerminalId;
        }

        @Override
        public final Context context() {
            return context;
        }

        @Override
        public final String certifiedTerminalId() {
            return certifiedTerminalId;
        }

        @Override
        public final IsoMac mac() {
            return mac;
        }
    }

    /**
     * 0210 echoing ten request fields plus 38, 39 and the MAC (64): 10 + 3+6+5+3+3+2+12+6+2+8+15+3
     * + 8 = 86 bytes, rounded up.
     */
    static final int RESPONSE_BYTES_MAX = 128;

    private final Link connection;
    private final Iso8583Message request;
    private final byte[] response = new byte[RESPONSE_BYTES_MAX];
    private final Iso87BinaryCodec.Writer writer = new Iso87BinaryCodec.Writer();
    private final Consumer<VoidOutcome> onVoided = this::voided;
    /** A purchase's RRN (field 37, the txnId) and masked PAN (field 2, the payerRef), copied into its draft. */
    final char[] txnId = new char[Iso87BinaryCodec.maxUnits(37)];
    final char[] payerRef = new char[Iso87BinaryCodec.maxUnits(2)];
    private final char[] approvalCode = new char[PaymentView.APPROVAL_CODE_DIGITS];
    private final CharBuffer approvalCodeText = CharBuffer.wrap(approvalCode);
    /**
     * The terminal id (field 41) of this slot's last request: a terminal's next request reuses the
     * String instead of making one (a connection carries one terminal as a rule).
     */
    private String lastTerminalId;
    private IsoTransactions transactions;
    private int responseMti;
    private int responseLength;
    private boolean answered;
    private long receivedNanos;
    /** The key the request's MAC verified under; null when none did (then the answer has no field 64). */
    private byte[] macKey;
    /** The partition of the request's terminal, and the commands of the core here that serves it. */
    private int partition;
    private PaymentCommands commands;

    IsoExchange(Link connection, int frameBytesMax) {
        this.connection = connection;
        this.request = new Iso8583Message(frameBytesMax);
    }

    Iso8583Message request() {
        return request;
    }

    Context context() {
        return connection.context();
    }

    /** With mutual TLS, the terminal id the client certificate names; otherwise null (no check). */
    String certifiedTerminalId() {
        return connection.certifiedTerminalId();
    }

    void begin(long receivedNanos, IsoTransactions transactions) {
        this.receivedNanos = receivedNanos;
        this.transactions = transactions;
        this.answered = false;
        this.responseLength = 0;
        this.macKey = null;
        this.commands = null;
    }

    /** The request is served here, by the core whose {@code commands} serve {@code partition}. */
    void servedBy(int partition, PaymentCommands commands) {
        this.partition = partition;
        this.commands = commands;
    }

    /** The commands of the core serving the request, once {@link #servedBy} named it. */
    PaymentCommands commands() {
        return commands;
    }

    boolean fromNode() {
        return connection.fromNode();
    }

    /** The connection's MAC calculator (event-loop confined). */
    IsoMac mac() {
        return connection.mac();
    }

    PostLane lane() {
        return connection.lane(partition, commands);
    }

    /** Field 41 trimmed, as {@link Iso8583Message#trimmedChars}; no new String when it is the last request's. */
    String terminalId(int field) {
        String last = lastTerminalId;
        if (last != null && request.trimmedCharsEqual(field, last)) {
            return last;
        }
        String id = request.trimmedChars(field);
        if (id != null) {
            lastTerminalId = id;
        }
        return id;
    }

    /** The request's MAC verified under {@code key}: the answer carries its own MAC under it. */
    void macVerified(byte[] key) {
        this.macKey = key;
    }

    long receivedNanos() {
        return receivedNanos;
    }

    boolean answered() {
        return answered;
    }

    byte[] response() {
        return response;
    }

    int responseLength() {
        return responseLength;
    }

    void responseMti(int mti) {
        this.responseMti = mti;
    }

    Consumer<VoidOutcome> onVoided() {
        return onVoided;
    }

    /** The purchase's post is durable (or refused): answer it. */
    void posted(PostResult result) {
        transactions.posted(this, result);
    }

    /** Answers {@code responseCode} with the approval code (field 38) of the payment at {@code sequence}. */
    void answer(String responseCode, long sequence) {
        PaymentView.approvalCode(sequence, approvalCode);
        answer(responseCode, approvalCodeText);
    }

    private void voided(VoidOutcome outcome) {
        transactions.voided(this, outcome);
    }

    /**
     * Encodes the answer: the request's 3, 4, 7, 11, 12, 13, 37, 41, 42, 49 as they came (never
     * field 2), plus 38 when {@code approvalCode} is given and 39, and the MAC (64) under the key
     * that verified the request's, if one did; then hands it to the connection.
     */
    void answer(String responseCode, CharSequence approvalCode) {
        Iso87BinaryCodec.Writer w = writer.start(response, responseMti);
        echo(w, 3);
        echo(w, 4);
        echo(w, 7);
        echo(w, 11);
        echo(w, 12);
        echo(w, 13);
        echo(w, 37);
        if (approvalCode != null) {
            check(w.put(38, approvalCode), 38);
        }
        check(w.put(39, responseCode), 39);
        echo(w, 41);
        echo(w, 42);
        echo(w, 49);
        if (macKey != null) {
            int macOffset = w.reserveMac();
            check(macOffset >= 0, IsoMac.FIELD_MAC);
            connection.mac().sign(macKey, response, macOffset);
        }
        responseLength = w.finish();
        answered = true;
        connection.answered();
    }

    /**
     * The answer another node made to this request, forwarded to it: its bytes go to the terminal
     * as they came. False, answering nothing, when it does not fit an answer's
     * {@value #RESPONSE_BYTES_MAX} bytes (no node makes such an answer).
     */
    boolean relay(Buffer answer) {
        int n = answer.length();
        if (n == 0 || n > RESPONSE_BYTES_MAX) {
            return false;
        }
        answer.getBytes(0, n, response, 0);
        responseLength = n;
        answered = true;
        connection.answered();
        return true;
    }

    private void echo(Iso87BinaryCodec.Writer w, int field) {
        if (request.has(field)) {
            check(w.copy(field, request), field);
        }
    }

    /** Every echoed field has a fixed size that RESPONSE_BYTES_MAX covers: a refusal is a bug. */
    private static void check(boolean written, int field) {
        if (!written) {
            throw new IllegalStateException("answer field " + field + " did not fit " + RESPONSE_BYTES_MAX + " bytes");
        }
    }
}
