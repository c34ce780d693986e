/**
 * TestNetwork: RaftCore instances wired through an in-memory, synchronous network (modelled
 * on etcd's raft_test network): deliver-until-quiet, drop, cut, isolate, recover. Each node's
 * Ready is persisted to a MemoryDisk, its messages queued, its entries applied, then advanced.
 * Separate from test/sim (the deterministic simulator), which is owned elsewhere.
 */
import {
  MessageType,
  RaftCore,
  RepairGate,
  SeededPrng,
  defaultRaftConfig,
  type Message,
  type MessageType as MessageTypeT,
  type NodeId,
  type RaftConfig,
  type RaftRestore,
  type Ready,
  type TraceEvent,
} from "./raft";
import { MemoryDisk } from "./disk";

/** TestNode is one member: its core, its disk, and everything it emitted. */
export interface TestNode {
  readonly id: NodeId;
  core: RaftCore;
  readonly disk: MemoryDisk;
  readonly events: TraceEvent[];
  /** repair: the node driver's repair gate, when the network runs them (NetworkOptions.repairGates). */
  readonly repair: RepairGate | null;
  /** repairLog: what the gate noticed, as `joined 4`, `waiting 4 n3`, `raised 6`, `terms known`, `refused n2 vote repairing`, `ended 6`. */
  readonly repairLog: string[];
}

/** NetworkOptions tunes every node's config; `seed` makes election jitter reproducible. */
export interface NetworkOptions {
  seed?: number;
  config?: Partial<Omit<RaftConfig, "id" | "peers" | "prng">>;
  /** restore gives a node an initial log/hard state (as if loaded from disk). */
  restore?: Partial<Record<NodeId, RaftRestore>>;
  /** repairGates: each node runs the node driver's RepairGate (its durable target on its disk). */
  repairGates?: boolean;
}

/** TestNetwork delivers messages synchronously between in-memory nodes. */
export class TestNetwork {
  readonly nodes = new Map<NodeId, TestNode>();
  /** queue: messages sent but not yet delivered, in send order. */
  queue: Message[] = [];
  /** delivered: every message handed to a core, in order (for assertions). */
  readonly delivered: Message[] = [];
  private readonly cutLinks = new Set<string>();
  private readonly ignoredTypes = new Set<MessageTypeT>();
  /** hook: return false to drop a message. */
  hook: ((message: Message) => boolean) | null = null;

  constructor(
    readonly ids: readonly NodeId[],
    readonly options: NetworkOptions = {},
  ) {
    const seed = options.seed ?? 1;
    ids.forEach((id, i) => {
      const config: RaftConfig = {
        ...defaultRaftConfig(id, ids, new SeededPrng(seed * 1000 + i)),
        ...options.config,
      };
      const restore = options.restore?.[id];
      const disk = new MemoryDisk();
      if (restore !== undefined) {
        disk.hardState = restore.hardState;
        disk.entries = [...restore.entries];
        disk.appliedIndex = restore.applied;
      }
      this.nodes.set(id, this.member(id, new RaftCore(config, restore), disk));
    });
  }

  /** member builds a node record (with a fresh repair gate when the network runs them). */
  member(id: NodeId, core: RaftCore, disk: MemoryDisk): TestNode {
    const repairLog: string[] = [];
    const repair = this.options.repairGates !== true ? null : new RepairGate(id, this.ids, disk.repair, {
      joined: (_from, target) => repairLog.push(`joined ${target}`),
      termsKnown: () => repairLog.push("terms known"),
      raised: (_from, target) => repairLog.push(`raised ${target}`),
      refused: (from, msg, reason) => repairLog.push(`refused ${from} ${msg.type} ${reason}`),
      waiting: (target, unreported) => repairLog.push(`waiting ${target} ${unreported.join(",")}`),
      ended: (target) => repairLog.push(`ended ${target}`),
    });
    return { id, core, disk, events: [], repair, repairLog };
  }

  node(id: NodeId): TestNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  core(id: NodeId): RaftCore {
    return this.node(id).core;
  }

  /** process runs one Ready cycle of `id` (persist, queue messages, apply, advance). */
  process(id: NodeId): Ready | null {
    const node = this.node(id);
    if (!node.core.hasReady()) return null;
    const rd = node.core.ready();
    node.disk.persist(rd);
    this.queue.push(...rd.messages);
    node.disk.apply(rd);
    node.events.push(...rd.events);
    node.core.advance(rd);
    if (node.repair?.settle(node.core.commitIndex, node.core.lastIndex) === true) node.core.spendVote();
    return rd;
  }

  /** processAll runs Ready cycles on every node until none has work. */
  processAll(): void {
    for (let round = 0; round < 100; round++) {
      let any = false;
      for (const id of this.ids) if (this.process(id) !== null) any = true;
      if (!any) return;
    }
    throw new Error("processAll did not settle in 100 rounds");
  }

  /** deliverOne hands the oldest queued message to its target (or drops it). */
  deliverOne(): Message | null {
    return this.deliverAt(0);
  }

  /** deliverAt hands the queued message at `position` to its target (reordering the queue). */
  deliverAt(position: number): Message | null {
    const message = this.queue.splice(position, 1)[0];
    if (message === undefined) return null;
    if (!this.passes(message)) {
      this.lost(message);
      return message;
    }
    if (message.type === MessageType.Snapshot) this.stageSnapshot(message.from, message.to, message.meta.index);
    const target = this.node(message.to);
    if (target.repair !== null && !target.repair.admit(message.from, message, target.core.lastIndex)) {
      this.lost(message);
      return message;
    }
    this.delivered.push(message);
    target.core.step(message);
    if (message.type === MessageType.Snapshot) this.core(message.from).reportSnapshot(message.to, true);
    return message;
  }

  /** dropAt loses the queued message at `position`, as a faulty network would. */
  dropAt(position: number): void {
    const message = this.queue.splice(position, 1)[0];
    if (message !== undefined) this.lost(message);
  }

  /** lost: a driver learns that streaming a snapshot failed and reports it. */
  private lost(message: Message): void {
    if (message.type === MessageType.Snapshot) this.core(message.from).reportSnapshot(message.to, false);
  }

  /** stabilize processes and delivers until no node has work and no message is queued. */
  stabilize(maxSteps = 10_000): void {
    for (let stepCount = 0; stepCount < maxSteps; stepCount++) {
      this.processAll();
      if (this.queue.length === 0) return;
      while (this.queue.length > 0) this.deliverOne();
    }
    throw new Error(`network did not stabilize in ${maxSteps} steps`);
  }

  /** tick advances `id` (or every node) by `ticks` ticks without delivering anything. */
  tick(id: NodeId, ticks = 1): void {
    const node = this.node(id);
    for (let i = 0; i < ticks; i++) {
      // A repairing node's election clock stays still, as does one whose term is unknown; an
      // empty or rejoining log probes the peers that have not reported.
      const repair = node.repair;
      if (repair === null) {
        node.core.tick();
        continue;
      }
      node.core.probeTerms(repair.peersToProbe(node.core.lastIndex));
      if (!repair.clockStill(node.core.lastIndex)) node.core.tick();
    }
  }

  /** run ticks `ids` (default: every node) once per round and stabilizes after each round. */
  run(rounds: number, ids: readonly NodeId[] = this.ids): void {
    for (let round = 0; round < rounds; round++) {
      for (const id of ids) this.tick(id);
      this.stabilize();
    }
  }

  /** eventsOf returns the kinds of events `id` emitted so far, optionally filtered. */
  eventKinds(id: NodeId): string[] {
    return this.node(id).events.map((event) => event.kind);
  }

  /** elect makes `id` campaign and stabilizes; returns it for chaining. */
  elect(id: NodeId): RaftCore {
    this.core(id).campaign();
    this.stabilize();
    return this.core(id);
  }

  /** propose proposes the UTF-8 text `text` on `id` and stabilizes. */
  propose(id: NodeId, text: string): { index: number; term: number } {
    const result = this.core(id).propose(new TextEncoder().encode(text));
    this.stabilize();
    return result;
  }

  cut(a: NodeId, b: NodeId): void {
    this.cutLinks.add(`${a}>${b}`);
    this.cutLinks.add(`${b}>${a}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.ids) if (other !== id) this.cut(id, other);
  }

  ignore(type: MessageTypeT): void {
    this.ignoredTypes.add(type);
  }

  recover(): void {
    this.cutLinks.clear();
    this.ignoredTypes.clear();
    this.hook = null;
  }

  /** wipe replaces `id` by a fresh node with an empty disk (lost storage), same config. */
  wipe(id: NodeId): void {
    const index = this.ids.indexOf(id);
    const seed = (this.options.seed ?? 1) * 1000 + index + 500;
    const config: RaftConfig = {
      ...defaultRaftConfig(id, this.ids, new SeededPrng(seed)),
      ...this.options.config,
    };
    this.nodes.set(id, this.member(id, new RaftCore(config), new MemoryDisk()));
    // Snapshot data streams from the lost disk die with it; its other messages may still arrive.
    this.queue = this.queue.filter((message) => message.from !== id || message.type !== MessageType.Snapshot);
  }

  /** takeSnapshot snapshots `id`'s state machine at its applied index and compacts. */
  compact(id: NodeId, trailingEntriesKept: number): void {
    const node = this.node(id);
    const index = node.disk.appliedIndex;
    const term = node.disk.entries.find((entry) => entry.index === index)?.term ?? node.disk.snapshot?.meta.term;
    if (term === undefined) throw new Error(`no term known for applied index ${index}`);
    const meta = { index, term, peers: [...this.ids] };
    node.disk.takeSnapshot(meta);
    node.core.compact(meta, trailingEntriesKept);
    this.process(id);
  }

  private passes(message: Message): boolean {
    if (this.cutLinks.has(`${message.from}>${message.to}`)) return false;
    if (this.ignoredTypes.has(message.type)) return false;
    return this.hook === null || this.hook(message);
  }

  private stageSnapshot(from: NodeId, to: NodeId, index: number): void {
    const data = this.node(from).disk.snapshots.get(index);
    if (data === undefined) throw new Error(`${from} has no snapshot ${index}`);
    this.node(to).disk.staged.set(index, data);
  }
}
