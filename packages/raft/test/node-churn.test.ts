/**
 * Churn test: nodes are killed (without a graceful close) and restarted from their directories
 * while proposals flow; afterwards every acknowledged value is present exactly once on every
 * replica and all replicas are identical. Snapshots are taken often so restarts cross them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SeededPrng, type RaftNode } from "../src/internal";
import { TestCluster } from "./node-cluster";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.destroy();
  cluster = null;
});

async function proposeSome(node: RaftNode, prefix: string, count: number, acked: string[]): Promise<number> {
  let maxIndex = 0;
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const value = `${prefix}-${i}`;
    try {
      const { index } = await node.propose(Buffer.from(value));
      acked.push(value);
      maxIndex = Math.max(maxIndex, index);
    } catch (error) {
      // Refused or outcome unknown (the node died or lost leadership): not acknowledged.
      expect(["NotLeaderError", "NodeStoppedError", "LeadershipLostError", "ProposalDroppedError"]).toContain((error as Error).name);
    }
  }));
  return maxIndex;
}

describe("raft node - churn", () => {
  it.each([7, 11, 23])("seed %i: kills and restarts nodes during traffic without losing or duplicating acknowledged entries", async (seed) => {
    cluster = await TestCluster.start(["n1", "n2", "n3"], { snapshotEntries: 150, snapshotTrailingEntries: 20, snapshotChunkBytes: 1024 });
    const prng = new SeededPrng(seed);
    const acked: string[] = [];
    for (let round = 0; round < 10; round++) {
      const leader = await cluster.waitForLeader();
      const traffic = proposeSome(leader, `r${round}`, 120, acked);
      await new Promise((r) => setTimeout(r, prng.nextInt(30)));
      const victim = prng.nextInt(2) === 0 ? leader.id : cluster.ids.filter((id) => id !== leader.id)[prng.nextInt(2)]!;
      await cluster.stopNode(victim, "kill");
      await traffic;
      await cluster.open(victim);
    }
    const leader = await cluster.waitForLeader();
    const last = await proposeSome(leader, "final", 20, acked);
    await cluster.waitApplied(last);
    const reference = cluster.sm(leader.id).values;
    for (const id of cluster.ids) {
      expect(cluster.sm(id).values).toEqual(reference);
      expect(cluster.sm(id).hash).toBe(cluster.sm(leader.id).hash);
    }
    expect(new Set(reference).size).toBe(reference.length);
    const present = new Set(reference);
    for (const value of acked) expect(present.has(value)).toBe(true);
    expect(acked.length).toBeGreaterThan(200);
  });
});
