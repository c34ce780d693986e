/**
 * writeLocalSnapshot: store the state machine's snapshot stream as checksummed chunks of a fixed
 * size under a fresh generation. At most one chunk is held in memory at a time.
 */
import { assert } from "../assert";
import type { SnapshotMeta } from "../core/types";
import type { StoredSnapshot } from "../storage/codec";
import type { RaftStorage } from "../storage/level-storage";

/** rechunk re-slices an arbitrary byte stream into chunks of exactly `chunkBytes` (last one shorter). */
export async function* rechunk(stream: AsyncIterable<Uint8Array>, chunkBytes: number): AsyncGenerator<Uint8Array> {
  assert(Number.isInteger(chunkBytes) && chunkBytes > 0, "chunkBytes must be a positive integer");
  let buffer = new Uint8Array(chunkBytes);
  let filled = 0;
  for await (const piece of stream) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(chunkBytes - filled, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === chunkBytes) {
        yield buffer;
        buffer = new Uint8Array(chunkBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** writeLocalSnapshot writes the chunks (unsynced) and returns where they are; it does not install them. */
export async function writeLocalSnapshot(
  storage: RaftStorage, meta: SnapshotMeta, stream: AsyncIterable<Uint8Array>, chunkBytes: number,
): Promise<StoredSnapshot> {
  const gen = storage.allocateGeneration();
  let chunks = 0;
  let bytes = 0;
  for await (const chunk of rechunk(stream, chunkBytes)) {
    await storage.writeChunk(gen, chunks, chunk);
    chunks++;
    bytes += chunk.length;
  }
  // An empty state still gets one (empty) chunk, so every transfer has a last chunk to send.
  if (chunks === 0) {
    await storage.writeChunk(gen, 0, new Uint8Array(0));
    chunks = 1;
  }
  return { meta, gen, chunks, bytes };
}
