/**
 * Raft paper §5.4 (safety): election restriction (§5.4.1) and committing only current-term
 * entries by counting replicas (§5.4.2).
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role } from "../harness/raft";
import { append, appendAck, drain, entry, makeLeader, newCore, sent } from "../harness/helpers";

describe("§5.4.1 election restriction", () => {
  it("§5.4.1 RequestVote carries the candidate's last log index and term to all peers (TestVoteRequest)", () => {
    const cases = [
      { entries: [entry(1, 1)], leaderTerm: 2 },
      { entries: [entry(1, 1), entry(2, 2)], leaderTerm: 3 },
    ];
    for (const { entries, leaderTerm } of cases) {
      const core = newCore("n1");
      drain(core);
      core.step(append("n2", "n1", leaderTerm, 0, 0, entries, 0));
      drain(core);
      for (let tick = 0; tick < 20 && core.status().role !== Role.Candidate; tick++) core.tick();

      const last = entries[entries.length - 1];
      expect(sent(core)).toEqual(
        ["n2", "n3"].map((to) => ({
          type: MessageType.Vote,
          from: "n1",
          to,
          term: leaderTerm + 1,
          lastIndex: last?.index,
          lastTerm: last?.term,
          transfer: false,
        })),
      );
    }
  });

  it("§5.4.1 a voter refuses a candidate whose log is less up to date (TestVoter)", () => {
    const cases = [
      // Same last term: the longer (or equal) log wins.
      { logTerms: [1], lastTerm: 1, lastIndex: 1, reject: false },
      { logTerms: [1], lastTerm: 1, lastIndex: 2, reject: false },
      { logTerms: [1, 1], lastTerm: 1, lastIndex: 1, reject: true },
      // The candidate has a higher last term: granted whatever the length.
      { logTerms: [1], lastTerm: 2, lastIndex: 1, reject: false },
      { logTerms: [1], lastTerm: 2, lastIndex: 2, reject: false },
      { logTerms: [1, 1], lastTerm: 2, lastIndex: 1, reject: false },
      // The voter has a higher last term: refused whatever the length.
      { logTerms: [2], lastTerm: 1, lastIndex: 1, reject: true },
      { logTerms: [2], lastTerm: 1, lastIndex: 2, reject: true },
      { logTerms: [1, 2], lastTerm: 1, lastIndex: 1, reject: true },
    ];
    for (const { logTerms, lastTerm, lastIndex, reject } of cases) {
      const core = newCore("n1", { term: 2, logTerms });
      drain(core);
      core.step({ type: MessageType.Vote, from: "n2", to: "n1", term: 3, lastIndex, lastTerm, transfer: false });
      expect(sent(core)).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: "n2", term: 3, reject }]);
      expect(core.status().vote).toBe(reject ? null : "n2");
    }
  });
});

describe("§5.4.2 committing entries from previous terms", () => {
  it("§5.4.2 a leader commits by counting replicas only for current-term entries (TestLeaderOnlyCommitsLogFromCurrentTerm)", () => {
    const cases = [
      { ackIndex: 1, commit: 0 },
      { ackIndex: 2, commit: 0 },
      { ackIndex: 3, commit: 3 },
    ];
    for (const { ackIndex, commit } of cases) {
      const core = newCore("n1", { term: 2, logTerms: [1, 2] });
      makeLeader(core);
      expect(core.status()).toMatchObject({ term: 3, lastIndex: 3, termStartIndex: 3 });
      core.step(appendAck("n2", "n1", 3, ackIndex));
      drain(core);
      expect(core.status().commit).toBe(commit);
    }
  });
});
