package id.lumbung.gateway;

import id.lumbung.config.IsoMacMode;
import id.lumbung.core.payment.PaymentRules;
import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PaymentCommands;
import io.micrometer.core.instrument.MeterRegistry;
import id.lumbung.writer.PostLane;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The ISO 8583:1987 gateway: a Vert.x TCP server taking 0200 purchases and 0400 reversals in
 * jPOS {@code ISO87BPackager} encoding, framed by a 2-byte big-endian length, and answering 0210
 * and 0410. See {@code package-info.java} for threads and {@link Rejection} for response codes.
 */
public final class IsoGateway {

    /** Default TCP port (DESIGN.md). */
    public static final int PORT_DEFAULT = 8583;
    /** Default bind address: every interface; terminals reach it over a terminal network or mTLS front. */
    public static final String HOST_DEFAULT = "0.0.0.0";
    /**
     * Largest frame body accepted. A 0200 with every field a terminal plausibly sends is about
     * 300 bytes (MTI 2 + bitmaps 16 + PAN 11 + track 2 20 + fixed fields ~120 + EMV field 55
     * up to 255 + 2); 4096 leaves room for a full 55 of 999 and a few LLLVARs while bounding what
     * one slot holds: 64 slots x 4 KiB = 256 KiB per connection at most.
     */
    public static final int FRAME_BYTES_MAX = 4096;
    /**
     * Requests outstanding per connection before reading pauses. A terminal sends one at a time;
     * a concentrator pipelines. 64 covers a group-commit window (about 1 ms of sync, DESIGN.md) at
     * 64,000 requests/s on one connection.
     */
    public static final int IN_FLIGHT_MAX = 64;
    private final Vertx vertx;
    private final String host;
    private final int port;
    private final IsoTransactions transactions;
    private final IsoMetrics metrics;
    private final List<NetServer> servers = new ArrayList<>();
    private volatile int actualPort = -1;
    private java.util.function.UnaryOperator<NetServerOptions> tls = java.util.function.UnaryOperator.identity();
    private boolean certificateNamesTerminal;

    /**
     * A gateway on {@link #HOST_DEFAULT} requiring a MAC ({@link IsoMacMode#REQUIRED}); {@code port}
     * 0 picks a free port (see {@link #actualPort}).
     */
    public IsoGateway(Vertx vertx, int port, PaymentCommands commands, Function<String, Terminal> terminalById,
            IntFunction<String> traderIdByIndex, Clock clock, MeterRegistry registry, long amountMaxRupiah) {
        this(vertx, HOST_DEFAULT, port, commands, terminalById, traderIdByIndex, clock, registry, amountMaxRupiah);
    }

    /** A gateway on {@code host}:{@code port} requiring a MAC ({@link IsoMacMode#REQUIRED}). */
    public IsoGateway(Vertx vertx, String host, int port, PaymentCommands commands,
            Function<String, Terminal> terminalById, IntFunction<String> traderIdByIndex, Clock clock,
            MeterRegistry registry, long amountMaxRupiah) {
        this(vertx, host, port, commands, terminalById, traderIdByIndex, clock, registry, amountMaxRupiah,
                IsoMacMode.REQUIRED);
    }

    /** A gateway on {@code host}:{@code port} checking field 64 as {@code macMode} says. */
    public IsoGateway(Vertx vertx, String host, int port, PaymentCommands commands,
            Function<String, Terminal> terminalById, IntFunction<String> traderIdByIndex, Clock clock,
            MeterRegistry registry, long amountMaxRupiah, IsoMacMode macMode) {
        this(vertx, host, port, IsoRoutes.single(commands), terminalById, traderIdByIndex, clock, registry,
                amountMaxRupiah, macMode);
    }

    /**
     * A gateway on {@code host}:{@code port} whose requests go where {@code routes} says: served
     * by a core of this node, or sent to the node that owns their partition.
     */
    public IsoGateway(Vertx vertx, String host, int port, IsoRoutes routes,
            Function<String, Terminal> terminalById, IntFunction<String> traderIdByIndex, Clock clock,
            MeterRegistry registry, long amountMaxRupiah, IsoMacMode macMode) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("ISO 8583 port out of range: " + port);
        }
        PaymentRules rules = new PaymentRules(amountMaxRupiah); // refuses a maximum below 1
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.metrics = new IsoMetrics(Objects.requireNonNull(registry, "registry"));
        this.transactions = new IsoTransactions(Objects.requireNonNull(routes, "routes"),
                Objects.requireNonNull(terminalById, "terminalById"),
                Objects.requireNonNull(traderIdByIndex, "traderIdByIndex"),
                Objects.requireNonNull(clock, "clock"), metrics, rules,
                Objects.requireNonNull(macMode, "macMode"));
    }

    /**
     * TLS before {@link #start}: {@code configure} adds the key, chain and client trust to the
     * server options; with {@code certificateNamesTerminal} (mutual TLS) a connection without a
     * client certificate CN is closed, and a request whose field 41 is not that CN is answered 03.
     */
    public synchronized IsoGateway tls(java.util.function.UnaryOperator<NetServerOptions> configure,
            boolean certificateNamesTerminal) {
        this.tls = Objects.requireNonNull(configure, "configure");
        this.certificateNamesTerminal = certificateNamesTerminal;
        return this;
    }

    /** Starts listening; completes once every server instance is bound. */
    public synchronized Future<Void> start() {
        if (!servers.isEmpty()) {
            return Future.failedFuture(new IllegalStateException("ISO 8583 gateway already started"));
        }
        return listen(port).onSuccess(p -> actualPort = p).mapEmpty();
    }

    private synchronized Future<Integer> listen(int listenPort) {
        NetServerOptions options = tls.apply(new NetServerOptions())
                .setHost(host)
                .setPort(listenPort)
                .setTcpNoDelay(true);
        NetServer server = vertx.createNetServer(options).connectHandler(this::connected);
        servers.add(server);
        return server.listen().map(NetServer::actualPort);
    }

    private void connected(NetSocket socket) {
        String certifiedTerminalId = null;
        if (certificateNamesTerminal) {
            // the connect handler runs after the TLS handshake: the peer's chain is verified by now
            certifiedTerminalId = id.lumbung.config.Tls.peerCommonName(socket.sslSession());
            if (certifiedTerminalId == null) {
                metrics.frameError();
                socket.close();
                return;
            }
        }
        new IsoConnection(socket, vertx.getOrCreateContext(), transactions, metrics, certifiedTerminalId).start();
    }

    /**
     * Answers a request frame another node forwarded to this one ({@link IsoRoutes#forward}), as
     * if the terminal were connected here, except that it is never forwarded again: a partition
     * this node does not serve is answered 91. Completes with the answer frame (no length header),
     * or fails with {@link IllegalArgumentException} for a frame a connection would refuse (empty,
     * over {@value #FRAME_BYTES_MAX} bytes, undecodable, or a response type). Call on an event
     * loop; the answer completes on it.
     *
     * @param certifiedTerminalId the terminal the sender's mutual-TLS client certificate named, or null
     */
    public Future<Buffer> answerForwarded(byte[] frame, String certifiedTerminalId) {
        int n = frame.length;
        if (n == 0 || n > FRAME_BYTES_MAX) {
            return Future.failedFuture(new IllegalArgumentException("a forwarded ISO 8583 frame is 1 to "
                    + FRAME_BYTES_MAX + " bytes, not " + n));
        }
        Forwarded link = new Forwarded(vertx.getOrCreateContext(), certifiedTerminalId);
        IsoExchange exchange = new IsoExchange(link, FRAME_BYTES_MAX);
        link.exchange = exchange;
        System.arraycopy(frame, 0, exchange.request().buffer(), 0, n);
        exchange.begin(System.nanoTime(), transactions);
        if (Iso87BinaryCodec.decode(exchange.request(), n) != Iso87BinaryCodec.OK) {
            metrics.frameError();
            return Future.failedFuture(new IllegalArgumentException("undecodable ISO 8583 frame"));
        }
        if (!transactions.handle(exchange)) {
            metrics.frameError();
            return Future.failedFuture(new IllegalArgumentException("a response message type is not a request"));
        }
        return link.answer.future();
    }

    /** The one exchange of a forwarded request: its lane, MAC calculator and answer are its own. */
    private final class Forwarded extends IsoExchange.Peer {
        private final Promise<Buffer> answer = Promise.promise();
        private IsoExchange exchange;
        private PostLane lane;

        Forwarded(Context context, String certifiedTerminalId) {
            super(context, certifiedTerminalId);
        }

        @Override
        public PostLane lane(int partition, PaymentCommands commands) {
            if (lane == null) {
                lane = transactions.lane(commands, PostLane.wakeOn(context(), () -> lane.drain()));
            }
            return lane;
        }

        @Override
        public boolean fromNode() {
            return true;
        }

        @Override
        public void answered() {
            metrics.latency(System.nanoTime() - exchange.receivedNanos());
            answer.complete(Buffer.buffer(java.util.Arrays.copyOf(exchange.response(), exchange.responseLength())));
        }
    }

    /** The bound port once {@link #start} completed, -1 before. */
    public int actualPort() {
        return actualPort;
    }

    /** Stops listening and closes every connection. */
    public synchronized Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        for (NetServer server : servers) {
            // graceful: stop accepting; connections get up to 5 s for answers still owed
            closing.add(server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS));
        }
        servers.clear();
        return Future.all(closing).mapEmpty();
    }
}
