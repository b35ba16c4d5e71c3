/**
 * Wiring: builds every part, replays the journal, starts the writer, listeners and the cut-off schedule, and drains on stop. Runs on the thread that calls start and close.
 * Beside {@link id.lumbung.engine.Engine}: {@code SnapshotKeeper} (snapshot load, the journal
 * verified before it, snapshot at a clean stop) and {@code AdminAnswers} (the ops port's admin
 * answers), which reach several shell parts at once.
 */
package id.lumbung.engine;
