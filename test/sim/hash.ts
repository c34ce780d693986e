/**
 * Chain hashes: the fingerprint of a log prefix and of a replica's state machine.
 *
 * chainHash(previous, entry) folds one entry (index, term, kind, data) into the hash of the
 * prefix before it. Two logs with the same chain hash at an index hold the same prefix (up to
 * collisions of a 53-bit hash, negligible at simulation scale). The state machine of every
 * replica is exactly this chain over its applied entries, so comparing replicas, logs and
 * snapshots is an O(1) comparison of numbers.
 */
import type { Entry } from "./raft";

const FNV_PRIME = 0x01000193;
const LANE_A_OFFSET = 0x811c9dc5;
const LANE_B_OFFSET = 0x050c5d1f;

function mixWord(lane: number, word: number): number {
  let h = lane;
  h = Math.imul(h ^ (word & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (word >>> 24), FNV_PRIME);
  return h >>> 0;
}

/** bytesHash returns a 53-bit fingerprint of `data` alone. */
export function bytesHash(data: Uint8Array): number {
  let a = LANE_A_OFFSET;
  let b = LANE_B_OFFSET;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    a = Math.imul(a ^ byte, FNV_PRIME) >>> 0;
    b = Math.imul(b ^ byte ^ 0x5a, FNV_PRIME) >>> 0;
  }
  a = mixWord(a, data.length);
  return (a >>> 11) * 2 ** 32 + b;
}

/** chainHash folds `entry` into `previous`, the chain hash of the log prefix before it. */
export function chainHash(previous: number, entry: Entry): number {
  const high = Math.floor(previous / 2 ** 32);
  const low = previous >>> 0;
  let a = mixWord(mixWord(LANE_A_OFFSET, high), low);
  let b = mixWord(mixWord(LANE_B_OFFSET, low), high);
  a = mixWord(mixWord(mixWord(a, entry.index), entry.term), entry.kind);
  b = mixWord(mixWord(mixWord(b, entry.term), entry.index), entry.kind + 7);
  const dataHash = bytesHash(entry.data);
  a = mixWord(mixWord(a, Math.floor(dataHash / 2 ** 32)), dataHash >>> 0);
  b = mixWord(mixWord(b, dataHash >>> 0), Math.floor(dataHash / 2 ** 32));
  return (a >>> 11) * 2 ** 32 + b;
}

/** CHAIN_HASH_EMPTY is the chain hash of the empty log (index 0). */
export const CHAIN_HASH_EMPTY = 0;

/** DigestBuilder folds a run's observable events into one number, to compare two runs. */
export class DigestBuilder {
  private a = LANE_A_OFFSET;
  private b = LANE_B_OFFSET;

  /** add folds a string into the digest. */
  add(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      this.a = Math.imul(this.a ^ code, FNV_PRIME) >>> 0;
      this.b = Math.imul(this.b ^ code ^ 0x33, FNV_PRIME) >>> 0;
    }
    this.a = mixWord(this.a, text.length);
  }

  /** value returns the digest as a hex string. */
  value(): string {
    return this.a.toString(16).padStart(8, "0") + this.b.toString(16).padStart(8, "0");
  }
}
