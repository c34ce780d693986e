/**
 * Key layout and checksummed record codec of the Raft storage.
 *
 * One LevelDB per node; every key starts with a one-byte prefix naming its kind:
 *   "L" + u64be(first) + u64be(last) → log segment  value: crc32c | entry run (entry-run.ts)
 *   "H" + u8(copy)                → hard state      value: crc32c | msgpack {term, vote, commit}
 *   "M"                           → snapshot meta   value: crc32c | msgpack {index, term, peers, gen, chunks, bytes}
 *   "S" + u64be(gen) + u32be(seq) → snapshot chunk  value: crc32c | data
 *   "W"                           → write-ahead-log loss  value: crc32c | utf8 lines (leveldb-damage.ts)
 * The CRC32C covers the key and the rest of the value, so a record that lands under the wrong key
 * is detected as well as flipped bits. Big-endian numbers keep LevelDB's byte order equal to
 * numeric order, which range deletes and scans rely on.
 *
 * The log is stored in segments: one record per contiguous run of entries (what one Ready
 * appends, split at LOG_SEGMENT_BYTES_MAX), keyed by its first and last index. Segments never
 * overlap: a write that overwrites a suffix deletes the segments above and rewrites the one it
 * cuts. One record per Ready instead of one per entry saves LevelDB a memtable insert, key
 * comparisons and an N-API call per entry on every node. The last index in the key tells recovery
 * how far a segment reached even when its value is corrupt (the repair target).
 */
import { crc32c } from "@node-rs/crc32";
import { Packr } from "msgpackr";
import type { Entry, EntryKind, HardState, LogIndex, NodeId, SnapshotMeta, Term } from "../core/types";
import { EntryKind as EntryKinds } from "../core/types";
import { ENTRY_RUN_HEADER_BYTES, checkU64, entryRunBytes, putU32, putU64, writeEntryRun } from "../entry-run";

/**
 * KeyPrefix names the kinds of records in the store ("L", "M", "S", "W", "h"). The hard state is
 * rewritten in almost every batch, so its key sorts above every other: a table LevelDB flushes
 * then spans only the newest log keys up to it, and merging it into the next level rewrites
 * that level's last table alone. Sorted below the log, every flushed table spanned the whole
 * log and each merge rewrote the entire next level: in bench:raft's 16 KiB cases compaction
 * wrote 2.1x the flushed bytes, against 1.65x with this order.
 */
export const KeyPrefix = { Log: 0x4c, Meta: 0x4d, Snap: 0x53, WalLoss: 0x57, Hard: 0x68 } as const;
export type KeyPrefix = (typeof KeyPrefix)[keyof typeof KeyPrefix];

const packr = new Packr({ useRecords: false });
const CRC_BYTES = 4;
const U32 = 0x1_0000_0000;

function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset) * U32 + view.getUint32(offset + 4);
}

const SEGMENT_KEY_BYTES = 17;

/** segmentKey returns the key of the log segment holding entries first..last. */
export function segmentKey(first: LogIndex, last: LogIndex): Uint8Array {
  checkU64(first);
  checkU64(last);
  if (last < first) throw new RangeError(`segment ${first}..${last} is empty`);
  // Buffer.allocUnsafe slices a shared pool (every byte is written below); LevelDB copies keys.
  const key = Buffer.allocUnsafe(SEGMENT_KEY_BYTES);
  key[0] = KeyPrefix.Log;
  putU64(key, 1, first);
  putU64(key, 9, last);
  return key;
}

/** segmentKeyRange decodes the first and last index from a log segment key. */
export function segmentKeyRange(key: Uint8Array): { first: LogIndex; last: LogIndex } {
  if (key.length !== SEGMENT_KEY_BYTES || key[0] !== KeyPrefix.Log) throw new RangeError("not a log segment key");
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { first: readU64(view, 1), last: readU64(view, 9) };
}

/** hardKey returns the key of one of the two redundant hard-state copies. */
export function hardKey(copy: 0 | 1): Uint8Array {
  return Uint8Array.of(KeyPrefix.Hard, copy);
}

/** META_KEY is the key of the snapshot metadata record. */
export const META_KEY = Uint8Array.of(KeyPrefix.Meta);

/** WAL_LOSS_KEY holds the reports of write-ahead-log records LevelDB dropped, once an open found any. */
export const WAL_LOSS_KEY = Uint8Array.of(KeyPrefix.WalLoss);

/** snapKey returns the key of chunk `seq` of snapshot generation `gen`. */
export function snapKey(gen: number, seq: number): Uint8Array {
  const key = new Uint8Array(13);
  key[0] = KeyPrefix.Snap;
  checkU64(gen);
  putU64(key, 1, gen);
  new DataView(key.buffer).setUint32(9, seq);
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
  if (key[0] === KeyPrefix.Log && key.length === SEGMENT_KEY_BYTES) {
    const { first, last } = segmentKeyRange(key);
    return `L/${first}-${last}`;
  }
  if (key[0] === KeyPrefix.Snap && key.length === 13) {
    const seq = new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(9);
    return `S/${snapKeyGen(key)}/${seq}`;
  }
  return `${prefix}/${Buffer.from(key.subarray(1)).toString("hex")}`;
}

function seal(key: Uint8Array, body: Uint8Array): Uint8Array {
  // Buffer.allocUnsafe slices a shared pool for small records (a fresh ArrayBuffer per hard-state
  // copy cost more than the rest of its encoding); every byte is written below.
  const value = Buffer.allocUnsafe(CRC_BYTES + body.length);
  value.set(body, CRC_BYTES);
  putU32(value, 0, crc32c(body, crc32c(key)));
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

/** segmentValueBytes returns the size of the sealed value of the segment `entries[from..to]`. */
export function segmentValueBytes(entries: readonly Entry[], from: number, to: number): number {
  return CRC_BYTES + entryRunBytes(entries, from, to);
}

/**
 * writeSegment seals the segment `entries[from..to]` (inclusive) stored under `key` (= segmentKey
 * of their indexes, passed in because the caller needs it too) into `target`, which must be
 * exactly segmentValueBytes long, and returns it. Every byte is written, so `target` may be
 * unzeroed scratch memory. This runs on every node's commit path: one copy of each payload.
 */
export function writeSegment(target: Uint8Array, entries: readonly Entry[], from: number, to: number, key: Uint8Array): Uint8Array {
  const end = writeEntryRun(target, CRC_BYTES, entries, from, to);
  if (end !== target.length) throw new RangeError(`segment value of ${end} bytes written into ${target.length}`);
  putU32(target, 0, crc32c(target.subarray(CRC_BYTES), crc32c(key)));
  return target;
}

/**
 * decodeSegment checks and decodes a stored log segment: exactly the entries its key names,
 * nothing after them. A string result names what is wrong.
 */
export function decodeSegment(key: Uint8Array, value: Uint8Array): Entry[] | string {
  const { first, last } = segmentKeyRange(key);
  const body = unseal(key, value);
  if (typeof body === "string") return body;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const entries: Entry[] = [];
  let offset = 0;
  for (let index = first; index <= last; index++) {
    if (body.length - offset < ENTRY_RUN_HEADER_BYTES) return `segment ends before the header of entry ${index}`;
    const kind = body[offset + 8];
    if (kind !== EntryKinds.Normal && kind !== EntryKinds.Noop) return `entry ${index}: unknown kind ${kind}`;
    const term: Term = readU64(view, offset);
    const length = view.getUint32(offset + 9);
    const start = offset + ENTRY_RUN_HEADER_BYTES;
    if (body.length - start < length) return `entry ${index}: ${length} data bytes overrun the segment`;
    // Copy the payload so the entry does not pin LevelDB's read buffer.
    entries.push({ index, term, kind: kind as EntryKind, data: new Uint8Array(body.subarray(start, start + length)) });
    offset = start + length;
  }
  if (offset !== body.length) return `${body.length - offset} bytes after entry ${last}`;
  return entries;
}

/** HARD_KEYS: the keys of the two hard-state copies (LevelDB copies keys; these are never written to). */
const HARD_KEYS = [hardKey(0), hardKey(1)] as const;

/**
 * StoredHardState is the hard state as stored: the core's term, vote and commit, and the node's
 * repair target (0 unless a load found records it had to drop or an empty log joined a cluster;
 * see RaftStorage.repairTarget), with `rejoin` when the repair began from an empty log.
 */
export interface StoredHardState extends HardState {
  readonly repairTarget: LogIndex;
  readonly rejoin?: true;
}

/**
 * encodeHardStates seals both copies of the hard state from one encoding (a batch writes both).
 * The repair target is stored only while there is one, so the common record stays as small.
 */
export function encodeHardStates(state: HardState, repairTarget: LogIndex, rejoin = false): readonly [Uint8Array, Uint8Array] {
  const fields = { term: state.term, vote: state.vote, commit: state.commit };
  const repair = rejoin ? { repair: repairTarget, rejoin: true } : { repair: repairTarget };
  const body = packr.pack(repairTarget > 0 ? { ...fields, ...repair } : fields);
  return [seal(HARD_KEYS[0], body), seal(HARD_KEYS[1], body)];
}

/** decodeHardState checks and decodes a hard-state copy. */
export function decodeHardState(copy: 0 | 1, value: Uint8Array): StoredHardState | string {
  const body = unseal(hardKey(copy), value);
  if (typeof body === "string") return body;
  const decoded = unpackRecord(body);
  if (typeof decoded === "string") return decoded;
  const { term, vote, commit, repair = 0, rejoin = false } = decoded;
  if (!isIndex(term) || !isIndex(commit)) return "hard state term/commit not integers";
  if (vote !== null && typeof vote !== "string") return "hard state vote not a node id";
  if (!isIndex(repair)) return "hard state repair target not an integer";
  if (rejoin !== false && (rejoin !== true || repair === 0)) return "hard state rejoin flag invalid";
  return rejoin ? { term, vote, commit, repairTarget: repair, rejoin } : { term, vote, commit, repairTarget: repair };
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

/** encodeWalLoss seals the reports of write-ahead-log records LevelDB dropped (see leveldb-damage.ts). */
export function encodeWalLoss(reports: readonly string[]): Uint8Array {
  return seal(WAL_LOSS_KEY, new TextEncoder().encode(reports.join("\n")));
}

/** decodeWalLoss checks and decodes those reports; a corrupt record still says that records were lost. */
export function decodeWalLoss(value: Uint8Array): string[] {
  const body = unseal(WAL_LOSS_KEY, value);
  if (typeof body === "string") return [`stored report unreadable: ${body}`];
  return new TextDecoder().decode(body).split("\n");
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
