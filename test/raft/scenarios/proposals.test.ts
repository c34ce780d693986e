/**
 * Proposal admission: term fencing, leader-only proposals, the one-entry size limit and the
 * uncommitted backpressure limits — each refusal typed, explained and leaving no trace.
 */
import { describe, expect, it } from "vitest";
import {
  NotLeaderError,
  ProposalTooLargeError,
  Role,
  TermMismatchError,
  UncommittedLimitError,
  type RaftCore,
} from "../harness/raft";
import { text } from "../harness/helpers";
import { TestNetwork } from "../harness/network";

/** refusal runs `propose` and returns the error it threw (the test fails if none). */
function refusal(core: RaftCore, data: Uint8Array, term?: number): Error {
  const lastIndex = core.status().lastIndex;
  try {
    core.propose(data, term === undefined ? undefined : { term });
  } catch (error) {
    expect(core.status().lastIndex).toBe(lastIndex);
    return error as Error;
  }
  throw new Error("proposal was accepted");
}

describe("proposals", () => {
  it("term-fenced proposals: a stale or future term is refused even by the leader (mirrors nats-server TestNRGTermFencedProposals)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    net.core("n1").transferLeadership("n2");
    net.stabilize();
    const leader = net.core("n2");
    expect(leader.status()).toMatchObject({ role: Role.Leader, term: 2 });

    const stale = refusal(leader, text("stale"), 1);
    expect(stale).toBeInstanceOf(TermMismatchError);
    expect(stale).toMatchObject({ proposalTerm: 1, currentTerm: 2, retryable: false, code: "term_mismatch" });
    expect(stale.message).toBe("proposal fenced to term 1 but the current term is 2");
    expect(refusal(leader, text("future"), 3).message).toBe("proposal fenced to term 3 but the current term is 2");

    expect(leader.propose(text("fenced ok"), { term: 2 })).toEqual({ index: 3, term: 2 });
    net.stabilize();
    expect(net.node("n1").disk.applied).toEqual(["fenced ok"]);
  });

  it("a follower refuses proposals with NotLeaderError naming the leader", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    const before = refusal(net.core("n2"), text("x"));
    expect(before).toBeInstanceOf(NotLeaderError);
    expect(before).toMatchObject({ leaderHint: null, retryable: true });
    expect(before.message).toBe("not the leader (leader hint: none)");

    net.elect("n1");
    const after = refusal(net.core("n2"), text("x"));
    expect(after).toMatchObject({ leaderHint: "n1", code: "not_leader" });
    expect(after.message).toBe("not the leader (leader hint: n1)");
  });

  it("an oversize proposal is refused with both sizes named; one at the limit is one entry", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { entryBytesMax: 16 } });
    net.elect("n1");
    const tooLarge = refusal(net.core("n1"), new Uint8Array(17));
    expect(tooLarge).toBeInstanceOf(ProposalTooLargeError);
    expect(tooLarge).toMatchObject({ proposalBytes: 17, entryBytesMax: 16, retryable: false });
    expect(tooLarge.message).toBe("proposal of 17 bytes exceeds entryBytesMax of 16 bytes");

    const { index } = net.core("n1").propose(new Uint8Array(16).fill(7));
    net.stabilize();
    const stored = net.node("n2").disk.entries.filter((e) => e.index === index);
    expect(stored.map((e) => [e.index, e.data.length])).toEqual([[2, 16]]);
  });

  it("uncommitted-limit backpressure: beyond uncommittedEntriesMax proposals are refused until entries commit", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { uncommittedEntriesMax: 4 } });
    net.elect("n1");
    net.isolate("n1");
    for (let i = 0; i < 4; i++) net.core("n1").propose(text(`p${i}`));
    const limited = refusal(net.core("n1"), text("one too many"));
    expect(limited).toBeInstanceOf(UncommittedLimitError);
    expect(limited).toMatchObject({ uncommittedEntries: 4, uncommittedBytes: 8, limitName: "uncommittedEntriesMax", limit: 4, retryable: true });
    expect(limited.message).toBe(
      "uncommitted limit reached: 4 entries / 8 bytes uncommitted, uncommittedEntriesMax=4; retry once entries commit",
    );

    net.recover();
    net.run(1, ["n1"]);
    expect(net.core("n1").status().commit).toBe(5);
    expect(net.core("n1").propose(text("retried"))).toEqual({ index: 6, term: 1 });
  });

  it("uncommitted-limit backpressure: beyond uncommittedBytesMax proposals are refused", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { uncommittedBytesMax: 10, entryBytesMax: 10 } });
    net.elect("n1");
    net.isolate("n1");
    net.core("n1").propose(new Uint8Array(6));
    const limited = refusal(net.core("n1"), new Uint8Array(5));
    expect(limited.message).toBe(
      "uncommitted limit reached: 1 entries / 6 bytes uncommitted, uncommittedBytesMax=10; retry once entries commit",
    );
    expect(net.core("n1").propose(new Uint8Array(4))).toEqual({ index: 3, term: 1 });
  });

  it("an overrun leader refuses with a retryable error and keeps leading instead of stepping down (counterpart of nats-server TestNRGLeaderStepsDownIfOverrun)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"], { config: { uncommittedEntriesMax: 8 } });
    net.elect("n1");
    net.cut("n1", "n2");
    net.cut("n1", "n3");
    for (let i = 0; i < 8; i++) net.core("n1").propose(text(`b${i}`));
    net.stabilize();

    const overrun = refusal(net.core("n1"), text("overrun"));
    expect(overrun).toBeInstanceOf(UncommittedLimitError);
    expect((overrun as UncommittedLimitError).retryable).toBe(true);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, lastIndex: 9, commit: 1 });

    net.recover();
    net.run(2, ["n1"]);
    expect(net.core("n1").status()).toMatchObject({ role: Role.Leader, term: 1, commit: 9 });
    net.core("n1").propose(text("overrun"));
    net.stabilize();
    expect(net.node("n3").disk.applied).toEqual(["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "overrun"]);
  });

  it("proposals made while a Ready is being persisted leave together: one entry each, one append per follower (mirrors nats-server TestNRGProposalFastPath)", () => {
    const net = new TestNetwork(["n1", "n2", "n3"]);
    net.elect("n1");
    const leader = net.core("n1");
    leader.propose(text("first"));
    const inFlight = leader.ready();

    const indexes = Array.from({ length: 10 }, (_, i) => leader.propose(text(`fast${i}`)).index);
    expect(leader.hasReady()).toBe(false);
    leader.advance(inFlight);
    net.queue.push(...inFlight.messages);
    net.node("n1").disk.persist(inFlight);

    const next = leader.ready();
    expect(next.entries.map((e) => e.index)).toEqual(indexes);
    expect(indexes).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const appends = next.messages.filter((m) => m.type === "append");
    expect(appends.map((m) => [m.to, m.type === "append" ? m.entries.length : -1])).toEqual([
      ["n2", 10],
      ["n3", 10],
    ]);
    net.node("n1").disk.persist(next);
    net.queue.push(...next.messages);
    leader.advance(next);
    net.stabilize();
    expect(net.node("n2").disk.applied).toEqual(["first", ...indexes.map((_, i) => `fast${i}`)]);
  });
});
