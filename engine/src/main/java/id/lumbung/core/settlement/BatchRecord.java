package id.lumbung.core.settlement;

import java.util.List;

/**
 * A batch as the cooperative API lists it: the batch and, once written, its files.
 *
 * @param batch the batch
 * @param coopIndex the cooperative's index
 * @param files the written files (CSV, camt.053, payouts CSV), in that order
 * @param settlementAccount the account its camt.053 names: the one in effect at its close
 */
public record BatchRecord(Batch batch, int coopIndex, List<FileDigest> files, String settlementAccount) {
}
