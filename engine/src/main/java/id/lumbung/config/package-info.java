/**
 * Engine settings with defaults, from one properties file and command-line flags. Read once at start on the main thread.
 * {@link id.lumbung.config.AdminTokenFile} reads or creates the ops port's admin token.
 */
package id.lumbung.config;
