/**
 * End-to-end load against the terminal API: {@link id.lumbung.bench.load.LoadGenerator} (signed
 * requests over keep-alive HTTP/1.1, open or closed loop, latency in HdrHistogram corrected for
 * coordinated omission), {@link id.lumbung.bench.load.NoopServer} (the HTTP ceiling of the box),
 * {@link id.lumbung.bench.load.ReferenceWriter} (a reference data set of any size) and
 * {@link id.lumbung.bench.load.WrkRequests} (pre-signed requests for wrk and
 * {@code benchmarks/wrk/replay.lua}, the light generator).
 *
 * <p>Threads: each {@link id.lumbung.bench.load.LoadWorker} owns one Vert.x event loop and all of
 * its state (client, histograms, error counts); the pacer thread only nudges workers; the main
 * thread prints progress from atomic counters and merges results after the workers drained.
 */
package id.lumbung.bench.load;
