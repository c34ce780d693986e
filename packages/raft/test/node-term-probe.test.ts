/**
 * Node tests: a wiped node learns every peer's term and commit before it votes again. A vote cast
 * just before the wipe went with the directory; without the probes a stale leader could catch the
 * node up and it would vote a second time in the term of that lost vote: two leaders in one term.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  FrameKind, MemoryNetwork, MessageType, Role, type Envelope, type LeaderChange, type NodeId, type RaftNode,
} from "../src/internal";
import { capturingLogger, removeDir } from "./helpers";
import { TestCluster, proposeAll } from "./node-cluster";
import { waitFor } from "./transport-helpers";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.destroy();
  cluster = null;
});

/** raftType is the Raft message type an envelope carries, or null for a snapshot chunk. */
function raftType(envelope: Envelope): string | null {
  return envelope.k === FrameKind.Raft ? envelope.msg.type : null;
}

/** watchLeaders records every (term, leader) any node claimed, from its leaderChange events. */
function watchLeaders(node: RaftNode, seen: Map<number, Set<NodeId>>): void {
  node.on("leaderChange", (change: LeaderChange) => {
    if (change.role !== Role.Leader) return;
    const leaders = seen.get(change.term) ?? new Set<NodeId>();
    leaders.add(node.id);
    seen.set(change.term, leaders);
  });
}

describe("raft node - term probes after a wipe", () => {
  it("a node wiped right after voting does not vote again in that term when a stale leader catches it up", async () => {
    const network = new MemoryNetwork();
    // Long election timeouts (1-2 s): the stale leader must keep its lease while the others' words are lost.
    cluster = await TestCluster.start(["n1", "n2", "n3"], { electionTimeoutTicks: 50 }, network);
    const stale = await cluster.waitForLeader();
    const [voter, wiped] = cluster.ids.filter((id) => id !== stale.id) as [NodeId, NodeId];
    const leadersSeen = new Map<number, Set<NodeId>>();
    for (const id of cluster.ids) watchLeaders(cluster.node(id), leadersSeen);
    const committed = Math.max(...(await proposeAll(stale, 0, 20, 5)));
    await cluster.waitApplied(committed);

    // `voter` wins term T with the vote of `wiped` alone: the stale leader hears nothing of T
    // (from `wiped`, once wiped, only its votes and probes), `wiped` hears nothing from its new
    // leader but votes and reports, and its probes to `voter` are held for now.
    const term = stale.status().term + 1;
    let holdProbes = true;
    let wipedRestarted = false;
    network.loseWhere((from, to, envelope) => {
      const type = raftType(envelope);
      if (to === stale.id && envelope.msg.term >= term) {
        if (from === voter || !wipedRestarted) return true;
        return type === MessageType.AppendResponse || type === MessageType.HeartbeatResponse;
      }
      if (from === voter && to === wiped) return type !== MessageType.Vote && type !== MessageType.TermReport;
      return from === wiped && to === voter && holdProbes && type === MessageType.TermProbe;
    });
    stale.transferLeadership(voter);
    await waitFor(() => cluster!.node(voter).status().role === Role.Leader, "voter leads term T");
    expect(cluster.node(voter).status().term).toBe(term);

    await cluster.stopNode(wiped, "kill");
    await removeDir(cluster.dirs.get(wiped)!);
    wipedRestarted = true;
    const { logger, records } = capturingLogger();
    const blank = await cluster.open(wiped, logger);
    watchLeaders(blank, leadersSeen);
    await waitFor(() => blank.status().commit >= committed && blank.status().leader === stale.id, "caught up by the stale leader");
    expect(stale.status()).toMatchObject({ role: Role.Leader, term: term - 1 });
    await waitFor(() => records.some((r) => r.msg === "raft node: log repaired; waiting for every peer's term before voting"),
      "repair held for the missing report");
    expect(blank.status().repairing).toBe(true);

    // The stale leader hands over to the wiped node, then, cut off, campaigns from term T-1:
    // were the wiped node to vote again in term T, either would make a second leader there.
    holdProbes = false;
    stale.transferLeadership(wiped);
    await waitFor(() => records.some((r) => r.msg === "raft node: repair complete; voting again"), "repair complete");
    expect(records.find((r) => r.msg === "raft node: repair complete; voting again")).toMatchObject({ term });
    await waitFor(() => [...leadersSeen.keys()].some((t) => t > term), "a leader above term T", 15_000);
    for (const [t, leaders] of leadersSeen) expect({ term: t, leaders: leaders.size }).toEqual({ term: t, leaders: 1 });
    expect(leadersSeen.get(term)).toEqual(new Set([voter]));

    network.heal();
    const leader = await cluster.waitForLeader();
    const last = Math.max(...(await proposeAll(leader, 20, 10, 5)));
    await cluster.waitApplied(last);
    for (const id of cluster.ids) expect(cluster.sm(id).values).toHaveLength(30);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });

  it("a repairing node waits for a peer it cannot reach, and a higher commit in a report raises its target", async () => {
    const network = new MemoryNetwork();
    cluster = await TestCluster.start(["n1", "n2", "n3"], { electionTimeoutTicks: 50 }, network);
    const leader = await cluster.waitForLeader();
    const [down, wiped] = cluster.ids.filter((id) => id !== leader.id) as [NodeId, NodeId];
    const joinCommit = Math.max(...(await proposeAll(leader, 0, 40, 5)));
    await cluster.waitApplied(joinCommit);
    await cluster.stopNode(wiped, "kill");
    await removeDir(cluster.dirs.get(wiped)!);

    // `down` runs but nobody reaches it; the leader's report waits until it has committed more
    // than its first Append to the wiped node said.
    let holdProbes = true;
    network.loseWhere((from, _to, envelope) => from === wiped && holdProbes && raftType(envelope) === MessageType.TermProbe);
    network.isolate(down, cluster.ids);
    const { logger, records } = capturingLogger();
    const blank = await cluster.open(wiped, logger);
    await waitFor(() => blank.status().repairing, "joined and repairing");
    expect(records.find((r) => r.msg === "raft node: empty log joining a cluster with committed entries; repairing before it votes"))
      .toMatchObject({ from: leader.id, repairTargetIndex: joinCommit });
    const raised = Math.max(...(await proposeAll(leader, 40, 10, 5)));
    await waitFor(() => blank.status().applied >= raised, "the wiped node holds the new entries");
    const held = records.filter((r) => r.msg === "raft node: log repaired; waiting for every peer's term before voting");
    expect(held).toEqual([expect.objectContaining({ target: joinCommit, unreported: cluster.ids.filter((id) => id !== wiped) })]);

    holdProbes = false;
    await waitFor(() => records.some((r) => r.msg === "raft node: a peer reported a higher commit; repair target raised"), "raised");
    expect(records.find((r) => r.msg === "raft node: a peer reported a higher commit; repair target raised"))
      .toMatchObject({ from: leader.id, repairTargetIndex: raised, previousTargetIndex: joinCommit });
    await new Promise((r) => setTimeout(r, 500));
    expect(blank.status().repairing).toBe(true);

    network.heal();
    await waitFor(() => !blank.status().repairing, "repair complete once the last peer reported");
    expect(records.find((r) => r.msg === "raft node: repair complete; voting again")).toMatchObject({ target: raised });
    expect(records.filter((r) => r.msg === "raft node: log repaired; waiting for every peer's term before voting")).toHaveLength(1);
    await cluster.waitApplied(raised);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });
});
