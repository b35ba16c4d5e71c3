/**
 * SFTP delivery: an Apache MINA SSHD server on {@code --sftp-port} whose only subsystem is SFTP
 * over a virtual, read-only file system per session ({@link id.lumbung.delivery.sftp.SettlementTree}):
 * {@code /settlements/<batchId>/<file>} of the signed-in cooperative's own batches, built from the
 * settlement listing and read from the files the listing names. Nothing maps onto the data folder,
 * so no path can lead outside the tree, and every write is refused by the file system itself.
 *
 * <p>Threads: MINA's own NIO workers ("sshd-*") run the protocol, authentication and file reads
 * (blocking reads of local files, as the HTTP download's are off the event loops); the caller's
 * thread starts and stops the server. No Vert.x event loop is involved.
 */
package id.lumbung.delivery.sftp;
