/**
 * Named limits of the TCP transport between Raft nodes. Each says why it has its value.
 */

/**
 * FRAME_BYTES_MAX_DEFAULT caps one frame body. It must hold one Append carrying a maximal entry
 * (design.md §7: a batch is at most 64 MiB and one batch is one entry) plus message overhead, and
 * one snapshot chunk. Anything bigger is a broken or hostile peer and closes the connection.
 */
export const FRAME_BYTES_MAX_DEFAULT = 72 * 1024 * 1024;

/**
 * HANDSHAKE_FRAME_BYTES_MAX caps the first frame of an inbound connection. Until the peer has
 * proven the shared secret it may not make us buffer more than a few KiB.
 */
export const HANDSHAKE_FRAME_BYTES_MAX = 4 * 1024;

/** HANDSHAKE_TIMEOUT_MS closes an inbound connection that does not complete the handshake in time. */
export const HANDSHAKE_TIMEOUT_MS = 5_000;

/** FRAME_HEADER_BYTES is the uint32 big-endian length prefix of every frame. */
export const FRAME_HEADER_BYTES = 4;

/** RECONNECT_BACKOFF_MS_MIN is the first delay before redialing a peer after a failure. */
export const RECONNECT_BACKOFF_MS_MIN = 20;

/**
 * RECONNECT_BACKOFF_MS_MAX caps the exponential redial delay: short enough that a restarted peer
 * is back within a couple of election timeouts on a LAN, long enough not to spin on a dead host.
 */
export const RECONNECT_BACKOFF_MS_MAX = 1_000;

/**
 * OUTBOUND_BUFFERED_BYTES_MAX: above this many unsent bytes on a peer's socket, Raft messages to
 * it are dropped (Raft retries them) instead of growing memory without bound for a slow peer.
 */
export const OUTBOUND_BUFFERED_BYTES_MAX = 256 * 1024 * 1024;

/**
 * SNAPSHOT_SEND_BUFFERED_BYTES_MAX: a snapshot sender waits for the socket to drain below this
 * before writing the next chunk, so a snapshot is streamed, never queued whole in memory.
 */
export const SNAPSHOT_SEND_BUFFERED_BYTES_MAX = 4 * 1024 * 1024;

/** INBOUND_CONNECTIONS_MAX bounds accepted sockets (authenticated or not) per node. */
export const INBOUND_CONNECTIONS_MAX = 64;

/** HANDSHAKE_NAME_BYTES_MAX bounds the cluster name and the node ids (in the handshake and in every message). */
export const HANDSHAKE_NAME_BYTES_MAX = 256;

/**
 * SUPERSEDABLE_FRAME_BYTES_MAX: what a queued message that a later one may supersede (a
 * commit-only Append, a successful AppendResponse; see coalesce.ts) counts toward
 * OUTBOUND_BUFFERED_BYTES_MAX until the flush encodes it. Such a frame holds two node ids of at
 * most HANDSHAKE_NAME_BYTES_MAX bytes and a few integers and flags (~110 bytes of keys and values
 * besides the ids); the flush asserts the bound.
 */
export const SUPERSEDABLE_FRAME_BYTES_MAX = 2 * HANDSHAKE_NAME_BYTES_MAX + 512;

/** TRANSPORT_PROTOCOL_VERSION is the version carried in the handshake. */
export const TRANSPORT_PROTOCOL_VERSION = 1;
