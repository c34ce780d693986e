/**
 * Flow control: probe and replicate states, the inflight window per follower, and the byte
 * cap per Append message.
 */
import { describe, expect, it } from "vitest";
import { MessageType, type AppendMessage, type Message, type RaftCore } from "../harness/raft";
import { appendAck, drain, makeLeader, newCore, text } from "../harness/helpers";

const appendsTo = (messages: readonly Message[], to: string): AppendMessage[] =>
  messages.filter((m): m is AppendMessage => m.type === MessageType.Append && m.to === to);

/** replicatingLeader: n1 leads with n2 in replicate state after acknowledging the no-op. */
function replicatingLeader(config: { inflightAppendsMax?: number; appendBytesMax?: number }): RaftCore {
  const core = newCore("n1", { config });
  makeLeader(core);
  core.step(appendAck("n2", "n1", 1, 1));
  drain(core);
  expect(core.status().progress["n2"]).toMatchObject({ state: "replicate", match: 1, next: 2 });
  return core;
}

describe("flow control", () => {
  it("a probing follower gets one append per heartbeat until it answers (TestSendAppendForProgressProbe)", () => {
    const core = newCore("n1");
    makeLeader(core);
    expect(core.status().progress["n2"]).toMatchObject({ state: "probe", next: 1 });
    core.propose(text("a"));
    core.propose(text("b"));
    expect(appendsTo(drain(core)?.messages ?? [], "n2")).toEqual([]);

    core.step({ type: MessageType.HeartbeatResponse, from: "n2", to: "n1", term: 1 });
    const probe = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(probe.map((m) => [m.prevIndex, m.entries.length])).toEqual([[0, 3]]);
  });

  it("the inflight window bounds unacknowledged appends in replicate state (TestMsgAppFlowControlFull)", () => {
    const core = replicatingLeader({ inflightAppendsMax: 3, appendBytesMax: 1 });
    for (let i = 0; i < 5; i++) core.propose(text(`p${i}`));

    const first = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(first.map((m) => m.entries.map((e) => e.index))).toEqual([[2], [3], [4]]);
    expect(core.status().progress["n2"]).toMatchObject({ inflight: 3, next: 5 });

    core.step(appendAck("n2", "n1", 1, 3));
    const second = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(second.map((m) => m.entries.map((e) => e.index))).toEqual([[5], [6]]);
    expect(core.status().progress["n2"]).toMatchObject({ inflight: 3, match: 3, next: 7 });
  });

  it("a heartbeat response frees one inflight slot of a full window (TestMsgAppFlowControlRecvHeartbeat)", () => {
    const core = replicatingLeader({ inflightAppendsMax: 2, appendBytesMax: 1 });
    for (let i = 0; i < 3; i++) core.propose(text(`p${i}`));
    expect(appendsTo(drain(core)?.messages ?? [], "n2")).toHaveLength(2);
    expect(core.status().progress["n2"]?.inflight).toBe(2);

    core.step({ type: MessageType.HeartbeatResponse, from: "n2", to: "n1", term: 1 });
    const resumed = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(resumed.map((m) => m.entries.map((e) => e.index))).toEqual([[4]]);
  });

  it("appendBytesMax caps entry bytes per append, but a single larger entry still goes alone", () => {
    const core = replicatingLeader({ appendBytesMax: 10 });
    core.propose(new Uint8Array(4));
    core.propose(new Uint8Array(4));
    core.propose(new Uint8Array(4));
    core.propose(new Uint8Array(30));
    const appends = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(appends.map((m) => m.entries.map((e) => e.data.length))).toEqual([[4, 4], [4], [30]]);
  });

  it("a rejection in replicate state falls back to probing from the match", () => {
    const core = replicatingLeader({});
    core.propose(text("lost"));
    drain(core);
    core.step({ type: MessageType.AppendResponse, from: "n2", to: "n1", term: 1, reject: true, index: 1, rejectHint: { index: 1, term: 1 } });
    expect(core.status().progress["n2"]).toMatchObject({ state: "replicate", match: 1, next: 3 });

    core.step({ type: MessageType.AppendResponse, from: "n2", to: "n1", term: 1, reject: true, index: 2, rejectHint: { index: 1, term: 1 } });
    expect(core.status().progress["n2"]).toMatchObject({ state: "probe", match: 1, next: 2 });
    const retry = appendsTo(drain(core)?.messages ?? [], "n2");
    expect(retry.map((m) => [m.prevIndex, m.entries.map((e) => e.index)])).toEqual([[1, [2]]]);
  });

  it("reportUnreachable moves a replicating follower back to probe", () => {
    const core = replicatingLeader({});
    core.reportUnreachable("n2");
    expect(core.status().progress["n2"]).toMatchObject({ state: "probe", match: 1, next: 2 });
  });
});
