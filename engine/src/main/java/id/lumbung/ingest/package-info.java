/**
 * The terminal port (HTTP/JSON) and the cooperative API. Runs on Vert.x event loops only: read the bounded body, authenticate, decode, validate, hand to the journal writer, answer from its callback. Never touches a file (cooperative files are read with Vert.x's async file system), a lock or a blocking call. With the Kafka journal each request is served by its partition's core, or forwarded to the partition's owner ({@link id.lumbung.ingest.Partitions}).
 */
package id.lumbung.ingest;
