package id.lumbung.bench.load;

/**
 * What one load run does, shared read-only by every worker. Times are {@link System#nanoTime()}
 * instants: requests intended before {@code measureStartNs} are warm-up and not recorded; no request
 * is intended at or after {@code endNs}.
 *
 * @param ports                the terminal ports: one engine's, or the nodes' of a cluster
 * @param connectionsPerWorker keep-alive HTTP/1.1 connections each worker opens, shared out over the ports
 * @param depth                outstanding requests per connection in closed loop (HTTP pipelining above 1)
 * @param ratePerWorkerPerS    open-loop target of one worker; 0 is closed loop
 * @param outstandingMax       open loop: requests a worker keeps in flight before it counts new ones as
 *                             {@code client:BACKLOG} instead of queueing without bound
 */
record RunPlan(String host, int[] ports, boolean batch, int batchItems, String[] terminalIds, int connectionsPerWorker,
        int depth, double ratePerWorkerPerS, int outstandingMax, long requestTimeoutMs, String runId,
        long startNs, long measureStartNs, long endNs) {

    static final String PAYMENTS_PATH = "/v1/payments";
    static final String BATCH_PATH = "/v1/payments/batch";

    String path() {
        return batch ? BATCH_PATH : PAYMENTS_PATH;
    }

    /** Connections a worker keeps to each port: its share, rounded up. */
    int connectionsPerPort() {
        return (connectionsPerWorker + ports.length - 1) / ports.length;
    }

    boolean openLoop() {
        return ratePerWorkerPerS > 0;
    }

    boolean measured(long ns) {
        return ns >= measureStartNs && ns < endNs;
    }
}
