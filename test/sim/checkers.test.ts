/** Checkers: each property checker accepts a correct history and catches a fabricated violation. */
import { describe, expect, it } from "vitest";
import { LeaderAppendOnlyChecker } from "./checkers/appendOnly";
import { CommittedNotLostChecker } from "./checkers/committed";
import { DurabilityChecker } from "./checkers/durability";
import { ElectionSafetyChecker } from "./checkers/election";
import { Checkers } from "./checkers/index";
import { LeaderCompletenessChecker } from "./checkers/leaderCompleteness";
import { LogMatchingChecker } from "./checkers/logMatching";
import { StateMachineSafetyChecker } from "./checkers/stateMachine";
import { Property, type LogView } from "./checkers/violation";

/** logOf builds a LogView from chain hashes at indexes base..base+chains.length-1. */
function logOf(chains: readonly number[], baseIndex = 0): LogView {
  return {
    baseIndex,
    lastIndex: baseIndex + chains.length - 1,
    chainAt: (index) => chains[index - baseIndex],
  };
}

describe("ElectionSafetyChecker", () => {
  it("accepts one leader per term, re-observed and across terms", () => {
    const checker = new ElectionSafetyChecker();
    expect(checker.observeLeader("n1", 1)).toBeNull();
    expect(checker.observeLeader("n1", 1)).toBeNull();
    expect(checker.observeLeader("n2", 2)).toBeNull();
    expect(checker.termsWithLeader()).toBe(2);
  });

  it("catches two leaders in one term", () => {
    const checker = new ElectionSafetyChecker();
    checker.observeLeader("n1", 3);
    expect(checker.observeLeader("n2", 3)).toEqual({
      property: Property.ElectionSafety,
      message: "term 3 has two leaders: n1 and n2",
    });
  });
});

describe("LeaderAppendOnlyChecker", () => {
  it("accepts a leader that only appends, and forgets a node that stepped down", () => {
    const checker = new LeaderAppendOnlyChecker();
    expect(checker.observe("n1", true, 2, logOf([0, 11, 12]))).toBeNull();
    expect(checker.observe("n1", true, 2, logOf([0, 11, 12, 13]))).toBeNull();
    expect(checker.observe("n1", false, 3, logOf([0, 11]))).toBeNull();
    expect(checker.observe("n1", true, 4, logOf([0, 11, 99]))).toBeNull();
  });

  it("catches a leader deleting entries", () => {
    const checker = new LeaderAppendOnlyChecker();
    checker.observe("n1", true, 2, logOf([0, 11, 12, 13]));
    expect(checker.observe("n1", true, 2, logOf([0, 11, 12]))).toEqual({
      property: Property.LeaderAppendOnly,
      message: "leader n1 (term 2) deleted entries: last index 3 -> 2",
    });
  });

  it("catches a leader overwriting an entry", () => {
    const checker = new LeaderAppendOnlyChecker();
    checker.observe("n2", true, 5, logOf([0, 11, 12]));
    expect(checker.observe("n2", true, 5, logOf([0, 11, 77, 78]))).toEqual({
      property: Property.LeaderAppendOnly,
      message: "leader n2 (term 5) overwrote entries at or below index 2",
    });
  });
});

describe("LogMatchingChecker", () => {
  it("accepts equal prefixes at equal (index, term) and different terms at one index", () => {
    const checker = new LogMatchingChecker();
    expect(checker.observeEntries("n1", [{ index: 1, term: 1, chain: 5 }, { index: 2, term: 1, chain: 6 }])).toBeNull();
    expect(checker.observeEntries("n2", [{ index: 2, term: 1, chain: 6 }])).toBeNull();
    expect(checker.observeEntries("n3", [{ index: 2, term: 2, chain: 7 }])).toBeNull();
  });

  it("catches two different prefixes ending in the same (index, term)", () => {
    const checker = new LogMatchingChecker();
    checker.observeEntries("n1", [{ index: 4, term: 2, chain: 40 }]);
    expect(checker.observeEntries("n3", [{ index: 4, term: 2, chain: 41 }])).toEqual({
      property: Property.LogMatching,
      message: "entry (index 4, term 2) ends different prefixes on n1 and n3",
    });
  });
});

describe("LeaderCompletenessChecker", () => {
  it("accepts a new leader holding everything committed in earlier terms", () => {
    const checker = new LeaderCompletenessChecker();
    checker.observeLeaderCommit(1, 2, 22);
    checker.observeLeaderCommit(3, 9, 99);
    expect(checker.observeNewLeader("n2", 2, logOf([0, 11, 22]))).toBeNull();
    expect(checker.observeNewLeader("n3", 3, logOf([0, 11, 22, 33]))).toBeNull();
  });

  it("catches a new leader lacking a committed entry", () => {
    const checker = new LeaderCompletenessChecker();
    checker.observeLeaderCommit(1, 3, 33);
    expect(checker.observeNewLeader("n2", 2, logOf([0, 11]))).toEqual({
      property: Property.LeaderCompleteness,
      message: "new leader n2 of term 2 lacks committed index 3 (its last index is 1)",
    });
  });

  it("catches a new leader holding a different committed prefix", () => {
    const checker = new LeaderCompletenessChecker();
    checker.observeLeaderCommit(1, 2, 22);
    expect(checker.observeNewLeader("n3", 4, logOf([0, 11, 23, 24]))).toEqual({
      property: Property.LeaderCompleteness,
      message: "new leader n3 of term 4 holds a different prefix at committed index 2",
    });
  });

  it("catches a new leader whose compacted prefix differs from the committed one", () => {
    const checker = new LeaderCompletenessChecker();
    checker.observeCommitted(5, 55);
    checker.observeLeaderCommit(1, 6, 66);
    expect(checker.observeNewLeader("n1", 2, logOf([56, 67, 68], 5))).toEqual({
      property: Property.LeaderCompleteness,
      message: "new leader n1 of term 2 holds a different prefix at committed index 6",
    });
    checker.observeCommitted(7, 77);
    expect(checker.observeNewLeader("n1", 2, logOf([77, 88], 7))).toBeNull();
    expect(checker.observeNewLeader("n1", 2, logOf([76, 88], 7))).toEqual({
      property: Property.LeaderCompleteness,
      message: "new leader n1 of term 2 holds a different compacted prefix at index 7",
    });
  });
});

describe("StateMachineSafetyChecker", () => {
  it("accepts replicas applying the same states in order, restarts and snapshots", () => {
    const checker = new StateMachineSafetyChecker();
    expect(checker.observeApply("n1", 1, 10)).toBeNull();
    expect(checker.observeApply("n1", 2, 20)).toBeNull();
    expect(checker.observeSnapshotInstall("n2", 2, 20)).toBeNull();
    expect(checker.observeRestart("n1", 0, 0)).toBeNull();
    expect(checker.observeApply("n1", 1, 10)).toBeNull();
    expect(checker.committedCount()).toBe(2);
  });

  it("catches two replicas applying different entries at one index", () => {
    const checker = new StateMachineSafetyChecker();
    checker.observeApply("n1", 1, 10);
    expect(checker.observeApply("n2", 1, 11)).toEqual({
      property: Property.StateMachineSafety,
      message: "n2 applied index 1 with a state different from n1's",
    });
  });

  it("catches a gap in applied indexes and a snapshot behind the applied index", () => {
    const checker = new StateMachineSafetyChecker();
    checker.observeApply("n1", 1, 10);
    expect(checker.observeApply("n1", 3, 30)).toEqual({
      property: Property.StateMachineSafety,
      message: "n1 applied index 3 right after 1",
    });
    expect(checker.observeSnapshotInstall("n1", 1, 10)).toEqual({
      property: Property.StateMachineSafety,
      message: "n1 installed a snapshot at 1, not ahead of its applied index 1",
    });
  });

  it("catches a restart from a snapshot that differs from what was applied", () => {
    const checker = new StateMachineSafetyChecker();
    checker.observeApply("n1", 1, 10);
    expect(checker.observeRestart("n2", 1, 12)).toEqual({
      property: Property.StateMachineSafety,
      message: "n2 restarted from index 1 with a state different from n1's",
    });
  });
});

describe("CommittedNotLostChecker", () => {
  it("acknowledges a proposal once applied with its bytes and accepts re-applies", () => {
    const checker = new CommittedNotLostChecker();
    checker.observeProposal(3, 2, 777);
    expect(checker.observeApply("n1", 3, 1, 555)).toBeNull();
    expect(checker.isAcknowledged(3, 2)).toBe(false);
    expect(checker.observeApply("n2", 3, 2, 777)).toBeNull();
    expect(checker.isAcknowledged(3, 2)).toBe(true);
    expect(checker.observeApply("n3", 3, 2, 777)).toBeNull();
    expect(checker.acknowledgedCount()).toBe(1);
    expect(checker.finalCheck(new Map([["n1", 3], ["n2", 4]]))).toBeNull();
  });

  it("catches an acknowledged proposal replaced at its index", () => {
    const checker = new CommittedNotLostChecker();
    checker.observeProposal(3, 2, 777);
    checker.observeApply("n1", 3, 2, 777);
    expect(checker.observeApply("n2", 3, 4, 888)).toEqual({
      property: Property.CommittedNotLost,
      message: "n2 applied index 3 (term 4) in place of the acknowledged proposal of term 2",
    });
  });

  it("catches other bytes applied where a proposal was accepted", () => {
    const checker = new CommittedNotLostChecker();
    checker.observeProposal(5, 1, 100);
    expect(checker.observeApply("n1", 5, 1, 101)).toEqual({
      property: Property.CommittedNotLost,
      message: "n1 applied different bytes at index 5 (term 1) than were proposed there",
    });
  });

  it("catches a live replica that never applied an acknowledged proposal", () => {
    const checker = new CommittedNotLostChecker();
    checker.observeProposal(2, 1, 9);
    checker.observeApply("n1", 2, 1, 9);
    expect(checker.finalCheck(new Map([["n1", 2], ["n2", 1]]))).toEqual({
      property: Property.CommittedNotLost,
      message: "n2 ended at applied index 1, below acknowledged index 2",
    });
  });
});

describe("DurabilityChecker", () => {
  it("accepts promises the disk already keeps, including stale ones from a lower term", () => {
    const checker = new DurabilityChecker();
    expect(checker.observeSend("n1", { kind: "voteGranted", term: 3, candidate: "n2" }, { term: 3, vote: "n2", lastIndex: 0 })).toBeNull();
    expect(checker.observeSend("n1", { kind: "voteGranted", term: 3, candidate: "n2" }, { term: 4, vote: null, lastIndex: 0 })).toBeNull();
    expect(checker.observeSend("n1", { kind: "voteRequested", term: 5 }, { term: 5, vote: "n1", lastIndex: 0 })).toBeNull();
    expect(checker.observeSend("n1", { kind: "appendAcknowledged", term: 5, index: 7 }, { term: 5, vote: null, lastIndex: 7 })).toBeNull();
    expect(checker.observeSend("n1", { kind: "appendAcknowledged", term: 5, index: 7 }, { term: 6, vote: null, lastIndex: 4 })).toBeNull();
  });

  it("catches a vote granted before it is on disk", () => {
    const checker = new DurabilityChecker();
    expect(checker.observeSend("n1", { kind: "voteGranted", term: 3, candidate: "n2" }, { term: 2, vote: "n3", lastIndex: 0 })).toEqual({
      property: Property.DurableBeforeSent,
      message: "n1 granted its term 3 vote to n2 with term 2 / vote n3 on disk",
    });
    expect(checker.observeSend("n1", { kind: "voteGranted", term: 3, candidate: "n2" }, { term: 3, vote: null, lastIndex: 0 })).not.toBeNull();
  });

  it("catches votes requested before the self-vote is on disk", () => {
    const checker = new DurabilityChecker();
    expect(checker.observeSend("n4", { kind: "voteRequested", term: 2 }, { term: 1, vote: "n4", lastIndex: 0 })).toEqual({
      property: Property.DurableBeforeSent,
      message: "n4 requested votes for term 2 with term 1 / vote n4 on disk",
    });
  });

  it("catches an append acknowledged before its entries are on disk", () => {
    const checker = new DurabilityChecker();
    expect(checker.observeSend("n2", { kind: "appendAcknowledged", term: 1, index: 9 }, { term: 1, vote: null, lastIndex: 8 })).toEqual({
      property: Property.DurableBeforeSent,
      message: "n2 acknowledged index 9 with only 8 on disk",
    });
  });
});

describe("Checkers", () => {
  it("counts elections, tracks leader commits and routes violations", () => {
    const checkers = new Checkers();
    checkers.observeNode("n1", { isLeader: true, term: 1, commit: 0 }, logOf([0, 11]));
    checkers.observeNode("n1", { isLeader: true, term: 1, commit: 1 }, logOf([0, 11]));
    checkers.observeNode("n2", { isLeader: false, term: 1, commit: 1 }, logOf([0, 11]));
    expect(checkers.elections).toBe(1);
    expect(checkers.violations).toEqual([]);
    checkers.observeNode("n2", { isLeader: true, term: 2, commit: 0 }, logOf([0]));
    expect(checkers.elections).toBe(2);
    expect(checkers.violations).toEqual([
      { property: Property.LeaderCompleteness, message: "new leader n2 of term 2 lacks committed index 1 (its last index is 0)" },
    ]);
    checkers.observeNode("n3", { isLeader: true, term: 2, commit: 0 }, logOf([0, 11]));
    expect(checkers.violations[1]).toEqual({ property: Property.ElectionSafety, message: "term 2 has two leaders: n2 and n3" });
  });
});
