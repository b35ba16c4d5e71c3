/**
 * The Chronicle Queue journal, the shell's implementation of {@link id.lumbung.core.journal.JournalPort}.
 * Only the journal writer thread appends and forces; replay runs on the starting thread before the
 * writer starts. {@link id.lumbung.journal.DiskGuard} decides from free space and the disk reserve
 * whether the journal takes writes.
 */
package id.lumbung.journal;
