/**
 * SimNode: one simulated server — a RaftCore, its disk, its state machine and the driver loop.
 *
 * The driver loop is the one the real node runs: take ready(); write the snapshot, entries and
 * hard state to the disk's pending buffer; sync (possibly some ticks later); only then install
 * the snapshot, send the messages and apply the committed entries; then advance(ready). A crash
 * drops the core, the pending writes and the in-flight Ready; a restart rebuilds a RaftCore from
 * the durable disk through RaftRestore. The state machine is a chain hash over applied entries;
 * it is volatile and restarts from the durable snapshot.
 */
import { Property, ViolationError } from "./checkers/violation";
import { SimDisk, type SmState, type StoredEntry, type StoredSnapshot } from "./disk";
import { CHAIN_HASH_EMPTY, chainHash } from "./hash";
import { READY_LOOP_MAX, STAGED_SNAPSHOTS_MAX } from "./limits";
import type { RaftOptions } from "./options";
import type { SimPrng } from "./prng";
import { assert, RaftCore, type Entry, type Message, type NodeId, type RaftConfig, type RaftRestore, type Ready, type TraceEvent } from "./raft";

/** NodeHooks is how a node reaches the rest of the simulated world. */
export interface NodeHooks {
  nowTicks(): number;
  send(node: SimNode, message: Message): void;
  entriesWritten(node: SimNode, entries: readonly StoredEntry[]): void;
  applied(node: SimNode, entry: Entry, chain: number): void;
  snapshotInstalled(node: SimNode, state: SmState): void;
  restarted(node: SimNode, state: SmState): void;
  events(node: SimNode, events: readonly TraceEvent[]): void;
}

const SM_EMPTY: SmState = { index: 0, term: 0, chain: CHAIN_HASH_EMPTY };

function contract(message: string): ViolationError {
  return new ViolationError({ property: Property.DriverContract, message });
}

/** SimNode drives one RaftCore against its simulated disk. */
export class SimNode {
  readonly disk: SimDisk;
  core: RaftCore | null = null;
  /** incarnation counts starts; a snapshot report goes only to the incarnation that sent it. */
  incarnation = 0;
  sm: SmState = SM_EMPTY;
  /** pausedUntilTick: the process is stopped (SIGSTOP) before this tick. */
  pausedUntilTick = 0;
  private inflight: { ready: Ready; syncAtTick: number } | null = null;
  private readonly staged = new Map<string, StoredSnapshot>();

  constructor(
    readonly id: NodeId,
    readonly peers: readonly NodeId[],
    private readonly raft: RaftOptions,
    private readonly prng: SimPrng,
    private readonly syncDelayTicksMax: number,
    private readonly hooks: NodeHooks,
    fsyncLies: boolean,
    /** sendsBeforeSync breaks the driver loop on purpose: messages leave before the sync. */
    private readonly sendsBeforeSync = false,
  ) {
    this.disk = new SimDisk(id, fsyncLies);
  }

  get alive(): boolean {
    return this.core !== null;
  }

  /** running says whether the node is up and not paused at `nowTicks`. */
  running(nowTicks: number): boolean {
    return this.core !== null && nowTicks >= this.pausedUntilTick;
  }

  /** liveCore returns the core of a running node. */
  liveCore(): RaftCore {
    assert(this.core !== null, `${this.id} is down`);
    return this.core;
  }

  /** start boots the node: fresh on first start, from the durable disk after a crash. */
  start(): void {
    assert(this.core === null, `${this.id} is already running`);
    const config: RaftConfig = { ...this.raft, id: this.id, peers: this.peers, prng: this.prng.fork() };
    const durable = this.disk.durableView();
    this.sm = durable.snapshot?.data ?? SM_EMPTY;
    if (this.incarnation === 0) {
      this.core = new RaftCore(config);
    } else {
      const restore: RaftRestore = {
        hardState: durable.hardState,
        snapshot: durable.snapshot?.meta ?? null,
        entries: this.disk.restoreEntries(),
        applied: this.sm.index,
      };
      this.core = new RaftCore(config, restore);
    }
    this.incarnation++;
    this.hooks.restarted(this, this.sm);
  }

  /** crash loses the core, the in-flight Ready, staged snapshots and unsynced writes. */
  crash(keepsUnsynced: boolean): void {
    this.core = null;
    this.pausedUntilTick = 0;
    this.inflight = null;
    this.staged.clear();
    this.disk.crash(keepsUnsynced);
  }

  /** idle says whether no Ready is being persisted. */
  idle(): boolean {
    return this.inflight === null;
  }

  /** syncDue says whether the in-flight Ready's sync completes by `nowTicks`. */
  syncDue(nowTicks: number): boolean {
    return this.inflight !== null && this.inflight.syncAtTick <= nowTicks;
  }

  /** stage keeps a fully received snapshot until the core hands it out in Ready.snapshot. */
  stage(snapshot: StoredSnapshot): void {
    if (this.staged.size >= STAGED_SNAPSHOTS_MAX) this.staged.clear();
    this.staged.set(`${snapshot.meta.index}/${snapshot.meta.term}`, snapshot);
  }

  /** pump runs the driver loop until the core has nothing ready or a sync is outstanding. */
  pump(): void {
    for (let round = 0; round < READY_LOOP_MAX; round++) {
      const core = this.core;
      if (core === null || this.inflight !== null || !core.hasReady()) return;
      const ready = core.ready();
      this.persist(ready);
      const delayTicks = this.syncDelayTicksMax === 0 ? 0 : this.prng.nextInt(this.syncDelayTicksMax + 1);
      this.inflight = { ready, syncAtTick: this.hooks.nowTicks() + delayTicks };
      if (delayTicks > 0) return;
      this.finishReady();
    }
    throw contract(`${this.id}: still has a Ready after ${READY_LOOP_MAX} rounds without new input`);
  }

  /** completeSync finishes the in-flight Ready (its sync is done) and keeps pumping. */
  completeSync(): void {
    assert(this.inflight !== null, `${this.id}: no sync in flight`);
    this.finishReady();
    this.pump();
  }

  private persist(ready: Ready): void {
    if (ready.snapshot !== null) {
      const meta = ready.snapshot;
      const staged = this.staged.get(`${meta.index}/${meta.term}`);
      if (staged === undefined) throw contract(`${this.id}: Ready.snapshot ${meta.index}/${meta.term} was never staged`);
      this.disk.installSnapshot({ meta, data: staged.data });
    }
    if (ready.entries.length > 0) this.hooks.entriesWritten(this, this.disk.writeEntries(ready.entries));
    if (ready.hardState !== null) this.disk.writeHardState(ready.hardState);
    if (ready.compactedThrough !== null) this.disk.compactThrough(ready.compactedThrough);
    if (this.sendsBeforeSync) for (const message of ready.messages) this.hooks.send(this, message);
  }

  private finishReady(): void {
    const ready = (this.inflight as { ready: Ready }).ready;
    this.disk.sync();
    if (ready.snapshot !== null) {
      const installed = this.disk.view().snapshot as StoredSnapshot;
      this.sm = installed.data;
      this.staged.delete(`${installed.meta.index}/${installed.meta.term}`);
      this.hooks.snapshotInstalled(this, this.sm);
    }
    if (!this.sendsBeforeSync) for (const message of ready.messages) this.hooks.send(this, message);
    for (const entry of ready.committed) this.apply(entry);
    this.inflight = null;
    this.liveCore().advance(ready);
    if (ready.events.length > 0) this.hooks.events(this, ready.events);
  }

  private apply(entry: Entry): void {
    if (entry.index !== this.sm.index + 1) {
      throw contract(`${this.id}: committed entry ${entry.index} handed out right after applied ${this.sm.index}`);
    }
    const chain = chainHash(this.sm.chain, entry);
    const stored = this.disk.view().chainAt(entry.index);
    if (stored !== undefined && stored !== chain) {
      throw contract(`${this.id}: committed entry ${entry.index} handed out differs from the stored log`);
    }
    this.sm = { index: entry.index, term: entry.term, chain };
    this.hooks.applied(this, entry, chain);
  }

  /** takeSnapshot snapshots the state machine at its applied index and compacts the core's log. */
  takeSnapshot(trailingEntriesKept: number): boolean {
    const core = this.liveCore();
    const current = this.disk.view().snapshot?.meta.index ?? 0;
    if (this.inflight !== null || this.sm.index <= current) return false;
    const meta = { index: this.sm.index, term: this.sm.term, peers: this.peers };
    this.disk.saveSnapshot({ meta, data: this.sm });
    core.compact(meta, trailingEntriesKept);
    this.pump();
    return true;
  }
}
