package id.lumbung.writer;

import io.vertx.core.Context;

/**
 * One event loop's posting lanes into the cores that serve partitions of the Kafka journal, one
 * lane per partition: made at the partition's first post and again when the partition's core is
 * another object (rebuilt after a rebalance). A replaced lane is dropped here but still answers the
 * slots it has out: its wake-up drains that lane itself, not the partition's current one. A single
 * engine's one core is partition 0. Used on its event loop only.
 */
public final class PartitionLanes {
    private final PostLane.Answers answers;
    private final Context loop;
    private PostLane[] lanes = new PostLane[0];
    /** The commands each lane was made from: a core's, the same object for as long as it serves. */
    private PaymentCommands[] commandsOf = new PaymentCommands[0];

    /** Lanes whose slots answer through {@code answers}, woken on {@code loop}. */
    public PartitionLanes(PostLane.Answers answers, Context loop) {
        this.answers = answers;
        this.loop = loop;
    }

    /** This loop's lane into the core whose {@code commands} serve {@code partition}. */
    public PostLane lane(int partition, PaymentCommands commands) {
        if (partition >= lanes.length) {
            // partitions served here only: bounded by the journal's partitions
            lanes = java.util.Arrays.copyOf(lanes, partition + 1);
            commandsOf = java.util.Arrays.copyOf(commandsOf, partition + 1);
        }
        if (commandsOf[partition] != commands) {
            PostLane[] self = new PostLane[1];
            self[0] = commands.lane(answers, PostLane.wakeOn(loop, () -> self[0].drain()));
            lanes[partition] = self[0];
            commandsOf[partition] = commands;
        }
        return lanes[partition];
    }
}
