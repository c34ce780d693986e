/**
 * Raft paper §5.3 (log replication): the leader appends and replicates, commits once a
 * majority stores an entry, and brings divergent follower logs (figure 7) into line.
 */
import { describe, expect, it } from "vitest";
import { EntryKind, MessageType, TraceEventKind, type Entry, type NodeId, type RaftCore } from "../harness/raft";
import { append, appendAck, drain, entriesFromTerms, entry, makeLeader, newCore, sent, text } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

const noop = (index: number, term: number): Entry => ({ index, term, kind: EntryKind.Noop, data: new Uint8Array(0) });

/** commitNoop makes every follower acknowledge the leader's no-op at index 1. */
function commitNoop(core: RaftCore, followers: readonly NodeId[]): void {
  for (const follower of followers) core.step(appendAck(follower, "n1", core.status().term, 1));
  drain(core);
  expect(core.status().commit).toBe(1);
}

describe("§5.3 leader", () => {
  it("§5.3 leader appends a proposal, persists it and sends AppendEntries with prev index/term (TestLeaderStartReplication)", () => {
    const core = newCore("n1");
    makeLeader(core);
    commitNoop(core, ["n2", "n3"]);

    const result = core.propose(text("some data"));
    const rd = drain(core);

    expect(result).toEqual({ index: 2, term: 1 });
    const e2 = { index: 2, term: 1, kind: EntryKind.Normal, data: text("some data") };
    expect(rd?.entries).toEqual([e2]);
    expect(rd?.committed).toEqual([]);
    expect(rd?.messages).toEqual(
      ["n2", "n3"].map((to) => ({ type: MessageType.Append, from: "n1", to, term: 1, prevIndex: 1, prevTerm: 1, entries: [e2], commit: 1 })),
    );
  });

  it("§5.3 a replicated entry is committed, released to apply, and its commit index sent on (TestLeaderCommitEntry)", () => {
    const core = newCore("n1");
    makeLeader(core);
    commitNoop(core, ["n2", "n3"]);
    core.propose(text("some data"));
    drain(core);

    core.step(appendAck("n2", "n1", 1, 2));
    core.step(appendAck("n3", "n1", 1, 2));
    const rd = drain(core);

    expect(core.status().commit).toBe(2);
    expect(rd?.committed).toEqual([{ index: 2, term: 1, kind: EntryKind.Normal, data: text("some data") }]);
    expect(rd?.messages).toEqual(
      ["n2", "n3"].map((to) => ({ type: MessageType.Append, from: "n1", to, term: 1, prevIndex: 2, prevTerm: 1, entries: [], commit: 2 })),
    );
  });

  it("§5.3 an entry commits exactly when a majority stores it (TestLeaderAcknowledgeCommit)", () => {
    const cases: { size: number; acceptors: NodeId[]; committed: boolean }[] = [
      { size: 1, acceptors: [], committed: true },
      { size: 3, acceptors: [], committed: false },
      { size: 3, acceptors: ["n2"], committed: true },
      { size: 3, acceptors: ["n2", "n3"], committed: true },
      { size: 5, acceptors: [], committed: false },
      { size: 5, acceptors: ["n2"], committed: false },
      { size: 5, acceptors: ["n2", "n3"], committed: true },
      { size: 5, acceptors: ["n2", "n3", "n4"], committed: true },
      { size: 5, acceptors: ["n2", "n3", "n4", "n5"], committed: true },
    ];
    for (const { size, acceptors, committed } of cases) {
      const peers = ["n1", "n2", "n3", "n4", "n5"].slice(0, size);
      const followers = peers.slice(1);
      const core = newCore("n1", { peers });
      makeLeader(core, followers);
      if (size > 1) commitNoop(core, followers);
      const { index } = core.propose(text("some data"));
      drain(core);
      for (const acceptor of acceptors) core.step(appendAck(acceptor, "n1", 1, index));
      drain(core);
      expect({ size, acceptors, commit: core.status().commit }).toEqual({ size, acceptors, commit: committed ? 2 : 1 });
    }
  });

  it("§5.3 committing an entry commits all preceding ones, older terms included, in order (TestLeaderCommitPrecedingEntries)", () => {
    for (const logTerms of [[], [2], [1, 2], [1]]) {
      const core = newCore("n1", { term: 2, logTerms });
      makeLeader(core);
      const { index } = core.propose(text("some data"));
      drain(core);

      core.step(appendAck("n2", "n1", 3, index));
      const rd = drain(core);

      const noopIndex = logTerms.length + 1;
      expect(rd?.committed).toEqual([
        ...entriesFromTerms(logTerms),
        noop(noopIndex, 3),
        { index: noopIndex + 1, term: 3, kind: EntryKind.Normal, data: text("some data") },
      ]);
    }
  });
});

describe("§5.3 follower", () => {
  it("§5.3 a follower applies entries once it learns they are committed, in log order (TestFollowerCommitEntry)", () => {
    const cases = [
      { entries: [entry(1, 1, "some data")], commit: 1 },
      { entries: [entry(1, 1, "some data"), entry(2, 1, "some data2")], commit: 2 },
      { entries: [entry(1, 1, "some data2"), entry(2, 1, "some data")], commit: 2 },
      { entries: [entry(1, 1, "some data"), entry(2, 1, "some data2")], commit: 1 },
    ];
    for (const { entries, commit } of cases) {
      const core = newCore("n1", { term: 1 });
      drain(core);
      core.step(append("n2", "n1", 1, 0, 0, entries, commit));
      const rd = drain(core);
      expect(core.status().commit).toBe(commit);
      expect(rd?.entries).toEqual(entries);
      expect(rd?.committed).toEqual(entries.slice(0, commit));
      expect(rd?.hardState).toEqual({ term: 1, vote: null, commit });
    }
  });

  it("§5.3 a follower rejects AppendEntries without an entry matching prev index/term (TestFollowerCheckMsgApp)", () => {
    const cases = [
      { prevTerm: 0, prevIndex: 0, reject: false, index: 1, rejectHint: null },
      { prevTerm: 1, prevIndex: 1, reject: false, index: 1, rejectHint: null },
      { prevTerm: 2, prevIndex: 2, reject: false, index: 2, rejectHint: null },
      { prevTerm: 1, prevIndex: 2, reject: true, index: 2, rejectHint: { index: 1, term: 1 } },
      { prevTerm: 3, prevIndex: 3, reject: true, index: 3, rejectHint: { index: 2, term: 2 } },
    ];
    for (const { prevTerm, prevIndex, reject, index, rejectHint } of cases) {
      const core = newCore("n1", { term: 2, logTerms: [1, 2], commit: 1 });
      drain(core);
      core.step(append("n2", "n1", 2, prevIndex, prevTerm, [], 1));
      expect(sent(core)).toEqual([
        { type: MessageType.AppendResponse, from: "n1", to: "n2", term: 2, reject, index, rejectHint },
      ]);
    }
  });

  it("§5.3 a follower deletes a conflicting suffix, appends new entries and persists them (TestFollowerAppendEntries)", () => {
    const cases = [
      { prevIndex: 2, prevTerm: 2, entries: [entry(3, 3)], lastIndex: 3, persisted: [entry(3, 3)], truncatedFrom: null },
      { prevIndex: 1, prevTerm: 1, entries: [entry(2, 3), entry(3, 4)], lastIndex: 3, persisted: [entry(2, 3), entry(3, 4)], truncatedFrom: 2 },
      { prevIndex: 0, prevTerm: 0, entries: [entry(1, 1)], lastIndex: 2, persisted: [], truncatedFrom: null },
      { prevIndex: 0, prevTerm: 0, entries: [entry(1, 3)], lastIndex: 1, persisted: [entry(1, 3)], truncatedFrom: 1 },
    ];
    for (const { prevIndex, prevTerm, entries, lastIndex, persisted, truncatedFrom } of cases) {
      const core = newCore("n1", { term: 2, logTerms: [1, 2] });
      drain(core);
      core.step(append("n2", "n1", 4, prevIndex, prevTerm, entries, 0));
      const rd = drain(core);
      expect(core.status().lastIndex).toBe(lastIndex);
      expect(rd?.entries).toEqual(persisted);
      const truncations = rd?.events.filter((e) => e.kind === TraceEventKind.LogTruncated) ?? [];
      expect(truncations).toEqual(
        truncatedFrom === null ? [] : [{ kind: TraceEventKind.LogTruncated, node: "n1", term: 4, fromIndex: truncatedFrom }],
      );
    }
  });
});

describe("§5.3 figure 7", () => {
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followerLogs: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };

  it.each(Object.entries(followerLogs))(
    "§5.3 figure 7 (%s): the leader brings a divergent follower log into line with its own (TestLeaderSyncFollowerLog)",
    (_name, followerLog) => {
      const restore = (terms: number[]) => ({
        hardState: { term: 7, vote: null, commit: 0 },
        snapshot: null,
        entries: entriesFromTerms(terms),
        applied: 0,
      });
      const net = new TestNetwork(["n1", "n2", "n3"], {
        config: { preVote: false, checkQuorum: false },
        restore: { n1: restore(leaderLog), n2: restore(followerLog) },
      });
      net.isolate("n3");
      net.core("n1").campaign();
      net.stabilize();
      // n3 is cut off; its vote is delivered by hand, as etcd's test does with its nop stepper.
      net.core("n1").step({ type: MessageType.VoteResponse, from: "n3", to: "n1", term: 8, reject: false });
      net.stabilize();
      net.propose("n1", "after sync");

      const leaderDisk = net.node("n1").disk.entries;
      expect(net.node("n2").disk.entries).toEqual(leaderDisk);
      expect(leaderDisk.map((e) => e.term)).toEqual([...leaderLog, 8, 8]);
      expect(net.core("n2").status()).toMatchObject({ commit: 12, lastIndex: 12, term: 8, leader: "n1" });
    },
  );
});
