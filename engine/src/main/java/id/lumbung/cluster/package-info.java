/**
 * The cluster's node-to-node requests: a node that does not own a cooperative's partition
 * forwards the request to the owner's advertised terminal port and relays the answer unchanged
 * ({@link id.lumbung.cluster.Forwarder}), signed with the shared admin token without sending it
 * ({@link id.lumbung.cluster.NodeAuth}). Runs on Vert.x event loops: {@code forward} is called on
 * the event loop of the request it forwards, and the owner's answer comes back on that loop.
 * Which node owns which partition is decided elsewhere; this package only carries the request.
 */
package id.lumbung.cluster;
