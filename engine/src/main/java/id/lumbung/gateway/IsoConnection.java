package id.lumbung.gateway;

import id.lumbung.writer.PartitionLanes;
import id.lumbung.writer.PaymentCommands;
import id.lumbung.writer.PostLane;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;

/**
 * One terminal connection: cuts frames (2-byte big-endian length, then the message), decodes
 * each into a free {@link IsoExchange}, and writes the answers back in request order, however
 * the completions interleave. Runs entirely on the connection's event loop.
 *
 * <p>Bounded: at most {@link IsoGateway#IN_FLIGHT_MAX} requests outstanding (then the socket is
 * paused), and the unparsed bytes held are at most one partial frame, or one read's worth while
 * paused. A zero-length, oversize or undecodable frame stops reading, lets the answers already
 * owed go out, and closes this connection only.
 */
final class IsoConnection extends IsoExchange.Peer {

    static final int HEADER_BYTES = 2;
    private static final Logger LOG = System.getLogger(IsoConnection.class.getName());

    private final NetSocket socket;
    private final IsoTransactions transactions;
    private final IsoMetrics metrics;
    private final IsoExchange[] ring = new IsoExchange[IsoGateway.IN_FLIGHT_MAX];
    /** This connection's purchases post through these, one per partition's core; their answers come back on this loop. */
    private final PartitionLanes lanes;
    /** Sequence number of the oldest unanswered request; {@code tail} is the next one's. */
    private long head;
    private long tail;
    private Buffer pending;
    private int pendingPos;
    private boolean draining;
    private boolean paused;
    private boolean closing;
    private boolean closed;

    IsoConnection(NetSocket socket, Context context, IsoTransactions transactions, IsoMetrics metrics) {
        this(socket, context, transactions, metrics, null);
    }

    IsoConnection(NetSocket socket, Context context, IsoTransactions transactions, IsoMetrics metrics,
            String certifiedTerminalId) {
        super(context, certifiedTerminalId); // with mutual TLS, the terminal id the client certificate names
        this.socket = socket;
        this.lanes = transactions.lanes(context);
        this.transactions = transactions;
        this.metrics = metrics;
    }

    void start() {
        metrics.connectionOpened();
        socket.handler(this::onData);
        socket.drainHandler(v -> drain());
        socket.exceptionHandler(this::onException);
        socket.closeHandler(v -> onClosed());
    }

    @Override
    public PostLane lane(int partition, PaymentCommands commands) {
        return lanes.lane(partition, commands);
    }

    @Override
    public boolean fromNode() {
        return false;
    }

    private int inFlight() {
        return (int) (tail - head);
    }

    private void onData(Buffer chunk) {
        if (closing) {
            return;
        }
        int remaining = pending == null ? 0 : pending.length() - pendingPos;
        if (remaining == 0) {
            pending = chunk;
        } else {
            pending = Buffer.buffer(remaining + chunk.length())
                    .appendBuffer(pending, pendingPos, remaining)
                    .appendBuffer(chunk);
        }
        pendingPos = 0;
        drain();
    }

    /** Cuts and dispatches every complete frame that the in-flight and write limits allow. */
    private void drain() {
        if (draining || closed) {
            return;
        }
        draining = true;
        try {
            while (!closing && inFlight() < IsoGateway.IN_FLIGHT_MAX && !socket.writeQueueFull()) {
                int available = pending == null ? 0 : pending.length() - pendingPos;
                if (available < HEADER_BYTES) {
                    break;
                }
                int frameBytes = pending.getUnsignedShort(pendingPos);
                if (frameBytes == 0 || frameBytes > IsoGateway.FRAME_BYTES_MAX) {
                    refuse(frameBytes == 0 ? "zero-length frame" : "frame over the maximum length");
                    break;
                }
                if (available < HEADER_BYTES + frameBytes) {
                    break;
                }
                IsoExchange exchange = acquire();
                int from = pendingPos + HEADER_BYTES;
                pending.getBytes(from, from + frameBytes, exchange.request().buffer(), 0);
                pendingPos = from + frameBytes;
                exchange.begin(System.nanoTime(), transactions);
                if (Iso87BinaryCodec.decode(exchange.request(), frameBytes) != Iso87BinaryCodec.OK) {
                    tail--;
                    refuse("undecodable frame");
                    break;
                }
                if (!transactions.handle(exchange)) {
                    tail--;
                    refuse("response message type from a terminal");
                    break;
                }
            }
            if (pending != null && pendingPos == pending.length()) {
                pending = null;
                pendingPos = 0;
            }
        } finally {
            draining = false;
        }
        flush();
        updateFlow();
    }

    private IsoExchange acquire() {
        int slot = (int) (tail % IsoGateway.IN_FLIGHT_MAX);
        IsoExchange exchange = ring[slot];
        if (exchange == null) {
            // slots are created on first use: a terminal that sends one request at a time holds one
            exchange = new IsoExchange(this, IsoGateway.FRAME_BYTES_MAX);
            ring[slot] = exchange;
        }
        tail++;
        return exchange;
    }

    /** An exchange has its answer: send every answer that is next in line. */
    @Override
    public void answered() {
        if (!draining) {
            flush();
            drain();
        }
    }

    private void flush() {
        while (head < tail) {
            IsoExchange exchange = ring[(int) (head % IsoGateway.IN_FLIGHT_MAX)];
            if (!exchange.answered()) {
                break;
            }
            if (!closed) {
                int bytes = exchange.responseLength();
                socket.write(Buffer.buffer(HEADER_BYTES + bytes)
                        .appendUnsignedShort(bytes)
                        .appendBytes(exchange.response(), 0, bytes));
                metrics.latency(System.nanoTime() - exchange.receivedNanos());
            }
            head++;
        }
        if (closing && head == tail && !closed) {
            socket.close();
        }
    }

    private void updateFlow() {
        if (closed) {
            return;
        }
        boolean shouldPause = closing || inFlight() >= IsoGateway.IN_FLIGHT_MAX || socket.writeQueueFull();
        if (shouldPause && !paused) {
            paused = true;
            socket.pause();
        } else if (!shouldPause && paused) {
            paused = false;
            socket.resume();
        }
    }

    /** A frame the protocol does not allow: count it, stop reading, close once owed answers are out. */
    private void refuse(String reason) {
        metrics.frameError();
        LOG.log(Level.WARNING, "closing ISO 8583 connection from {0}: {1}", socket.remoteAddress(), reason);
        closing = true;
        pending = null;
        pendingPos = 0;
    }

    private void onException(Throwable failure) {
        LOG.log(Level.DEBUG, "ISO 8583 connection error", failure);
    }

    private void onClosed() {
        if (!closed) {
            closed = true;
            closing = true;
            pending = null;
            metrics.connectionClosed();
        }
    }
}
