/**
 * picocli commands: serve (runs the engine until SIGTERM) and reconcile (offline recomputation). Main thread.
 */
package id.lumbung.cli;
