package id.lumbung.delivery.sftp;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import id.lumbung.settlement.Settlement;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one cooperative sees over SFTP: {@code /} holds only {@code settlements/}, which holds one
 * folder per batch of this cooperative (oldest first, as the API lists them), each holding the
 * batch's listed files. A batch or file of another cooperative, or one not yet listed, does not
 * exist. Thread-safe: it reads the settlement listing's concurrent collections.
 */
public final class SettlementTree {
    public static final String SETTLEMENTS = "settlements";

    /** A folder or file of the tree; a file carries the data file it is read from and its listed size. */
    record Node(boolean folder, long sizeBytes, long modifiedEpochMs, Path file) {
    }

    private final Settlement settlement;
    private final Coop coop;

    SettlementTree(Settlement settlement, Coop coop) {
        this.settlement = settlement;
        this.coop = coop;
    }

    String coopId() {
        return coop.coopId();
    }

    /**
     * @param names the path's names from the root, normalised
     * @throws NoSuchFileException when nothing of this cooperative's is there
     */
    Node resolve(List<String> names, String shown) throws NoSuchFileException {
        if (names.isEmpty()) {
            return new Node(true, 0, lastClosedAtEpochMs(), null);
        }
        if (!names.get(0).equals(SETTLEMENTS) || names.size() > 3) {
            throw new NoSuchFileException(shown);
        }
        if (names.size() == 1) {
            return new Node(true, 0, lastClosedAtEpochMs(), null);
        }
        BatchRecord batch = ownBatch(names.get(1), shown);
        if (names.size() == 2) {
            return new Node(true, 0, batch.batch().closedAtEpochMs(), null);
        }
        for (FileDigest f : batch.files()) {
            if (f.name().equals(names.get(2))) {
                return new Node(false, f.sizeBytes(), batch.batch().closedAtEpochMs(),
                        settlement.filesDir().resolve(coop.coopId()).resolve(f.name()));
            }
        }
        throw new NoSuchFileException(shown);
    }

    /** The names in a folder of the tree, in listing order. */
    List<String> list(List<String> names, String shown) throws java.nio.file.FileSystemException {
        Node node = resolve(names, shown);
        if (!node.folder()) {
            throw new java.nio.file.NotDirectoryException(shown);
        }
        List<String> out = new ArrayList<>();
        if (names.isEmpty()) {
            out.add(SETTLEMENTS);
        } else if (names.size() == 1) {
            for (BatchRecord r : settlement.batchesOf(coop.index())) {
                out.add(r.batch().batchId());
            }
        } else {
            for (FileDigest f : ownBatch(names.get(1), shown).files()) {
                out.add(f.name());
            }
        }
        return out;
    }

    private BatchRecord ownBatch(String batchId, String shown) throws NoSuchFileException {
        BatchRecord r = settlement.batch(batchId);
        if (r == null || r.coopIndex() != coop.index()) {
            throw new NoSuchFileException(shown); // another cooperative's batch does not exist here
        }
        return r;
    }

    private long lastClosedAtEpochMs() {
        List<BatchRecord> batches = settlement.batchesOf(coop.index());
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).batch().closedAtEpochMs();
    }
}
