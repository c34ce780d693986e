/**
 * Key layout and checksummed record codec of the Raft storage.
 *
 * One LevelDB per node; every key starts with a one-byte prefix naming its kind:
 *   "L" + u64be(index)            → log entry      value: crc32c | u64 term | u8 kind | data
 *   "H" + u8(copy)                → hard state      value: crc32c | msgpack {term, vote, commit}
 *   "M"                           → snapshot meta   value: crc32c | msgpack {index, term, peers, gen, chunks, bytes}
 *   "S" + u64be(gen) + u32be(seq) → snapshot chunk  value: crc32c | data
 * The CRC32C covers the key and the rest of the value, so a record that lands under the wrong key
 * is detected as well as flipped bits. Big-endian numbers keep LevelDB's byte order equal to
 * numeric order, which range deletes and scans rely on.
 */
import { crc32c } from "@node-rs/crc32";
import { Packr } from "msgpackr";
import type { Entry, EntryKind, HardState, LogIndex, NodeId, SnapshotMeta, Term } from "../core/types";
import { EntryKind as EntryKinds } from "../core/types";
import { INDEX_MAX } from "./limits";

/** KeyPrefix names the kinds of records in the store. */
export const KeyPrefix = { Log: 0x4c, Hard: 0x48, Meta: 0x4d, Snap: 0x53 } as const;
export type KeyPrefix = (typeof KeyPrefix)[keyof typeof KeyPrefix];

const packr = new Packr({ useRecords: false });
const CRC_BYTES = 4;
const U32 = 0x1_0000_0000;

function writeU64(view: DataView, offset: number, value: number): void {
  checkU64(value);
  view.setUint32(offset, Math.floor(value / U32));
  view.setUint32(offset + 4, value >>> 0);
}

function checkU64(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > INDEX_MAX) {
    throw new RangeError(`value ${value} is not a non-negative safe integer`);
  }
}

/** putU64 writes a checked value big-endian at `offset` without a DataView (hot path). */
function putU64(bytes: Uint8Array, offset: number, value: number): void {
  const high = Math.floor(value / U32);
  const low = value >>> 0;
  bytes[offset] = high >>> 24;
  bytes[offset + 1] = (high >>> 16) & 0xff;
  bytes[offset + 2] = (high >>> 8) & 0xff;
  bytes[offset + 3] = high & 0xff;
  bytes[offset + 4] = low >>> 24;
  bytes[offset + 5] = (low >>> 16) & 0xff;
  bytes[offset + 6] = (low >>> 8) & 0xff;
  bytes[offset + 7] = low & 0xff;
}

function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset) * U32 + view.getUint32(offset + 4);
}

/** logKey returns the key of the log entry at `index`. */
export function logKey(index: LogIndex): Uint8Array {
  // Written byte by byte: a DataView per key measured as the largest single cost of encoding
  // a log entry on the commit path.
  checkU64(index);
  // Buffer.allocUnsafe slices a shared pool (every byte is written below): cheaper than a fresh
  // zeroed ArrayBuffer per key, and LevelDB copies keys and values into its batch.
  const key = Buffer.allocUnsafe(9);
  key[0] = KeyPrefix.Log;
  putU64(key, 1, index);
  return key;
}

/** logKeyIndex decodes the index from a log key. */
export function logKeyIndex(key: Uint8Array): LogIndex {
  if (key.length !== 9 || key[0] !== KeyPrefix.Log) throw new RangeError("not a log key");
  return readU64(new DataView(key.buffer, key.byteOffset, key.byteLength), 1);
}

/** hardKey returns the key of one of the two redundant hard-state copies. */
export function hardKey(copy: 0 | 1): Uint8Array {
  return Uint8Array.of(KeyPrefix.Hard, copy);
}

/** META_KEY is the key of the snapshot metadata record. */
export const META_KEY = Uint8Array.of(KeyPrefix.Meta);

/** snapKey returns the key of chunk `seq` of snapshot generation `gen`. */
export function snapKey(gen: number, seq: number): Uint8Array {
  const key = new Uint8Array(13);
  key[0] = KeyPrefix.Snap;
  const view = new DataView(key.buffer);
  writeU64(view, 1, gen);
  view.setUint32(9, seq);
  return key;
}

/** snapKeyGen decodes the generation from a snapshot chunk key. */
export function snapKeyGen(key: Uint8Array): number {
  if (key.length !== 13 || key[0] !== KeyPrefix.Snap) throw new RangeError("not a snapshot key");
  return readU64(new DataView(key.buffer, key.byteOffset, key.byteLength), 1);
}

/** printKey renders a key for log lines and error messages. */
export function printKey(key: Uint8Array): string {
  const prefix = String.fromCharCode(key[0] ?? 0x3f);
  if (key[0] === KeyPrefix.Log && key.length === 9) return `L/${logKeyIndex(key)}`;
  if (key[0] === KeyPrefix.Snap && key.length === 13) {
    const seq = new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(9);
    return `S/${snapKeyGen(key)}/${seq}`;
  }
  return `${prefix}/${Buffer.from(key.subarray(1)).toString("hex")}`;
}

function seal(key: Uint8Array, body: Uint8Array): Uint8Array {
  const value = new Uint8Array(CRC_BYTES + body.length);
  value.set(body, CRC_BYTES);
  new DataView(value.buffer).setUint32(0, crc32c(body, crc32c(key)));
  return value;
}

/** unseal checks the CRC of a record and returns its body, or a reason string when it is bad. */
export function unseal(key: Uint8Array, value: Uint8Array): Uint8Array | string {
  if (value.length < CRC_BYTES) return `record of ${value.length} bytes is shorter than its checksum`;
  const body = value.subarray(CRC_BYTES);
  const stored = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0);
  const computed = crc32c(body, crc32c(key));
  if (stored !== computed) return `crc32c mismatch (stored ${stored}, computed ${computed})`;
  return body;
}

const ENTRY_HEADER_BYTES = 9;

/**
 * encodeEntry returns the sealed value of a log entry stored under `key` (= logKey(entry.index),
 * passed in because the caller needs it too). One pooled allocation and one copy of the payload:
 * this runs for every entry on every node's commit path (a fresh Uint8Array per record measured
 * 0.52 us against 0.30 us for a pooled Buffer, with less garbage collection).
 */
export function encodeEntry(entry: Entry, key: Uint8Array): Uint8Array {
  checkU64(entry.term);
  // Pooled and not zeroed: every byte is written below (see logKey).
  const value = Buffer.allocUnsafe(CRC_BYTES + ENTRY_HEADER_BYTES + entry.data.length);
  putU64(value, CRC_BYTES, entry.term);
  value[CRC_BYTES + 8] = entry.kind;
  value.set(entry.data, CRC_BYTES + ENTRY_HEADER_BYTES);
  const crc = crc32c(value.subarray(CRC_BYTES), crc32c(key));
  value[0] = crc >>> 24;
  value[1] = (crc >>> 16) & 0xff;
  value[2] = (crc >>> 8) & 0xff;
  value[3] = crc & 0xff;
  return value;
}

/** decodeEntry checks and decodes a stored log entry; a string result names what is wrong. */
export function decodeEntry(key: Uint8Array, value: Uint8Array): Entry | string {
  const body = unseal(key, value);
  if (typeof body === "string") return body;
  if (body.length < ENTRY_HEADER_BYTES) return "entry record shorter than its header";
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const kind = body[8];
  if (kind !== EntryKinds.Normal && kind !== EntryKinds.Noop) return `unknown entry kind ${kind}`;
  const term: Term = readU64(view, 0);
  // Copy the payload so the entry does not pin LevelDB's read buffer.
  const data = new Uint8Array(body.subarray(ENTRY_HEADER_BYTES)); // a copy even when body is a Buffer
  return { term, index: logKeyIndex(key), kind: kind as EntryKind, data };
}

/** encodeHardState seals one copy of the hard state. */
export function encodeHardState(copy: 0 | 1, state: HardState): Uint8Array {
  const body = packr.pack({ term: state.term, vote: state.vote, commit: state.commit });
  return seal(hardKey(copy), body);
}

/** decodeHardState checks and decodes a hard-state copy. */
export function decodeHardState(copy: 0 | 1, value: Uint8Array): HardState | string {
  const body = unseal(hardKey(copy), value);
  if (typeof body === "string") return body;
  const decoded = unpackRecord(body);
  if (typeof decoded === "string") return decoded;
  const { term, vote, commit } = decoded;
  if (!isIndex(term) || !isIndex(commit)) return "hard state term/commit not integers";
  if (vote !== null && typeof vote !== "string") return "hard state vote not a node id";
  return { term, vote, commit };
}

/** StoredSnapshot is the snapshot meta plus where its data chunks live. */
export interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  /** gen is the generation under which its chunks are stored. */
  readonly gen: number;
  readonly chunks: number;
  readonly bytes: number;
}

/** encodeMeta seals the snapshot metadata record. */
export function encodeMeta(snap: StoredSnapshot): Uint8Array {
  const { meta } = snap;
  const body = packr.pack({
    index: meta.index, term: meta.term, peers: [...meta.peers],
    gen: snap.gen, chunks: snap.chunks, bytes: snap.bytes,
  });
  return seal(META_KEY, body);
}

/** decodeMeta checks and decodes the snapshot metadata record. */
export function decodeMeta(value: Uint8Array): StoredSnapshot | string {
  const body = unseal(META_KEY, value);
  if (typeof body === "string") return body;
  const d = unpackRecord(body);
  if (typeof d === "string") return d;
  if (![d.index, d.term, d.gen, d.chunks, d.bytes].every(isIndex)) return "snapshot meta numbers invalid";
  if (!Array.isArray(d.peers) || !d.peers.every((p) => typeof p === "string")) return "snapshot peers invalid";
  const meta: SnapshotMeta = { index: d.index as number, term: d.term as number, peers: d.peers as NodeId[] };
  return { meta, gen: d.gen as number, chunks: d.chunks as number, bytes: d.bytes as number };
}

/** encodeChunk seals one snapshot data chunk. */
export function encodeChunk(gen: number, seq: number, data: Uint8Array): Uint8Array {
  return seal(snapKey(gen, seq), data);
}

function unpackRecord(body: Uint8Array): Record<string, unknown> | string {
  let decoded: unknown;
  try {
    decoded = packr.unpack(body);
  } catch (error) {
    return `undecodable record: ${(error as Error).message}`;
  }
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) return "record is not a map";
  return decoded as Record<string, unknown>;
}

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
