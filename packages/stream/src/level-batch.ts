/**
 * level-batch.ts: atomic batch writes through level's chained-batch API. The array form
 * (`db.batch(ops)`) clones every operation in abstract-level before the binding walks the array
 * through N-API: an applied batch of 100 messages is some 300 operations, and the array form was
 * the largest single cost of apply (bench:stream: 61 000 against 134 000 messages/s).
 */
import type { Level } from "level";
import type { LevelOp } from "./level-types";

/** writeBatch writes `ops` as one atomic batch, fsynced when `sync`. */
export async function writeBatch(db: Level<Uint8Array, Uint8Array>, ops: readonly LevelOp[], sync: boolean): Promise<void> {
  const batch = db.batch();
  try {
    for (const op of ops) {
      if (op.type === "put") batch.put(op.key, op.value);
      else batch.del(op.key);
    }
  } catch (err) {
    // The batch holds native resources until written or closed.
    await batch.close();
    throw err;
  }
  await batch.write({ sync });
}
