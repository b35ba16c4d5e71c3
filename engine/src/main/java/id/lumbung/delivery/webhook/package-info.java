/**
 * The signed batch-ready webhook. Threads: the settlement thread only hands a batch over
 * ({@link id.lumbung.settlement.BatchFilesListener}); "lumbung-webhook" owns every delivery's
 * state, schedules tries and writes the durable record of delivered events (fsync); the JDK HTTP
 * client's own threads ("lumbung-webhook-http-N") do the network I/O. No event loop is involved.
 */
package id.lumbung.delivery.webhook;
