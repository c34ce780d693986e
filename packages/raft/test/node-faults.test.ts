/**
 * Seeded faults over the in-memory transport: five nodes while proposals go to leaders and
 * followers alike, one-way link cuts, leaders cut off from everyone, heals, kills and graceful
 * stops, some of them with the data directory wiped, with snapshots taken often. Afterwards every
 * replica holds the same log, every acknowledged value is in it exactly once, and no value whose
 * proposal was refused (NotLeaderError, ProposalDroppedError) is in it at all. Timers are real, so
 * a seed draws the same faults but not the same interleaving.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MemoryNetwork, Role, SeededPrng, type NodeId, type RaftNode } from "../src/internal";
import { removeDir } from "./helpers";
import { TestCluster } from "./node-cluster";
import { waitFor } from "./transport-helpers";

const IDS = ["n1", "n2", "n3", "n4", "n5"];
/** FAULT_STEPS: how many actions a seed draws; each is followed by a pause of up to STEP_PAUSE_MS_MAX. */
const FAULT_STEPS = 60;
const STEP_PAUSE_MS_MAX = 40;
/** NODES_UP_MIN: a node is taken down only while more than this many run, so a majority can return. */
const NODES_UP_MIN = 3;
/**
 * EMPTY_NODES_MAX: a stopped node's directory is wiped only while fewer than this many others hold
 * no log or are repairing it (wiped, or never reached by a leader): a majority of empty logs can
 * elect an empty leader, a loss no rule can mend.
 */
const EMPTY_NODES_MAX = 2;
/** Outcomes that say the value never entered the log; any other rejection leaves it unknown. */
const REFUSED = new Set(["NotLeaderError", "ProposalDroppedError"]);
const UNKNOWN = new Set(["LeadershipLostError", "NodeStoppedError"]);

let started: TestCluster | null = null;
afterEach(async () => {
  await started?.destroy();
  started = null;
});

interface Outcomes {
  acked: string[];
  refused: string[];
  settled: Promise<void>[];
}

function propose(node: RaftNode, value: string, outcomes: Outcomes): void {
  outcomes.settled.push(node.propose(Buffer.from(value)).then(
    () => void outcomes.acked.push(value),
    (error: Error) => {
      if (REFUSED.has(error.name)) outcomes.refused.push(value);
      else expect(UNKNOWN).toContain(error.name);
    },
  ));
}

describe("raft node - seeded faults over the in-memory transport", () => {
  it.each([3, 17, 29])("seed %i: one-way cuts, cut-off leaders, kills, stops and wipes lose no acknowledged value and keep no refused one", async (seed) => {
    const prng = new SeededPrng(seed);
    const network = new MemoryNetwork();
    const cluster = await TestCluster.start(IDS, {
      tickIntervalMs: 5, snapshotEntries: 30 + prng.nextInt(100), snapshotTrailingEntries: prng.nextInt(20),
      snapshotChunkBytes: 128 + prng.nextInt(1000),
    }, network);
    started = cluster;
    const pick = (): NodeId => IDS[prng.nextInt(IDS.length)]!;
    const outcomes: Outcomes = { acked: [], refused: [], settled: [] };
    let proposed = 0;
    /** empty: nodes whose log is, or may be, empty or under repair (wiped, or never reached by a leader). */
    const empty = new Set<NodeId>(IDS);
    /** othersEmpty counts the empty nodes other than `id` (all of them for null), refreshed from the running ones. */
    const othersEmpty = (id: NodeId | null): number => {
      for (const running of cluster.running()) {
        const status = cluster.node(running).status();
        if (status.lastIndex > 0 && !status.repairing) empty.delete(running);
      }
      return [...empty].filter((other) => other !== id).length;
    };
    let wipes = 0;
    const wipe = async (id: NodeId): Promise<void> => {
      empty.add(id);
      wipes++;
      await removeDir(cluster.dirs.get(id)!);
    };
    for (let step = 0; step < FAULT_STEPS; step++) {
      if (step === FAULT_STEPS / 2 && wipes === 0) {
        // The drawn wipes depend on how fast nodes catch up (a loaded machine may allow none):
        // halfway, a seed without one heals, lets every node catch up, and wipes one.
        network.heal();
        for (const id of IDS) if (!cluster.nodes.has(id)) await cluster.open(id);
        await waitFor(() => othersEmpty(null) === 0, "every node holding a repaired log", 20_000);
        const id = pick();
        await cluster.stopNode(id, "kill");
        await wipe(id);
      }
      const action = prng.nextInt(10);
      if (action < 2) {
        const [from, to] = [pick(), pick()];
        if (from !== to) network.cutLink(from, to);
      } else if (action === 2) {
        network.heal();
      } else if (action === 3) {
        const id = pick();
        if (!cluster.nodes.has(id)) await cluster.open(id);
        else if (cluster.nodes.size > NODES_UP_MIN) {
          await cluster.stopNode(id, prng.nextInt(2) === 0 ? "kill" : "stop");
          if (prng.nextInt(4) !== 0 && othersEmpty(id) < EMPTY_NODES_MAX) await wipe(id);
        }
      } else if (action === 4) {
        // Cut off a node that believes it leads: it keeps taking proposals it cannot commit.
        const leader = cluster.running().find((id) => cluster.node(id).status().role === Role.Leader);
        if (leader !== undefined) network.isolate(leader, IDS);
      } else {
        // Mostly to whoever believes it leads (stale leaders included), sometimes to a follower.
        for (const id of cluster.running()) {
          const node = cluster.node(id);
          if (node.status().role !== Role.Leader && prng.nextInt(4) !== 0) continue;
          for (let i = 1 + prng.nextInt(20); i > 0; i--) propose(node, `v${proposed++}`, outcomes);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, prng.nextInt(STEP_PAUSE_MS_MAX)));
    }
    network.heal();
    for (const id of IDS) if (!cluster.nodes.has(id)) await cluster.open(id);
    await Promise.all(outcomes.settled);

    const leader = await cluster.waitForLeader();
    const { index } = await leader.propose(Buffer.from("final"));
    await cluster.waitApplied(index);
    const log = cluster.sm(leader.id).values;
    expect(wipes).toBeGreaterThan(0);
    for (const id of IDS) expect(cluster.sm(id).hash).toBe(cluster.sm(leader.id).hash);
    expect(new Set(log).size).toBe(log.length);
    const present = new Set(log);
    expect(outcomes.acked.filter((value) => !present.has(value))).toEqual([]);
    expect(outcomes.refused.filter((value) => present.has(value))).toEqual([]);
    expect(outcomes.acked.length).toBeGreaterThan(10);
    expect(outcomes.refused.length).toBeGreaterThan(0);
  });
});
