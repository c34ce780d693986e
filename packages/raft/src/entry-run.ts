/**
 * The byte layout of a run of log entries, shared by the stored log segments (storage/codec.ts)
 * and the wire form of an Append (transport/entries-codec.ts), so the two can never drift apart:
 *
 *   per entry: u64be term | u8 kind | u32be data length | data
 *
 * Indexes are implicit (the segment key or the Append's prevIndex says where a run starts). Each
 * side keeps its own decoder because they differ in what they trust and whether they copy.
 */
import type { Entry } from "./core/types";
import { INDEX_MAX } from "./storage/limits";

/** ENTRY_RUN_HEADER_BYTES: u64 term, u8 kind, u32 data length before each entry's data. */
export const ENTRY_RUN_HEADER_BYTES = 13;

const U32 = 0x1_0000_0000;

/** checkU64 throws a RangeError unless `value` can be written exactly as a u64 (a safe integer). */
export function checkU64(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > INDEX_MAX) {
    throw new RangeError(`value ${value} is not a non-negative safe integer`);
  }
}

/** putU64 writes a checked value big-endian at `offset` without a DataView (hot path). */
export function putU64(bytes: Uint8Array, offset: number, value: number): void {
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

/** putU32 writes a u32 big-endian at `offset` without a DataView (hot path). */
export function putU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** entryRunBytes returns the encoded size of `entries[from..to]` (inclusive). */
export function entryRunBytes(entries: readonly Entry[], from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i <= to; i++) bytes += ENTRY_RUN_HEADER_BYTES + entries[i]!.data.length;
  return bytes;
}

/**
 * writeEntryRun encodes `entries[from..to]` (inclusive) into `target` at `offset`, which must have
 * entryRunBytes of room, and returns the offset after the run. Every byte of the range is written,
 * so callers may hand it unzeroed pooled memory.
 */
export function writeEntryRun(target: Uint8Array, offset: number, entries: readonly Entry[], from: number, to: number): number {
  let at = offset;
  for (let i = from; i <= to; i++) {
    const entry = entries[i]!;
    checkU64(entry.term);
    putU64(target, at, entry.term);
    target[at + 8] = entry.kind;
    putU32(target, at + 9, entry.data.length);
    target.set(entry.data, at + ENTRY_RUN_HEADER_BYTES);
    at += ENTRY_RUN_HEADER_BYTES + entry.data.length;
  }
  return at;
}
