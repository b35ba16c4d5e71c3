/**
 * The Kafka journal's pieces (DESIGN.md, "Beyond one machine"): the settings
 * ({@link id.lumbung.kafka.KafkaSettings}), the topic made sure of at start
 * ({@link id.lumbung.kafka.KafkaTopic}), one partition's transactional log
 * ({@link id.lumbung.kafka.PartitionLog}), a partition read without fencing its owner
 * ({@link id.lumbung.kafka.PartitionReader}), a partition's local copy
 * ({@link id.lumbung.kafka.PartitionMirror}) and the record value's entries
 * ({@link id.lumbung.kafka.RecordEntries}). The topic is checked on the starting thread; a
 * partition's log is opened, replayed, written and closed by one thread, the partition's writer.
 * Kafka's clients run their own network threads behind these calls.
 */
package id.lumbung.kafka;
