/**
 * Typed errors of the storage layer. These are expected operating conditions (a disk returned bad
 * bytes), not programmer errors, so they are classes the node can branch on. CorruptionReport is
 * the non-fatal counterpart: what `load` found broken and repaired around.
 */
import type { LogIndex } from "../core/types";

/** StorageCorruptionError reports a record whose checksum or shape is wrong and cannot be repaired locally. */
export class StorageCorruptionError extends Error {
  override readonly name = "StorageCorruptionError";
  /** key is a printable form of the LevelDB key of the bad record. */
  readonly key: string;
  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super(`storage record ${key} is corrupt: ${reason}`, options);
    this.key = key;
  }
}

/** CorruptionReport says what `load` found broken and how far the node must be repaired. */
export interface CorruptionReport {
  readonly key: string;
  readonly reason: string;
  /** repairTargetIndex: the node is repaired once its commit index reaches this. */
  readonly repairTargetIndex: LogIndex;
}
