/**
 * runSeed: one complete simulated run — a safety phase under faults, then a liveness phase in
 * which a random majority (the core) is healed and must converge — derived entirely from one seed, so the same seed replays the same run.
 *
 * Each tick: the schedule's actions, then one tick per live node (some skipped: clock drift),
 * then the disk syncs that are due, then every due packet in random order. Every one of those
 * is a step, and the checkers run after every step; the first violation ends the run.
 */
import { ViolationError, type Violation } from "./checkers/violation";
import { Mutation, SimCluster } from "./cluster";
import { LIVENESS_WINDOWS_MAX } from "./limits";
import type { SimNode } from "./node";
import { optionsSwarm, SAFETY_TICKS_DEFAULT, type SafetyTicksBounds, type SimOptions } from "./options";
import { SimPrng } from "./prng";
import { assertNever, Role } from "./raft";
import { ScheduleGenerator, type Action, type NodeView } from "./schedule";

/** FailureClass names how a run failed; each has its own CLI exit code. */
export const FailureClass = { Safety: "safety", Liveness: "liveness", Crash: "crash" } as const;
export type FailureClass = (typeof FailureClass)[keyof typeof FailureClass];

/** RunResult summarises one seed. */
export interface RunResult {
  readonly seed: number;
  readonly options: SimOptions;
  readonly steps: number;
  readonly ticks: number;
  readonly elections: number;
  readonly commits: number;
  readonly acknowledged: number;
  readonly failure: FailureClass | null;
  /** detail describes the failure (the violation, the liveness shortfall or the thrown error). */
  readonly detail: string | null;
  readonly violation: Violation | null;
  /** marks counts the rare paths the run went through (see SimCluster.mark). */
  readonly marks: ReadonlyMap<string, number>;
  /** digest fingerprints every step, apply and trace event of the run. */
  readonly digest: string;
}

/** RunOptions lets callers shorten or lengthen the safety phase. */
export interface RunOptions {
  safetyTicks?: SafetyTicksBounds;
  /** mutation breaks the world on purpose (tests of the checkers' teeth only). */
  mutation?: Mutation;
  /** leaderChurn forces the figure-8 hunting mode on (options.ts drawLeaderChurn). */
  leaderChurn?: boolean;
}

function nodeViews(cluster: SimCluster): NodeView[] {
  return cluster.nodes.map((node) => {
    const status = node.core?.status();
    return { id: node.id, alive: status !== undefined, isLeader: status?.role === Role.Leader, term: status?.term ?? 0 };
  });
}

function perform(cluster: SimCluster, action: Action): void {
  switch (action.kind) {
    case "propose": {
      const node = cluster.node(action.node);
      if (node.running(cluster.nowTicks)) cluster.propose(node, action.bytes, action.fencedTerm);
      return;
    }
    case "crash":
      cluster.crash(cluster.node(action.node), action.keepsUnsynced);
      return;
    case "restart":
      cluster.restart(cluster.node(action.node));
      return;
    case "snapshot": {
      const node = cluster.node(action.node);
      if (node.running(cluster.nowTicks)) cluster.snapshot(node, action.trailingEntriesKept);
      return;
    }
    case "transfer": {
      const node = cluster.node(action.node);
      if (node.running(cluster.nowTicks) && node.liveCore().status().role === Role.Leader) {
        cluster.transferLeadership(node, action.target);
      }
      return;
    }
    case "campaign": {
      const node = cluster.node(action.node);
      if (node.running(cluster.nowTicks)) cluster.campaign(node);
      return;
    }
    case "pause": {
      const node = cluster.node(action.node);
      if (node.running(cluster.nowTicks)) cluster.pause(node, action.ticks);
      return;
    }
    case "partition":
      cluster.partition(action.groups, action.oneWay);
      return;
    case "cutLink":
      cluster.cutLink(action.from, action.to, action.bothWays);
      return;
    case "heal":
      cluster.heal();
      return;
    default:
      assertNever(action);
  }
}

/** runTick advances time by one tick: actions, node ticks, due syncs, due packets. */
function runTick(cluster: SimCluster, schedule: ScheduleGenerator, actions: readonly Action[]): void {
  cluster.nowTicks++;
  for (const action of actions) perform(cluster, action);
  const now = cluster.nowTicks;
  for (const node of cluster.nodes) {
    if (!node.running(now)) continue;
    const ticks = schedule.clockTicks();
    for (let tick = 0; tick < ticks && node.alive; tick++) cluster.tick(node);
  }
  for (const node of cluster.nodes) {
    if (node.running(now) && node.syncDue(now)) cluster.completeSync(node);
  }
  for (const packet of cluster.network.takeDue(now)) {
    const receiver = cluster.node(packet.to);
    if (receiver.alive && !receiver.running(now)) cluster.network.requeue(packet, receiver.pausedUntilTick);
    else cluster.deliver(packet);
  }
}

/** healCore heals the network among a random majority (the core) and restarts its crashed nodes;
 * the other nodes stay down or isolated, like the replicas VOPR leaves faulty. */
function healCore(cluster: SimCluster, prng: SimPrng): SimNode[] {
  const nodes = prng.shuffle(cluster.nodes.slice());
  const coreSize = prng.rangeInclusive(Math.floor(nodes.length / 2) + 1, nodes.length);
  const core = nodes.slice(0, coreSize);
  const outside = nodes.slice(coreSize);
  cluster.network.setCalm(true);
  cluster.faultsActive = false;
  if (cluster.mutation === Mutation.NeverHeals) {
    cluster.partition(cluster.nodes.map((node) => [node.id]), false);
  } else if (outside.length === 0) {
    cluster.heal();
  } else {
    cluster.partition([core.map((node) => node.id), ...outside.map((node) => [node.id])], false);
  }
  for (const node of cluster.nodes) node.pausedUntilTick = 0;
  for (const node of core) if (!node.alive) cluster.restart(node);
  return core;
}

/**
 * livenessPhase heals a core and waits for a leader to commit a final proposal on all of it. It
 * fails once a whole convergence window passes in which the slowest core node applied nothing
 * new: how long a lagging follower takes to catch up grows with its backlog (a long safety phase
 * with one-entry appends), while a stuck cluster stops applying altogether.
 */
function livenessPhase(cluster: SimCluster, schedule: ScheduleGenerator, prng: SimPrng): string | null {
  const core = healCore(cluster, prng);
  let final: { index: number; term: number } | null = null;
  const window = cluster.options.convergenceTicksMax;
  const lastDeadline = cluster.nowTicks + LIVENESS_WINDOWS_MAX * window;
  let deadline = cluster.nowTicks + window;
  let slowestApplied = Math.min(...core.map((node) => node.sm.index));
  while (cluster.nowTicks < deadline) {
    runTick(cluster, schedule, []);
    const slowest = Math.min(...core.map((node) => node.sm.index));
    if (slowest > slowestApplied) {
      slowestApplied = slowest;
      deadline = Math.min(lastDeadline, cluster.nowTicks + window);
    }
    const leader = core.find((node) => node.alive && node.liveCore().status().role === Role.Leader);
    // A final proposal accepted by a leader that has since lost its term may be gone for good:
    // offer a new one to the newer leader.
    if (leader !== undefined && (final === null || leader.liveCore().status().term > final.term)) {
      const outcome = cluster.propose(leader, 16, null);
      if (outcome.ok) final = { index: outcome.index, term: outcome.term };
      continue;
    }
    if (final === null) continue;
    const finalIndex = final.index;
    if (core.every((node) => node.sm.index >= finalIndex)) {
      if (cluster.checkers.committed.isAcknowledged(final.index, final.term)) {
        cluster.checkers.finalCheck(new Map(core.map((node) => [node.id, node.sm.index])));
        return null;
      }
      final = null;
    }
  }
  const states = cluster.nodes.map((node) => {
    const status = node.core?.status();
    const role = `${status?.role ?? "down"}${core.includes(node) ? "" : " (outside the core)"}`;
    return `${node.id}:${role}/t${status?.term ?? "-"}/c${status?.commit ?? "-"}/a${node.sm.index}`;
  });
  const goal = final === null ? "no leader accepted the final proposal" : `final proposal at ${final.index} not applied on the core`;
  const waited = `${window} ticks of the liveness phase without progress on the slowest core node`;
  const reason = cluster.nowTicks >= lastDeadline ? `${LIVENESS_WINDOWS_MAX} windows of ${window} ticks of the liveness phase` : waited;
  return `after ${reason}: ${goal} (${states.join(" ")})`;
}

/** runSeed runs one seed to the end and reports what happened. */
export function runSeed(seed: number, runOptions: RunOptions = {}): RunResult {
  const prng = new SimPrng(seed);
  const options = optionsSwarm(prng.fork(), runOptions.safetyTicks ?? SAFETY_TICKS_DEFAULT, runOptions.leaderChurn ?? false);
  const cluster = new SimCluster(options, prng.fork(), runOptions.mutation ?? null);
  const schedule = new ScheduleGenerator(prng.fork(), options);
  const livenessPrng = prng.fork();
  let failure: FailureClass | null = null;
  let detail: string | null = null;
  let violation: Violation | null = null;
  try {
    cluster.startAll();
    for (let tick = 0; tick < options.safetyTicks; tick++) {
      const actions = schedule.planTick(cluster.nowTicks + 1, nodeViews(cluster), cluster.network.blockedLinkCount() > 0);
      runTick(cluster, schedule, actions);
    }
    detail = livenessPhase(cluster, schedule, livenessPrng);
    if (detail !== null) failure = FailureClass.Liveness;
  } catch (error) {
    if (error instanceof ViolationError) {
      failure = FailureClass.Safety;
      violation = error.violation;
      detail = error.message;
    } else {
      failure = FailureClass.Crash;
      detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
    }
  }
  if (failure === null && cluster.checkers.violations.length > 0) {
    violation = cluster.checkers.violations[0] as Violation;
    failure = FailureClass.Safety;
    detail = `${violation.property}: ${violation.message}`;
  }
  return {
    seed,
    options,
    steps: cluster.steps,
    ticks: cluster.nowTicks,
    elections: cluster.checkers.elections,
    commits: cluster.checkers.stateMachine.committedCount(),
    acknowledged: cluster.checkers.committed.acknowledgedCount(),
    failure,
    detail,
    violation,
    marks: cluster.marks,
    digest: `${cluster.digest.value()}:${cluster.steps}:${cluster.nowTicks}:${failure ?? "ok"}`,
  };
}
