/**
 * The journal as the core sees it: the binary entry codec, the decoded entry, and {@link
 * id.lumbung.core.journal.JournalPort}, the port the core appends through and reads back from (the
 * shell's Chronicle Queue adapter implements it).
 */
package id.lumbung.core.journal;
