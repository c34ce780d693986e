/**
 * Raw NATS header blocks (`NATS/1.0\r\nKey: Value\r\n...\r\n`), read and rewritten the way
 * nats-server does it: a key matches only at the start of a line, case-sensitively, followed
 * immediately by `:`; leading spaces of the value are skipped; the value runs to the CRLF.
 * Everything works on the bytes the client sent, so what is stored is byte-for-byte what came in
 * except for the two rewrites nats-server makes (strip `Nats-Required-Api-Level`, append
 * `Nats-Batch-Commit: 1` on an `eob` commit).
 */

/** HeaderName lists the header names batching reads; matching is exact and case-sensitive. */
export const HeaderName = {
  BatchId: "Nats-Batch-Id",
  BatchSequence: "Nats-Batch-Sequence",
  BatchCommit: "Nats-Batch-Commit",
  RequiredApiLevel: "Nats-Required-Api-Level",
  MsgId: "Nats-Msg-Id",
  ExpectedStream: "Nats-Expected-Stream",
  ExpectedLastSeq: "Nats-Expected-Last-Sequence",
  ExpectedLastSubjSeq: "Nats-Expected-Last-Subject-Sequence",
  ExpectedLastSubjSeqSubj: "Nats-Expected-Last-Subject-Sequence-Subject",
  ExpectedLastMsgId: "Nats-Expected-Last-Msg-Id",
  Rollup: "Nats-Rollup",
  Ttl: "Nats-TTL",
  Incr: "Nats-Incr",
  StreamSource: "Nats-Stream-Source",
  Schedule: "Nats-Schedule",
  ScheduleTimeZone: "Nats-Schedule-Time-Zone",
  ScheduleNext: "Nats-Schedule-Next",
  Scheduler: "Nats-Scheduler",
} as const;
export type HeaderName = (typeof HeaderName)[keyof typeof HeaderName];

/** HEADER_LINE is the version line every header block starts with. */
export const HEADER_LINE = "NATS/1.0\r\n";
/** EMPTY_HEADER_BYTES: a block this short (`NATS/1.0\r\n\r\n`) carries no header at all. */
export const EMPTY_HEADER_BYTES = HEADER_LINE.length + 2;

const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const keyBytesCache = new Map<string, Uint8Array>();

function keyBytes(key: string): Uint8Array {
  let bytes = keyBytesCache.get(key);
  if (bytes === undefined) {
    bytes = encoder.encode(key);
    keyBytesCache.set(key, bytes);
  }
  return bytes;
}

/** utf8 encodes a string; exported so callers count bytes the same way batching does. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * HeaderLines: the line starts of one header block, found in one pass, so the dozen lookups the
 * checks make per message compare the key at each line start instead of scanning the block each
 * time. A key matches at a line start (after CRLF), byte for byte, followed immediately by ':'.
 */
export class HeaderLines {
  readonly hdr: Uint8Array | null;
  /** starts: every index just after a CRLF (a line may begin there), ascending. */
  private readonly starts: number[] = [];

  constructor(hdr: Uint8Array | null) {
    this.hdr = hdr;
    if (hdr === null) return;
    for (let i = 2; i < hdr.length; i++) {
      if (hdr[i - 1] === LF && hdr[i - 2] === CR) this.starts.push(i);
    }
  }

  /** keyIndex returns where `key` starts as a line key, or -1. */
  keyIndex(key: string): number {
    const hdr = this.hdr;
    if (hdr === null) return -1;
    const k = keyBytes(key);
    const last = hdr.length - k.length - 1;
    outer: for (const i of this.starts) {
      if (i > last) break;
      for (let j = 0; j < k.length; j++) {
        if (hdr[i + j] !== k[j]) continue outer;
      }
      if (hdr[i + k.length] === COLON) return i;
    }
    return -1;
  }

  /** valueBytes returns the raw value of `key` (leading spaces skipped), or null if absent.
   * A present key with nothing after the colon gives an empty array, not null. */
  valueBytes(key: string): Uint8Array | null {
    const hdr = this.hdr;
    const start = this.keyIndex(key);
    if (hdr === null || start < 0) return null;
    let index = start + key.length + 1;
    while (index < hdr.length && hdr[index] === SPACE) index++;
    const valueStart = index;
    while (index < hdr.length) {
      if (hdr[index] === CR && index < hdr.length - 1 && hdr[index + 1] === LF) break;
      index++;
    }
    return hdr.subarray(valueStart, index);
  }

  /** value is valueBytes decoded as UTF-8 (undefined when absent, "" when empty). */
  value(key: string): string | undefined {
    const bytes = this.valueBytes(key);
    return bytes === null ? undefined : decoder.decode(bytes);
  }
}

/** headerKeyIndex returns where `key` starts as a line key in `hdr` (after CRLF, before ':'), or -1. */
export function headerKeyIndex(hdr: Uint8Array | null, key: string): number {
  return new HeaderLines(hdr).keyIndex(key);
}

/** headerValueBytes is HeaderLines.valueBytes for a single lookup. */
export function headerValueBytes(hdr: Uint8Array | null, key: string): Uint8Array | null {
  return new HeaderLines(hdr).valueBytes(key);
}

/** headerValue is HeaderLines.value for a single lookup. */
export function headerValue(hdr: Uint8Array | null, key: string): string | undefined {
  return new HeaderLines(hdr).value(key);
}

/** removeHeader drops every `key` line; returns null when no header is left, as nats-server does. */
export function removeHeader(hdr: Uint8Array | null, key: string): Uint8Array | null {
  let current = hdr;
  for (;;) {
    const start = headerKeyIndex(current, key);
    if (current === null || start < 0) return current;
    let end = start;
    while (end < current.length - 1 && !(current[end] === CR && current[end + 1] === LF)) end++;
    if (end >= current.length - 1) return current;
    const next = new Uint8Array(current.length - (end + 2 - start));
    next.set(current.subarray(0, start), 0);
    next.set(current.subarray(end + 2), start);
    if (next.length <= EMPTY_HEADER_BYTES) return null;
    current = next;
  }
}

/** appendHeader adds `key: value` as the last header line (nats-server's genHeader). */
export function appendHeader(hdr: Uint8Array | null, key: string, value: string): Uint8Array {
  const line = encoder.encode(`${key}: ${value}\r\n\r\n`);
  const head = hdr !== null && hdr.length > 2 ? hdr.subarray(0, hdr.length - 2) : utf8(HEADER_LINE);
  const out = new Uint8Array(head.length + line.length);
  out.set(head, 0);
  out.set(line, head.length);
  return out;
}

/** buildHeaders makes a header block from ordered pairs (a test and bench convenience). */
export function buildHeaders(pairs: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let text = HEADER_LINE;
  for (const [key, value] of pairs) text += `${key}: ${value}\r\n`;
  return utf8(`${text}\r\n`);
}
