/**
 * ISO 8583:1987 gateway: card and QR terminals post 0200 purchases and 0400 reversals over TCP.
 *
 * <h2>Why Vert.x {@code NetServer}</h2>
 * The engine already runs on Vert.x (HTTP ingest, ops port), and Vert.x is Netty underneath:
 * non-blocking sockets, pooled I/O buffers and back-pressure ({@code pause}/{@code resume},
 * {@code writeQueueFull}/{@code drainHandler}) come for free, and a connection's handlers always
 * run on one event loop, which is what lets a connection keep its answers in order without locks.
 * jPOS's own server (QServer, blocking channels, a thread per connection) would bring a second
 * threading model and a large dependency tree; jPOS is used only in tests, to prove the bytes.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li><b>Event loop</b> ({@code vert.x-eventloop-thread-N}): {@link id.lumbung.gateway.IsoGateway}
 *     runs one {@code NetServer}, so every connection is served by the event loop that server
 *     was bound on (Vert.x runs a non-verticle server's handlers on one loop; two servers bound
 *     separately to port 0 get two different ports, so spreading over more loops means deploying
 *     the gateway as a multi-instance verticle on a fixed port, a wiring decision left to the
 *     engine). Decoding and validating a message costs microseconds, far below what the journal
 *     takes. That loop runs everything for a connection: framing, decoding ({@link id.lumbung.gateway.Iso87BinaryCodec}), validation, the hand-off
 *     (a purchase into a reused slot of the connection's {@link id.lumbung.writer.PostLane}, the
 *     posting path HTTP uses; a reversal to {@link id.lumbung.writer.PaymentCommands#voidByTxnId}),
 *     encoding the answer and writing it. Nothing here blocks, touches a file, or waits on a lock
 *     or a future, and a purchase allocates nothing once the connection is warm.</li>
 * <li><b>Journal writer</b> (owned by the engine, not this package): does the durable work in
 *     group commits and hands each finished slot or completion back to the connection's event
 *     loop once its group is as durable as the configured durability promises.</li>
 * </ul>
 *
 * <h2>Nodes of the Kafka journal</h2>
 * {@link id.lumbung.gateway.IsoRoutes} says where a request goes: a single engine's one core, or,
 * on a node, the core of the partition of the terminal's cooperative when the node serves it. A
 * request of a partition another node owns goes to that owner as the frame the terminal sent; the
 * owner answers it through {@link id.lumbung.gateway.IsoGateway#answerForwarded} as if the
 * terminal were connected to it, and its answer frame, MAC included, goes back unchanged. A
 * connection keeps one posting lane per partition it posts to.
 *
 * <h2>Limits</h2>
 * {@code FRAME_BYTES_MAX} (4096) per frame, {@code IN_FLIGHT_MAX} (64) unanswered requests per
 * connection, after which the socket is paused; reading also pauses while the socket's write queue
 * is full. A zero-length, oversize or undecodable frame, or a response-type MTI, counts in
 * {@code lumbung_iso_frame_errors_total} and closes that connection alone, once the answers it is
 * owed have gone out.
 *
 * <h2>Authentication</h2>
 * Field 64 carries the first 8 bytes of HMAC-SHA256 under the terminal's key (or next key) over the
 * message from the MTI up to field 64 ({@code IsoMac}, {@code iso.mac}, default
 * required). It is checked as soon as field 41 names a registered terminal, before anything else;
 * a missing or wrong MAC is answered 63 and nothing is posted. An answer to a request whose MAC
 * verified carries its own MAC under the same key.
 *
 * <h2>Time window</h2>
 * The gateway checks format, amount, currency, terminal and merchant, but passes {@code occurredAt}
 * (fields 13 + 12, Asia/Jakarta, year nearest the engine clock) through unchecked: the engine looks
 * a known key up before its own time-window check, so that a retry of an accepted payment always
 * gets its original answer however old it has become. Fields 7 and 11 change on retransmission and
 * so are echoed but never part of the payment's content.
 *
 * <h2>Card data</h2>
 * Field 2 (PAN) is read digit by digit into a masked form (first 6, last 4 at most) and never
 * becomes a String in clear; it is never logged, never in a metric, never echoed in an answer.
 */
package id.lumbung.gateway;
