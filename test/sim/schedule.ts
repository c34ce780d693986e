/**
 * ScheduleGenerator: draws, tick by tick, what the outside world does to the cluster during
 * the safety phase — proposals (some oversized, some fenced to a stale term), crashes and
 * restarts, partitions and cut links, snapshots with compaction, leader transfers, forced
 * campaigns and clock skew. It only decides; SimCluster performs. All draws come from the generator's own prng.
 */
import { PROPOSAL_BYTES_MIN } from "./limits";
import type { SimOptions } from "./options";
import type { SimPrng } from "./prng";
import type { NodeId } from "./raft";

/** Action is one thing the outside world does at the start of a tick. */
export type Action =
  | { readonly kind: "propose"; readonly node: NodeId; readonly bytes: number; readonly fencedTerm: number | null }
  | { readonly kind: "crash"; readonly node: NodeId; readonly keepsUnsynced: boolean }
  | { readonly kind: "restart"; readonly node: NodeId }
  | { readonly kind: "snapshot"; readonly node: NodeId; readonly trailingEntriesKept: number }
  | { readonly kind: "transfer"; readonly node: NodeId; readonly target: NodeId }
  | { readonly kind: "campaign"; readonly node: NodeId }
  | { readonly kind: "pause"; readonly node: NodeId; readonly ticks: number }
  | { readonly kind: "partition"; readonly groups: readonly (readonly NodeId[])[]; readonly oneWay: boolean }
  | { readonly kind: "cutLink"; readonly from: NodeId; readonly to: NodeId; readonly bothWays: boolean }
  | { readonly kind: "heal" };

/** NodeView is what the schedule may know of a node when planning. */
export interface NodeView {
  readonly id: NodeId;
  readonly alive: boolean;
  readonly isLeader: boolean;
  readonly term: number;
}

/** ScheduleGenerator plans the faults and workload of each tick of the safety phase. */
export class ScheduleGenerator {
  private readonly restartAtTick = new Map<NodeId, number>();
  /** leaderTermSeen: the highest term a leader was seen in (one isolation draw per term). */
  private leaderTermSeen = 0;
  /** isolation: a leader the schedule will cut off from everyone at `atTick`. */
  private isolation: { readonly node: NodeId; readonly term: number; readonly atTick: number } | null = null;

  constructor(
    private readonly prng: SimPrng,
    private readonly options: SimOptions,
  ) {}

  /** planTick returns the actions for tick `nowTicks`, given the nodes and whether links are cut. */
  planTick(nowTicks: number, nodes: readonly NodeView[], linksBlocked: boolean): Action[] {
    const actions: Action[] = [];
    this.planNetwork(nodes, linksBlocked, actions);
    this.planLeaderIsolation(nowTicks, nodes, actions);
    this.planCrashes(nowTicks, nodes, actions);
    this.planWorkload(nodes, actions);
    return actions;
  }

  /** clockTicks draws how often a node's clock ticks during one tick: usually 1, sometimes 0
   * (a slow clock) or 2 (a fast one). */
  clockTicks(): number {
    if (this.prng.chance(this.options.faults.tickSkipProbability)) return 0;
    return this.prng.chance(this.options.faults.tickDoubleProbability) ? 2 : 1;
  }

  private planNetwork(nodes: readonly NodeView[], linksBlocked: boolean, actions: Action[]): void {
    const faults = this.options.faults;
    const ids = nodes.map((node) => node.id);
    if (linksBlocked && this.prng.chance(faults.partitionHealProbability)) {
      actions.push({ kind: "heal" });
    } else if (this.prng.chance(faults.partitionProbability)) {
      actions.push({ kind: "partition", groups: this.drawGroups(ids), oneWay: this.prng.chance(faults.partitionAsymmetricProbability) });
    }
    if (this.prng.chance(faults.linkCutProbability)) {
      const [from, to] = this.prng.shuffle(ids.slice()) as [NodeId, NodeId];
      actions.push({ kind: "cutLink", from, to, bothWays: !this.prng.chance(faults.partitionAsymmetricProbability) });
    }
  }

  /** planLeaderIsolation cuts a freshly elected leader off from everyone a few ticks after it is
   * first seen, while it is still leader of that term (a partition that replaces any other). */
  private planLeaderIsolation(nowTicks: number, nodes: readonly NodeView[], actions: Action[]): void {
    const faults = this.options.faults;
    if (faults.leaderIsolationProbability === 0) return;
    for (const node of nodes) {
      if (!node.alive || !node.isLeader || node.term <= this.leaderTermSeen) continue;
      this.leaderTermSeen = node.term;
      if (this.prng.chance(faults.leaderIsolationProbability)) {
        this.isolation = { node: node.id, term: node.term, atTick: nowTicks + this.prng.nextInt(faults.leaderIsolationDelayTicksMax + 1) };
      }
    }
    const isolation = this.isolation;
    if (isolation === null || isolation.atTick > nowTicks) return;
    this.isolation = null;
    const leader = nodes.find((node) => node.id === isolation.node);
    if (leader === undefined || !leader.alive || !leader.isLeader || leader.term !== isolation.term) return;
    const others = nodes.filter((node) => node.id !== leader.id).map((node) => node.id);
    actions.push({ kind: "partition", groups: [[leader.id], others], oneWay: false });
  }

  private drawGroups(ids: readonly NodeId[]): NodeId[][] {
    const shuffled = this.prng.shuffle(ids.slice());
    if (this.prng.chance(0.4)) return [shuffled.slice(0, 1), shuffled.slice(1)];
    const groupCount = ids.length === 5 && this.prng.chance(0.3) ? 3 : 2;
    const groups: NodeId[][] = Array.from({ length: groupCount }, () => []);
    shuffled.forEach((id, i) => (groups[i < groupCount ? i : this.prng.nextInt(groupCount)] as NodeId[]).push(id));
    return groups;
  }

  private planCrashes(nowTicks: number, nodes: readonly NodeView[], actions: Action[]): void {
    const faults = this.options.faults;
    for (const node of nodes) {
      const restartAt = this.restartAtTick.get(node.id);
      if (!node.alive && restartAt !== undefined && restartAt <= nowTicks) {
        this.restartAtTick.delete(node.id);
        actions.push({ kind: "restart", node: node.id });
      }
    }
    const alive = nodes.filter((node) => node.alive);
    const crashed = nodes.length - alive.length;
    const faultProbability = faults.crashProbability + faults.pauseProbability;
    if (alive.length === 0 || crashed >= faults.crashedNodesMax || !this.prng.chance(faultProbability)) return;
    const victim = this.prng.pick(alive);
    if (this.prng.chance(faults.pauseProbability / (faults.crashProbability + faults.pauseProbability))) {
      actions.push({ kind: "pause", node: victim.id, ticks: this.prng.rangeInclusive(1, faults.pauseTicksMax) });
      return;
    }
    const keepsUnsynced = this.prng.chance(faults.crashKeepsUnsyncedProbability);
    const delay = this.prng.rangeInclusive(faults.restartDelayTicksMin, faults.restartDelayTicksMax);
    this.restartAtTick.set(victim.id, nowTicks + delay);
    actions.push({ kind: "crash", node: victim.id, keepsUnsynced });
  }

  private planWorkload(nodes: readonly NodeView[], actions: Action[]): void {
    const workload = this.options.workload;
    const alive = nodes.filter((node) => node.alive);
    if (alive.length === 0) return;
    const leaders = alive.filter((node) => node.isLeader);
    if (this.prng.chance(workload.proposeProbability)) {
      const count = this.prng.rangeInclusive(1, workload.proposalsPerTickMax);
      for (let i = 0; i < count; i++) actions.push(this.drawProposal(alive, leaders));
    }
    if (this.prng.chance(workload.snapshotProbability)) {
      const node = this.prng.pick(alive);
      actions.push({ kind: "snapshot", node: node.id, trailingEntriesKept: this.prng.nextInt(workload.trailingEntriesKeptMax + 1) });
    }
    if (this.prng.chance(workload.campaignProbability)) actions.push({ kind: "campaign", node: this.prng.pick(alive).id });
    if (leaders.length > 0 && this.prng.chance(workload.transferProbability)) {
      const leader = this.prng.pick(leaders);
      const target = this.prng.pick(nodes.filter((node) => node.id !== leader.id));
      actions.push({ kind: "transfer", node: leader.id, target: target.id });
    }
  }

  private drawProposal(alive: readonly NodeView[], leaders: readonly NodeView[]): Action {
    const workload = this.options.workload;
    const entryBytesMax = this.options.raft.entryBytesMax;
    const anywhere = leaders.length === 0 || this.prng.chance(workload.proposeAnywhereProbability);
    const node = this.prng.pick(anywhere ? alive : leaders);
    const bytes = this.prng.chance(workload.oversizeProposalProbability)
      ? entryBytesMax + this.prng.rangeInclusive(1, 32)
      : this.prng.rangeInclusive(PROPOSAL_BYTES_MIN, entryBytesMax);
    const fencedTerm = this.prng.chance(workload.proposeWithTermProbability)
      ? Math.max(0, node.term - this.prng.nextInt(2))
      : null;
    return { kind: "propose", node: node.id, bytes, fencedTerm };
  }
}
