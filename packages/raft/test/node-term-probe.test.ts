/**
 * Node tests: a wiped node rejoining learns every peer's term and commit before it follows a
 * leader or votes again. Its term and a vote it cast just before the wipe went with the
 * directory; without the probes a stale leader could use it to keep its quorum and commit what
 * the leader it elected lacks, or catch it up so that it votes a second time in that term.
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

describe("raft node - a wiped node rejoining", () => {
  it("a node wiped right after voting follows no stale leader until every peer reported: that leader loses its quorum instead of using it", async () => {
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
    await waitFor(() => records.some((r) => r.msg === "raft node: empty or rejoining log; following no leader and voting for no one until every peer has reported its term"),
      "rejoining");
    expect(records.find((r) => r.msg === "raft node: empty or rejoining log; following no leader and voting for no one until every peer has reported its term"))
      .toMatchObject({ unreported: expect.arrayContaining([voter]) as unknown });
    // Nobody answers the stale leader now: it steps down (check-quorum) with nothing more committed.
    await waitFor(() => stale.status().role !== Role.Leader, "the stale leader steps down", 5_000);
    expect(stale.status()).toMatchObject({ term: term - 1, commit: committed });
    expect(blank.status()).toMatchObject({ lastIndex: 0, repairing: true });

    // Once `voter` reports, the wiped node holds term T again and turns the stale leader away.
    holdProbes = false;
    await waitFor(() => records.some((r) => r.msg === "raft node: every peer reported its term; following leaders and voting again"),
      "terms known");
    expect(blank.status().term).toBe(term);
    await new Promise((r) => setTimeout(r, 2500));
    for (const [t, leaders] of leadersSeen) expect({ term: t, leaders: leaders.size }).toEqual({ term: t, leaders: 1 });
    expect(leadersSeen.get(term)).toEqual(new Set([voter]));

    network.heal();
    const leader = await cluster.waitForLeader();
    const last = Math.max(...(await proposeAll(leader, 20, 10, 5)));
    await cluster.waitApplied(last);
    await waitFor(() => !blank.status().repairing, "repair complete");
    expect(records.find((r) => r.msg === "raft node: repair complete; voting again")).toMatchObject({ target: committed });
    for (const id of cluster.ids) expect(cluster.sm(id).values).toHaveLength(30);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });

  it("a rejoining node waits for a peer it cannot hear, and a higher commit in that peer's report raises its target", async () => {
    const network = new MemoryNetwork();
    cluster = await TestCluster.start(["n1", "n2", "n3"], { electionTimeoutTicks: 50 }, network);
    const leader = await cluster.waitForLeader();
    const wiped = cluster.ids.find((id) => id !== leader.id)!;
    const joinCommit = Math.max(...(await proposeAll(leader, 0, 40, 5)));
    await cluster.waitApplied(joinCommit);
    await cluster.stopNode(wiped, "kill");
    await removeDir(cluster.dirs.get(wiped)!);

    // The leader's report is lost until it has committed more than its first word to the wiped node said.
    let holdProbes = true;
    network.loseWhere((from, to, envelope) => from === wiped && to === leader.id && holdProbes && raftType(envelope) === MessageType.TermProbe);
    const { logger, records } = capturingLogger();
    const blank = await cluster.open(wiped, logger);
    await waitFor(() => blank.status().repairing, "joined and repairing");
    // The other follower's report may tell of the commit before the leader's first word does.
    expect(records.find((r) => r.msg === "raft node: empty log joining a cluster with committed entries; repairing before it votes"))
      .toMatchObject({ repairTargetIndex: joinCommit });
    const raised = Math.max(...(await proposeAll(leader, 40, 10, 5)));
    await new Promise((r) => setTimeout(r, 300));
    expect(blank.status()).toMatchObject({ lastIndex: 0, repairing: true });
    expect(records.filter((r) => r.msg === "raft node: empty or rejoining log; following no leader and voting for no one until every peer has reported its term"))
      .toEqual([expect.objectContaining({ unreported: expect.arrayContaining([leader.id]) as unknown })]);

    holdProbes = false;
    await waitFor(() => !blank.status().repairing, "repair complete");
    // The other follower may report first, with a commit between the two.
    const raises = records.filter((r) => r.msg === "raft node: a peer reported a higher commit; repair target raised");
    expect(raises[0]).toMatchObject({ previousTargetIndex: joinCommit });
    expect(raises.at(-1)).toMatchObject({ repairTargetIndex: raised });
    expect(records.find((r) => r.msg === "raft node: repair complete; voting again")).toMatchObject({ target: raised });
    await cluster.waitApplied(raised);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });

  it("a new cluster elects its first leader only once every member has reported its term: an empty log may be a wiped one", async () => {
    const network = new MemoryNetwork();
    network.loseWhere((from) => from === "n3");
    cluster = await TestCluster.start(["n1", "n2", "n3"], {}, network);
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of cluster.ids) expect(cluster.node(id).status()).toMatchObject({ role: Role.Follower, term: 0, leader: null });

    network.heal();
    const leader = await cluster.waitForLeader();
    const last = Math.max(...(await proposeAll(leader, 0, 10, 5)));
    await cluster.waitApplied(last);
    expect(new Set(cluster.ids.map((id) => cluster!.sm(id).hash)).size).toBe(1);
  });
});
