/**
 * InteractionEnv: the cluster a scenario file drives. It wraps the behaviour suite's
 * TestNetwork (cores, MemoryDisks, the message queue) and adds what scenarios need to print:
 * per-node Ready handling, filtered delivery, partitions and crash/restart.
 */
import { RaftCore, SeededPrng, defaultRaftConfig, type Message, type NodeId, type RaftConfig } from "../harness/raft";
import { TestNetwork, type NetworkOptions } from "../harness/network";
import type { CommandArgs } from "./datadriven";
import { formatMessage, formatReady } from "./format";

/** STABILIZE_ROUNDS_MAX bounds `stabilize`: a scenario that does not settle is a failure. */
export const STABILIZE_ROUNDS_MAX = 1000;

/** InteractionEnv holds the scenario's cluster and the faults injected into it. */
export class InteractionEnv {
  private network: TestNetwork | null = null;
  /** cutLinks: directed links `from>to` that drop every message. */
  private readonly cutLinks = new Set<string>();
  /** down: crashed nodes; they neither tick nor receive until restarted. */
  private readonly down = new Set<NodeId>();
  private readonly incarnations = new Map<NodeId, number>();

  /** net is the cluster; commands other than add-nodes need one. */
  get net(): TestNetwork {
    if (this.network === null) throw new Error("no cluster: run add-nodes first");
    return this.network;
  }

  /** start creates the cluster once; every delivery goes through this env's fault checks. */
  start(ids: readonly NodeId[], options: NetworkOptions): void {
    if (this.network !== null) throw new Error("add-nodes: the cluster already exists");
    const net = new TestNetwork(ids, options);
    net.hook = (message) => this.passes(message);
    this.network = net;
  }

  /** node validates a node argument. */
  node(id: string | undefined, command: string): NodeId {
    if (id === undefined) throw new Error(`${command}: a node id is required`);
    if (!this.net.ids.includes(id)) throw new Error(`${command}: unknown node ${id} (nodes: ${this.net.ids.join(" ")})`);
    return id;
  }

  /** nodesOf returns the positional node ids, or every node when none is given. */
  nodesOf(args: CommandArgs): NodeId[] {
    if (args.positional.length === 0) return [...this.net.ids];
    return args.positional.map((id) => this.node(id, args.name));
  }

  isDown(id: NodeId): boolean {
    return this.down.has(id);
  }

  /** liveCore returns the core of a running node. */
  liveCore(id: NodeId, command: string): RaftCore {
    if (this.down.has(id)) throw new Error(`${command}: ${id} is down`);
    return this.net.core(id);
  }

  /** processReady runs one Ready cycle of `id` and prints it; [] when it had no work. */
  processReady(id: NodeId): string[] {
    if (this.down.has(id)) return [];
    const rd = this.net.process(id);
    if (rd === null) return [];
    return [`> ${id} ready`, ...formatReady(rd).map((line) => `  ${line}`)];
  }

  /**
   * deliver hands every queued message accepted by `select` to its target, in queue order
   * (newest first when `reverse`, which is how a scenario reorders the network).
   */
  deliver(select: (message: Message) => boolean, verbose: boolean, reverse = false): string[] {
    const chosen = this.net.queue.filter(select);
    if (reverse) chosen.reverse();
    const lines: string[] = [];
    for (const message of chosen) {
      const passes = this.passes(message);
      this.net.deliverAt(this.net.queue.indexOf(message));
      if (!passes) lines.push(`dropped ${formatMessage(message)}`);
      else if (verbose) lines.push(formatMessage(message));
    }
    return lines;
  }

  /** drop loses every queued message accepted by `select`. */
  drop(select: (message: Message) => boolean): string[] {
    const chosen = this.net.queue.filter(select);
    for (const message of chosen) this.net.dropAt(this.net.queue.indexOf(message));
    return chosen.map((message) => `dropped ${formatMessage(message)}`);
  }

  /** wipe replaces `id` by a fresh node with an empty disk (lost storage). */
  wipe(id: NodeId): void {
    this.down.delete(id);
    this.net.wipe(id);
  }

  /** stabilize processes and delivers until no node has work and no message is queued. */
  stabilize(): string[] {
    const lines: string[] = [];
    for (let round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
      let worked = false;
      for (const id of this.net.ids) {
        const ready = this.processReady(id);
        if (ready.length > 0) worked = true;
        lines.push(...ready);
      }
      if (!worked && this.net.queue.length === 0) return lines;
      lines.push(...this.deliver(() => true, false));
    }
    throw new Error(`stabilize: not settled after ${STABILIZE_ROUNDS_MAX} rounds`);
  }

  cut(from: NodeId, to: NodeId): void {
    this.cutLinks.add(`${from}>${to}`);
  }

  heal(): void {
    this.cutLinks.clear();
  }

  crash(id: NodeId): void {
    if (this.down.has(id)) throw new Error(`crash: ${id} is already down`);
    this.down.add(id);
  }

  /** restart boots `id` from what its MemoryDisk holds, as a driver would after a crash. */
  restart(id: NodeId): void {
    if (!this.down.has(id)) throw new Error(`restart: ${id} is running`);
    const net = this.net;
    const node = net.node(id);
    const incarnation = (this.incarnations.get(id) ?? 0) + 1;
    this.incarnations.set(id, incarnation);
    const seed = (net.options.seed ?? 1) * 1000 + net.ids.indexOf(id) + 100 * incarnation;
    const config: RaftConfig = {
      ...defaultRaftConfig(id, net.ids, new SeededPrng(seed)),
      ...net.options.config,
    };
    const disk = node.disk;
    const core = new RaftCore(config, {
      hardState: disk.hardState,
      snapshot: disk.snapshot?.meta ?? null,
      entries: [...disk.entries],
      applied: disk.appliedIndex,
    });
    net.nodes.set(id, net.member(id, core, disk));
    this.down.delete(id);
  }

  private passes(message: Message): boolean {
    return !this.down.has(message.to) && !this.cutLinks.has(`${message.from}>${message.to}`);
  }
}
