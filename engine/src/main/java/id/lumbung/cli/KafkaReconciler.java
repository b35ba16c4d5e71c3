package id.lumbung.cli;

import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.kafka.KafkaSettings;
import id.lumbung.kafka.KafkaStartException;
import id.lumbung.kafka.PartitionMirror;
import id.lumbung.kafka.PartitionReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reconcile --journal kafka}: recomputes every partition of the journal topic and checks
 * each recomputation. A partition is copied read-only ({@link PartitionReader}: no producer, no
 * group, so no owner is fenced and no partition moves) into a scratch folder with the sequence
 * checks of a node's own copy ({@link PartitionMirror}), then recomputed by the single reconcile's
 * {@link Reconciler#recompute}, then handed to each {@link PartitionCheck}.
 *
 * <p>The checks: with a node's data folder, {@link #nodeFiles} compares the recomputation with the
 * node's {@code partitions/p<N>/files} and {@code ledger}. A partition the node never served has no
 * folder there: the report says so, and it is no difference. A check of the file digests the owner
 * journals is one more {@link PartitionCheck}.
 *
 * <p>Partitions are reconciled one after another, each in a scratch folder of its own that is
 * deleted once its checks are done, so the disk holds one partition's copy at a time. A partition
 * that cannot be read or recomputed is reported and the others are still reconciled.
 *
 * <p>Exit codes, as the single reconcile: 0 every partition agrees, 1 differences found (or a
 * partition could not be read or recomputed), 3 a partition's journal is corrupt.
 */
final class KafkaReconciler {
    private final Reconciler recompute;
    private final KafkaSettings kafka;
    private final List<PartitionCheck> checks;
    private final String comparedWith;

    /** A partition recomputed: its number, its copy of the topic and its recomputed tree. */
    record RecomputedPartition(int partition, PartitionMirror.Rebuilt copied, Path tree) {
        /** The recomputed {@code files/<coopId>/}; {@code ledger/} is next to it, as in a node's partition folder. */
        Path files() {
            return tree.resolve("files");
        }
    }

    /** One check of a partition's recomputation: prints what it compared, adds each difference found. */
    @FunctionalInterface
    interface PartitionCheck {
        void check(RecomputedPartition recomputed, String linePrefix, PrintStream out, List<String> differences)
                throws IOException;
    }

    /**
     * @param recompute the single reconcile, for its recomputation of one journal and its comparison
     * @param nodeData a node's data folder to compare with (stopped, or a copy), or null to recompute the topic alone
     */
    KafkaReconciler(Reconciler recompute, KafkaSettings kafka, Path nodeData) {
        this.recompute = recompute;
        this.kafka = kafka;
        this.checks = nodeData == null ? List.of() : List.of(nodeFiles(nodeData));
        this.comparedWith = nodeData == null ? "no node data folder given: recomputed, not compared"
                : "compared with node data " + nodeData.toAbsolutePath().normalize();
    }

    /**
     * Compares a partition's recomputation with a node's {@code partitions/p<N>/files} and
     * {@code ledger}; a partition without a folder there was never served by that node.
     */
    static PartitionCheck nodeFiles(Path nodeData) {
        return (recomputed, prefix, out, differences) -> {
            String label = "partitions/p" + recomputed.partition() + "/";
            Path served = nodeData.resolve(label);
            if (!Files.isDirectory(served)) {
                out.println(prefix + "not compared: the node has no " + label + " (it never served partition "
                        + recomputed.partition() + ")");
                return;
            }
            List<String> found = Reconciler.compare(recomputed.tree(), served, label);
            out.println(prefix + "compared with the node's " + label + ": differences=" + found.size());
            differences.addAll(found);
        };
    }

    int run(PrintStream out) throws Exception {
        out.println(recompute.feePlansLine());
        out.println("reconcile: Kafka topic " + kafka.topic() + " at " + kafka.bootstrap() + ", " + kafka.partitions()
                + " partitions, read without fencing their owners; " + comparedWith);
        Path scratch = Files.createTempDirectory("lumbung-reconcile");
        Totals totals = new Totals();
        List<String> differences = new ArrayList<>();
        try {
            for (int p = 0; p < kafka.partitions(); p++) {
                Path tree = scratch.resolve("p" + p);
                try {
                    totals.worst(partition(p, tree, totals, differences, out));
                } finally {
                    Reconciler.deleteScratch(tree, out);
                }
            }
        } finally {
            Reconciler.deleteScratch(scratch, out);
        }
        out.println("reconcile: topic=" + kafka.topic() + " partitions=" + kafka.partitions() + " records=" + totals.records
                + " entries=" + totals.entries + " batches=" + totals.batches + " differences=" + differences.size());
        differences.forEach(d -> out.println("DIFFERENCE " + d));
        return totals.exit != 0 ? totals.exit : differences.isEmpty() ? 0 : 1;
    }

    /** Copies, recomputes and checks one partition; returns 0, or the exit code of a partition that could not be reconciled. */
    private int partition(int p, Path tree, Totals totals, List<String> differences, PrintStream out) throws Exception {
        String prefix = "partition " + p + ": ";
        PartitionMirror.Rebuilt copied;
        try {
            copied = PartitionMirror.rebuild(new PartitionReader(kafka, p), tree.resolve("journal"));
        } catch (JournalCorruptException e) {
            out.println(prefix + "JOURNAL CORRUPT: " + e.getMessage());
            return 3;
        } catch (KafkaStartException e) {
            out.println(prefix + "READ FAILED: " + e.getMessage());
            return 1;
        }
        out.println(prefix + "records=" + copied.records() + " entries=" + copied.entries() + " last_sequence="
                + copied.lastSequence());
        totals.records += copied.records();
        totals.entries += copied.entries();
        // a partition no node ever served holds nothing to recompute (a node journals the reference
        // into each partition it takes): its recomputation is empty, and is checked as such
        if (copied.entries() > 0) {
            Reconciler.Recomputation recomputed = recompute.recompute(tree.resolve("journal"), tree, p, prefix, out);
            if (!recomputed.done()) {
                return recomputed.refusedExit();
            }
            if (recomputed.entries() != copied.entries()) {
                out.println(prefix + "RECOMPUTE FAILED: replayed " + recomputed.entries() + " entries of the "
                        + copied.entries() + " copied");
                return 1;
            }
        }
        RecomputedPartition done = new RecomputedPartition(p, copied, tree);
        long batches = Reconciler.countBatches(done.files());
        totals.batches += batches;
        out.println(prefix + "batches=" + batches);
        for (PartitionCheck check : checks) {
            check.check(done, prefix, out, differences);
        }
        return 0;
    }

    /** What the partitions add up to, and the worst exit code of those that could not be reconciled. */
    private static final class Totals {
        long records;
        long entries;
        long batches;
        int exit;

        /** A corrupt journal (3) outranks a failure (1). */
        void worst(int partitionExit) {
            exit = Math.max(exit, partitionExit);
        }
    }
}
