/**
 * Check-quorum scenarios: a leader that stops hearing from a majority steps down; a follower
 * in a live leader's lease ignores vote requests until the lease expires.
 */
import { describe, expect, it } from "vitest";
import { FollowerReason, MessageType, Role, TraceEventKind } from "../harness/raft";
import { TestNetwork } from "../harness/network";

describe("check-quorum", () => {
  it("check-quorum: a leader that has not heard from a majority for an election timeout steps down (TestLeaderStepdownWhenQuorumLost)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { checkQuorum: true, preVote: true } });
    net.elect("n1");
    net.isolate("n1");

    // Responses from the election count for the first check; the second finds no one.
    net.run(10, ["n1"]);
    expect(net.core("n1").status().role).toBe(Role.Leader);
    net.run(10, ["n1"]);

    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: 1, leader: null, vote: "n1" });
    const stepDown = net.node("n1").events.filter((e) => e.kind === TraceEventKind.BecameFollower).pop();
    expect(stepDown).toEqual({ kind: TraceEventKind.BecameFollower, node: "n1", term: 1, leader: null, reason: FollowerReason.QuorumLost });
  });

  it("check-quorum: a leader that hears from a majority stays leader (TestLeaderStepdownWhenQuorumActive)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { checkQuorum: true, preVote: true } });
    net.elect("n1");
    net.isolate("n3");

    net.run(50, ["n1", "n2"]);

    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1 });
    expect(net.eventKinds("n1").filter((k) => k === TraceEventKind.BecameFollower)).toEqual(["becameFollower"]);
  });

  it("check-quorum: a follower in a live leader's lease ignores votes; once the lease expires a new leader supersedes (TestLeaderSupersedingWithCheckQuorum)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { checkQuorum: true, preVote: false } });
    net.elect("n1");

    net.core("n3").campaign();
    net.stabilize();

    // n1 and n2 are inside the lease: the vote requests for term 2 are dropped unanswered.
    expect(net.core("n3").status()).toMatchObject({ role: Role.Candidate, term: 2 });
    expect(net.core("n2").status()).toMatchObject({ role: Role.Follower, term: 1, leader: "n1" });
    expect(net.delivered.filter((m) => m.type === MessageType.VoteResponse && m.term === 2)).toEqual([]);

    // Let n2's lease run out (no heartbeats delivered meanwhile).
    net.tick("n2", 10);
    net.core("n3").campaign();
    net.stabilize();

    expect(net.core("n3").status()).toMatchObject({ role: Role.Leader, term: 3 });
    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: 3, leader: "n3" });
  });

  it("check-quorum: a stale leader that receives a reply with a higher term steps down (etcd's checkQuorum unsticking rule)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { checkQuorum: true, preVote: false } });
    net.elect("n1");
    net.isolate("n1");
    net.run(25, ["n2", "n3"]);
    const newLeader = ["n2", "n3"].find((id) => net.core(id).status().role === Role.Leader);
    expect(newLeader).toBeDefined();
    const newTerm = net.core(newLeader as string).status().term;

    net.recover();
    net.core("n1").tick();
    net.stabilize();

    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: newTerm, leader: null });
    net.run(1, [newLeader as string]);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: newTerm, leader: newLeader });
  });
});
