/** Node tests: a leader crash (no graceful close) and a follower catching up through a snapshot. */
import { readdir } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { LeadershipLostError, MemoryNetwork, Role, type NodeId } from "../src/internal";
import { capturingLogger, removeDir } from "./helpers";
import { TestCluster, proposeAll } from "./node-cluster";
import { waitFor } from "./transport-helpers";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.destroy();
  cluster = null;
});

describe("raft node - failover", () => {
  it("a killed leader is replaced and nothing acknowledged is lost", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const first = await cluster.waitForLeader();
    const acked = await proposeAll(first, 0, 500, 50);
    // Proposals still in flight when the leader dies: their outcome is unknown, never "acked".
    const inFlight = Array.from({ length: 50 }, (_, i) => first.propose(Buffer.from(`late${i}`)).catch((e: Error) => e));
    await cluster.stopNode(first.id, "kill");
    const lost = await Promise.all(inFlight);
    expect(lost.every((e) => e instanceof Error && e.name === "NodeStoppedError")).toBe(true);
    const second = await cluster.waitForLeader();
    expect(second.id).not.toBe(first.id);
    expect(second.status().term).toBeGreaterThan(0);
    const more = await proposeAll(second, 500, 500, 50);
    await cluster.waitApplied(Math.max(...more));
    const survivors = cluster.running();
    expect(survivors).toHaveLength(2);
    for (const id of survivors) {
      const values = new Set(cluster.sm(id).values);
      for (let i = 0; i < 1000; i++) expect(values.has(`v${i}`)).toBe(true);
      expect(cluster.sm(id).values.filter((v) => v.startsWith("v"))).toHaveLength(1000);
    }
    expect(cluster.sm(survivors[0]!).hash).toBe(cluster.sm(survivors[1]!).hash);
    expect(Math.max(...acked)).toBeLessThan(Math.min(...more));
  });

  it("a leader that loses its quorum steps down and rejects its pending proposals as outcome unknown", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    await proposeAll(leader, 0, 10, 5);
    const events: string[] = [];
    leader.on("leaderChange", (e) => events.push(e.role));
    for (const id of cluster.ids) if (id !== leader.id) await cluster.stopNode(id, "kill");
    const pending = leader.propose(Buffer.from("orphan")).catch((e: unknown) => e);
    const error = await pending;
    expect(error).toBeInstanceOf(LeadershipLostError);
    expect((error as LeadershipLostError).index).toBe(leader.status().lastIndex);
    expect((error as Error).message).toMatch(/^leadership lost before index \d+ was applied \(new leader: unknown\); outcome unknown$/);
    expect(leader.status().role).not.toBe(Role.Leader);
    expect(events[0]).toBe(Role.Follower);
  });

  it("a follower whose data directory is wiped catches up through a snapshot", async () => {
    const { logger, records } = capturingLogger();
    cluster = await TestCluster.start(["n1", "n2", "n3"], {
      snapshotEntries: 400, snapshotTrailingEntries: 50, snapshotChunkBytes: 2048, logger,
    });
    const leader = await cluster.waitForLeader();
    const victim = cluster.ids.find((id) => id !== leader.id)!;
    const indexes = await proposeAll(leader, 0, 1500, 50);
    await cluster.waitApplied(Math.max(...indexes));
    await waitFor(() => leader.status().snapshotIndex >= 1200, "leader snapshot");
    await cluster.stopNode(victim, "kill");
    await removeDir(cluster.dirs.get(victim)!);
    const fresh = await cluster.open(victim, logger);
    expect(fresh.status().lastIndex).toBe(0);
    await cluster.waitApplied(Math.max(...indexes));
    expect(cluster.sm(victim).restores).toBe(1);
    expect(records.filter((r) => r.msg === "raft node: installed snapshot from the leader").map((r) => r.node)).toEqual([victim]);
    expect(fresh.status().snapshotIndex).toBeGreaterThan(1000);
    // The leader's match for the victim was stale (it once acknowledged index 1500); the core
    // lowers that match on the victim's rejection and repairs it through the snapshot, without
    // a change of leader.
    const now = await cluster.waitForLeader();
    const more = await proposeAll(now, 1500, 100, 10);
    await cluster.waitApplied(Math.max(...more));
    const hashes = cluster.ids.map((id) => cluster!.sm(id).hash);
    expect(new Set(hashes).size).toBe(1);
    expect(cluster.sm(victim).values).toEqual(cluster.sm(leader.id).values);
    expect(cluster.sm(victim).values).toHaveLength(1600);
    expect((await readdir(cluster.dirs.get(victim)!)).some((f) => f.endsWith(".log"))).toBe(true);
    expect(now.id).toBe(leader.id);
    expect(now.status().role).toBe(Role.Leader);
  });

  it("a wiped node ignores candidates with entries, so it cannot help elect one lacking what it helped commit", async () => {
    const started = await TestCluster.start(["n1", "n2", "n3"]);
    cluster = started;
    const leader = await started.waitForLeader();
    const [stale, wiped] = started.ids.filter((id) => id !== leader.id) as [NodeId, NodeId];
    await proposeAll(leader, 0, 50, 10);
    await started.waitApplied(leader.status().commit);
    await started.stopNode(stale, "stop");
    // Committed by the leader and the node about to be wiped; the stale node never saw them.
    const committed = Math.max(...(await proposeAll(leader, 50, 100, 10)));
    await started.waitApplied(committed);
    await started.stopNode(wiped, "kill");
    await removeDir(started.dirs.get(wiped)!);
    await started.stopNode(leader.id, "kill");

    const { logger, records } = capturingLogger();
    await started.open(stale);
    const blank = await started.open(wiped, logger);
    expect(blank.status().lastIndex).toBe(0);
    expect(started.node(stale).status().lastIndex).toBeLessThan(committed);
    await new Promise((r) => setTimeout(r, 1500));
    // The stale node campaigns, but only the wiped node could give it a majority.
    expect(started.running().map((id) => started.node(id).status().role)).not.toContain(Role.Leader);
    // With the leader down, the wiped node cannot hear every peer's term: it votes for no one.
    expect(records.some((r) => r.msg === "raft node: term unknown; leader or candidate ignored until every peer has reported its term" && r.from === stale))
      .toBe(true);

    await started.open(leader.id);
    await started.waitForLeader();
    await started.waitApplied(committed);
    for (const id of started.ids) expect(started.sm(id).values).toHaveLength(150);
    expect(new Set(started.ids.map((id) => started.sm(id).hash)).size).toBe(1);
  });

  it("a wiped node repairs up to the commit of the first leader's Append before it votes", async () => {
    cluster = await TestCluster.start(["n1", "n2", "n3"]);
    const leader = await cluster.waitForLeader();
    const wiped = cluster.ids.find((id) => id !== leader.id)!;
    const committed = Math.max(...(await proposeAll(leader, 0, 100, 10)));
    await cluster.waitApplied(committed);
    await cluster.stopNode(wiped, "kill");
    await removeDir(cluster.dirs.get(wiped)!);
    const { logger, records } = capturingLogger();
    const node = await cluster.open(wiped, logger);
    await cluster.waitApplied(committed);
    await waitFor(() => !node.status().repairing, "repair complete");
    const joined = records.filter((r) => r.msg === "raft node: empty log joining a cluster with committed entries; repairing before it votes");
    expect(joined).toEqual([expect.objectContaining({ level: 40, from: leader.id, repairTargetIndex: committed })]);
    expect(records.some((r) => r.msg === "raft node: repair complete; voting again" && r.target === committed)).toBe(true);
  });

  it("a wiped node part-way through catching up ignores a candidate whose log is longer than what it holds yet", async () => {
    // One entry per Append, one Append in flight: the wiped node catches up slowly. The stale node
    // is cut off from the leader only, so the wiped node hears every peer's term and follows.
    const network = new MemoryNetwork();
    cluster = await TestCluster.start(["n1", "n2", "n3"], { raft: { appendBytesMax: 1, inflightAppendsMax: 1 } }, network);
    const leader = await cluster.waitForLeader();
    const [stale, wiped] = cluster.ids.filter((id) => id !== leader.id) as [NodeId, NodeId];
    await proposeAll(leader, 0, 60, 10);
    await cluster.waitApplied(leader.status().commit);
    network.partition(stale, leader.id);
    const staleLast = leader.status().lastIndex;
    const committed = Math.max(...(await proposeAll(leader, 60, 100, 10)));
    await waitFor(() => cluster!.node(wiped).status().applied >= committed, "the other follower holds them");
    await cluster.stopNode(wiped, "kill");
    await removeDir(cluster.dirs.get(wiped)!);

    const { logger, records } = capturingLogger();
    const partial = await cluster.open(wiped, logger);
    await waitFor(() => partial.status().lastIndex >= 5, "first entries");
    await cluster.stopNode(leader.id, "kill");
    // The stale node's log is longer than the wiped node's: the log check alone would grant it.
    expect(partial.status().lastIndex).toBeLessThan(staleLast);
    expect(partial.status().repairing).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(cluster.running().map((id) => cluster!.node(id).status().role)).not.toContain(Role.Leader);
    expect(records.some((r) => r.msg === "raft node: repairing; vote request ignored" && r.from === stale)).toBe(true);

    network.heal();
    await cluster.open(leader.id);
    await cluster.waitForLeader();
    await cluster.waitApplied(committed);
    for (const id of cluster.ids) expect(cluster.sm(id).values).toHaveLength(160);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });
});
