/**
 * Wiring: builds every part, replays the journal, starts the writer, listeners and the cut-off schedule, and drains on stop. Runs on the thread that calls start and close.
 */
package id.lumbung.engine;
