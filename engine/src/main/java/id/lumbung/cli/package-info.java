/**
 * picocli commands: serve (runs the engine until SIGTERM) and reconcile (offline recomputation). Main thread.
 * Also the process's logging: one java.util.logging handler and format for every line (logging.properties).
 */
package id.lumbung.cli;
