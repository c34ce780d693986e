/**
 * Named limits of the durable log storage (LevelDB). Each says why it has its value.
 */

/**
 * SNAPSHOT_CHUNK_BYTES_DEFAULT is the size of one stored / transferred snapshot chunk. 1 MiB keeps
 * a chunk far below the transport frame limit, amortizes per-record overhead, and bounds the memory
 * one in-flight chunk costs on each side of a transfer.
 */
export const SNAPSHOT_CHUNK_BYTES_DEFAULT = 1024 * 1024;

/**
 * SNAPSHOT_CHUNKS_MAX bounds the chunk counter of one snapshot (about 1 TiB at the default chunk
 * size), so a corrupt or hostile chunk sequence number cannot make a stager loop forever.
 */
export const SNAPSHOT_CHUNKS_MAX = 1024 * 1024;

/** INDEX_MAX is the largest log index or term we can encode exactly (a JS safe integer). */
export const INDEX_MAX = Number.MAX_SAFE_INTEGER;

/**
 * LEVEL_WRITE_BUFFER_BYTES is LevelDB's memtable size (its default is 4 MiB). Log entries of up
 * to 16 KiB and more arrive in bursts; a larger memtable means fewer level-0 flushes and less
 * compaction stalling the synced writes on the commit path (measured with bench:raft: 16 KiB
 * entries at 100 in flight went from about 2 000 to about 3 700 entries/s).
 */
export const LEVEL_WRITE_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * LOG_SEGMENT_BYTES_MAX bounds the entry bytes of one log segment record (a segment always holds
 * at least one entry, so one larger entry makes a segment of its own). A Ready's entries are
 * stored as one record when they fit: one LevelDB insert per Ready instead of per entry. The bound
 * keeps a catching-up follower's large Ready from becoming one huge value (LevelDB copies values
 * through its memtable and compactions, and rewrites a whole segment when a suffix is cut).
 */
export const LOG_SEGMENT_BYTES_MAX = 1024 * 1024;

/**
 * SCRATCH_BYTES_MAX bounds the reusable memory each node keeps for the values of one batch
 * (scratch.ts): four maximal log segments, so a Ready of up to four segments (a follower's Ready
 * of one full Append needs three) reuses it, while a single larger entry gets memory of its own
 * instead of growing the arena for good.
 */
export const SCRATCH_BYTES_MAX = 4 * LOG_SEGMENT_BYTES_MAX;

/** SCRATCH_BYTES_MIN: the arena's first buffer, so that batches of small entries never move it. */
export const SCRATCH_BYTES_MIN = 64 * 1024;
