package id.lumbung.writer;

import id.lumbung.journal.Journal;
import java.util.function.Consumer;

/**
 * The Chronicle journal's group commit: the cycle files (and folder) the group's entries went to,
 * forced when the durability asks for it ({@link Journal.SyncTarget#forcedUnder}). Made once per
 * writer, and allocation-free for the usual group: {@link Journal#takeSyncTarget} hands back the
 * same target while the group stays in one cycle file (a new target only at a roll or a close).
 */
public final class ChronicleGroupCommit implements GroupCommit {
    private final Journal journal;
    private final Consumer<Journal.SyncTarget> force;

    public ChronicleGroupCommit(Journal journal) {
        this(journal, journal::sync);
    }

    /** @param force forces one target: {@link Journal#sync}, or in tests a wrapper that watches the forces */
    ChronicleGroupCommit(Journal journal, Consumer<Journal.SyncTarget> force) {
        this.journal = journal;
        this.force = force;
    }

    /** @throws java.io.UncheckedIOException when the disk refuses the force: the entries are not durable */
    @Override
    public boolean commit() {
        Journal.SyncTarget target = journal.takeSyncTarget();
        if (target == null || !target.forcedUnder(journal.durability())) {
            return false;
        }
        force.accept(target);
        return true;
    }
}
