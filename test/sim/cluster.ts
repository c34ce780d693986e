/**
 * SimCluster: N simulated nodes on one simulated network, observed by the checkers.
 *
 * Every public method that changes the world is one *step*: it does one thing (tick one node,
 * deliver one packet, finish one sync, propose, crash, restart, snapshot, transfer, change the
 * network), then feeds every node's status and log to the checkers and folds a label into the
 * run digest. The run loop (run.ts) decides which steps happen; this file only performs them.
 */
import { Checkers } from "./checkers/index";
import { Property, ViolationError } from "./checkers/violation";
import { bytesHash, DigestBuilder } from "./hash";
import { SimNetwork, Verdict, type Packet } from "./network";
import { SimNode, type NodeHooks } from "./node";
import type { SimOptions } from "./options";
import type { SimPrng } from "./prng";
import {
  MessageType,
  ProposalError,
  ProposalTooLargeError,
  Role,
  TraceEventKind,
  type Message,
  type NodeId,
} from "./raft";
import { ChunkOutcome, SnapshotTransfers, type SnapshotTransfer } from "./transfer";

/** Mutation deliberately breaks the simulated world, to prove the checkers catch the damage. */
export const Mutation = {
  /** FsyncLies: a crash also loses the latest synced writes (acknowledged data vanishes). */
  FsyncLies: "fsyncLies",
  /** SendsBeforeSync: the driver sends a Ready's messages before its writes are synced. */
  SendsBeforeSync: "sendsBeforeSync",
  /** NeverHeals: the liveness phase isolates every node instead of healing the network. */
  NeverHeals: "neverHeals",
  /** CorruptsEntries: the network flips a byte in one entry of some appends (a Byzantine wire). */
  CorruptsEntries: "corruptsEntries",
} as const;
export type Mutation = (typeof Mutation)[keyof typeof Mutation];

/** ProposeOutcome is the result of one proposal step. */
export type ProposeOutcome =
  | { readonly ok: true; readonly index: number; readonly term: number; readonly dataHash: number }
  | { readonly ok: false; readonly error: ProposalError };

/** SimCluster owns the nodes, the network, the snapshot transfers and the checkers. */
export class SimCluster {
  readonly nodes: readonly SimNode[];
  readonly network: SimNetwork;
  readonly transfers = new SnapshotTransfers();
  readonly checkers = new Checkers();
  readonly digest = new DigestBuilder();
  nowTicks = 0;
  steps = 0;
  /** marks counts rare paths taken (coverage marks, TigerBeetle style), by name. */
  readonly marks = new Map<string, number>();
  /** faultsActive: false once the liveness phase heals the network (no reactive faults then). */
  faultsActive = true;
  private proposalIdNext = 1;
  /** firstCommitTerm: per node, the last term in which its first commit as leader was seen. */
  private readonly firstCommitTerm = new Map<NodeId, number>();

  constructor(
    readonly options: SimOptions,
    private readonly prng: SimPrng,
    readonly mutation: Mutation | null = null,
  ) {
    const ids = Array.from({ length: options.nodeCount }, (_, i) => `n${i + 1}`);
    this.network = new SimNetwork(ids, prng.fork(), options.network);
    const hooks = this.nodeHooks();
    this.nodes = ids.map(
      (id) =>
        new SimNode(
          id,
          ids,
          options.raft,
          prng.fork(),
          options.faults.syncDelayTicksMax,
          hooks,
          mutation === Mutation.FsyncLies,
          mutation === Mutation.SendsBeforeSync,
        ),
    );
  }

  /** node returns the node named `id`. */
  node(id: NodeId): SimNode {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (node === undefined) throw new RangeError(`unknown node ${id}`);
    return node;
  }

  /** startAll boots every node (the first step of a run). */
  startAll(): void {
    for (const node of this.nodes) node.start();
    this.endStep("start");
  }

  private nodeHooks(): NodeHooks {
    return {
      nowTicks: () => this.nowTicks,
      send: (node, message) => this.send(node, message),
      entriesWritten: (node, entries) =>
        this.checkers.observeEntriesWritten(
          node.id,
          entries.map((stored) => ({ index: stored.entry.index, term: stored.entry.term, chain: stored.chain })),
        ),
      applied: (node, entry, chain) => {
        this.digest.add(`a${node.id}:${entry.index}:${chain}`);
        this.checkers.observeApply(node.id, entry.index, entry.term, chain, bytesHash(entry.data));
      },
      snapshotInstalled: (node, state) => this.checkers.observeSnapshotInstall(node.id, state.index, state.chain),
      restarted: (node, state) => this.checkers.observeRestart(node.id, state.index, state.chain),
      events: (node, events) => {
        for (const event of events) {
          this.digest.add(`e${node.id}:${event.kind}:${event.term}`);
          this.mark(`event ${event.kind}`);
          if (event.kind === TraceEventKind.BecameLeader) {
            this.checkers.observeLeaderEvent(node.id, event.term);
            this.maybeIsolate(node, event.term, this.options.faults.isolateAtElectionProbability, "leader isolated at election");
          }
          if (event.kind === TraceEventKind.CommitAdvanced) this.maybeIsolateAtFirstCommit(node, event.term);
        }
      },
    };
  }

  /** maybeIsolateAtFirstCommit cuts a leader off from everyone right when its commit first
   * advances in its term (isolateAtFirstCommitProbability): its followers neither learn the
   * commit nor receive its next entries, and the other side elects a new leader. Part of the
   * step that emitted the event, so it needs no step of its own. */
  private maybeIsolateAtFirstCommit(node: SimNode, term: number): void {
    const probability = this.options.faults.isolateAtFirstCommitProbability;
    if (probability === 0 || node.core?.role !== Role.Leader) return;
    if ((this.firstCommitTerm.get(node.id) ?? 0) >= term) return;
    this.firstCommitTerm.set(node.id, term);
    this.maybeIsolate(node, term, probability, "leader isolated at first commit");
  }

  /** maybeIsolate cuts `node` off from everyone (a partition replacing any other) with `probability`. */
  private maybeIsolate(node: SimNode, term: number, probability: number, mark: string): void {
    if (probability === 0 || !this.faultsActive || !this.prng.chance(probability)) return;
    const others = this.nodes.filter((other) => other !== node).map((other) => other.id);
    this.network.healAll();
    this.network.partition([[node.id], others], false);
    this.digest.add(`I${node.id}:${term}`);
    this.mark(mark);
  }

  private send(node: SimNode, message: Message): void {
    if (message.from !== node.id) {
      throw new ViolationError({
        property: Property.DriverContract,
        message: `${node.id} emitted a message from ${message.from}`,
      });
    }
    this.checkPromise(node, message);
    if (message.type !== MessageType.Snapshot) {
      this.network.send(message.from, message.to, { kind: "message", message }, this.nowTicks);
      return;
    }
    const snapshot = node.disk.view().snapshot;
    if (snapshot === null || snapshot.meta.index !== message.meta.index || snapshot.meta.term !== message.meta.term) {
      throw new ViolationError({
        property: Property.DriverContract,
        message: `${node.id} asked to send snapshot ${message.meta.index}/${message.meta.term} it does not hold`,
      });
    }
    const chunkCount = this.prng.rangeInclusive(1, this.options.network.snapshotChunksMax);
    const transfer = this.transfers.start(node.id, node.incarnation, message, snapshot, chunkCount);
    for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
      const queued = this.network.send(node.id, message.to, { kind: "snapshotChunk", transferId: transfer.id, chunkIndex }, this.nowTicks);
      if (queued.length === 0) this.transferFailed(transfer.id);
    }
  }

  private checkPromise(node: SimNode, message: Message): void {
    const durable = node.disk.durableView();
    const state = { term: durable.hardState.term, vote: durable.hardState.vote, lastIndex: durable.lastIndex };
    if (message.type === MessageType.VoteResponse && !message.reject) {
      this.checkers.observeSend(node.id, { kind: "voteGranted", term: message.term, candidate: message.to }, state);
    } else if (message.type === MessageType.Vote) {
      this.checkers.observeSend(node.id, { kind: "voteRequested", term: message.term }, state);
    } else if (message.type === MessageType.AppendResponse && !message.reject) {
      this.checkers.observeSend(node.id, { kind: "appendAcknowledged", term: message.term, index: message.index }, state);
    }
  }

  /** mark counts one pass through a named path. */
  mark(name: string): void {
    this.marks.set(name, (this.marks.get(name) ?? 0) + 1);
  }

  private endStep(label: string, mark: string | null = null): void {
    this.steps++;
    if (mark !== null) this.mark(mark);
    this.digest.add(label);
    for (const node of this.nodes) {
      const core = node.core;
      if (core === null) {
        this.checkers.observeNode(node.id, null, node.disk.view());
        continue;
      }
      this.checkers.observeNode(
        node.id,
        { isLeader: core.role === Role.Leader, term: core.term, commit: core.commitIndex },
        node.disk.view(),
      );
    }
    const first = this.checkers.violations[0];
    if (first !== undefined) throw new ViolationError(first);
  }

  /** tick advances one node's logical clock by one tick. */
  tick(node: SimNode): void {
    node.liveCore().tick();
    node.pump();
    this.endStep(`t${node.id}`);
  }

  /** completeSync finishes the sync of the Ready a node is persisting. */
  completeSync(node: SimNode): void {
    node.completeSync();
    this.endStep(`s${node.id}`);
  }

  /** deliver judges one due packet and hands it to its receiver if it gets through. */
  deliver(packet: Packet): void {
    const verdict = this.network.judge(packet);
    const receiver = this.node(packet.to);
    const payload = packet.payload;
    if (payload.kind === "message") {
      if (verdict === Verdict.Deliver && receiver.alive) {
        receiver.liveCore().step(this.maybeCorrupt(payload.message));
        receiver.pump();
      } else if (verdict === Verdict.LinkDown) {
        this.reportUnreachable(packet.from, packet.to);
      }
    } else if (verdict === Verdict.Deliver && receiver.alive) {
      const transfer = this.transfers.get(payload.transferId);
      if (transfer !== undefined && this.transfers.chunkArrived(transfer.id, payload.chunkIndex) === ChunkOutcome.Completed) {
        this.transferCompleted(transfer);
      }
    } else {
      this.transferFailed(payload.transferId);
    }
    this.endStep(`d${packet.id}${verdict}`, `packet ${verdict}`);
  }

  private maybeCorrupt(message: Message): Message {
    if (this.mutation !== Mutation.CorruptsEntries || message.type !== MessageType.Append) return message;
    const victim = message.entries[0];
    if (victim === undefined || victim.data.length === 0 || !this.prng.chance(0.05)) return message;
    const data = victim.data.slice();
    data[data.length - 1] = (data[data.length - 1] as number) ^ 0xff;
    return { ...message, entries: [{ ...victim, data }, ...message.entries.slice(1)] };
  }

  private reportUnreachable(from: NodeId, to: NodeId): void {
    const sender = this.node(from);
    if (!sender.alive) return;
    sender.liveCore().reportUnreachable(to);
    sender.pump();
  }

  private transferCompleted(transfer: SnapshotTransfer): void {
    const receiver = this.node(transfer.to);
    receiver.stage(transfer.snapshot);
    receiver.liveCore().step(transfer.message);
    receiver.pump();
    this.mark("snapshot transfer completed");
    this.reportSnapshot(transfer.from, transfer.fromIncarnation, transfer.to, true);
  }

  private transferFailed(transferId: number): void {
    const transfer = this.transfers.get(transferId);
    if (transfer === undefined) return;
    if (this.transfers.chunkLost(transferId) === ChunkOutcome.Failed) {
      this.mark("snapshot transfer failed");
      this.reportSnapshot(transfer.from, transfer.fromIncarnation, transfer.to, false);
    }
  }

  private reportSnapshot(from: NodeId, incarnation: number, to: NodeId, ok: boolean): void {
    const sender = this.node(from);
    if (!sender.alive || sender.incarnation !== incarnation) return;
    sender.liveCore().reportSnapshot(to, ok);
    sender.pump();
  }

  /** propose offers `bytes` bytes to `node` (optionally fenced to a term) and checks the refusal rules. */
  propose(node: SimNode, bytes: number, fencedTerm: number | null): ProposeOutcome {
    const data = this.proposalData(bytes);
    const core = node.liveCore();
    let outcome: ProposeOutcome;
    try {
      const accepted = fencedTerm === null ? core.propose(data) : core.propose(data, { term: fencedTerm });
      outcome = { ok: true, index: accepted.index, term: accepted.term, dataHash: bytesHash(data) };
    } catch (error) {
      if (!(error instanceof ProposalError)) throw error;
      outcome = { ok: false, error };
    }
    this.checkProposeOutcome(node, bytes, outcome);
    if (outcome.ok) this.checkers.observeProposal(outcome.index, outcome.term, outcome.dataHash);
    node.pump();
    this.endStep(
      `p${node.id}:${bytes}:${outcome.ok ? outcome.index : outcome.error.code}`,
      `propose ${outcome.ok ? "accepted" : outcome.error.code}`,
    );
    return outcome;
  }

  private proposalData(bytes: number): Uint8Array {
    const data = new Uint8Array(bytes);
    const id = this.proposalIdNext++;
    new DataView(data.buffer).setFloat64(0, id);
    for (let i = 8; i < bytes; i++) data[i] = (id * 31 + i * 7) & 0xff;
    return data;
  }

  private checkProposeOutcome(node: SimNode, bytes: number, outcome: ProposeOutcome): void {
    const entryBytesMax = this.options.raft.entryBytesMax;
    const fail = (message: string): never => {
      throw new ViolationError({ property: Property.DriverContract, message: `${node.id}: ${message}` });
    };
    if (outcome.ok) {
      if (bytes > entryBytesMax) fail(`accepted a ${bytes}-byte proposal above entryBytesMax ${entryBytesMax}`);
      const status = node.liveCore().status();
      if (status.role !== Role.Leader) fail(`accepted a proposal as ${status.role}`);
      if (outcome.term !== status.term) fail(`proposal accepted in term ${outcome.term}, current term ${status.term}`);
      if (outcome.index !== status.lastIndex) fail(`proposal index ${outcome.index} is not the last index ${status.lastIndex}`);
    } else if (outcome.error instanceof ProposalTooLargeError && bytes <= entryBytesMax) {
      fail(`refused a ${bytes}-byte proposal as too large (entryBytesMax ${entryBytesMax})`);
    }
  }

  /** crash stops a node; its unsynced batch is lost unless `keepsUnsynced` (the OS wrote it). */
  crash(node: SimNode, keepsUnsynced: boolean): void {
    node.crash(keepsUnsynced);
    this.endStep(`c${node.id}:${keepsUnsynced ? "kept" : "lost"}`, `crash ${keepsUnsynced ? "keeping" : "losing"} unsynced writes`);
  }

  /** restart boots a crashed node from its durable disk. */
  restart(node: SimNode): void {
    node.start();
    node.pump();
    this.endStep(`r${node.id}`, "restart");
  }

  /** snapshot has a node snapshot its state machine and compact its log. */
  snapshot(node: SimNode, trailingEntriesKept: number): void {
    const taken = node.takeSnapshot(trailingEntriesKept);
    this.endStep(`S${node.id}:${taken ? node.sm.index : "-"}`, taken ? "snapshot taken" : "snapshot skipped");
  }

  /** transferLeadership asks `node` (normally the leader) to hand leadership to `target`. */
  transferLeadership(node: SimNode, target: NodeId): void {
    node.liveCore().transferLeadership(target);
    node.pump();
    this.endStep(`T${node.id}>${target}`, "leader transfer requested");
  }

  /** pause stops a node's process for `ticks` ticks (SIGSTOP); packets to it wait. */
  pause(node: SimNode, ticks: number): void {
    node.pausedUntilTick = this.nowTicks + ticks;
    this.endStep(`Z${node.id}:${ticks}`, "pause");
  }

  /** campaign makes a node start an election at once. */
  campaign(node: SimNode): void {
    node.liveCore().campaign();
    node.pump();
    this.endStep(`C${node.id}`, "campaign");
  }

  /** partition splits the network into groups (oneWay: only lower -> higher groups are cut). */
  partition(groups: readonly (readonly NodeId[])[], oneWay: boolean): void {
    this.network.healAll();
    this.network.partition(groups, oneWay);
    this.endStep(`P${groups.map((group) => group.join(",")).join("|")}${oneWay ? ">" : ""}`, oneWay ? "partition one way" : "partition");
  }

  /** cutLink cuts from -> to, and the reverse direction too if bothWays. */
  cutLink(from: NodeId, to: NodeId, bothWays: boolean): void {
    this.network.cutLink(from, to);
    if (bothWays) this.network.cutLink(to, from);
    this.endStep(`L${from}${bothWays ? "=" : ">"}${to}`, bothWays ? "link cut both ways" : "link cut one way");
  }

  /** heal restores every link. */
  heal(): void {
    this.network.healAll();
    this.endStep("H", "heal");
  }
}
