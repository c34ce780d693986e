/**
 * Raft paper §5.1 (terms): a node adopting a higher term, and stale-term messages.
 * Each test is init, act, check; names cite the rule and the etcd test they mirror.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role, TraceEventKind, FollowerReason } from "../harness/raft";
import { append, drain, entry, makeCandidate, makeLeader, newCore, sent } from "../harness/helpers";

const roles = [
  { role: Role.Follower, etcd: "TestFollowerUpdateTermFromMessage" },
  { role: Role.Candidate, etcd: "TestCandidateUpdateTermFromMessage" },
  { role: Role.Leader, etcd: "TestLeaderUpdateTermFromMessage" },
] as const;

describe.each(roles)("§5.1 $role", ({ role, etcd }) => {
  it(`§5.1 ${role} seeing a higher term adopts it and becomes follower (${etcd})`, () => {
    const core = newCore("n1", { term: 1 });
    if (role === Role.Candidate) makeCandidate(core);
    if (role === Role.Leader) makeLeader(core);
    drain(core);
    const termBefore = core.status().term;
    expect(termBefore).toBe(role === Role.Follower ? 1 : 2);

    core.step(append("n2", "n1", termBefore + 1, 0, 0, [], 0));

    expect(core.status()).toMatchObject({ role: Role.Follower, term: termBefore + 1, leader: "n2", vote: null });
    const rd = drain(core);
    expect(rd?.hardState).toEqual({ term: termBefore + 1, vote: null, commit: 0 });
    expect(rd?.events[0]).toEqual({
      kind: TraceEventKind.BecameFollower,
      node: "n1",
      term: termBefore + 1,
      leader: "n2",
      reason: FollowerReason.HigherTerm,
    });
  });
});

describe("§5.1 stale terms", () => {
  it("§5.1 a message with a stale term is ignored (TestRejectStaleTermMessage)", () => {
    const core = newCore("n1", { term: 2, vote: "n2" });
    drain(core);

    core.step(append("n3", "n1", 1, 0, 0, [entry(1, 1)], 0));
    core.step({ type: MessageType.Vote, from: "n3", to: "n1", term: 1, lastIndex: 5, lastTerm: 1, transfer: false });

    expect(sent(core)).toEqual([]);
    expect(core.status()).toMatchObject({ term: 2, vote: "n2", lastIndex: 0, leader: null, role: Role.Follower });
  });
});
