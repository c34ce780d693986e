/**
 * Typed errors of the storage layer. These are expected operating conditions (a disk returned bad
 * bytes), not programmer errors, so they are classes the node can branch on.
 */

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
