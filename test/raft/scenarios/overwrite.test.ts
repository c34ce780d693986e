/**
 * A new leader that lacks the highest-term uncommitted entries overwrites them on followers.
 */
import { describe, expect, it } from "vitest";
import { Role } from "../harness/raft";
import { entriesFromTerms } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

const restore = (term: number, vote: string | null, logTerms: number[]) => ({
  hardState: { term, vote, commit: 0 },
  snapshot: null,
  entries: entriesFromTerms(logTerms),
  applied: 0,
});

describe("overwriting newer uncommitted logs", () => {
  it("a new leader overwrites newer uncommitted entries of other nodes (TestLeaderElectionOverwriteNewerLogs)", () => {
    // n1 led term 1 and wrote one entry to n2; n3 led term 2 and wrote one entry only locally,
    // after n4 and n5 voted for it.
    const net = new TestNetwork(["n1", "n2", "n3", "n4", "n5"], {
      config: { preVote: false, checkQuorum: false },
      restore: {
        n1: restore(1, "n1", [1]),
        n2: restore(1, "n1", [1]),
        n3: restore(2, "n3", [2]),
        n4: restore(2, "n3", []),
        n5: restore(2, "n3", []),
      },
    });

    // Term 2 is taken: n1 loses (n3's log is newer, n4 and n5 already voted), adopting term 2.
    net.elect("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Follower, term: 2 });

    net.elect("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 3 });
    for (const id of net.ids) {
      expect(net.node(id).disk.entries.map((e) => [e.index, e.term])).toEqual([
        [1, 1],
        [2, 3],
      ]);
      expect(net.core(id).status().commit).toBe(2);
    }
  });
});
