/**
 * Requests from a higher term handled the same way in every role (etcd's
 * TestVoteFromAnyState / TestPreVoteFromAnyState), and single-node elections.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role, type RaftCore } from "../harness/raft";
import { drain, makeCandidate, makeLeader, newCore, sent } from "../harness/helpers";

const rolesUnderTest = [Role.Follower, Role.PreCandidate, Role.Candidate, Role.Leader] as const;

/** inRole builds n1 at term 1 (or 2 once it campaigned) in `role`. */
function inRole(role: (typeof rolesUnderTest)[number]): RaftCore {
  const core = newCore("n1", { term: 1, config: { preVote: role === Role.PreCandidate } });
  if (role === Role.PreCandidate) core.campaign();
  if (role === Role.Candidate) makeCandidate(core);
  if (role === Role.Leader) makeLeader(core);
  drain(core);
  expect(core.status().role).toBe(role);
  return core;
}

describe.each(rolesUnderTest)("a %s receiving requests of a higher term", (role) => {
  it(`${role}: a vote request of a higher term is granted, the term adopted, the vote recorded (TestVoteFromAnyState)`, () => {
    const core = inRole(role);
    const term = core.status().term + 1;
    core.step({ type: MessageType.Vote, from: "n2", to: "n1", term, lastIndex: 5, lastTerm: term, transfer: false });
    const rd = drain(core);
    expect(core.status()).toMatchObject({ role: Role.Follower, term, vote: "n2", leader: null });
    expect(rd?.hardState).toEqual({ term, vote: "n2", commit: 0 });
    expect(rd?.messages).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: "n2", term, reject: false }]);
  });

  it(`${role}: a pre-vote of a higher term is granted without changing term, vote or role (TestPreVoteFromAnyState)`, () => {
    const core = inRole(role);
    const before = core.status();
    const term = before.term + 1;
    core.step({ type: MessageType.PreVote, from: "n2", to: "n1", term, lastIndex: 5, lastTerm: term, transfer: false });
    expect(sent(core)).toEqual([{ type: MessageType.PreVoteResponse, from: "n1", to: "n2", term, reject: false }]);
    expect(core.status()).toMatchObject({ role, term: before.term, vote: before.vote });
  });
});

describe("single node", () => {
  it.each([true, false])("a single node becomes leader on campaign, pre-vote %s (TestSingleNodeCandidate / TestSingleNodePreCandidate)", (preVote) => {
    const core = newCore("n1", { peers: ["n1"], config: { preVote } });
    core.campaign();
    const rd = drain(core);
    expect(core.status()).toMatchObject({ role: Role.Leader, term: 1, termStartIndex: 1, commit: 1 });
    expect(rd?.messages).toEqual([]);
    expect(rd?.events.map((e) => e.kind)).toEqual(
      preVote
        ? ["becameFollower", "becamePreCandidate", "becameCandidate", "voteCast", "becameLeader"]
        : ["becameFollower", "becameCandidate", "voteCast", "becameLeader"],
    );
    // The no-op commits once it is durable, i.e. on advance of the Ready that carried it.
    expect(drain(core)?.events.map((e) => e.kind)).toEqual(["commitAdvanced"]);
  });
});
