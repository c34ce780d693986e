/**
 * snapshot-format.ts: the chunk format of a whole-store snapshot.
 *
 * A snapshot is every key/value pair of the store, in key order, cut into chunks of at most
 * SNAPSHOT_CHUNK_BYTES_MAX bytes. Each chunk:
 *
 *   u32 magic "FLSN", u8 kind (1 data, 2 end), u32 index (0, 1, 2, ...), u32 payloadLength,
 *   u32 crc32c (of the 13 header bytes before it, then the payload), payload
 *
 * (all big-endian). A data payload is records `u32 keyLength, key, u32 valueLength, value`;
 * a record never spans chunks. The end chunk's payload is `u64 recordCount`; nothing may
 * follow it. Restore checks magic, kind, order, length and checksum of every chunk and the
 * record count before it replaces anything.
 */
import { crc32c } from "@node-rs/crc32";
import { assert } from "./assert";
import { SNAPSHOT_CHUNK_BYTES_MAX, SNAPSHOT_CHUNK_HEADER_BYTES, SNAPSHOT_RECORD_BYTES_MAX } from "./limits";

/** SNAPSHOT_MAGIC is "FLSN". */
export const SNAPSHOT_MAGIC = 0x464c534e;

/** ChunkKind tells data chunks from the end chunk. */
export const ChunkKind = { Data: 1, End: 2 } as const;
/** ChunkKindValue is one value of `ChunkKind`. */
export type ChunkKindValue = (typeof ChunkKind)[keyof typeof ChunkKind];

/** SnapshotCorruptError reports a snapshot that failed verification; the target is unchanged. */
export class SnapshotCorruptError extends Error {
  override readonly name = "SnapshotCorruptError";
}

function checksum(header: Uint8Array, payload: Uint8Array): number {
  const headerCrc = crc32c(Buffer.from(header.buffer, header.byteOffset, 13));
  return crc32c(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), headerCrc);
}

/** encodeChunk frames one payload as a chunk. */
export function encodeChunk(kind: ChunkKindValue, index: number, payload: Uint8Array): Uint8Array {
  assert(payload.length + SNAPSHOT_CHUNK_HEADER_BYTES <= SNAPSHOT_CHUNK_BYTES_MAX, "chunk too large");
  const chunk = new Uint8Array(SNAPSHOT_CHUNK_HEADER_BYTES + payload.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, SNAPSHOT_MAGIC);
  chunk[4] = kind;
  view.setUint32(5, index);
  view.setUint32(9, payload.length);
  chunk.set(payload, SNAPSHOT_CHUNK_HEADER_BYTES);
  view.setUint32(13, checksum(chunk, chunk.subarray(SNAPSHOT_CHUNK_HEADER_BYTES)));
  return chunk;
}

/** DecodedChunk is a verified chunk. */
export interface DecodedChunk {
  kind: ChunkKindValue;
  index: number;
  payload: Uint8Array;
}

/** decodeChunk verifies one chunk; `expectedIndex` is its position in the stream. */
export function decodeChunk(chunk: Uint8Array, expectedIndex: number): DecodedChunk {
  const where = `snapshot chunk ${expectedIndex}`;
  if (chunk.length < SNAPSHOT_CHUNK_HEADER_BYTES) {
    const header = `the ${SNAPSHOT_CHUNK_HEADER_BYTES}-byte header`;
    throw new SnapshotCorruptError(`${where}: ${chunk.length} bytes is shorter than ${header}`);
  }
  if (chunk.length > SNAPSHOT_CHUNK_BYTES_MAX) {
    const limit = `the chunk limit ${SNAPSHOT_CHUNK_BYTES_MAX}`;
    throw new SnapshotCorruptError(`${where}: ${chunk.length} bytes exceeds ${limit}`);
  }
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const magic = view.getUint32(0);
  if (magic !== SNAPSHOT_MAGIC) throw new SnapshotCorruptError(`${where}: bad magic 0x${magic.toString(16)}`);
  const payloadLength = view.getUint32(9);
  if (payloadLength !== chunk.length - SNAPSHOT_CHUNK_HEADER_BYTES) {
    const sizes = `payload length ${payloadLength} does not match chunk size ${chunk.length}`;
    throw new SnapshotCorruptError(`${where}: ${sizes}`);
  }
  const payload = chunk.subarray(SNAPSHOT_CHUNK_HEADER_BYTES);
  const stored = view.getUint32(13);
  const computed = checksum(chunk, payload);
  if (stored !== computed) {
    const values = `stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`;
    throw new SnapshotCorruptError(`${where}: checksum mismatch (${values})`);
  }
  const kind = chunk[4];
  if (kind !== ChunkKind.Data && kind !== ChunkKind.End) {
    throw new SnapshotCorruptError(`${where}: unknown kind ${kind}`);
  }
  const index = view.getUint32(5);
  if (index !== expectedIndex) throw new SnapshotCorruptError(`${where}: out of order (index ${index})`);
  return { kind, index, payload };
}

/** SnapshotRecord is one key/value pair. */
export interface SnapshotRecord {
  key: Uint8Array;
  value: Uint8Array;
}

/** recordBytes is the size one record takes inside a payload. */
export function recordBytes(record: SnapshotRecord): number {
  return 8 + record.key.length + record.value.length;
}

/** encodeRecords lays records out as a data payload. */
export function encodeRecords(records: readonly SnapshotRecord[], totalBytes: number): Uint8Array {
  const payload = new Uint8Array(totalBytes);
  const view = new DataView(payload.buffer);
  let at = 0;
  for (const { key, value } of records) {
    assert(recordBytes({ key, value }) <= SNAPSHOT_RECORD_BYTES_MAX, "snapshot record too large");
    view.setUint32(at, key.length);
    payload.set(key, at + 4);
    at += 4 + key.length;
    view.setUint32(at, value.length);
    payload.set(value, at + 4);
    at += 4 + value.length;
  }
  assert(at === totalBytes, "encodeRecords: size");
  return payload;
}

/** decodeRecords splits a verified data payload into records (views into the payload). */
export function decodeRecords(payload: Uint8Array, index: number): SnapshotRecord[] {
  const records: SnapshotRecord[] = [];
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  while (at < payload.length) {
    const where = `snapshot chunk ${index}`;
    if (at + 4 > payload.length) throw new SnapshotCorruptError(`${where}: truncated key length at ${at}`);
    const keyLength = view.getUint32(at);
    const keyEnd = at + 4 + keyLength;
    if (keyLength === 0 || keyEnd + 4 > payload.length) {
      throw new SnapshotCorruptError(`${where}: bad key at ${at}`);
    }
    const valueLength = view.getUint32(keyEnd);
    const valueEnd = keyEnd + 4 + valueLength;
    if (valueEnd > payload.length) throw new SnapshotCorruptError(`${where}: truncated value at ${keyEnd}`);
    records.push({ key: payload.subarray(at + 4, keyEnd), value: payload.subarray(keyEnd + 4, valueEnd) });
    at = valueEnd;
  }
  return records;
}

/** encodeEndPayload holds the number of records the snapshot carried. */
export function encodeEndPayload(recordCount: number): Uint8Array {
  const payload = new Uint8Array(8);
  new DataView(payload.buffer).setBigUint64(0, BigInt(recordCount));
  return payload;
}

/** decodeEndPayload reads the record count of the end chunk. */
export function decodeEndPayload(payload: Uint8Array, index: number): number {
  if (payload.length !== 8) {
    const what = `end chunk payload is ${payload.length} bytes, expected 8`;
    throw new SnapshotCorruptError(`snapshot chunk ${index}: ${what}`);
  }
  return Number(new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0));
}
