/**
 * Figure 8 of the Raft paper: an entry from an earlier term stored on a majority may still be
 * overwritten, so a leader commits only by counting replicas of a current-term entry.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role } from "../harness/raft";
import { appendAck, drain, entriesFromTerms, makeLeader, newCore } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

const restore = (term: number, logTerms: number[]) => ({
  hardState: { term, vote: null, commit: 1 },
  snapshot: null,
  entries: entriesFromTerms(logTerms),
  applied: 1,
});
const five = ["n1", "n2", "n3", "n4", "n5"];

/** figure8Network: the logs of figure 8 (b) — term 2's entry on n1–n3, term 3's on n5 — at term 4. */
function figure8Network(): TestNetwork {
  return new TestNetwork(five, {
    config: { preVote: false, checkQuorum: false },
    restore: {
      n1: restore(4, [1, 2]),
      n2: restore(4, [1, 2]),
      n3: restore(4, [1, 2]),
      n4: restore(4, [1]),
      n5: restore(4, [1, 3]),
    },
  });
}

describe("figure 8", () => {
  it("figure 8 (c): a majority storing an old-term entry does not commit it (TestCannotCommitWithoutNewTermEntry)", () => {
    const core = newCore("n1", { peers: five, term: 3, logTerms: [1, 2], commit: 1 });
    makeLeader(core, ["n2", "n3"]);
    expect(core.status()).toMatchObject({ term: 4, termStartIndex: 3 });

    core.step(appendAck("n2", "n1", 4, 2));
    core.step(appendAck("n3", "n1", 4, 2));
    drain(core);
    expect(core.status().commit).toBe(1);

    core.step(appendAck("n2", "n1", 4, 3));
    expect(core.status().commit).toBe(1);
    core.step(appendAck("n3", "n1", 4, 3));
    const rd = drain(core);
    expect(core.status().commit).toBe(3);
    expect(rd?.committed.map((e) => [e.index, e.term])).toEqual([
      [2, 2],
      [3, 4],
    ]);
  });

  it("figure 8 (d): that old-term entry, though on a majority, is legitimately overwritten by a later leader", () => {
    const net = figure8Network();
    net.isolate("n1");
    net.elect("n5");

    expect(net.core("n5").status()).toMatchObject({ role: Role.Leader, term: 5 });
    for (const id of ["n2", "n3", "n4", "n5"]) {
      expect(net.node(id).disk.entries.map((e) => [e.index, e.term])).toEqual([
        [1, 1],
        [2, 3],
        [3, 5],
      ]);
    }
  });

  it("figure 8 (e): once the leader's current-term entry is on a majority, the old-term entry commits with it (TestCommitWithoutNewTermEntry)", () => {
    const net = figure8Network();
    net.isolate("n5");
    net.elect("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 5, commit: 3 });

    net.recover();
    net.core("n1").tick();
    net.stabilize();

    const votesFromN5 = net.delivered.filter((m) => m.type === MessageType.VoteResponse && m.from === "n5");
    expect(votesFromN5).toEqual([]);
    for (const id of five) {
      expect(net.node(id).disk.entries.map((e) => [e.index, e.term])).toEqual([
        [1, 1],
        [2, 2],
        [3, 5],
      ]);
      expect(net.core(id).status().commit).toBe(3);
    }
  });
});
