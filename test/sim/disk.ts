/**
 * SimDisk: one node's simulated disk, on which a write is durable only after a sync.
 *
 * Writes (entries, hard state, received snapshots, compactions) are applied at once to the
 * *current* state, which is what the driver reads back, and queued as pending operations.
 * sync() makes them durable. The pending operations form one batch, written atomically like
 * the real driver's single storage batch per Ready: crash() drops the whole batch or, if the
 * OS happened to write it before the crash, keeps the whole batch. Every stored entry carries the chain
 * hash of the log prefix it ends, so checkers compare logs in O(1).
 */
import { ViolationError, Property, type LogView } from "./checkers/violation";
import { chainHash, CHAIN_HASH_EMPTY } from "./hash";
import { assert, assertNever, type Entry, type HardState, type LogIndex, type SnapshotMeta, type Term } from "./raft";

/** SmState is the whole simulated state machine: a chain hash over the applied entries. */
export interface SmState {
  readonly index: LogIndex;
  readonly term: Term;
  readonly chain: number;
}

/** StoredSnapshot is a snapshot's meta with the state machine it captures. */
export interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  readonly data: SmState;
}

/** StoredEntry is an entry as stored, with the chain hash of the prefix it ends. */
export interface StoredEntry {
  readonly entry: Entry;
  readonly chain: number;
}

type DiskOp =
  | { readonly kind: "hardState"; readonly hardState: HardState }
  | { readonly kind: "entries"; readonly entries: readonly StoredEntry[] }
  | { readonly kind: "snapshot"; readonly snapshot: StoredSnapshot }
  | { readonly kind: "compact"; readonly throughIndex: LogIndex; readonly chain: number };

/** DiskState is one consistent image of the disk. Invariant: entries are contiguous after base. */
export class DiskState implements LogView {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: StoredSnapshot | null = null;
  baseIndex: LogIndex = 0;
  baseChain = CHAIN_HASH_EMPTY;
  entries: StoredEntry[] = [];

  get lastIndex(): LogIndex {
    return this.baseIndex + this.entries.length;
  }

  chainAt(index: LogIndex): number | undefined {
    if (index === this.baseIndex) return this.baseChain;
    if (index > this.baseIndex && index <= this.lastIndex) return this.entries[index - this.baseIndex - 1]?.chain;
    if (this.snapshot !== null && index === this.snapshot.meta.index) return this.snapshot.data.chain;
    return undefined;
  }

  clone(): DiskState {
    const copy = new DiskState();
    copy.hardState = this.hardState;
    copy.snapshot = this.snapshot;
    copy.baseIndex = this.baseIndex;
    copy.baseChain = this.baseChain;
    copy.entries = this.entries.slice();
    return copy;
  }

  apply(op: DiskOp): void {
    switch (op.kind) {
      case "hardState":
        this.hardState = op.hardState;
        return;
      case "entries": {
        const first = (op.entries[0] as StoredEntry).entry.index;
        this.entries.length = first - this.baseIndex - 1;
        for (const stored of op.entries) this.entries.push(stored);
        return;
      }
      case "snapshot":
        this.snapshot = op.snapshot;
        this.baseIndex = op.snapshot.meta.index;
        this.baseChain = op.snapshot.data.chain;
        this.entries = [];
        return;
      case "compact":
        if (op.throughIndex <= this.baseIndex) return;
        this.entries = this.entries.slice(Math.min(op.throughIndex - this.baseIndex, this.entries.length));
        this.baseIndex = op.throughIndex;
        this.baseChain = op.chain;
        return;
      default:
        assertNever(op);
    }
  }
}

function contract(message: string): ViolationError {
  return new ViolationError({ property: Property.DriverContract, message });
}

/** SimDisk holds the durable image, the current image and the pending operations between them. */
export class SimDisk {
  private durable = new DiskState();
  private current = new DiskState();
  private pending: DiskOp[] = [];
  /** beforeLastSync is the durable image before the latest sync, kept only for a lying disk. */
  private beforeLastSync: DiskState | null = null;

  /** fsyncLies makes a crash also lose the latest synced writes: a broken disk, used only to
   * prove end to end that the checkers catch lost acknowledged data. */
  constructor(
    readonly nodeId: string,
    private readonly fsyncLies = false,
  ) {}

  /** view is the disk as the running driver sees it (durable plus pending writes). */
  view(): DiskState {
    return this.current;
  }

  /** durableView is what would survive a crash now. */
  durableView(): DiskState {
    return this.durable;
  }

  /** pendingCount is the number of writes not yet synced. */
  pendingCount(): number {
    return this.pending.length;
  }

  private write(op: DiskOp): void {
    this.current.apply(op);
    this.pending.push(op);
  }

  /** writeHardState stores term, vote and commit. */
  writeHardState(hardState: HardState): void {
    if (hardState.commit > this.current.lastIndex) {
      throw contract(`${this.nodeId}: hard state commit ${hardState.commit} beyond stored last index ${this.current.lastIndex}`);
    }
    this.write({ kind: "hardState", hardState });
  }

  /** writeEntries stores `entries`, first deleting stored entries from entries[0].index on. */
  writeEntries(entries: readonly Entry[]): StoredEntry[] {
    const first = entries[0];
    if (first === undefined) return [];
    const view = this.current;
    if (first.index > view.lastIndex + 1) {
      throw contract(`${this.nodeId}: entries start at ${first.index}, leaving a gap after stored last index ${view.lastIndex}`);
    }
    if (first.index <= view.baseIndex) {
      throw contract(`${this.nodeId}: entries start at ${first.index}, at or below the compacted base ${view.baseIndex}`);
    }
    let chain = view.chainAt(first.index - 1) as number;
    const stored: StoredEntry[] = [];
    for (const [offset, entry] of entries.entries()) {
      if (entry.index !== first.index + offset) {
        throw contract(`${this.nodeId}: entries not contiguous: ${entry.index} after ${first.index + offset - 1}`);
      }
      chain = chainHash(chain, entry);
      stored.push({ entry, chain });
    }
    this.write({ kind: "entries", entries: stored });
    return stored;
  }

  /** installSnapshot stores a snapshot received from the leader; the log is reset to it. */
  installSnapshot(snapshot: StoredSnapshot): void {
    if (snapshot.data.index !== snapshot.meta.index || snapshot.data.term !== snapshot.meta.term) {
      throw contract(`${this.nodeId}: snapshot data at ${snapshot.data.index} does not match meta ${snapshot.meta.index}`);
    }
    this.write({ kind: "snapshot", snapshot });
  }

  /** compactThrough deletes stored entries <= `index` (the core said it no longer needs them). */
  compactThrough(index: LogIndex): void {
    const chain = this.current.chainAt(index);
    if (index <= this.current.baseIndex) return;
    if (chain === undefined) {
      throw contract(`${this.nodeId}: compactedThrough ${index} beyond stored last index ${this.current.lastIndex}`);
    }
    this.write({ kind: "compact", throughIndex: index, chain });
  }

  /** saveSnapshot stores a locally taken snapshot durably at once (written and synced). */
  saveSnapshot(snapshot: StoredSnapshot): void {
    assert(this.pending.length === 0, `${this.nodeId}: saveSnapshot while writes are pending`);
    this.durable.snapshot = snapshot;
    this.current.snapshot = snapshot;
  }

  /** sync makes every pending write durable. */
  sync(): void {
    if (this.fsyncLies && this.pending.length > 0) this.beforeLastSync = this.durable.clone();
    for (const op of this.pending) this.durable.apply(op);
    this.pending = [];
  }

  /** crash loses the pending batch, or keeps all of it if `keepsUnsynced` (flushed by chance). */
  crash(keepsUnsynced: boolean): void {
    if (this.beforeLastSync !== null) {
      this.durable = this.beforeLastSync;
      this.beforeLastSync = null;
    }
    if (keepsUnsynced) for (const op of this.pending) this.durable.apply(op);
    this.pending = [];
    this.current = this.durable.clone();
  }

  /** restoreEntries returns the durable entries after the snapshot, checked to be contiguous. */
  restoreEntries(): Entry[] {
    const durable = this.durable;
    const snapshotIndex = durable.snapshot?.meta.index ?? 0;
    if (durable.baseIndex > snapshotIndex) {
      throw contract(`${this.nodeId}: stored log starts after ${durable.baseIndex} but the snapshot ends at ${snapshotIndex}`);
    }
    const from = snapshotIndex - durable.baseIndex;
    return durable.entries.slice(Math.max(0, from)).map((stored) => stored.entry);
  }
}
