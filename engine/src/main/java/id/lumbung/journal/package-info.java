/**
 * The Chronicle Queue journal and its single writer thread (lumbung-journal-writer) with group commit. Only the writer thread appends and forces; replay runs on the starting thread before the writer starts.
 */
package id.lumbung.journal;
