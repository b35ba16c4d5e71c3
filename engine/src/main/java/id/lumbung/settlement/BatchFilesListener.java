package id.lumbung.settlement;

import id.lumbung.core.settlement.BatchRecord;

/**
 * Told of each batch of a live close once its files are written (durable) and the batch is listed,
 * in close order; never for batches rebuilt by replay. Runs on the settlement thread, so an
 * implementation only hands the batch on (a queue, an executor) and must not block or throw.
 */
@FunctionalInterface
public interface BatchFilesListener {
    void batchFilesWritten(BatchRecord record);
}
