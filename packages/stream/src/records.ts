/**
 * records.ts: the stored value formats: message records and a stream's sequence state.
 *
 * Message record (little-endian lengths, version first):
 *   u8 version=1, u64 timestampNs, i64 ttlDeadlineNs (0 none, -1 never), u16 subjectLength,
 *   subject, u8 hasHeaders, u32 headerLength, headers, u32 dataLength, data
 * Sequence state: u8 version=1, u64 firstSeq, u64 lastSeq, u64 lastTimestampNs, u16 length +
 * lastMsgId (UTF-8).
 * The fixed part before the subject lets `open` rebuild the indexes without copying payloads.
 */
import { assert, fail } from "./assert";
import { subjectByteLength, type StoredMessage } from "./view";
import type { Nanos, Seq } from "./units";

const RECORD_VERSION = 1;
const MESSAGE_FIXED_BYTES = 1 + 8 + 8 + 2;
const SEQ_STATE_FIXED_BYTES = 1 + 8 + 8 + 8 + 2;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** MessageRecordInput is what a message record stores. */
export interface MessageRecordInput {
  timestampNs: Nanos;
  ttlDeadlineNs: Nanos;
  subject: string;
  headers: Uint8Array | null;
  data: Uint8Array;
}

/**
 * writeUtf8 writes `text`, whose UTF-8 length is `length`, into `out` at `at`. Encoding in place
 * saves the intermediate array TextEncoder.encode allocates for every message.
 */
function writeUtf8(out: Uint8Array, at: number, text: string, length: number): void {
  const { written } = utf8.encodeInto(text, out.subarray(at, at + length));
  assert(written === length, "utf8 length");
}

/** encodeMessageRecord builds the stored bytes of one message. */
export function encodeMessageRecord(input: MessageRecordInput): Uint8Array {
  const subjectLength = subjectByteLength(input.subject);
  assert(subjectLength <= 0xffff, "subject fits u16");
  const headerLength = input.headers?.length ?? 0;
  const total = MESSAGE_FIXED_BYTES + subjectLength + 1 + 4 + headerLength + 4 + input.data.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at] = RECORD_VERSION;
  at += 1;
  view.setBigUint64(at, input.timestampNs, true);
  at += 8;
  view.setBigInt64(at, input.ttlDeadlineNs, true);
  at += 8;
  view.setUint16(at, subjectLength, true);
  at += 2;
  writeUtf8(out, at, input.subject, subjectLength);
  at += subjectLength;
  out[at] = input.headers === null ? 0 : 1;
  at += 1;
  view.setUint32(at, headerLength, true);
  at += 4;
  if (input.headers !== null) out.set(input.headers, at);
  at += headerLength;
  view.setUint32(at, input.data.length, true);
  at += 4;
  out.set(input.data, at);
  assert(at + input.data.length === total, "message record length");
  return out;
}

/** MessageRecordHead is the part of a record the in-memory indexes need. */
export interface MessageRecordHead {
  timestampNs: Nanos;
  ttlDeadlineNs: Nanos;
  subject: string;
  headerLength: number;
  dataLength: number;
}

function recordView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** decodeMessageRecordHead reads the fixed part and the subject; asserts the record is whole. */
export function decodeMessageRecordHead(bytes: Uint8Array): MessageRecordHead {
  assert(bytes.length >= MESSAGE_FIXED_BYTES && bytes[0] === RECORD_VERSION, "message record header");
  const view = recordView(bytes);
  const subjectLength = view.getUint16(17, true);
  const subjectEnd = MESSAGE_FIXED_BYTES + subjectLength;
  assert(bytes.length >= subjectEnd + 5, "message record subject");
  const headerLength = view.getUint32(subjectEnd + 1, true);
  const dataAt = subjectEnd + 5 + headerLength;
  assert(bytes.length >= dataAt + 4, "message record headers");
  const dataLength = view.getUint32(dataAt, true);
  assert(bytes.length === dataAt + 4 + dataLength, "message record data");
  return {
    timestampNs: view.getBigUint64(1, true),
    ttlDeadlineNs: view.getBigInt64(9, true),
    subject: utf8Decoder.decode(bytes.subarray(MESSAGE_FIXED_BYTES, subjectEnd)),
    headerLength,
    dataLength,
  };
}

/** decodeMessageRecord decodes a whole record into a StoredMessage (payload copied). */
export function decodeMessageRecord(seq: Seq, bytes: Uint8Array): StoredMessage {
  const head = decodeMessageRecordHead(bytes);
  const subjectEnd = MESSAGE_FIXED_BYTES + recordView(bytes).getUint16(17, true);
  const hasHeaders = bytes[subjectEnd] === 1;
  const headersAt = subjectEnd + 5;
  const dataAt = headersAt + head.headerLength + 4;
  return {
    seq,
    subject: head.subject,
    // Copies into plain Uint8Arrays: Level hands out Buffers, callers get the portable type.
    headers: hasHeaders ? new Uint8Array(bytes.subarray(headersAt, headersAt + head.headerLength)) : null,
    data: new Uint8Array(bytes.subarray(dataAt, dataAt + head.dataLength)),
    timestampNs: head.timestampNs,
    ttlDeadlineNs: head.ttlDeadlineNs,
  };
}

/** SeqState is the persisted sequence state of a stream. */
export interface SeqState {
  firstSeq: Seq;
  lastSeq: Seq;
  /** lastTimestampNs is the time of the last message ever stored (kept after it is removed). */
  lastTimestampNs: Nanos;
  /** lastMsgId is the Nats-Msg-Id of the last message ever stored ("" when it had none). */
  lastMsgId: string;
}

/** encodeSeqState builds the stored bytes of a stream's sequence state. */
export function encodeSeqState(state: SeqState): Uint8Array {
  const msgIdLength = subjectByteLength(state.lastMsgId);
  assert(msgIdLength <= 0xffff, "lastMsgId fits u16");
  const out = new Uint8Array(SEQ_STATE_FIXED_BYTES + msgIdLength);
  const view = new DataView(out.buffer);
  out[0] = RECORD_VERSION;
  view.setBigUint64(1, BigInt(state.firstSeq), true);
  view.setBigUint64(9, BigInt(state.lastSeq), true);
  view.setBigUint64(17, state.lastTimestampNs, true);
  view.setUint16(25, msgIdLength, true);
  writeUtf8(out, SEQ_STATE_FIXED_BYTES, state.lastMsgId, msgIdLength);
  return out;
}

/** decodeSeqState reads a stream's sequence state; asserts the record is well formed. */
export function decodeSeqState(bytes: Uint8Array): SeqState {
  assert(bytes.length >= SEQ_STATE_FIXED_BYTES && bytes[0] === RECORD_VERSION, "sequence state record");
  const view = recordView(bytes);
  const msgIdLength = view.getUint16(25, true);
  assert(bytes.length === SEQ_STATE_FIXED_BYTES + msgIdLength, "sequence state record length");
  return {
    firstSeq: Number(view.getBigUint64(1, true)),
    lastSeq: Number(view.getBigUint64(9, true)),
    lastTimestampNs: view.getBigUint64(17, true),
    lastMsgId: utf8Decoder.decode(bytes.subarray(SEQ_STATE_FIXED_BYTES)),
  };
}

/** encodeU64Value stores one unsigned integer (applied index, dedupe sequence). */
export function encodeU64Value(value: number): Uint8Array {
  // Little-endian, written by hand: a DataView and a BigInt per stored message cost more than
  // the rest of the value. Values are sequences and indexes, safe integers.
  if (!Number.isSafeInteger(value) || value < 0) fail(`encodeU64Value: ${value} is not a non-negative safe integer`);
  const out = new Uint8Array(8);
  const low = value >>> 0;
  const high = Math.floor(value / 0x1_0000_0000);
  out[0] = low & 0xff;
  out[1] = (low >>> 8) & 0xff;
  out[2] = (low >>> 16) & 0xff;
  out[3] = low >>> 24;
  out[4] = high & 0xff;
  out[5] = (high >>> 8) & 0xff;
  out[6] = (high >>> 16) & 0xff;
  out[7] = high >>> 24;
  return out;
}

/** decodeU64Value reads a value written by encodeU64Value. */
export function decodeU64Value(bytes: Uint8Array): number {
  assert(bytes.length === 8, "u64 value length");
  return Number(recordView(bytes).getBigUint64(0, true));
}
