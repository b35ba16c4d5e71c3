/**
 * The Chronicle Queue journal, the shell's implementation of {@link id.lumbung.core.journal.JournalPort}.
 * Only the journal writer thread appends and forces; replay runs on the starting thread before the
 * writer starts.
 */
package id.lumbung.journal;
