/**
 * SimOptions and optionsSwarm: every knob of one simulated run, drawn from the seed.
 *
 * Like TigerBeetle's VOPR "swarm testing", each seed gets its own mix of fault rates: some
 * seeds run on a clean network, others drop half the packets, crash nodes often, or never
 * snapshot. Rates are probabilities per tick (or per packet) so runs of different lengths stay
 * comparable. Nothing here reads a clock or Math.random.
 */
import type { SimPrng } from "./prng";

/** NetworkOptions are the fault rates of the simulated network during the safety phase. */
export interface NetworkOptions {
  /** packetLossProbability: a packet is lost at delivery time. */
  packetLossProbability: number;
  /** packetDuplicateProbability: a sent packet is delivered twice (each with its own delay). */
  packetDuplicateProbability: number;
  packetDelayTicksMin: number;
  packetDelayTicksMax: number;
  /** packetDelaySpikeProbability: a packet is held much longer (stale messages from old terms). */
  packetDelaySpikeProbability: number;
  packetDelaySpikeTicksMax: number;
  /** snapshotChunksMax: a snapshot transfer is split into 1..snapshotChunksMax packets. */
  snapshotChunksMax: number;
}

/** FaultOptions are the per-tick probabilities of partitions, crashes and clock faults. */
export interface FaultOptions {
  partitionProbability: number;
  /** partitionAsymmetricProbability: a new partition or cut blocks only one direction. */
  partitionAsymmetricProbability: number;
  partitionHealProbability: number;
  linkCutProbability: number;
  crashProbability: number;
  /** crashedNodesMax: how many nodes may be down at once during the safety phase. */
  crashedNodesMax: number;
  restartDelayTicksMin: number;
  restartDelayTicksMax: number;
  /** crashKeepsUnsyncedProbability: a crash keeps the unsynced batch (the OS wrote it anyway). */
  crashKeepsUnsyncedProbability: number;
  /** syncDelayTicksMax: a disk sync completes 0..syncDelayTicksMax ticks after it starts. */
  syncDelayTicksMax: number;
  /** tickSkipProbability: a node's clock misses a tick (clock drift between nodes). */
  tickSkipProbability: number;
  /** tickDoubleProbability: a node's clock ticks twice in one tick (a fast clock). */
  tickDoubleProbability: number;
  /** pauseProbability: a node's process stops (SIGSTOP): no ticks, syncs or deliveries, while
   * packets to it queue up and arrive in a burst when it resumes. */
  pauseProbability: number;
  pauseTicksMax: number;
  /** leaderIsolationProbability: a leader seen for the first time in its term is cut off from
   * everyone shortly after (figure-8 hunting: divergent uncommitted tails across terms, and a new
   * leader that loses its term before its term-start entry is acknowledged). */
  leaderIsolationProbability: number;
  /** leaderIsolationDelayTicksMax: the isolation comes 0..this many ticks after the leader is seen. */
  leaderIsolationDelayTicksMax: number;
  /** isolateAtFirstCommitProbability: a leader is cut off from everyone the moment its commit
   * first advances in its term, before followers hear of it or get its next entries. */
  isolateAtFirstCommitProbability: number;
  /** isolateAtElectionProbability: a node is cut off from everyone the moment it becomes leader,
   * so its term-start entry stays on it alone (a conflicting tail from a higher term). */
  isolateAtElectionProbability: number;
}

/** WorkloadOptions are the per-tick probabilities of client and operator actions. */
export interface WorkloadOptions {
  proposeProbability: number;
  proposalsPerTickMax: number;
  /** proposeAnywhereProbability: the proposal goes to a random node instead of a leader. */
  proposeAnywhereProbability: number;
  /** proposeWithTermProbability: the proposal is fenced to a (possibly stale) term. */
  proposeWithTermProbability: number;
  /** oversizeProposalProbability: the proposal is larger than entryBytesMax. */
  oversizeProposalProbability: number;
  snapshotProbability: number;
  trailingEntriesKeptMax: number;
  transferProbability: number;
  /** campaignProbability: a node is told to campaign at once (forced, possibly dueling, elections). */
  campaignProbability: number;
}

/** RaftOptions are the RaftConfig values shared by every node of the run. */
export interface RaftOptions {
  electionTimeoutTicks: number;
  heartbeatIntervalTicks: number;
  preVote: boolean;
  checkQuorum: boolean;
  entryBytesMax: number;
  appendBytesMax: number;
  inflightAppendsMax: number;
  uncommittedEntriesMax: number;
  uncommittedBytesMax: number;
}

/** SimOptions is everything one run needs besides the seed's generator. */
export interface SimOptions {
  nodeCount: number;
  /** safetyTicks: length of the faulty phase. */
  safetyTicks: number;
  /**
   * convergenceTicksMax: the longest the healed liveness phase may go without the slowest core
   * node applying anything new (and, before that, without a leader and a final commit).
   */
  convergenceTicksMax: number;
  raft: RaftOptions;
  network: NetworkOptions;
  faults: FaultOptions;
  workload: WorkloadOptions;
}

/** SafetyTicksBounds lets callers (tests, CLI) choose the length of the faulty phase. */
export interface SafetyTicksBounds {
  min: number;
  max: number;
}

/** SAFETY_TICKS_DEFAULT bounds the faulty phase: long enough for several elections, short enough
 * for thousands of seeds a minute. */
export const SAFETY_TICKS_DEFAULT: SafetyTicksBounds = { min: 120, max: 300 };

/** ELECTION_TIMEOUT_TICKS_MIN keeps elections possible on the healed network: a round trip there
 * costs at most 2 * 2 packet ticks + 2 * 3 sync ticks = 10 ticks. */
const ELECTION_TIMEOUT_TICKS_MIN = 10;
const ELECTION_TIMEOUT_TICKS_MAX = 30;

function raftSwarm(prng: SimPrng): RaftOptions {
  // The election timeout must dwarf a healed round trip (two packet delays plus a sync on each
  // side), or no candidate can ever collect its votes before the next timeout.
  const electionTimeoutTicks = prng.rangeInclusive(ELECTION_TIMEOUT_TICKS_MIN, ELECTION_TIMEOUT_TICKS_MAX);
  const heartbeatIntervalTicks = prng.rangeInclusive(1, Math.floor(electionTimeoutTicks / 4));
  const entryBytesMax = prng.rangeInclusive(16, 256);
  return {
    electionTimeoutTicks,
    heartbeatIntervalTicks,
    preVote: prng.chance(0.7),
    checkQuorum: prng.chance(0.7),
    entryBytesMax,
    appendBytesMax: prng.rangeInclusive(1, 4 * entryBytesMax),
    inflightAppendsMax: prng.rangeInclusive(1, 8),
    uncommittedEntriesMax: prng.rangeInclusive(2, 64),
    uncommittedBytesMax: entryBytesMax * prng.rangeInclusive(1, 32),
  };
}

function networkSwarm(prng: SimPrng): NetworkOptions {
  const packetDelayTicksMin = prng.nextInt(2);
  return {
    packetLossProbability: prng.probability(0.3),
    packetDuplicateProbability: prng.probability(0.2),
    packetDelayTicksMin,
    packetDelayTicksMax: packetDelayTicksMin + prng.nextInt(5),
    packetDelaySpikeProbability: prng.probability(0.05),
    packetDelaySpikeTicksMax: prng.rangeInclusive(10, 100),
    snapshotChunksMax: prng.rangeInclusive(1, 4),
  };
}

function faultSwarm(prng: SimPrng, nodeCount: number): FaultOptions {
  const restartDelayTicksMin = prng.rangeInclusive(1, 20);
  return {
    partitionProbability: prng.probability(0.05),
    partitionAsymmetricProbability: prng.probability(0.5),
    partitionHealProbability: prng.probability(0.1) + 0.01,
    linkCutProbability: prng.probability(0.05),
    crashProbability: prng.probability(0.03),
    crashedNodesMax: prng.rangeInclusive(1, nodeCount),
    restartDelayTicksMin,
    restartDelayTicksMax: restartDelayTicksMin + prng.nextInt(40),
    crashKeepsUnsyncedProbability: prng.probability(0.5),
    syncDelayTicksMax: prng.nextInt(4),
    tickSkipProbability: prng.probability(0.2),
    tickDoubleProbability: prng.probability(0.1),
    pauseProbability: prng.probability(0.02),
    pauseTicksMax: prng.rangeInclusive(5, 60),
    leaderIsolationProbability: 0,
    leaderIsolationDelayTicksMax: 0,
    isolateAtFirstCommitProbability: 0,
    isolateAtElectionProbability: 0,
  };
}

function workloadSwarm(prng: SimPrng): WorkloadOptions {
  return {
    proposeProbability: 0.1 + prng.probability(0.8),
    proposalsPerTickMax: prng.rangeInclusive(1, 4),
    proposeAnywhereProbability: prng.probability(0.3),
    proposeWithTermProbability: prng.probability(0.3),
    oversizeProposalProbability: prng.probability(0.1),
    snapshotProbability: prng.probability(0.2),
    trailingEntriesKeptMax: prng.nextInt(8),
    transferProbability: prng.probability(0.03),
    campaignProbability: prng.probability(0.02),
  };
}

/** LEADER_CHURN_SEEDS_FRACTION: the share of seeds that hunt figure-8 (see drawLeaderChurn). */
const LEADER_CHURN_SEEDS_FRACTION = 0.5;
/** LEADER_CHURN_ELECTION_TIMEOUT_TICKS_MAX: short timeouts, so a 120–300 tick phase holds the
 * four or more elections the figure-8 sequence needs. */
const LEADER_CHURN_ELECTION_TIMEOUT_TICKS_MAX = 14;

/**
 * drawLeaderChurn turns the figure-8 hunt on for some seeds. Leaders are cut off from everyone
 * at election (their term-start entry stays on them alone), at their first commit (followers get
 * no further entries), or a few ticks after they are seen; so old-term tails diverge across
 * terms, a new leader counts replicas of an old-term entry while its own entry is unacknowledged,
 * and the other side elects the node holding a conflicting entry from a higher term. Small
 * appends (one entry, one or two in flight) open the window between acknowledging an old entry
 * and the new term's entry; the other faults are damped so the elections actually happen.
 * Mostly 3 nodes: the sequence needs every node in a role.
 */
function drawLeaderChurn(prng: SimPrng, forced: boolean, nodeCount: number, raft: RaftOptions, network: NetworkOptions, faults: FaultOptions): number {
  // Drawn even when forced, so a forced seed differs from its swarm self only by the mode.
  if (!prng.chance(LEADER_CHURN_SEEDS_FRACTION) && !forced) return nodeCount;
  faults.leaderIsolationProbability = 0.5 + prng.probability(0.5);
  faults.leaderIsolationDelayTicksMax = prng.rangeInclusive(2, 8);
  faults.isolateAtFirstCommitProbability = 0.7 + prng.probability(0.3);
  faults.isolateAtElectionProbability = 0.4 + prng.probability(0.2);
  raft.electionTimeoutTicks = prng.rangeInclusive(ELECTION_TIMEOUT_TICKS_MIN, LEADER_CHURN_ELECTION_TIMEOUT_TICKS_MAX);
  raft.heartbeatIntervalTicks = Math.min(raft.heartbeatIntervalTicks, Math.floor(raft.electionTimeoutTicks / 4));
  raft.inflightAppendsMax = prng.rangeInclusive(1, 2);
  raft.appendBytesMax = prng.rangeInclusive(1, raft.entryBytesMax);
  network.packetLossProbability = Math.min(network.packetLossProbability, 0.05);
  faults.crashProbability = Math.min(faults.crashProbability, 0.005);
  faults.pauseProbability = Math.min(faults.pauseProbability, 0.005);
  faults.partitionProbability = Math.min(faults.partitionProbability, 0.01);
  faults.linkCutProbability = Math.min(faults.linkCutProbability, 0.01);
  return prng.chance(0.8) ? 3 : nodeCount;
}

/** optionsSwarm draws every option of a run from `prng` (VOPR style); `leaderChurn` forces the
 * figure-8 hunting mode on instead of drawing it for half of the seeds. */
export function optionsSwarm(prng: SimPrng, safetyTicks: SafetyTicksBounds = SAFETY_TICKS_DEFAULT, leaderChurn = false): SimOptions {
  const nodeCount = prng.chance(0.6) ? 3 : 5;
  const raft = raftSwarm(prng);
  const network = networkSwarm(prng);
  const faults = faultSwarm(prng, nodeCount);
  const workload = workloadSwarm(prng);
  // Drawn last, so the seeds that leave the mode off keep every option they had before it.
  const nodeCountFinal = drawLeaderChurn(prng, leaderChurn, nodeCount, raft, network, faults);
  // Convergence must allow a few election rounds with the worst jitter, plus catch-up.
  const convergenceTicksMax = 40 * raft.electionTimeoutTicks + 200;
  return {
    nodeCount: nodeCountFinal,
    safetyTicks: prng.rangeInclusive(safetyTicks.min, safetyTicks.max),
    convergenceTicksMax,
    raft,
    network,
    faults,
    workload,
  };
}
