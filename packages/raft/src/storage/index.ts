/** Storage layer of the Raft node: checksummed LevelDB log, hard state and snapshots. */
export { RaftStorage } from "./level-storage";
export type { LoadedState, PersistRequest } from "./level-storage";
export type { StoredSnapshot } from "./codec";
export { StorageCorruptionError, type CorruptionReport } from "./errors";
export { LevelDbCorruptionError, WriteAheadLogLossError } from "./leveldb-damage";
export { SNAPSHOT_CHUNK_BYTES_DEFAULT } from "./limits";
export { SYNC_LATENCY_BUCKETS_MS, syncLatencyBetween } from "./sync-latency";
export type { SyncLatencyDelta, SyncLatencyHistogram } from "./sync-latency";
