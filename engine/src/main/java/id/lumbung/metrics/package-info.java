/**
 * Micrometer meters with the Prometheus names of DESIGN.md, the engine's gauges
 * ({@link id.lumbung.metrics.EngineGauges}), and the ops port server (metrics, health, admin) on its own Vert.x event loop.
 */
package id.lumbung.metrics;
