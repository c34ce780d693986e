/**
 * RaftLog: the in-memory replicated log after the last compaction point, plus the commit index.
 *
 * It knows nothing about durability: what was handed out to the driver and what is fsynced is
 * tracked apart, in logHandoff.ts. The driver restores the log from disk at start-up, so
 * the core holds every entry after the compaction point (compact() bounds that).
 */
import { assert, fail } from "../assert";
import type { RejectHint } from "./messages";
import type { Bytes, Entry, LogIndex, SnapshotMeta, Term } from "./types";

/** RaftLog holds entries (offsetIndex, lastIndex]. Invariant: committed <= lastIndex. */
export class RaftLog {
  /** offsetIndex/offsetTerm: the position just before the first retained entry. */
  private offsetIndex: LogIndex;
  private offsetTerm: Term;
  /** Invariant: entries[i].index === offsetIndex + 1 + i. */
  private entries: Entry[];
  /** snapshot: the latest snapshot taken or installed; Invariant: snapshot.index >= offsetIndex. */
  snapshot: SnapshotMeta | null;
  committed: LogIndex;

  constructor(snapshot: SnapshotMeta | null, entries: readonly Entry[], committed: LogIndex) {
    this.snapshot = snapshot;
    this.offsetIndex = snapshot?.index ?? 0;
    this.offsetTerm = snapshot?.term ?? 0;
    this.entries = [];
    for (const entry of entries) this.appendOne(entry);
    if (committed < this.offsetIndex) fail(`restored commit ${committed} below snapshot ${this.offsetIndex}`);
    if (committed > this.lastIndex()) fail(`restored commit ${committed} beyond last index ${this.lastIndex()}`);
    this.committed = committed;
  }

  /** firstIndex is the index of the first retained entry (lastIndex + 1 when empty). */
  firstIndex(): LogIndex {
    return this.offsetIndex + 1;
  }

  lastIndex(): LogIndex {
    return this.offsetIndex + this.entries.length;
  }

  lastTerm(): Term {
    const term = this.term(this.lastIndex());
    assert(term !== null, "the last index always has a known term");
    return term;
  }

  /** term returns the term at `index`, or null when it is compacted away or beyond the end. */
  term(index: LogIndex): Term | null {
    if (index === this.offsetIndex) return this.offsetTerm;
    if (index < this.offsetIndex || index > this.lastIndex()) return null;
    const entry = this.entries[index - this.offsetIndex - 1];
    if (entry === undefined || entry.index !== index) fail(`entry ${index} misplaced`);
    return entry.term;
  }

  /** entry returns the retained entry at `index`. */
  entry(index: LogIndex): Entry {
    const entry = this.entries[index - this.offsetIndex - 1];
    if (entry === undefined) fail(`entry ${index} is not retained (last ${this.lastIndex()})`);
    return entry;
  }

  matchTerm(index: LogIndex, term: Term): boolean {
    return this.term(index) === term;
  }

  /** isUpToDate: is a log ending at (lastIndex, lastTerm) at least as up to date as ours (§5.4.1)? */
  isUpToDate(lastIndex: LogIndex, lastTerm: Term): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * slice returns entries [lo, hi), at most `bytesMax` payload bytes but always at least one
   * entry when the range is non-empty.
   */
  slice(lo: LogIndex, hi: LogIndex, bytesMax: Bytes = Number.MAX_SAFE_INTEGER): Entry[] {
    if (lo >= hi) return [];
    if (lo < this.firstIndex()) fail(`slice from ${lo} below first index ${this.firstIndex()}`);
    if (hi > this.lastIndex() + 1) fail(`slice to ${hi} beyond last index ${this.lastIndex()}`);
    // Find the end under the byte cap, then copy the run once (this runs for every Ready and append).
    const start = lo - this.offsetIndex - 1;
    const stop = hi - this.offsetIndex - 1;
    let end = start + 1;
    let bytes = this.entries[start]!.data.length;
    while (end < stop) {
      const size = this.entries[end]!.data.length;
      if (bytes + size > bytesMax) break;
      bytes += size;
      end++;
    }
    return this.entries.slice(start, end);
  }

  /** payloadBytes sums the payload bytes of entries [lo, hi). */
  payloadBytes(lo: LogIndex, hi: LogIndex): Bytes {
    let bytes = 0;
    for (let index = Math.max(lo, this.firstIndex()); index < hi; index++) bytes += this.entry(index).data.length;
    return bytes;
  }

  /**
   * findConflict returns the index of the first entry in `entries` that is not in our log
   * (a term mismatch or a new index), or 0 when all of them are already present.
   */
  findConflict(entries: readonly Entry[]): LogIndex {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * findConflictByTerm returns the largest position at or below `index` whose term is <= `term`:
   * every entry above it differs from a log whose entry at `index` has `term`. When the term is
   * unknown (compacted) it returns that index with term 0 and the caller probes from there.
   */
  findConflictByTerm(index: LogIndex, term: Term): RejectHint {
    if (index > this.lastIndex()) fail(`findConflictByTerm index ${index} beyond last ${this.lastIndex()}`);
    let probe = index;
    // Bounded: walks down at most lastIndex - offsetIndex entries.
    while (probe >= this.offsetIndex) {
      const ourTerm = this.term(probe);
      if (ourTerm === null) fail(`term of ${probe} must be known`);
      if (ourTerm <= term) return { index: probe, term: ourTerm };
      if (probe === this.offsetIndex) break;
      probe -= 1;
    }
    return { index: this.offsetIndex, term: 0 };
  }

  /**
   * appendAt stores `entries` (contiguous), deleting our entries from entries[0].index on.
   * Returns the index the log was truncated from, or null when nothing was deleted.
   */
  appendAt(entries: readonly Entry[]): LogIndex | null {
    const first = entries[0];
    if (first === undefined) return null;
    if (first.index <= this.committed) fail(`append at ${first.index} would overwrite commit ${this.committed}`);
    if (first.index > this.lastIndex() + 1) fail(`append at ${first.index} leaves a gap after ${this.lastIndex()}`);
    let truncatedFrom: LogIndex | null = null;
    if (first.index <= this.lastIndex()) {
      truncatedFrom = first.index;
      this.entries.length = first.index - this.offsetIndex - 1;
    }
    for (const entry of entries) this.appendOne(entry);
    return truncatedFrom;
  }

  /** append stores one entry right after the last (a leader's proposal). */
  append(entry: Entry): void {
    this.appendOne(entry);
  }

  /** commitTo raises the commit index; it never lowers it. */
  commitTo(index: LogIndex): boolean {
    if (index > this.lastIndex()) fail(`commit ${index} beyond last index ${this.lastIndex()}`);
    if (index <= this.committed) return false;
    this.committed = index;
    return true;
  }

  /** compact forgets entries <= `index`, which must be committed. */
  compact(index: LogIndex): void {
    if (index > this.committed) fail(`compact ${index} beyond commit ${this.committed}`);
    if (index <= this.offsetIndex) return;
    const term = this.term(index);
    if (term === null) fail(`compact index ${index} must be retained`);
    this.entries.splice(0, index - this.offsetIndex);
    this.offsetIndex = index;
    this.offsetTerm = term;
  }

  /** restore replaces the whole log by `snapshot` (a follower installing the leader's snapshot). */
  restore(snapshot: SnapshotMeta): void {
    if (snapshot.index <= this.committed) fail(`restore ${snapshot.index} at or below commit ${this.committed}`);
    this.snapshot = snapshot;
    this.entries = [];
    this.offsetIndex = snapshot.index;
    this.offsetTerm = snapshot.term;
    this.committed = snapshot.index;
  }

  private appendOne(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) fail(`entry ${entry.index} not contiguous after ${this.lastIndex()}`);
    if (entry.term < this.lastTerm()) fail(`entry term ${entry.term} below previous term ${this.lastTerm()}`);
    this.entries.push(entry);
  }
}
