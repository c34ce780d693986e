/**
 * RaftStorage: the durable log, hard state and snapshots of one Raft node in one LevelDB.
 *
 * Durability contract (design.md §2): `persist` writes everything one Ready asks for in ONE
 * LevelDB batch with `sync: true`, so entries, term/vote and an installed snapshot become durable
 * together before the driver sends anything that depends on them. Snapshot chunks are written
 * without sync; the next synced batch (which records the snapshot meta) makes them durable too,
 * because LevelDB's write-ahead log is sequential.
 *
 * Corruption (design.md §5): `load` checks every record's CRC32C. A bad log segment truncates the
 * log to just before it (nothing above is trusted) and is reported so the node can refuse to act
 * as up-to-date until the leader has repaired it. The repair target is stored with the hard state
 * in the batch that drops the untrusted records, so a restart before the repair ends resumes it.
 * Records LevelDB itself skipped while replaying its write-ahead log cannot be repaired around
 * (term and vote may be among them): `open` refuses such a directory for good, as it refuses one
 * whose LevelDB files LevelDB itself finds corrupt (leveldb-damage.ts).
 *
 * The log is a run of non-overlapping segment records (see codec.ts), one per Ready's entries,
 * kept by LogSegments (segments.ts); this file owns hard state, snapshots and the batch per Ready.
 */
import { performance } from "node:perf_hooks";
import { Level } from "level";
import type { Entry, HardState, LogIndex } from "../core/types";
import {
  KeyPrefix, META_KEY, WAL_LOSS_KEY, type StoredHardState, type StoredSnapshot, decodeHardState, decodeMeta,
  decodeWalLoss, encodeChunk, encodeHardStates, encodeMeta, encodeWalLoss, hardKey, printKey, snapKey, snapKeyGen, unseal,
} from "./codec";
import { StorageCorruptionError, type CorruptionReport } from "./errors";
import { writeOps, type Db, type Op } from "./level-batch";
import { LEVEL_WRITE_BUFFER_BYTES, SNAPSHOT_CHUNKS_MAX } from "./limits";
import { LogSegments } from "./segments";
import { WriteAheadLogLossError, asLevelDbCorruption, walLossReports } from "./leveldb-damage";
import { SyncLatency } from "./sync-latency";

export type { CorruptionReport } from "./errors";

/** LoadedState is what `load` recovered from disk. */
export interface LoadedState {
  readonly hardState: HardState;
  readonly snapshot: StoredSnapshot | null;
  /** entries: the trusted log after the snapshot index, contiguous. */
  readonly entries: readonly Entry[];
  readonly corruptions: readonly CorruptionReport[];
}

/** PersistRequest is one Ready's worth of durable work. */
export interface PersistRequest {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  /** snapshot: install this (already staged) snapshot and reset the log to it. */
  readonly snapshot: StoredSnapshot | null;
  readonly compactedThrough: LogIndex | null;
}

const EMPTY_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };

/** SNAP_KEYS: the key range of every snapshot chunk of every generation. */
const SNAP_KEYS = { gte: Uint8Array.of(KeyPrefix.Snap), lt: Uint8Array.of(KeyPrefix.Snap + 1) } as const;

/** RaftStorage owns one node's LevelDB directory. Not safe for two concurrent `persist` calls. */
export class RaftStorage {
  private readonly db: Db;
  /** log: the stored log segments (index ranges in memory, records in LevelDB). */
  private readonly log: LogSegments;
  private current: StoredSnapshot | null = null;
  private nextGen = 1;
  /** syncLatency: how long the fsynced batches of `persist` took, from the write call to its completion. */
  readonly syncLatency = new SyncLatency();
  /** durableLastIndex: the last log index (or snapshot index) known fsynced; set after the sync. */
  private durableLastIndex: LogIndex = 0;
  /** syncedTerm/syncedVote: the term and vote last written, to know when a write must be synced. */
  private syncedTerm = -1;
  private syncedVote: string | null = null;
  /** unwrittenHardState: a commit-only hard-state change waiting for the next batch (see persist). */
  private unwrittenHardState: HardState | null = null;
  /** storedRepairTarget: see `repairTarget`; written with every hard state while it is above 0. */
  private storedRepairTarget: LogIndex = 0;
  /** storedRejoin: see `rejoining`; written with the repair target. */
  private storedRejoin = false;
  /** repairTargetRaised: raiseRepairTarget ran and the next persist must write the hard state (synced). */
  private repairTargetRaised = false;
  /** lastHardState: the newest hard state loaded or handed to persist, written or not. */
  private lastHardState: HardState = EMPTY_HARD_STATE;

  private constructor(db: Db, private readonly dir: string) {
    this.db = db;
    this.log = new LogSegments(db);
  }

  /**
   * RaftStorage.open opens (creating if needed) the LevelDB in `dir`. It throws
   * WriteAheadLogLossError if LevelDB dropped write-ahead-log records in this open or any before,
   * and LevelDbCorruptionError if LevelDB finds its files corrupt (leveldb-damage.ts): what is
   * left cannot show what the node promised.
   */
  static async open(dir: string): Promise<RaftStorage> {
    const db: Db = new Level<Uint8Array, Uint8Array>(dir, {
      keyEncoding: "view", valueEncoding: "view", writeBufferSize: LEVEL_WRITE_BUFFER_BYTES,
    });
    await db.open().catch((error: unknown) => {
      throw asLevelDbCorruption(dir, error);
    });
    const lost = await RaftStorage.walLoss(db, dir).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    if (lost.length > 0) {
      await db.close();
      throw new WriteAheadLogLossError(dir, lost);
    }
    return new RaftStorage(db, dir);
  }

  /**
   * walLoss returns every report of dropped write-ahead-log records, stored ones first. New ones
   * are stored (synced) before anything else is read: LevelDB keeps its own account only until
   * the open after next.
   */
  private static async walLoss(db: Db, dir: string): Promise<string[]> {
    const stored = await db.get(WAL_LOSS_KEY);
    const previous = stored === undefined ? [] : decodeWalLoss(stored);
    // The open before this one may have stored what its LOG, now LOG.old, reports.
    const fresh = [...new Set(await walLossReports(dir))].filter((report) => !previous.includes(report));
    if (fresh.length > 0) await db.put(WAL_LOSS_KEY, encodeWalLoss([...previous, ...fresh]), { sync: true });
    return [...previous, ...fresh];
  }

  /** syncCount counts fsynced batches written by `persist` (monitoring, group-commit tests). */
  get syncCount(): number {
    return this.syncLatency.count;
  }

  /** snapshot returns the currently installed snapshot, if any. */
  get snapshot(): StoredSnapshot | null {
    return this.current;
  }

  /** durable returns what is known fsynced: the last log index and the term and vote. */
  durable(): { lastIndex: LogIndex; term: number; vote: string | null } {
    return { lastIndex: this.durableLastIndex, term: this.syncedTerm, vote: this.syncedVote };
  }

  /**
   * storedRange returns the first and last stored log index (0, 0 when empty). Compaction deletes
   * whole segments, so the first may lie at or below the snapshot index.
   */
  storedRange(): { first: LogIndex; last: LogIndex } {
    return { first: this.log.first, last: this.log.last };
  }

  /**
   * repairTarget is the commit index this node must learn from a leader before it may vote or
   * campaign again (0: none). An empty log that a leader reaches takes it from that leader's
   * commit (raiseRepairTarget). A load that drops untrusted records raises it to cover everything
   * they held, and it is stored in both hard-state copies by the same synced batch that drops
   * them: a node restarted before its repair ended no longer shows the loss in its records, and
   * without the stored target it would vote with a log that lacks entries it once acknowledged.
   */
  get repairTarget(): LogIndex {
    return this.storedRepairTarget;
  }

  /**
   * rejoining: the repair began from an empty log (a wiped or lost directory), so the node may
   * also have forgotten its term and vote (see node/repair-gate.ts). Cleared with the repair.
   */
  get rejoining(): boolean {
    return this.storedRejoin;
  }

  /**
   * raiseRepairTarget raises the repair target to `target` (a leader's commit index), and marks
   * the repair a rejoin when told; in effect at once and stored, synced, by the next `persist`
   * even if that has nothing else to write.
   */
  raiseRepairTarget(target: LogIndex, rejoin = false): void {
    if (target <= this.storedRepairTarget && (!rejoin || this.storedRejoin)) return;
    this.storedRepairTarget = Math.max(target, this.storedRepairTarget);
    if (rejoin) this.storedRejoin = true;
    this.repairTargetRaised = true;
    // A fresh object: a persist already under way clears only the hard state it wrote.
    this.unwrittenHardState = { ...(this.unwrittenHardState ?? this.lastHardState) };
  }

  /**
   * endRepair clears the repair target. The next hard-state write records that; a restart before
   * it resumes the repair, which is safe and ends as soon as a leader confirms the commit again.
   */
  endRepair(): void {
    this.storedRepairTarget = 0;
    this.storedRejoin = false;
  }

  /**
   * load reads and checks everything; it truncates the log at the first bad record. What it
   * cannot trust is dropped in one synced batch that also rewrites both hard-state copies (a bad
   * one from its sound twin) with the raised repair target. LevelDB's own corruption errors (a
   * table it cannot read) become LevelDbCorruptionError.
   */
  async load(): Promise<LoadedState> {
    return this.loadChecked().catch((error: unknown) => {
      throw asLevelDbCorruption(this.dir, error);
    });
  }

  private async loadChecked(): Promise<LoadedState> {
    const corruptions: CorruptionReport[] = [];
    const hard = await this.loadHardState(corruptions);
    const drops: Op[] = [];
    this.current = await this.loadMeta(corruptions, hard.commit, drops);
    await this.dropStrayGenerations();
    const { entries, corruption } = await this.log.load(this.current?.meta.index ?? 0, hard.commit, drops);
    if (corruption !== null) corruptions.push(corruption);
    if (corruptions.length > 0) {
      this.storedRepairTarget = Math.max(this.storedRepairTarget, ...corruptions.map((c) => c.repairTargetIndex));
      this.hardStateOps(drops, hard);
      await writeOps(this.db, drops, true);
    }
    const trustedLast = entries.at(-1)?.index ?? this.current?.meta.index ?? 0;
    // A commit index above what we can still show would claim entries we no longer have.
    const hardState: HardState = { ...hard, commit: Math.min(hard.commit, trustedLast) };
    this.syncedTerm = hardState.term;
    this.syncedVote = hardState.vote;
    this.lastHardState = hardState;
    this.durableLastIndex = trustedLast;
    return { hardState, snapshot: this.current, entries, corruptions };
  }

  /**
   * loadHardState reads both copies. Both are always written in one batch, so a sound one is the
   * whole hard state; load rewrites a bad one from it at once, or one later flip in its twin (a
   * hard state whose term and vote do not change is not rewritten) would leave the node unable
   * to start.
   */
  private async loadHardState(corruptions: CorruptionReport[]): Promise<HardState> {
    const copies: StoredHardState[] = [];
    for (const copy of [0, 1] as const) {
      const value = await this.db.get(hardKey(copy));
      if (value === undefined) continue;
      const decoded = decodeHardState(copy, value);
      if (typeof decoded === "string") {
        corruptions.push({ key: printKey(hardKey(copy)), reason: decoded, repairTargetIndex: 0 });
      } else {
        copies.push(decoded);
      }
    }
    const best = copies.sort((a, b) => b.term - a.term || b.commit - a.commit)[0];
    if (best !== undefined) {
      this.storedRepairTarget = best.repairTarget;
      this.storedRejoin = best.rejoin === true;
      return { term: best.term, vote: best.vote, commit: best.commit };
    }
    if (corruptions.length === 2) {
      // Without term and vote the node could vote twice in one term: refuse to start.
      throw new StorageCorruptionError(`${String.fromCharCode(KeyPrefix.Hard)}/*`, "both hard-state copies are corrupt");
    }
    return EMPTY_HARD_STATE;
  }

  /**
   * loadMeta reads the snapshot meta. A corrupt one is dropped (its delete added to `drops`) and
   * reported with `storedCommit` as repair target: without its snapshot meta the node lost
   * everything up to the commit it reached.
   */
  private async loadMeta(corruptions: CorruptionReport[], storedCommit: LogIndex, drops: Op[]): Promise<StoredSnapshot | null> {
    const value = await this.db.get(META_KEY);
    if (value === undefined) return null;
    const decoded = decodeMeta(value);
    if (typeof decoded !== "string") {
      this.nextGen = decoded.gen + 1;
      return decoded;
    }
    corruptions.push({ key: printKey(META_KEY), reason: decoded, repairTargetIndex: storedCommit });
    drops.push({ type: "del", key: META_KEY });
    return null;
  }

  /**
   * dropStrayGenerations deletes chunks of staged or replaced snapshots left by a crash: every
   * chunk key outside the installed generation, with LevelDB's native range clear (no batch in
   * memory however many chunks were left). Generation numbers are never reused, not even a stray's.
   */
  private async dropStrayGenerations(): Promise<void> {
    for await (const key of this.db.keys({ ...SNAP_KEYS, reverse: true, limit: 1 })) {
      this.nextGen = Math.max(this.nextGen, snapKeyGen(key) + 1);
    }
    const keep = this.current?.gen;
    if (keep === undefined) {
      await this.db.clear(SNAP_KEYS);
      return;
    }
    await this.db.clear({ gte: SNAP_KEYS.gte, lt: snapKey(keep, 0) });
    await this.db.clear({ gte: snapKey(keep + 1, 0), lt: SNAP_KEYS.lt });
  }

  /**
   * persist makes one Ready durable: one fsynced batch holding its entries, an installed
   * snapshot's meta and any change of term or vote. A change of the commit index alone is not
   * written by itself: it rides with the next batch (or `close`). A lower commit after a crash is
   * safe (it is learnt again from the leader; recovery also trusts a state machine's own applied
   * index), and a separate write per commit advance sat on every node's commit path.
   *
   * Unless the entries overwrite a stored suffix (which reads a segment back first), the write is
   * dispatched before persist returns: a leader starts its own write before it builds its appends.
   */
  async persist(req: PersistRequest): Promise<void> {
    if (this.log.compactionError !== null) throw this.log.compactionError;
    const ops: Op[] = [];
    let previous: StoredSnapshot | null = null;
    if (req.snapshot !== null) {
      previous = this.current;
      this.log.deleteOps(ops, 0);
      ops.push({ type: "put", key: META_KEY, value: encodeMeta(req.snapshot) });
      if (previous !== null && previous.gen !== req.snapshot.gen) this.deleteChunks(ops, previous);
      this.current = req.snapshot;
    }
    const overwriting = this.log.appendOps(ops, req.entries);
    if (overwriting !== null) await overwriting;
    if (req.compactedThrough !== null) this.log.scheduleCompaction(req.compactedThrough);
    // The Ready's hard state, when it has one, is the whole current hard state: the latest wins.
    if (req.hardState !== null) {
      this.unwrittenHardState = req.hardState;
      this.lastHardState = req.hardState;
    }
    const hard = this.unwrittenHardState;
    const hardChanged =
      hard !== null && (hard.term !== this.syncedTerm || hard.vote !== this.syncedVote || this.repairTargetRaised);
    if (req.snapshot === null && req.entries.length === 0 && !hardChanged) return;
    if (hard !== null) {
      this.hardStateOps(ops, hard);
      // Cleared now, not after the write: a raise while it is under way needs a write of its own.
      this.repairTargetRaised = false;
    }
    const startedMs = performance.now();
    await writeOps(this.db, ops, true);
    this.syncLatency.record(performance.now() - startedMs);
    this.durableLastIndex = this.log.last !== 0 ? this.log.last : (this.current?.meta.index ?? 0);
    if (hard !== null) {
      this.syncedTerm = hard.term;
      this.syncedVote = hard.vote;
      if (this.unwrittenHardState === hard) this.unwrittenHardState = null;
    }
  }

  private hardStateOps(ops: Op[], hard: HardState): void {
    const [first, second] = encodeHardStates(hard, this.storedRepairTarget, this.storedRejoin);
    ops.push({ type: "put", key: hardKey(0), value: first });
    ops.push({ type: "put", key: hardKey(1), value: second });
  }

  private deleteChunks(ops: Op[], snap: StoredSnapshot): void {
    for (let seq = 0; seq < snap.chunks; seq++) ops.push({ type: "del", key: snapKey(snap.gen, seq) });
  }

  /** allocateGeneration returns a fresh generation number for a snapshot being written or staged. */
  allocateGeneration(): number {
    return this.nextGen++;
  }

  /** writeChunk stores chunk `seq` of generation `gen` (not synced; see the file comment). */
  async writeChunk(gen: number, seq: number, data: Uint8Array): Promise<void> {
    if (seq >= SNAPSHOT_CHUNKS_MAX) throw new RangeError(`snapshot chunk ${seq} beyond limit ${SNAPSHOT_CHUNKS_MAX}`);
    await this.db.put(snapKey(gen, seq), encodeChunk(gen, seq, data));
  }

  /**
   * discardGeneration deletes the chunks of a staged snapshot that will not be installed: the whole
   * key range of the generation (as readChunks reads it), so a partly written one goes too.
   */
  async discardGeneration(gen: number): Promise<void> {
    await this.db.clear({ gte: snapKey(gen, 0), lt: snapKey(gen + 1, 0) });
  }

  /** saveSnapshot records a snapshot the local state machine took; the log is compacted separately. */
  async saveSnapshot(snap: StoredSnapshot): Promise<void> {
    const ops: Op[] = [{ type: "put", key: META_KEY, value: encodeMeta(snap) }];
    const previous = this.current;
    if (previous !== null && previous.gen !== snap.gen) this.deleteChunks(ops, previous);
    await writeOps(this.db, ops, true);
    this.current = snap;
  }

  /**
   * readChunks streams the data of a stored snapshot, checking each chunk's CRC and sequence. It
   * reads through one LevelDB iterator, which sees a consistent view even if a newer snapshot
   * replaces this one meanwhile.
   */
  async *readChunks(snap: StoredSnapshot): AsyncGenerator<Uint8Array> {
    let seq = 0;
    const range = { gte: snapKey(snap.gen, 0), lt: snapKey(snap.gen + 1, 0) };
    for await (const [key, value] of this.db.iterator(range)) {
      const body = unseal(key, value);
      if (typeof body === "string") throw new StorageCorruptionError(printKey(key), body);
      if (!equalBytes(key, snapKey(snap.gen, seq))) {
        throw new StorageCorruptionError(printKey(key), `expected chunk ${seq}`);
      }
      seq++;
      yield body;
    }
    if (seq !== snap.chunks) {
      throw new StorageCorruptionError(printKey(snapKey(snap.gen, seq)), `snapshot has ${seq} of ${snap.chunks} chunks`);
    }
  }

  /** verifySnapshot reads the whole stored snapshot once and throws StorageCorruptionError if bad. */
  async verifySnapshot(snap: StoredSnapshot): Promise<void> {
    let bytes = 0;
    for await (const chunk of this.readChunks(snap)) bytes += chunk.length;
    if (bytes !== snap.bytes) throw new StorageCorruptionError("M", `snapshot has ${bytes} of ${snap.bytes} bytes`);
  }

  /**
   * discardSnapshotAndLog forgets the snapshot and the whole log, keeping term and vote, and
   * raises the stored repair target to `repairTarget` in the same batch.
   */
  async discardSnapshotAndLog(hardState: HardState, repairTarget: LogIndex): Promise<void> {
    this.storedRepairTarget = Math.max(this.storedRepairTarget, repairTarget);
    const ops: Op[] = [{ type: "del", key: META_KEY }];
    if (this.current !== null) this.deleteChunks(ops, this.current);
    this.log.deleteOps(ops, 0);
    this.hardStateOps(ops, { term: hardState.term, vote: hardState.vote, commit: 0 });
    await writeOps(this.db, ops, true);
    this.current = null;
  }

  /** compactionSettled resolves once every scheduled background compaction has finished or failed. */
  compactionSettled(): Promise<void> {
    return this.log.compactionSettled();
  }

  /**
   * close closes the database; pending writes (and a background compaction) complete first. With
   * `flushCommit` (a clean stop) an unwritten commit index is written first; a simulated crash
   * passes false and loses it, as a real one would.
   */
  async close(flushCommit = true): Promise<void> {
    await this.log.compactionSettled();
    const hard = this.unwrittenHardState;
    if (flushCommit && hard !== null && this.log.compactionError === null) {
      const ops: Op[] = [];
      this.hardStateOps(ops, hard);
      await writeOps(this.db, ops, false);
      this.unwrittenHardState = null;
    }
    await this.db.close();
    if (this.log.compactionError !== null) throw this.log.compactionError;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
