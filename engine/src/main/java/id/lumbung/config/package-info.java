/**
 * Engine settings with defaults, from one properties file and command-line flags. Read once at start on the main thread.
 */
package id.lumbung.config;
