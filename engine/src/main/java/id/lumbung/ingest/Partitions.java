package id.lumbung.ingest;

import id.lumbung.core.ledger.Ledger;
import id.lumbung.settlement.Settlement;
import id.lumbung.writer.ObligationCommands;
import id.lumbung.writer.PaymentCommands;
import io.vertx.core.http.HttpServerRequest;

/**
 * The partitions of the Kafka journal as intake sees them, implemented by the node: which
 * partition a request belongs to, the core that serves it here, and the way to its owner when
 * this node does not serve it (DESIGN.md, "Any node answers any request"). A single engine has
 * none ({@link IngestContext#partitions()} is null): its one core serves every request.
 *
 * <p>Called on event loops, once or twice per request: every method returns at once, without a
 * lock or a blocking call.
 */
public interface Partitions {

    /**
     * The partition of the cooperative at {@code coopIndex}: Kafka's default partitioner for its
     * id, so the same on every node. Defined, and at least 0, for every cooperative of the
     * reference the event loops read.
     */
    int partitionOfCoop(int coopIndex);

    /**
     * The core that serves {@code partition} on this node now, or null when this node does not
     * serve it (another node owns it, or it is between owners). The same object for as long as
     * that core serves: a core rebuilt over the partition is a new object, and intake makes what
     * it keeps per core (a posting lane per event loop, a file reader) again.
     */
    Core local(int partition);

    /**
     * Sends {@code req}, whose whole body is {@code body}, to the owner of {@code partition} and
     * relays the owner's answer; or answers {@code 503 JOURNAL_UNAVAILABLE} with
     * {@code Retry-After} when no owner is known, or when {@code req} was itself forwarded by a
     * node (a request is forwarded once at most). Called on the request's event loop, after
     * {@link #local} returned null.
     */
    void forward(HttpServerRequest req, byte[] body, int partition);

    /** Where requests between nodes go ({@code POST}, signed by the sending node): a close across the cluster. */
    String NODE_PATH_PREFIX = "/internal/v1/";

    /**
     * A request under {@link #NODE_PATH_PREFIX}, whose whole body is {@code body}: the node checks
     * that another node signed it and answers it (on the request's event loop).
     */
    void nodeRequest(HttpServerRequest req, String path, byte[] body);

    /** What intake uses of one partition's core. */
    interface Core {
        /** Posts (through lanes), voids and status. */
        PaymentCommands commands();

        /** The cooperative API's obligation changes. */
        ObligationCommands obligations();

        /** The partition's closed batches, their files and the obligations as of each close. */
        Settlement settlement();

        /** The partition's settled balances. */
        Ledger ledger();
    }
}
