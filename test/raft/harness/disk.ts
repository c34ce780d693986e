/**
 * MemoryDisk: an in-memory "disk + state machine" for one test node. It applies a Ready
 * exactly as the contract says (persist, then the caller sends, then apply) so the behaviour
 * suite exercises the real Ready/advance protocol.
 */
import { EntryKind, MemoryRepairTargetStore, type Entry, type HardState, type LogIndex, type Ready, type SnapshotMeta } from "./raft";

/** SnapshotData is the test state machine's snapshot: the applied payloads, in order. */
export interface SnapshotData {
  readonly meta: SnapshotMeta;
  readonly applied: readonly string[];
}

/** MemoryDisk stores hard state, log entries, snapshot, and the applied payloads. */
export class MemoryDisk {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: SnapshotData | null = null;
  /** snapshots: every snapshot this disk took or installed, by index (messages may lag). */
  readonly snapshots = new Map<LogIndex, SnapshotData>();
  /** entries after the compaction point, contiguous. */
  entries: Entry[] = [];
  /** applied: decoded payloads of applied Normal entries (the replicated state). */
  applied: string[] = [];
  appliedIndex: LogIndex = 0;
  /**
   * staged: snapshot data received from leaders, by index, waiting for Ready.snapshot (a network
   * that delivers several messages before the node's next Ready may bring more than one).
   */
  readonly staged = new Map<LogIndex, SnapshotData>();
  /** repair: the repair gate's durable state (kept at once: this disk syncs every Ready). */
  readonly repair = new MemoryRepairTargetStore();

  /** persist writes the durable parts of `rd` (snapshot, entries, hard state). */
  persist(rd: Ready): void {
    if (rd.snapshot !== null) this.installSnapshot(rd.snapshot);
    const first = rd.entries[0];
    if (first !== undefined) {
      this.entries = this.entries.filter((entry) => entry.index < first.index);
      const last = this.entries[this.entries.length - 1];
      const expected = last === undefined ? (this.snapshot?.meta.index ?? 0) + 1 : last.index + 1;
      if (first.index > expected) throw new Error(`disk gap: ${first.index} after ${expected - 1}`);
      this.entries.push(...rd.entries);
    }
    if (rd.hardState !== null) this.hardState = rd.hardState;
    if (rd.compactedThrough !== null) {
      const through = rd.compactedThrough;
      this.entries = this.entries.filter((entry) => entry.index > through);
    }
  }

  /** apply applies committed entries in order. */
  apply(rd: Ready): void {
    for (const entry of rd.committed) {
      if (entry.index !== this.appliedIndex + 1) {
        throw new Error(`apply out of order: ${entry.index} after ${this.appliedIndex}`);
      }
      if (entry.kind === EntryKind.Normal) this.applied.push(new TextDecoder().decode(entry.data));
      this.appliedIndex = entry.index;
    }
  }

  /** takeSnapshot captures the state machine at the applied index. */
  takeSnapshot(meta: SnapshotMeta): SnapshotData {
    if (meta.index !== this.appliedIndex) throw new Error(`snapshot at ${meta.index} but applied ${this.appliedIndex}`);
    const data = { meta, applied: [...this.applied] };
    this.snapshot = data;
    this.snapshots.set(meta.index, data);
    return data;
  }

  private installSnapshot(meta: SnapshotMeta): void {
    const staged = this.staged.get(meta.index);
    if (staged === undefined) throw new Error(`no staged data for snapshot ${meta.index}`);
    this.snapshot = staged;
    this.snapshots.set(meta.index, staged);
    this.staged.clear();
    this.entries = [];
    this.applied = [...staged.applied];
    this.appliedIndex = meta.index;
  }
}
