/**
 * snapshot.ts: writing the store as a stream of chunks, and reading such a stream into a
 * staging database (snapshot-format.ts has the format).
 */
import type { Level } from "level";
import { writeBatch } from "./level-batch";
import { SNAPSHOT_CHUNK_BYTES_MAX, SNAPSHOT_CHUNK_HEADER_BYTES } from "./limits";
import {
  ChunkKind,
  decodeChunk,
  decodeEndPayload,
  decodeRecords,
  encodeChunk,
  encodeEndPayload,
  encodeRecords,
  recordBytes,
  SnapshotCorruptError,
  type SnapshotRecord,
} from "./snapshot-format";

const PAYLOAD_BYTES_MAX = SNAPSHOT_CHUNK_BYTES_MAX - SNAPSHOT_CHUNK_HEADER_BYTES;

/** writeSnapshot turns an ordered key/value iterator into chunks; closes the iterator. */
export async function* writeSnapshot(
  entries: AsyncIterable<[Uint8Array, Uint8Array]> & { close(): Promise<void> },
): AsyncIterable<Uint8Array> {
  let index = 0;
  let recordCount = 0;
  let pending: SnapshotRecord[] = [];
  let pendingBytes = 0;
  try {
    for await (const [key, value] of entries) {
      const record = { key: new Uint8Array(key), value: new Uint8Array(value) };
      const size = recordBytes(record);
      if (pendingBytes + size > PAYLOAD_BYTES_MAX && pending.length > 0) {
        yield encodeChunk(ChunkKind.Data, index++, encodeRecords(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      }
      pending.push(record);
      pendingBytes += size;
      recordCount += 1;
    }
  } finally {
    await entries.close();
  }
  if (pending.length > 0) yield encodeChunk(ChunkKind.Data, index++, encodeRecords(pending, pendingBytes));
  yield encodeChunk(ChunkKind.End, index, encodeEndPayload(recordCount));
}

/**
 * readSnapshotInto verifies each chunk in order and writes its records into `target`.
 * Throws SnapshotCorruptError naming the chunk and the fault; the caller discards `target`.
 */
export async function readSnapshotInto(
  chunks: AsyncIterable<Uint8Array>,
  target: Level<Uint8Array, Uint8Array>,
): Promise<void> {
  let index = 0;
  let recordCount = 0;
  let ended = false;
  for await (const chunk of chunks) {
    if (ended) throw new SnapshotCorruptError(`snapshot chunk ${index}: data after the end chunk`);
    const decoded = decodeChunk(chunk, index);
    if (decoded.kind === ChunkKind.End) {
      const expected = decodeEndPayload(decoded.payload, index);
      if (expected !== recordCount) {
        const counts = `end chunk counts ${expected} records, received ${recordCount}`;
        throw new SnapshotCorruptError(`snapshot chunk ${index}: ${counts}`);
      }
      ended = true;
    } else {
      const records = decodeRecords(decoded.payload, index);
      await writeBatch(target, records.map(({ key, value }) => ({ type: "put" as const, key, value })), false);
      recordCount += records.length;
    }
    index += 1;
  }
  if (!ended) throw new SnapshotCorruptError(`snapshot truncated: no end chunk after ${index} chunks`);
}
