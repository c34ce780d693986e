/**
 * The wire form of an Append's entries: one binary blob instead of one msgpack map per entry.
 *
 * The blob is an entry run (entry-run.ts), the same bytes a stored log segment holds. Indexes are
 * implicit (prevIndex + 1 onwards), so a blob cannot describe a gap. Encoding a map per entry with
 * msgpackr (and decoding it back into objects on the follower) was the largest CPU cost of sending
 * an Append; the blob is one allocation and one copy per payload, and decoding only takes views
 * into the frame.
 *
 * A leader sends the same entries to every follower that is in step, so the last blob is cached:
 * the log's Entry objects are immutable and a log position is replaced only together with
 * everything after it, so the same first and last Entry object and the same count mean the same
 * entries.
 */
import { EntryKind, type Entry, type LogIndex } from "../core/types";
import { ENTRY_RUN_HEADER_BYTES, entryRunBytes, writeEntryRun } from "../entry-run";

const U32 = 0x1_0000_0000;
/** TERM_HIGH_MAX: the high word of a term that is still a JS safe integer. */
const TERM_HIGH_MAX = 0x1f_ffff;

let cached: { first: Entry; last: Entry; count: number; blob: Buffer } | null = null;

/** encodeEntries returns the wire blob of `entries` (contiguous, as the leader's log slices them). */
export function encodeEntries(entries: readonly Entry[]): Buffer {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined) return Buffer.alloc(0);
  if (cached !== null && cached.first === first && cached.last === last && cached.count === entries.length) {
    return cached.blob;
  }
  const to = entries.length - 1;
  // Pooled and not zeroed: writeEntryRun writes every byte.
  const blob = Buffer.allocUnsafe(entryRunBytes(entries, 0, to));
  writeEntryRun(blob, 0, entries, 0, to);
  cached = { first, last, count: entries.length, blob };
  return blob;
}

/**
 * decodeEntries parses an untrusted blob into entries numbered from `prevIndex + 1`, or returns
 * the reason it is malformed. Entry data are views into `blob` (no copy).
 */
export function decodeEntries(blob: Uint8Array, prevIndex: LogIndex): Entry[] | string {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const entries: Entry[] = [];
  let at = 0;
  while (at < blob.length) {
    const index = prevIndex + 1 + entries.length;
    if (blob.length - at < ENTRY_RUN_HEADER_BYTES) return `entry ${index} header truncated`;
    const high = view.getUint32(at);
    if (high > TERM_HIGH_MAX) return `entry ${index} term beyond the safe integer range`;
    const term = high * U32 + view.getUint32(at + 4);
    const kind = blob[at + 8];
    if (kind !== EntryKind.Normal && kind !== EntryKind.Noop) return `entry ${index} kind ${String(kind)} unknown`;
    const length = view.getUint32(at + 9);
    const start = at + ENTRY_RUN_HEADER_BYTES;
    if (length > blob.length - start) return `entry ${index} data truncated (${length} bytes announced)`;
    entries.push({ term, index, kind, data: blob.subarray(start, start + length) });
    at = start + length;
  }
  return entries;
}
