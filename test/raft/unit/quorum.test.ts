/** Quorum arithmetic checked against a deliberately naive oracle (etcd quorum/quick_test style). */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { committedIndex, quorumSize, voteResult, VoteResult } from "../../../packages/raft/src/quorum/majority";

/** naiveCommitted: the largest index that at least a majority of voters have reached. */
function naiveCommitted(matches: number[]): number {
  let best = 0;
  for (const candidate of matches) {
    const atLeast = matches.filter((m) => m >= candidate).length;
    if (atLeast * 2 > matches.length) best = Math.max(best, candidate);
  }
  return best;
}

describe("quorum", () => {
  it("quorumSize is a strict majority and rejects an empty voter set", () => {
    expect([1, 2, 3, 4, 5].map(quorumSize)).toEqual([1, 2, 2, 3, 3]);
    expect(() => quorumSize(0)).toThrow("voterCount must be a positive integer, got 0");
  });

  it("committedIndex agrees with the naive oracle for any match vector", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 9 }), (matches) => {
        const voters = matches.map((_, i) => `v${i}`);
        expect(committedIndex(voters, (id) => matches[Number(id.slice(1))] ?? -1)).toBe(naiveCommitted(matches));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("voteResult wins on a majority of grants and loses once a majority is out of reach", () => {
    const voters = ["a", "b", "c", "d", "e"];
    const votes = (entries: [string, boolean][]) => new Map(entries);
    expect(voteResult(voters, votes([["a", true], ["b", true], ["c", true]]))).toBe(VoteResult.Won);
    expect(voteResult(voters, votes([["a", true], ["b", true], ["c", false]]))).toBe(VoteResult.Pending);
    expect(voteResult(voters, votes([["a", false], ["b", false], ["c", false]]))).toBe(VoteResult.Lost);
    expect(voteResult(["a"], votes([["a", true]]))).toBe(VoteResult.Won);
  });
});
