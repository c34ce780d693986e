/**
 * Pre-vote scenarios: a node that was cut off cannot depose a healthy leader when it rejoins,
 * and pre-votes never bump the term.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role, TraceEventKind } from "../harness/raft";
import { TestNetwork } from "../harness/network";

describe("pre-vote", () => {
  it("pre-vote: an isolated node that rejoins cannot depose a healthy leader, and its term never moved (TestDisruptiveFollowerPreVote)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: true, checkQuorum: true } });
    net.elect("n1");
    net.propose("n1", "before");
    net.isolate("n3");

    net.run(60);

    expect(net.core("n3").status()).toMatchObject({ term: 1, role: Role.PreCandidate, leader: null });
    expect(net.eventKinds("n3").filter((k) => k === TraceEventKind.BecameCandidate)).toEqual([]);
    expect(net.eventKinds("n3").filter((k) => k === TraceEventKind.BecamePreCandidate).length).toBeGreaterThan(1);

    net.recover();
    net.run(5);

    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1 });
    expect(net.core("n3").status()).toMatchObject({ role: Role.Follower, term: 1, leader: "n1", commit: 2 });
    expect(net.node("n3").disk.applied).toEqual(["before"]);
  });

  it("pre-vote: without pre-vote the same rejoining node does depose the leader (contrast to TestDisruptiveFollowerPreVote)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: false, checkQuorum: false } });
    net.elect("n1");
    net.isolate("n3");
    net.run(60);
    const inflatedTerm = net.core("n3").status().term;
    expect(inflatedTerm).toBeGreaterThan(1);

    net.recover();
    net.run(1, ["n1"]);

    // n3 drops n1's lower-term heartbeats; its next vote request carries the inflated term,
    // and n1 must step down on seeing it: the disruption pre-vote exists to prevent.
    net.run(25, ["n3"]);
    expect(net.core("n1").status().term).toBeGreaterThanOrEqual(inflatedTerm);
    expect(net.core("n1").status().role).not.toBe(Role.Leader);
  });

  it("pre-vote: dueling pre-candidates — the one with the shorter log reverts to follower without a term bump (TestDuelingPreCandidates)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: true, checkQuorum: false } });
    net.cut("n1", "n3");
    net.core("n1").campaign();
    net.stabilize();
    net.core("n3").campaign();
    net.stabilize();

    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1 });
    // n3's pre-vote was refused by n2 (n3 lacks n1's no-op); the refusal carries term 1.
    expect(net.core("n3").status()).toMatchObject({ role: Role.Follower, term: 1 });

    net.recover();
    net.core("n3").campaign();
    net.stabilize();

    const preVotes = net.delivered.filter((m) => m.type === MessageType.PreVote && m.from === "n3");
    expect(preVotes.map((m) => [m.to, m.term])).toEqual([
      ["n2", 1],
      ["n1", 2],
      ["n2", 2],
    ]);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1 });
    expect(net.core("n3").status()).toMatchObject({ role: Role.Follower, term: 1 });
  });
});
