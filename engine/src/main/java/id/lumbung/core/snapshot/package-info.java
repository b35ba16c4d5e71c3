/**
 * The primitive reads and writes the core's state uses for a snapshot ({@link
 * id.lumbung.core.snapshot.SnapshotWriter}, {@link id.lumbung.core.snapshot.SnapshotReader}) and the
 * failure a snapshot that does not match raises; the shell's {@code id.lumbung.snapshot} implements
 * them over files.
 */
package id.lumbung.core.snapshot;
