/**
 * keys.ts: the key layout of the one Level database that holds every stream.
 *
 * Every key starts with a one-byte kind, so each kind is one contiguous key range (what a
 * sublevel would give, without its string encoding). Per-stream keys continue with the stream
 * name as `u8 length + UTF-8 bytes`, so one stream's keys of a kind are contiguous too:
 *
 *   0x00 'a'                          applied Raft index (u64)
 *   0x00 'd'                          LevelDB's damage reports (UTF-8 lines; leveldb-damage.ts)
 *   0x01 name                         stream configuration (JSON)
 *   0x02 name                         sequence state (records.ts)
 *   0x03 name seq:u64be               message record (records.ts)
 *   0x04 name ts:u64be msgId          dedupe entry -> seq (u64)
 */
import { assert, fail } from "./assert";
import { STREAM_NAME_BYTES_MAX } from "./limits";
import type { Nanos, Seq } from "./units";
import { subjectByteLength } from "./view";

/** KeyKind is the first byte of every key. */
export const KeyKind = {
  Meta: 0x00,
  Config: 0x01,
  SeqState: 0x02,
  Message: 0x03,
  Dedupe: 0x04,
} as const;
/** KeyKindValue is one value of `KeyKind`. */
export type KeyKindValue = (typeof KeyKind)[keyof typeof KeyKind];

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** APPLIED_INDEX_KEY holds the last applied Raft index. */
export const APPLIED_INDEX_KEY = new Uint8Array([KeyKind.Meta, 0x61]);

/** DAMAGE_KEY holds LevelDB's reports of write-ahead-log records it skipped, once an open found any. */
export const DAMAGE_KEY = new Uint8Array([KeyKind.Meta, 0x64]);

/** StreamKeyPrefix is a stream's encoded name, computed once per stream and reused. */
export interface StreamKeyPrefix {
  readonly name: string;
  /** nameBytes is `u8 length + UTF-8 name`. */
  readonly nameBytes: Uint8Array;
}

/** streamKeyPrefix encodes a stream name for use in keys. */
export function streamKeyPrefix(name: string): StreamKeyPrefix {
  const encoded = utf8.encode(name);
  const length = encoded.length;
  assert(length > 0 && length <= STREAM_NAME_BYTES_MAX, `stream name length ${length}`);
  const nameBytes = new Uint8Array(encoded.length + 1);
  nameBytes[0] = encoded.length;
  nameBytes.set(encoded, 1);
  return { name, nameBytes };
}

function streamKey(kind: KeyKindValue, prefix: StreamKeyPrefix, extraBytes: number): Uint8Array {
  const key = new Uint8Array(1 + prefix.nameBytes.length + extraBytes);
  key[0] = kind;
  key.set(prefix.nameBytes, 1);
  return key;
}

const TWO_POW_32 = 2 ** 32;

/** writeU64 writes a non-negative integer or bigint as 8 big-endian bytes at `offset`. */
export function writeU64(target: Uint8Array, offset: number, value: number | bigint): void {
  if (typeof value === "bigint") {
    new DataView(target.buffer, target.byteOffset, target.byteLength).setBigUint64(offset, value, false);
    return;
  }
  // Sequences are safe integers; splitting them avoids a DataView and a BigInt on the hot path.
  if (!Number.isSafeInteger(value) || value < 0) fail(`writeU64: ${value} is not a non-negative safe integer`);
  const high = Math.floor(value / TWO_POW_32);
  const low = value >>> 0;
  target[offset] = high >>> 24;
  target[offset + 1] = (high >>> 16) & 0xff;
  target[offset + 2] = (high >>> 8) & 0xff;
  target[offset + 3] = high & 0xff;
  target[offset + 4] = low >>> 24;
  target[offset + 5] = (low >>> 16) & 0xff;
  target[offset + 6] = (low >>> 8) & 0xff;
  target[offset + 7] = low & 0xff;
}

/** readU64 reads 8 big-endian bytes at `offset` as a bigint. */
export function readU64(source: Uint8Array, offset: number): bigint {
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  return view.getBigUint64(offset, false);
}

/** configKey is the key of a stream's configuration. */
export function configKey(prefix: StreamKeyPrefix): Uint8Array {
  return streamKey(KeyKind.Config, prefix, 0);
}

/** seqStateKey is the key of a stream's sequence state. */
export function seqStateKey(prefix: StreamKeyPrefix): Uint8Array {
  return streamKey(KeyKind.SeqState, prefix, 0);
}

/** messageKey is the key of the message at `seq`. */
export function messageKey(prefix: StreamKeyPrefix, seq: Seq): Uint8Array {
  const key = streamKey(KeyKind.Message, prefix, 8);
  writeU64(key, key.length - 8, seq);
  return key;
}

/** messageKeyRange returns [gte, lt) bounds covering every message key of a stream. */
export function messageKeyRange(prefix: StreamKeyPrefix): [Uint8Array, Uint8Array] {
  // Every message key is the prefix plus 8 bytes, so prefix + 0xff sorts after all of them.
  const gte = streamKey(KeyKind.Message, prefix, 0);
  const lt = streamKey(KeyKind.Message, prefix, 1);
  lt[lt.length - 1] = 0xff;
  return [gte, lt];
}

/** dedupeKey is the key of a dedupe entry; ordered by time, then message id. */
export function dedupeKey(prefix: StreamKeyPrefix, timestampNs: Nanos, msgId: string): Uint8Array {
  // Sized first and encoded in place: this runs for every message that carries a Nats-Msg-Id.
  const idLength = subjectByteLength(msgId);
  const key = streamKey(KeyKind.Dedupe, prefix, 8 + idLength);
  const offset = 1 + prefix.nameBytes.length;
  writeU64(key, offset, timestampNs);
  const { written } = utf8.encodeInto(msgId, key.subarray(offset + 8));
  assert(written === idLength, "dedupe key msg id length");
  return key;
}

/** kindRange returns [gte, lt) bounds covering every key of one kind. */
export function kindRange(kind: KeyKindValue): [Uint8Array, Uint8Array] {
  return [new Uint8Array([kind]), new Uint8Array([kind + 1])];
}

/** DecodedStreamKey is a per-stream key split into its parts. */
export interface DecodedStreamKey {
  kind: number;
  name: string;
  /** rest is the bytes after the name (sequence, or time + msg id). */
  rest: Uint8Array;
}

/** decodeStreamKey splits a per-stream key; asserts it is well formed. */
export function decodeStreamKey(key: Uint8Array): DecodedStreamKey {
  assert(key.length >= 3, "stream key too short");
  const nameLength = key[1] as number;
  assert(key.length >= 2 + nameLength, "stream key name truncated");
  const name = utf8Decoder.decode(key.subarray(2, 2 + nameLength));
  return { kind: key[0] as number, name, rest: key.subarray(2 + nameLength) };
}

/** decodeDedupeKeyRest splits the part of a dedupe key after the name. */
export function decodeDedupeKeyRest(rest: Uint8Array): { timestampNs: Nanos; msgId: string } {
  assert(rest.length > 8, "dedupe key too short");
  return { timestampNs: readU64(rest, 0), msgId: utf8Decoder.decode(rest.subarray(8)) };
}
