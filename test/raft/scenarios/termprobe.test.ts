/**
 * Term probes and the spent vote (probe.ts): what a node that lost its data directory learns
 * before it votes again, and how it keeps from voting twice in the term of a vote it lost.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role } from "../harness/raft";
import { TestNetwork } from "../harness/network";

describe("term probes", () => {
  it("a probe is answered with the receiver's term and commit and changes nothing there, whatever its term", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.propose("n1", "a");
    net.core("n1").step({ type: MessageType.TermProbe, from: "n3", to: "n1", term: 9 });
    net.processAll();

    expect(net.queue).toEqual([{ type: MessageType.TermReport, from: "n1", to: "n3", term: 1, commit: 2 }]);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, leader: "n1" });
    expect(net.node("n1").disk.hardState).toEqual({ term: 1, vote: "n1", commit: 2 });
  });

  it("probeTerms asks the named peers only, never the node itself", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.core("n3").probeTerms(["n1", "n3"]);
    net.processAll();

    expect(net.queue).toEqual([{ type: MessageType.TermProbe, from: "n3", to: "n1", term: 1 }]);
  });

  it("a report of a newer term makes the prober a follower of that term, with no leader and no vote", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.core("n3").step({ type: MessageType.TermReport, from: "n2", to: "n3", term: 4, commit: 1 });
    net.processAll();

    expect(net.core("n3").status()).toMatchObject({ role: Role.Follower, term: 4, leader: null });
    expect(net.node("n3").disk.hardState).toEqual({ term: 4, vote: null, commit: 1 });
  });

  it("a spent vote refuses every candidate in its term, pre-vote and vote, and none in a later term", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: true, checkQuorum: true } });
    net.elect("n1");
    net.core("n3").step({ type: MessageType.TermReport, from: "n2", to: "n3", term: 2, commit: 1 });
    net.core("n3").spendVote();
    net.processAll();
    expect(net.node("n3").disk.hardState).toEqual({ term: 2, vote: "n3", commit: 1 });

    const request = { from: "n1", to: "n3", lastIndex: 1, lastTerm: 1, transfer: false } as const;
    net.core("n3").step({ type: MessageType.PreVote, term: 2, ...request });
    net.core("n3").step({ type: MessageType.Vote, term: 2, ...request });
    net.core("n3").step({ type: MessageType.Vote, term: 3, ...request });
    net.processAll();

    expect(net.queue).toEqual([
      { type: MessageType.PreVoteResponse, from: "n3", to: "n1", term: 2, reject: true },
      { type: MessageType.VoteResponse, from: "n3", to: "n1", term: 2, reject: true },
      { type: MessageType.VoteResponse, from: "n3", to: "n1", term: 3, reject: false },
    ]);
    expect(net.node("n3").disk.hardState).toEqual({ term: 3, vote: "n1", commit: 1 });
  });

  it("spending a vote already cast changes nothing", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.core("n2").spendVote();
    net.processAll();

    expect(net.node("n2").disk.hardState).toEqual({ term: 1, vote: "n1", commit: 1 });
  });
});

describe("a rejoining node on the test network (the node driver's repair gate)", () => {
  it("a node wiped right after voting acknowledges nothing for a stale leader before every peer reported, so that leader commits nothing with it", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: true, checkQuorum: false }, repairGates: true });
    // Empty logs: every node first hears every peer's term (its probes go out on a tick).
    net.run(1);
    net.elect("n1");
    net.propose("n1", "a");

    // n2 wins term 2 with n3's vote alone: n1 hears nothing of term 2, n3 nothing after its vote.
    let wiped = false;
    let holdProbes = true;
    net.hook = (m) => {
      if (m.to === "n1" && m.term >= 2 && !wiped) return false;
      if (m.from === "n2" && m.to === "n3") {
        return m.type === MessageType.PreVote || m.type === MessageType.Vote || m.type === MessageType.TermReport;
      }
      return !(m.from === "n3" && m.to === "n2" && m.type === MessageType.TermProbe && holdProbes);
    };
    net.cut("n1", "n2");
    net.core("n2").campaign();
    net.stabilize();
    expect(net.core("n2").status()).toMatchObject({ role: Role.Leader, term: 2 });
    expect(net.node("n3").disk.hardState).toEqual({ term: 2, vote: "n2", commit: 2 });

    net.wipe("n3");
    wiped = true;
    net.propose("n1", "b");
    net.run(3, ["n1", "n3"]);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, commit: 2, lastIndex: 3 });
    // n1's report gave n3 term 1; n2's, held, would give term 2.
    expect(net.core("n3").status()).toMatchObject({ term: 1, lastIndex: 0 });
    expect(net.node("n3").repairLog[0]).toBe("joined 2");
    expect(net.node("n3").repairLog).toContain("waiting 2 n1,n2");
    expect(net.node("n3").repairLog).toContain("refused n1 append termUnknown");

    // n2's report gives n3 term 2: it then turns the stale leader away and repairs from n2.
    holdProbes = false;
    net.run(2, ["n3"]);
    expect(net.node("n3").repairLog).toContain("terms known");
    expect(net.core("n3").status().term).toBe(2);
    net.recover();
    net.run(30);
    for (const id of net.ids) expect(net.node(id).disk.applied).toEqual(["a"]);
    expect(net.node("n3").repairLog.at(-1)).toBe("ended 2");
    expect(net.node("n3").disk.repair.rejoining).toBe(false);
  });
});
