/**
 * LogSegments: the Raft log as stored in LevelDB, a run of non-overlapping segment records (see
 * codec.ts), one per Ready's entries. It keeps the segments' index ranges in memory so that
 * truncation and compaction know their keys without scanning, and owns loading (with corruption
 * checks), appending, suffix truncation and background compaction of the log. RaftStorage puts
 * the operations it returns into its one synced batch per Ready.
 */
import type { Entry, LogIndex } from "../core/types";
import { ENTRY_RUN_HEADER_BYTES } from "../entry-run";
import { KeyPrefix, decodeSegment, printKey, segmentKey, segmentKeyRange, segmentValueBytes, writeSegment } from "./codec";
import { StorageCorruptionError, type CorruptionReport } from "./errors";
import type { Db, Op } from "./level-batch";
import { LOG_SEGMENT_BYTES_MAX } from "./limits";
import { ScratchArena } from "./scratch";

/** Segment: the index range of one stored log segment record (its key is segmentKey(first, last)). */
interface Segment {
  readonly first: LogIndex;
  readonly last: LogIndex;
}

const LOG_KEYS = { gte: Uint8Array.of(KeyPrefix.Log), lt: Uint8Array.of(KeyPrefix.Log + 1) } as const;

/** LoadedLog is what LogSegments.load recovered: the trusted entries and the bad segment, if any. */
export interface LoadedLog {
  /** entries: the trusted log after the snapshot index, contiguous. */
  readonly entries: Entry[];
  readonly corruption: CorruptionReport | null;
}

/** LogSegments tracks and edits one node's stored log segments. Not safe for concurrent edits. */
export class LogSegments {
  private readonly db: Db;
  /**
   * segments: the stored log segments in index order. Invariant: contiguous and non-overlapping
   * (each first is the previous last + 1); the first may reach at or below the snapshot index.
   */
  private segments: Segment[] = [];
  /** compaction: the background range deletes of compacted entries, in order (see scheduleCompaction). */
  private compaction: Promise<void> = Promise.resolve();
  private compactionFailure: Error | null = null;
  /** scratch holds the segment values of the batch being built (LevelDB copies them on put). */
  private readonly scratch = new ScratchArena();

  constructor(db: Db) {
    this.db = db;
  }

  /** first is the first stored log index (0 when empty); it may lie at or below the snapshot index. */
  get first(): LogIndex {
    return this.segments[0]?.first ?? 0;
  }

  /** last is the last stored log index (0 when empty). */
  get last(): LogIndex {
    return this.segments.at(-1)?.last ?? 0;
  }

  /** compactionError is the first failure of a background compaction, surfaced by the next write. */
  get compactionError(): Error | null {
    return this.compactionFailure;
  }

  /** compactionSettled resolves once every scheduled background compaction has finished or failed. */
  compactionSettled(): Promise<void> {
    return this.compaction;
  }

  /**
   * load reads and checks every stored segment, keeping entries above `snapIndex`. A bad segment
   * (CRC mismatch, bad shape, gap, overlap) and everything above it is reported with a repair
   * target covering all it held (at least `storedCommit`), and their deletes are added to `drops`.
   */
  async load(snapIndex: LogIndex, storedCommit: LogIndex, drops: Op[]): Promise<LoadedLog> {
    const entries: Entry[] = [];
    let bad: { key: Uint8Array; reason: string } | null = null;
    let maxSeen = 0;
    this.segments = [];
    for await (const [key, value] of this.db.iterator(LOG_KEYS)) {
      const segment = segmentKeyRange(key);
      maxSeen = Math.max(maxSeen, segment.last);
      if (bad !== null) continue;
      const reason = this.loadSegment(key, value, segment, snapIndex, entries);
      if (reason === null) this.segments.push(segment);
      else bad = { key, reason };
    }
    if (bad === null) return { entries, corruption: null };
    const corruption = { key: printKey(bad.key), reason: bad.reason, repairTargetIndex: Math.max(maxSeen, storedCommit) };
    await this.dropsFrom(drops, segmentKeyRange(bad.key).first);
    return { entries, corruption };
  }

  /**
   * loadSegment checks one stored segment and appends its entries above the snapshot index to
   * `entries`; it returns why the segment cannot be trusted, or null.
   */
  private loadSegment(key: Uint8Array, value: Uint8Array, segment: Segment, snapIndex: LogIndex, entries: Entry[]): string | null {
    const previous = this.segments.at(-1);
    if (previous !== undefined && segment.first <= previous.last) return `overlaps the segment ending at ${previous.last}`;
    if (segment.last <= snapIndex) return null; // compacted leftovers of an interrupted clear
    const expected = entries.length === 0 ? snapIndex + 1 : entries[entries.length - 1]!.index + 1;
    if (segment.first > expected) return `gap: expected index ${expected}`;
    const decoded = decodeSegment(key, value);
    if (typeof decoded === "string") return decoded;
    for (const entry of decoded) if (entry.index > snapIndex) entries.push(entry);
    return null;
  }

  /** dropsFrom adds to `drops` a delete of every stored segment starting at or after `from`. */
  private async dropsFrom(drops: Op[], from: LogIndex): Promise<void> {
    for await (const key of this.db.keys({ gte: segmentKey(from, from), lt: LOG_KEYS.lt })) {
      drops.push({ type: "del", key: Uint8Array.from(key) });
    }
    this.segments = this.segments.filter((segment) => segment.first < from);
  }

  /**
   * appendOps adds the puts of `entries` as segments of at most LOG_SEGMENT_BYTES_MAX entry bytes.
   * When they overwrite a stored suffix, the segments above go and the one they cut is rewritten
   * with only its entries below the cut. Only that case reads (overwrites happen only on leader
   * changes) and returns a promise; otherwise the ops are complete on return, so that
   * RaftStorage.persist can start its write in the same turn.
   */
  appendOps(ops: Op[], entries: readonly Entry[]): Promise<void> | null {
    const head = entries[0];
    if (head === undefined) return null;
    // The previous batch's values were put (copied by LevelDB) before this batch began.
    this.scratch.reset();
    if (this.last !== 0 && head.index <= this.last) {
      return this.truncateOps(ops, head.index).then(() => this.putSegments(ops, entries));
    }
    this.putSegments(ops, entries);
    return null;
  }

  /** putSegments adds the puts of `entries`, which continue the stored log, as new segments. */
  private putSegments(ops: Op[], entries: readonly Entry[]): void {
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) {
      bytes += ENTRY_RUN_HEADER_BYTES + entries[i]!.data.length;
      if (i < entries.length - 1 && bytes + ENTRY_RUN_HEADER_BYTES + entries[i + 1]!.data.length <= LOG_SEGMENT_BYTES_MAX) continue;
      const segment = { first: entries[from]!.index, last: entries[i]!.index };
      const key = segmentKey(segment.first, segment.last);
      ops.push({ type: "put", key, value: this.segmentValue(entries, from, i, key) });
      this.segments.push(segment);
      from = i + 1;
      bytes = 0;
    }
  }

  /** truncateOps deletes the stored log from index `from` on, rewriting a segment it cuts. */
  private async truncateOps(ops: Op[], from: LogIndex): Promise<void> {
    this.deleteOps(ops, from);
    const cut = this.segments.at(-1);
    if (cut === undefined || cut.last < from) return;
    const key = segmentKey(cut.first, cut.last);
    const value = await this.db.get(key);
    const decoded = value === undefined ? "segment missing" : decodeSegment(key, value);
    if (typeof decoded === "string") throw new StorageCorruptionError(printKey(key), decoded);
    ops.push({ type: "del", key });
    this.segments.pop();
    const kept = decoded.filter((entry) => entry.index < from);
    if (kept.length === 0) return;
    const segment = { first: cut.first, last: from - 1 };
    const keptKey = segmentKey(segment.first, segment.last);
    ops.push({ type: "put", key: keptKey, value: this.segmentValue(kept, 0, kept.length - 1, keptKey) });
    this.segments.push(segment);
  }

  private segmentValue(entries: readonly Entry[], from: number, to: number, key: Uint8Array): Uint8Array {
    return writeSegment(this.scratch.take(segmentValueBytes(entries, from, to)), entries, from, to, key);
  }

  /** deleteOps adds deletes of every segment starting at or after `from` and forgets them. */
  deleteOps(ops: Op[], from: LogIndex): void {
    while (this.segments.length > 0 && this.segments[this.segments.length - 1]!.first >= from) {
      const segment = this.segments.pop()!;
      ops.push({ type: "del", key: segmentKey(segment.first, segment.last) });
    }
  }

  /**
   * scheduleCompaction deletes stored entries <= `through` with LevelDB's native range clear, in
   * the background. Deleting them in the Ready's batch cost one N-API call per key on the event
   * loop (a snapshot every 10 000 entries meant a 10 000-key stall of the commit path). It is safe
   * outside the batch: compacted entries lie at or below the durable snapshot index, no later
   * write ever puts a key in that range, and `load` skips stored entries at or below the
   * snapshot index, so a crash mid-clear leaves only ignored leftovers (deleted next time).
   */
  scheduleCompaction(through: LogIndex): void {
    let count = 0;
    while (count < this.segments.length && this.segments[count]!.last <= through) count++;
    if (count === 0) return;
    const first = this.segments[0]!;
    const last = this.segments[count - 1]!;
    const range = { gte: segmentKey(first.first, first.last), lte: segmentKey(last.first, last.last) };
    this.segments.splice(0, count);
    this.compaction = this.compaction.then(() => this.db.clear(range)).catch((error: unknown) => {
      // Surfaced by the next persist (and by close): the node treats it as any storage failure.
      this.compactionFailure ??= error as Error;
    });
  }
}
