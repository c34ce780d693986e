/** Node tests on real sockets and LevelDB: election, replication of 10 000 entries, restart. */
import { afterEach, describe, expect, it } from "vitest";
import { NotLeaderError, Role, syncLatencyBetween, type LeaderChange } from "../src/internal";
import { TestCluster, proposeAll } from "./node-cluster";
import { waitFor } from "./transport-helpers";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.destroy();
  cluster = null;
});

describe("raft node - election and replication", () => {
  it("elects exactly one leader that every node agrees on, and followers redirect proposals", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const events: LeaderChange[] = [];
    for (const id of cluster.ids) cluster.node(id).on("leaderChange", (e) => events.push(e));
    const leader = await cluster.waitForLeader();
    const statuses = cluster.ids.map((id) => cluster!.node(id).status());
    expect(statuses.filter((s) => s.role === Role.Leader).map((s) => s.id)).toEqual([leader.id]);
    expect(new Set(statuses.map((s) => s.leader))).toEqual(new Set([leader.id]));
    const follower = cluster.node(cluster.ids.find((id) => id !== leader.id)!);
    await cluster.waitApplied(leader.status().termStartIndex);
    const refused = await follower.propose(Buffer.from("x")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as NotLeaderError).leaderHint).toBe(leader.id);
    expect(events.some((e) => e.role === Role.Leader && e.leader === leader.id)).toBe(true);
    const leaderStatus = leader.status();
    expect(Object.keys(leaderStatus.peers).sort()).toEqual(["n1", "n2", "n3"]);
  });

  it("replicates 10 000 proposals and applies them identically on all three nodes", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    const indexes = await proposeAll(leader, 0, 10_000, 200);
    const lastIndex = Math.max(...indexes);
    expect(new Set(indexes).size).toBe(10_000);
    await cluster.waitApplied(lastIndex);
    const expected = Array.from({ length: 10_000 }, (_, i) => `v${i}`).sort();
    const hashes = cluster.ids.map((id) => cluster!.sm(id).hash);
    expect(new Set(hashes).size).toBe(1);
    for (const id of cluster.ids) {
      expect(cluster.sm(id).values.length).toBe(10_000);
      expect([...cluster.sm(id).values].sort()).toEqual(expected);
    }
    // Applied everywhere means committed, but the last acknowledgement (or the leader's own
    // advance) may still be on its way to the leader's progress tracker.
    await waitFor(() => {
      const now = leader.status();
      return cluster!.ids.every((peer) => now.peers[peer]!.match === now.lastIndex);
    }, "every member's match to reach the last index");
    const st = leader.status();
    for (const peer of cluster.ids) {
      expect(st.peers[peer]!.match).toBe(st.lastIndex);
      expect(st.peers[peer]!.next).toBe(st.lastIndex + 1);
      expect(st.peers[peer]!.lag).toBe(0);
    }
    for (const peer of cluster.ids.filter((id) => id !== leader.id)) expect(st.peers[peer]!.state).toBe("replicate");
  });

  it("status reports a stopped follower's lag behind the leader's last index", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    await cluster.waitApplied(leader.status().termStartIndex);
    const follower = cluster.ids.find((id) => id !== leader.id)!;
    await cluster.stopNode(follower, "stop");
    const matchBefore = leader.status().peers[follower]!.match;
    const indexes = await proposeAll(leader, 0, 50, 10);
    const st = leader.status();
    expect(st.lastIndex).toBe(Math.max(...indexes));
    expect(st.peers[follower]!.match).toBe(matchBefore);
    expect(st.peers[follower]!.lag).toBe(st.lastIndex - matchBefore);
    expect(st.peers[follower]!.lag).toBeGreaterThanOrEqual(50);
  });

  it("group commit: 2 000 concurrent proposals share far fewer fsyncs on every node", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    await cluster.waitApplied(leader.status().termStartIndex);
    const before = cluster.ids.map((id) => cluster!.node(id).status());
    const indexes = await Promise.all(Array.from({ length: 2000 }, (_, i) => leader.propose(Buffer.from(`g${i}`))));
    await cluster.waitApplied(Math.max(...indexes.map((o) => o.index)));
    for (const [i, id] of cluster.ids.entries()) {
      const after = cluster.node(id).status();
      const count = after.syncs - before[i]!.syncs;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThan(200);
      // The window between two readings holds exactly those syncs, each timed.
      const timed = syncLatencyBetween(before[i]!.syncLatency, after.syncLatency, 1);
      expect(timed.count).toBe(count);
      expect(timed.meanMs).toBeGreaterThan(0);
    }
    expect(cluster.sm(leader.id).values.slice(-2000)).toEqual(Array.from({ length: 2000 }, (_, i) => `g${i}`));
  });

  it("a restarted cluster recovers its log from disk and carries on", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    const indexes = await proposeAll(leader, 0, 300, 20);
    await cluster.waitApplied(Math.max(...indexes));
    const hashBefore = cluster.sm("n1").hash;
    for (const id of cluster.ids) await cluster.stopNode(id, "stop");
    for (const id of cluster.ids) await cluster.open(id);
    const again = await cluster.waitForLeader();
    await cluster.waitApplied(Math.max(...indexes));
    const inLogOrder = Array.from({ length: 300 }, (_, i) => i)
      .sort((a, b) => indexes[a]! - indexes[b]!)
      .map((i) => `v${i}`);
    for (const id of cluster.ids) expect(cluster.sm(id).values).toEqual(inLogOrder);
    const more = await proposeAll(again, 300, 50, 10);
    await cluster.waitApplied(Math.max(...more));
    const hashes = cluster.ids.map((id) => cluster!.sm(id).hash);
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).not.toBe(hashBefore);
    expect(cluster.sm("n1").values.length).toBe(350);
  });
});
