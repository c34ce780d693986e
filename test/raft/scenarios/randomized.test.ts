/**
 * Randomized schedules on the test network: ticks, reordered and dropped messages, partitions,
 * proposals, compactions and (with the node driver's repair gates) wiped nodes drawn from a
 * seeded PRNG. After every step Raft's safety
 * properties must hold: one leader per term, and applied histories that are prefixes of one
 * another (state machine safety). A failing seed is printed and replays exactly.
 */
import { describe, expect, it } from "vitest";
import { SeededPrng, TraceEventKind, type NodeId } from "../harness/raft";
import { TestNetwork } from "../harness/network";

const ids = ["n1", "n2", "n3"];

/** checkSafety throws if two leaders share a term or two applied histories diverge. */
function checkSafety(net: TestNetwork, leaders: Map<number, NodeId>): void {
  for (const id of ids) {
    for (const event of net.node(id).events) {
      if (event.kind !== TraceEventKind.BecameLeader) continue;
      const known = leaders.get(event.term);
      if (known !== undefined && known !== id) throw new Error(`two leaders in term ${event.term}: ${known}, ${id}`);
      leaders.set(event.term, id);
    }
  }
  const histories = ids.map((id) => net.node(id).disk.applied);
  const longest = histories.reduce((a, b) => (a.length >= b.length ? a : b));
  for (const history of histories) {
    history.forEach((payload, i) => {
      if (payload !== longest[i]) throw new Error(`applied histories diverge at ${i}: ${payload} vs ${longest[i]}`);
    });
  }
}

interface Features {
  preVote: boolean;
  checkQuorum: boolean;
  /** wipes: nodes run the repair gate and are sometimes wiped, one at a time. */
  wipes: boolean;
}

/** unsure: a node whose log is empty or under repair; a second one would be a lost majority of three. */
function unsure(net: TestNetwork, id: NodeId): boolean {
  return net.core(id).lastIndex === 0 || net.node(id).repair?.repairing === true;
}

/** justVoted: `id` granted its vote in its current term to another node and knows no leader yet. */
function justVoted(net: TestNetwork, id: NodeId): boolean {
  const vote = net.node(id).disk.hardState.vote;
  return vote !== null && vote !== id && net.core(id).leader === null;
}

function runSeed(seed: number, features: Features): { proposals: number; applied: number; wipes: number } {
  const prng = new SeededPrng(seed);
  const config = { electionTimeoutTicks: 6, heartbeatIntervalTicks: 1, preVote: features.preVote, checkQuorum: features.checkQuorum };
  const net = new TestNetwork(ids, { seed, config, repairGates: features.wipes });
  const leaders = new Map<number, NodeId>();
  let proposals = 0;
  let wipes = 0;
  for (let step = 0; step < 400; step++) {
    const action = prng.nextInt(100);
    const id = ids[prng.nextInt(ids.length)] as NodeId;
    if (action < 30) net.tick(id);
    else if (action < 70 && net.queue.length > 0) net.deliverAt(prng.nextInt(net.queue.length));
    else if (action < 75 && net.queue.length > 0) net.dropAt(prng.nextInt(net.queue.length));
    else if (action < 77) net.isolate(id);
    else if (action < 82) net.recover();
    else if (action < 95 && net.core(id).status().role === "leader") {
      net.core(id).propose(new TextEncoder().encode(`s${seed}p${proposals++}`));
    } else if (action < 97 && net.node(id).disk.appliedIndex > 0) net.compact(id, prng.nextInt(3));
    else if (action < 99 && features.wipes && ids.every((other) => other === id || !unsure(net, other))) {
      // Mostly right after the node voted for another and before it heard of a leader: the vote
      // and the term it forgets may be all that kept a stale leader from using it.
      if (justVoted(net, id) || prng.nextInt(4) === 0) {
        net.wipe(id);
        wipes++;
      }
    }
    net.processAll();
    checkSafety(net, leaders);
  }
  // Liveness phase: heal everything and let the cluster converge.
  net.recover();
  net.run(60);
  checkSafety(net, leaders);
  const [first, ...rest] = ids.map((id) => net.node(id).disk.applied);
  for (const history of rest) {
    if (history.join() !== first?.join()) throw new Error(`no convergence after healing: ${history.length} vs ${first?.length}`);
  }
  return { proposals, applied: Math.max(...ids.map((id) => net.node(id).disk.applied.length)), wipes };
}

const featureSets: Features[] = [
  { preVote: true, checkQuorum: true, wipes: false },
  { preVote: false, checkQuorum: false, wipes: false },
  { preVote: true, checkQuorum: false, wipes: false },
  { preVote: true, checkQuorum: true, wipes: true },
  // The node driver refuses pre-vote and check-quorum both off (see validateNodeOptions).
  { preVote: false, checkQuorum: true, wipes: true },
];

describe.each(featureSets)("randomized schedules (preVote=$preVote, checkQuorum=$checkQuorum, wipes=$wipes)", (features) => {
  it("150 seeded schedules of drops, reordering, partitions and compaction keep Raft's safety properties and converge once healed", () => {
    let applied = 0;
    let wipes = 0;
    for (let seed = 1; seed <= 150; seed++) {
      let result: { proposals: number; applied: number; wipes: number };
      try {
        result = runSeed(seed, features);
      } catch (error) {
        throw new Error(`seed ${seed} failed: ${(error as Error).message}`);
      }
      applied += result.applied;
      wipes += result.wipes;
      expect(result.applied).toBeLessThanOrEqual(result.proposals);
    }
    expect(applied).toBeGreaterThan(150);
    expect(wipes > 0).toBe(features.wipes);
  });

  it("the same seed replays the same run exactly", () => {
    expect(runSeed(77, features)).toEqual(runSeed(77, features));
  });
});

describe("randomized schedules with wipes - found seeds", () => {
  it("seed 20739 (check-quorum without pre-vote) replays safely: a node wiped right after voting, while nothing was committed", () => {
    // Found in 30 000 schedules: the wiped node, empty and not yet rejoining, followed a stale
    // leader, which committed with it what the leader it had elected lacked (match <= lastIndex).
    expect(runSeed(20739, { preVote: false, checkQuorum: true, wipes: true })).toEqual({ proposals: 10, applied: 10, wipes: 4 });
  });
});
