/**
 * Delivery of settlement batches to cooperatives beyond the HTTPS pull: {@code sftp} serves each
 * cooperative a read-only tree of its own batch files; {@code webhook} tells a cooperative's
 * software, with a signed POST, that a batch's files are ready. Both read the settlement listing
 * and the files it names, and never change either.
 */
package id.lumbung.delivery;
