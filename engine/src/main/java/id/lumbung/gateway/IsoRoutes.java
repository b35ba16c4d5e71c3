package id.lumbung.gateway;

import id.lumbung.core.reference.Terminal;
import id.lumbung.writer.PaymentCommands;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where a terminal's purchases and reversals go. A single engine has one core, which takes them
 * all ({@link #single}). A node of the Kafka journal serves the partitions it owns and sends a
 * request for any other partition, as the frame the terminal sent, to that partition's owner,
 * whose answer frame goes back to the terminal unchanged (DESIGN.md, "Any node answers any
 * request"): the owner checks the MAC, the content and the key, and signs the answer, exactly as
 * if the terminal were connected to it.
 *
 * <p>Called on event loops: every method returns at once, without a lock or a blocking call.
 */
public interface IsoRoutes {

    /** The partition of the terminal's cooperative; a single engine has one, 0. */
    int partitionOf(Terminal terminal);

    /**
     * The commands of the core that serves {@code partition} on this node now, or null when this
     * node does not serve it. The same object for as long as that core serves: a connection keeps
     * a posting lane per core and makes a new one when the object changes.
     */
    PaymentCommands local(int partition);

    /**
     * Sends a request frame ({@code frame}: the message from the MTI on, without the length
     * header) to the owner of {@code partition}; completes with the owner's answer frame, or fails
     * when no owner is known or none answered in time (the terminal is then answered 91, and its
     * retry with the same RRN gets the one true answer). {@code certifiedTerminalId} is the
     * terminal a mutual-TLS client certificate names, or null; the owner checks field 41 against it.
     */
    Future<Buffer> forward(int partition, byte[] frame, String certifiedTerminalId);

    /** The one core of a single engine: every request is served here, none forwarded. */
    static IsoRoutes single(PaymentCommands commands) {
        java.util.Objects.requireNonNull(commands, "commands");
        return new IsoRoutes() {
            @Override
            public int partitionOf(Terminal terminal) {
                return 0;
            }

            @Override
            public PaymentCommands local(int partition) {
                return commands;
            }

            @Override
            public Future<Buffer> forward(int partition, byte[] frame, String certifiedTerminalId) {
                return Future.failedFuture(new IllegalStateException("a single engine serves every partition"));
            }
        };
    }
}
