/**
 * The Kafka journal's baseline: {@link id.lumbung.bench.kafka.PlainProducerRun}, a plain idempotent
 * producer on the journal's brokers, the limit that {@code benchmarks/kafka-cluster.sh} sets the
 * cluster's figures beside.
 *
 * <p>Threads: the main thread sends; the Kafka producer's network thread completes the sends.
 */
package id.lumbung.bench.kafka;
