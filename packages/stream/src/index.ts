/**
 * @flotilla/stream: the stream state machine that runs on every replica: configuration,
 * replicated operations and their codec, the read view the leader's checks use, and the store.
 */
export * from "./errors";
export * from "./config";
export {
  validateStreamCreate,
  validateStreamUpdate,
  streamConfigsEqual,
  type StreamCreateCheck,
} from "./config-update";
export * from "./ops";
export * from "./view";
export * from "./subjects";
export * from "./versioning";
export * as limits from "./limits";
export { StreamStore, StoreUnusableError, type StoreOptions } from "./store";
export type { ApplyResult } from "./apply";
export { SnapshotCorruptError } from "./snapshot-format";
export { StoreDamagedError } from "./leveldb-damage";
export type { Bytes, LogIndex, Nanos, NanosJson, Seq } from "./units";
