/**
 * LocalSnapshots: when and how a RaftNode snapshots its own state machine. Every
 * `snapshotEntries` applied entries it streams the state machine's snapshot into storage in the
 * background; the driver loop then records it and lets the core compact the log. At most one
 * local snapshot is in progress.
 */
import type { Logger } from "pino";
import { assert } from "../assert";
import type { RaftCore } from "../core/raft";
import type { LogIndex, Term } from "../core/types";
import type { StoredSnapshot } from "../storage/codec";
import type { RaftStorage } from "../storage/level-storage";
import { SNAPSHOT_CHUNK_BYTES_DEFAULT } from "../storage/limits";
import { SNAPSHOT_ENTRIES_DEFAULT, SNAPSHOT_TRAILING_ENTRIES_DEFAULT } from "./limits";
import type { RaftNodeOptions } from "./options";
import { writeLocalSnapshot } from "./snapshot-writer";

/** LocalSnapshotHooks are what LocalSnapshots needs from its node. */
export interface LocalSnapshotHooks {
  /** stopping: whether the node is stopping (a failed write is then expected, not fatal). */
  readonly stopping: () => boolean;
  /** notify: wake the driver loop (a snapshot is ready to be recorded). */
  readonly notify: () => void;
  /** fatal: halt the node on a storage failure while running. */
  readonly fatal: (error: Error) => void;
}

/** LocalSnapshots schedules local snapshots and records them from the driver loop. */
export class LocalSnapshots {
  private snapshotting = false;
  /** task: the local snapshot being written, awaited by stop/kill before closing storage. */
  private task: Promise<void> = Promise.resolve();
  /** taken: a written snapshot waiting for the loop to record it. */
  private taken: StoredSnapshot | null = null;

  constructor(
    private readonly opts: RaftNodeOptions,
    private readonly storage: RaftStorage,
    private readonly core: RaftCore,
    private readonly logger: Logger,
    private readonly hooks: LocalSnapshotHooks,
  ) {}

  /** hasTaken says whether a written snapshot waits for `installTaken`. */
  get hasTaken(): boolean {
    return this.taken !== null;
  }

  /** settled resolves once the snapshot being written (if any) has been stored or abandoned. */
  settled(): Promise<void> {
    return this.task;
  }

  /**
   * maybeTake starts writing a snapshot of the state at (`applied`, `appliedTerm`) once
   * `snapshotEntries` entries were applied since the stored one. Call it between two applies, so
   * the stream reflects exactly the state at that index.
   */
  maybeTake(applied: LogIndex, appliedTerm: Term): void {
    const every = this.opts.snapshotEntries ?? SNAPSHOT_ENTRIES_DEFAULT;
    const since = applied - (this.storage.snapshot?.meta.index ?? 0);
    if (this.snapshotting || since < every) return;
    this.snapshotting = true;
    const meta = { index: applied, term: appliedTerm, peers: [...this.opts.members] };
    const stream = this.opts.stateMachine.snapshot();
    const chunkBytes = this.opts.snapshotChunkBytes ?? SNAPSHOT_CHUNK_BYTES_DEFAULT;
    this.task = writeLocalSnapshot(this.storage, meta, stream, chunkBytes).then(
      (stored) => {
        this.taken = stored;
        this.hooks.notify();
      },
      (error: unknown) => {
        // Writes fail once storage is closing; only a failure while running is fatal.
        if (this.hooks.stopping()) this.logger.info({ err: (error as Error).message }, "raft node: snapshot abandoned at stop");
        else this.hooks.fatal(error as Error);
      },
    );
  }

  /** installTaken records the snapshot we took and lets the core compact (driver loop only). */
  async installTaken(): Promise<void> {
    const stored = this.taken;
    assert(stored !== null, "installTaken without a taken snapshot");
    this.taken = null;
    this.snapshotting = false;
    const current = this.storage.snapshot?.meta.index ?? 0;
    if (stored.meta.index <= current) {
      // A newer snapshot from the leader was installed meanwhile; ours is obsolete.
      await this.storage.discardGeneration(stored.gen);
      return;
    }
    await this.storage.saveSnapshot(stored);
    this.core.compact(stored.meta, this.opts.snapshotTrailingEntries ?? SNAPSHOT_TRAILING_ENTRIES_DEFAULT);
    this.logger.info({ index: stored.meta.index, bytes: stored.bytes }, "raft node: snapshot taken; log compacted");
  }
}
