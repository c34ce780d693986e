/**
 * Messages from a deposed leader: ignored by nodes that moved on, and answered so that the
 * stale leader learns the newer term when pre-vote or check-quorum is on.
 */
import { describe, expect, it } from "vitest";
import { EntryKind, MessageType, Role } from "../harness/raft";
import { append, entry } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

describe("old messages", () => {
  it("an append from a deposed leader of an older term is ignored (TestOldMessages)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: false, checkQuorum: false } });
    net.elect("n1");
    net.elect("n2");
    net.elect("n1");
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 3, lastIndex: 3 });

    net.core("n1").step(append("n2", "n1", 2, 2, 2, [entry(3, 2, "stale")], 3));
    expect(net.core("n1").hasReady()).toBe(false);

    net.propose("n1", "somedata");
    for (const id of net.ids) {
      expect(net.node(id).disk.entries.map((e) => [e.index, e.term, e.kind])).toEqual([
        [1, 1, EntryKind.Noop],
        [2, 2, EntryKind.Noop],
        [3, 3, EntryKind.Noop],
        [4, 3, EntryKind.Normal],
      ]);
      expect(net.node(id).disk.applied).toEqual(["somedata"]);
    }
  });

  it("with pre-vote on, a node answers a stale-term append with its own term so the sender steps down", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { preVote: true, checkQuorum: false } });
    net.elect("n1");
    net.elect("n2");
    net.core("n3").step(append("n1", "n3", 1, 1, 1, [], 1));
    const rd = net.process("n3");
    expect(rd?.messages).toEqual([
      { type: MessageType.AppendResponse, from: "n3", to: "n1", term: 2, reject: false, index: 0, rejectHint: null },
    ]);
  });
});
