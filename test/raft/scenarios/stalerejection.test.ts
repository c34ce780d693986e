/**
 * Stale rejections: only an explicit loss notice (`logLoss`, sent by a follower told of a
 * commit beyond its log) lowers the leader's match. A rejection at or below the match was
 * overtaken by a later acknowledgement (reordered or replayed) and is ignored, as in etcd.
 */
import { describe, expect, it } from "vitest";
import { MessageType, TraceEventKind, type Message } from "../harness/raft";
import { appendAck, drain, makeLeader, newCore, sent, text } from "../harness/helpers";
import { checkMessage } from "../../../packages/raft/src/transport/wire";

/** leaderStreamingTo2: n1 leads term 2 (log 1,1,1 + no-op 4), n2 acked 4; entries 5 and 6 in flight to n2. */
function leaderStreamingTo2() {
  const core = newCore("n1", { term: 1, logTerms: [1, 1, 1], commit: 3 });
  makeLeader(core);
  core.step(appendAck("n2", "n1", 2, 4));
  drain(core);
  core.propose(text("x"));
  drain(core);
  core.propose(text("y"));
  drain(core);
  expect(core.status().progress["n2"]).toEqual({ match: 4, next: 7, state: "replicate", inflight: 2 });
  return core;
}

const rejectOf5: Message = {
  type: MessageType.AppendResponse,
  from: "n2",
  to: "n1",
  term: 2,
  reject: true,
  index: 5,
  rejectHint: { index: 4, term: 2 },
};

describe("stale rejections", () => {
  it("a rejection overtaken by a later acknowledgement does not reset the match", () => {
    const core = leaderStreamingTo2();
    // The append of 6 overtook the append of 5, so n2 rejected it (rejectOf5 names prevIndex 5),
    // then stored 5 and acknowledged it; the acknowledgement overtook the rejection.
    core.step(appendAck("n2", "n1", 2, 5));
    expect(core.status().progress["n2"]).toEqual({ match: 5, next: 7, state: "replicate", inflight: 1 });
    core.step(rejectOf5);

    expect(core.status().progress["n2"]).toEqual({ match: 5, next: 7, state: "replicate", inflight: 1 });
    const rd = drain(core);
    expect(rd?.events).toEqual([{ kind: TraceEventKind.CommitAdvanced, node: "n1", term: 2, from: 4, to: 5 }]);
  });

  it("the follower still missing 6 is repaired through the next heartbeat's empty append", () => {
    const core = leaderStreamingTo2();
    core.step(appendAck("n2", "n1", 2, 5));
    core.step(rejectOf5);
    drain(core);

    core.step({ type: MessageType.HeartbeatResponse, from: "n2", to: "n1", term: 2 });
    expect(sent(core)).toEqual([
      { type: MessageType.Append, from: "n1", to: "n2", term: 2, prevIndex: 6, prevTerm: 2, entries: [], commit: 5 },
    ]);
    core.step({ ...rejectOf5, index: 6, rejectHint: { index: 5, term: 2 } });
    expect(core.status().progress["n2"]).toEqual({ match: 5, next: 6, state: "probe", inflight: 0 });
    const resend = sent(core);
    expect(resend.map((m) => (m.type === MessageType.Append ? [m.prevIndex, m.entries.map((e) => e.index)] : m.type))).toEqual([
      [5, [6]],
    ]);
  });

  it("a replayed rejection older than the probe that followed it is ignored in probe state too", () => {
    const core = newCore("n1", { term: 1, logTerms: [1, 1, 1], commit: 3 });
    makeLeader(core);
    // n2 holds only entry 1: it rejects the probe at 3; the leader probes at 1 and n2 acks 4.
    const reject3: Message = { ...rejectOf5, index: 3, rejectHint: { index: 1, term: 1 } };
    core.step(reject3);
    expect(sent(core).map((m) => (m.type === MessageType.Append ? m.prevIndex : -1))).toEqual([1]);
    core.step(appendAck("n2", "n1", 2, 4));
    drain(core);
    core.step(reject3);
    expect(core.status().progress["n2"]).toEqual({ match: 4, next: 5, state: "replicate", inflight: 0 });
    expect(core.hasReady()).toBe(false);
  });
});

describe("loss notices", () => {
  const notice: Message = { ...rejectOf5, index: 4, rejectHint: { index: 2, term: 1 }, logLoss: true };

  it("a loss notice resets the match to the follower's real last index and probes from there", () => {
    const core = leaderStreamingTo2();
    core.step(notice);
    expect(core.status().progress["n2"]).toEqual({ match: 2, next: 3, state: "probe", inflight: 0 });
    const rd = drain(core);
    expect(rd?.events).toEqual([{ kind: TraceEventKind.MatchReset, node: "n1", term: 2, peer: "n2", from: 4, to: 2 }]);
    expect(rd?.messages.map((m) => (m.type === MessageType.Append ? [m.to, m.prevIndex, m.entries.length] : m.type))).toEqual([
      ["n2", 2, 4],
    ]);
  });

  it("a loss notice whose hint is not below the match (the follower was repaired since) changes nothing", () => {
    const core = leaderStreamingTo2();
    core.step({ ...notice, rejectHint: { index: 4, term: 2 } });
    expect(core.status().progress["n2"]).toEqual({ match: 4, next: 7, state: "replicate", inflight: 2 });
    expect(core.hasReady()).toBe(false);
  });

  it("the transport accepts logLoss only as true, on a rejection with a hint", () => {
    expect(checkMessage(notice)).toBeNull();
    expect(checkMessage(rejectOf5)).toBeNull();
    expect(checkMessage({ ...notice, logLoss: false })).toBe("appendResponse.logLoss invalid");
    expect(checkMessage({ ...notice, logLoss: 1 })).toBe("appendResponse.logLoss invalid");
    expect(checkMessage({ ...notice, reject: false })).toBe("appendResponse.logLoss invalid");
    expect(checkMessage({ ...notice, rejectHint: null })).toBe("appendResponse.logLoss invalid");
  });
});
