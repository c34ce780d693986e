/**
 * Named limits and defaults of the Raft node driver (timers, snapshots). Relations between them
 * are asserted when the module loads.
 */
import { assert } from "../assert";
import { APPEND_BYTES_MAX_DEFAULT, ENTRY_BYTES_MAX_DEFAULT, INFLIGHT_APPENDS_MAX_DEFAULT } from "../limits";
import { SNAPSHOT_CHUNK_BYTES_DEFAULT } from "../storage/limits";
import { FRAME_BYTES_MAX_DEFAULT, OUTBOUND_BUFFERED_BYTES_MAX } from "../transport/limits";

/**
 * TICK_INTERVAL_MS_DEFAULT: one core tick every 50 ms. On a LAN a round trip plus an fsync is a
 * few ms, so this resolution is ample and costs little CPU.
 */
export const TICK_INTERVAL_MS_DEFAULT = 50;

/**
 * NODE_ELECTION_TIMEOUT_TICKS_DEFAULT: 10 ticks = 500-1000 ms randomized, far above LAN latency
 * so healthy clusters hold no spurious elections, short enough for quick fail-over.
 */
export const NODE_ELECTION_TIMEOUT_TICKS_DEFAULT = 10;

/** NODE_HEARTBEAT_INTERVAL_TICKS_DEFAULT: a heartbeat every 100 ms, five per minimum election timeout. */
export const NODE_HEARTBEAT_INTERVAL_TICKS_DEFAULT = 2;

/**
 * SNAPSHOT_ENTRIES_DEFAULT: take a snapshot and compact once this many entries were applied
 * since the last snapshot. Bounds the in-memory log and replay time after a restart.
 */
export const SNAPSHOT_ENTRIES_DEFAULT = 10_000;

/**
 * SNAPSHOT_TRAILING_ENTRIES_DEFAULT: entries kept behind a snapshot so a follower that is only
 * slightly behind catches up from the log instead of a full snapshot transfer.
 */
export const SNAPSHOT_TRAILING_ENTRIES_DEFAULT = 1_000;

/**
 * FRAME_OVERHEAD_BYTES is room for the message around a payload in one frame: the
 * Snapshot message around a chunk, or an Append around one maximal entry.
 */
export const FRAME_OVERHEAD_BYTES = 64 * 1024;

assert(
  NODE_ELECTION_TIMEOUT_TICKS_DEFAULT >= 2 * NODE_HEARTBEAT_INTERVAL_TICKS_DEFAULT,
  "election timeout must be at least twice the heartbeat interval",
);
assert(
  SNAPSHOT_CHUNK_BYTES_DEFAULT + FRAME_OVERHEAD_BYTES <= FRAME_BYTES_MAX_DEFAULT,
  "a snapshot chunk frame must fit the transport frame limit",
);
assert(
  ENTRY_BYTES_MAX_DEFAULT + FRAME_OVERHEAD_BYTES <= FRAME_BYTES_MAX_DEFAULT,
  "an Append carrying one maximal entry must fit the transport frame limit",
);
assert(
  (APPEND_BYTES_MAX_DEFAULT + FRAME_OVERHEAD_BYTES) * INFLIGHT_APPENDS_MAX_DEFAULT <= OUTBOUND_BUFFERED_BYTES_MAX,
  "a follower's full window of appends must fit what the transport buffers for one peer",
);
assert(SNAPSHOT_TRAILING_ENTRIES_DEFAULT < SNAPSHOT_ENTRIES_DEFAULT, "trailing entries below the snapshot interval");
