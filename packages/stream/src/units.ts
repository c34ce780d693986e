/**
 * units.ts: type aliases that name the unit of a number, so signatures say what they carry.
 */

/** Nanos is a duration or a Unix time in nanoseconds (bigint: beyond 2^53 for real clocks). */
export type Nanos = bigint;
/** NanosJson is a duration in nanoseconds as JetStream's JSON carries it (a plain number). */
export type NanosJson = number;
/** Bytes is a size in bytes. */
export type Bytes = number;
/** Seq is a stream sequence number (1-based; 0 means "none"). */
export type Seq = number;
/** LogIndex is a Raft log index. */
export type LogIndex = number;
