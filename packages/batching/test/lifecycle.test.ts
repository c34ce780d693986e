/**
 * The atomic batch lifecycle of spec §5.1 and §5.2 on the leader, step by step, with a manual
 * clock: arrival checks, staging and empty acks, abandonment with the four advisory reasons,
 * the inactivity timer, the in-flight limits, leadership loss and the commit proposal.
 */
import { describe, expect, it } from "vitest";
import { decodeOp, type BatchOp } from "@flotilla/stream";
import { BatchingLeader, ManualClock, PublishStatus, systemClock, type Scheduler } from "@flotilla/batching";
import { FakeView } from "./support/fake-view";
import { batchMsg, body, errorBody, json, makeRig, plainMsg } from "./support/leader-rig";

const decoder = new TextDecoder();

function setup(config: Record<string, unknown> = {}, limits = {}) {
  const view = new FakeView({ name: "TEST", subjects: ["foo.*"], allow_atomic: true, storage: "memory", ...config });
  const rig = makeRig((s) => (s === "TEST" ? view : undefined), limits);
  return { view, rig, leader: rig.leader };
}

function advisory(reason: string, id: number, batch = "uuid") {
  return (
    `{"type":"io.nats.jetstream.advisory.v1.stream_batch_abandoned","id":"adv-${id}",` +
    `"timestamp":"2023-11-14T22:13:20Z","stream":"TEST","batch":"${batch}","reason":"${reason}"}`
  );
}

describe("arrival checks (§5.1 steps 1-4)", () => {
  it("answers 10174 when the stream does not allow atomic publish", () => {
    const { leader } = setup({ allow_atomic: false });
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r" }));
    expect(out.status).toBe(PublishStatus.Rejected);
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10174, "atomic publish is disabled"));
  });

  it("accepts a 64-byte batch id and refuses 65 bytes with 10179", () => {
    const { leader } = setup();
    expect(leader.publish("TEST", batchMsg("foo.1", "a".repeat(64), 1, { reply: "r" })).status).toBe("staged");
    const out = leader.publish("TEST", batchMsg("foo.1", "a".repeat(65), 1, { reply: "r" }));
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10179, "atomic publish batch ID is invalid"));
  });

  it("answers 10175 for a missing or unparsable sequence", () => {
    const { leader } = setup();
    for (const seq of ["", "abc", "-1", "18446744073709551616"]) {
      const out = leader.publish("TEST", batchMsg("foo.1", "uuid", seq, { reply: "r" }));
      expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10175, "atomic publish sequence is missing"));
    }
    expect(leader.batchesInflight()).toBe(0);
  });

  it("runs the generic checks first: sealed 10109, max_msg_size 10054", () => {
    const sealed = setup({ sealed: true }).leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r" }));
    expect(body(sealed.replies[0])).toBe(errorBody("TEST", 400, 10109, "invalid operation on sealed stream"));
    const small = setup({ max_msg_size: 10 }).leader;
    const out = small.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r", data: "x" }));
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10054, "message size exceeds maximum allowed"));
    expect(small.batchesInflight()).toBe(0);
  });

  it("sends nothing at all when the stream has no_ack or the message has no reply", () => {
    const { leader } = setup({ no_ack: true });
    expect(leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { reply: "r" })).replies).toEqual([]);
    expect(leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r" })).replies).toEqual([]);
    const plain = setup().leader;
    expect(plain.publish("TEST", batchMsg("foo.1", "uuid", 2)).replies).toEqual([]);
  });

  it("treats an empty Nats-Batch-Id as a plain publish", () => {
    const { leader, rig } = setup();
    const out = leader.publish("TEST", plainMsg("foo.1", { headers: [["Nats-Batch-Id", ""]], reply: "r" }));
    expect(out.status).toBe(PublishStatus.Proposed);
    expect(rig.proposed[0]?.info.kind).toBe("msg");
  });
});

describe("unknown batches (§5.1 step 6)", () => {
  it("answers 10176 for seq > 1 and keeps no state", () => {
    const { leader } = setup();
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { reply: "r" }));
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
    expect(out.advisories).toEqual([]);
    expect(leader.batchesInflight()).toBe(0);
  });

  it("answers 10199 without an advisory when seq minus eob exceeds the maximum", () => {
    const { leader } = setup();
    const large = leader.publish("TEST", batchMsg("foo.1", "uuid", 1001, { reply: "r" }));
    expect(body(large.replies[0])).toBe(errorBody("TEST", 400, 10199, "atomic publish batch is too large: 1000"));
    expect(large.advisories).toEqual([]);
    const eob = leader.publish("TEST", batchMsg("foo.1", "uuid", 1001, { commit: "eob", reply: "r" }));
    expect(body(eob.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
  });

  it("wraps seq 0 with eob like uint64 and answers 10199", () => {
    const out = setup().leader.publish("TEST", batchMsg("foo.1", "uuid", 0, { commit: "eob", reply: "r" }));
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10199, "atomic publish batch is too large: 1000"));
  });
});

describe("staging (§5.1 steps 7-13)", () => {
  it("answers each non-commit message with a zero-byte ack", () => {
    const { leader } = setup();
    for (let seq = 1; seq <= 3; seq++) {
      const out = leader.publish("TEST", batchMsg("foo.1", "uuid", seq, { reply: `r${seq}` }));
      expect(out.status).toBe(PublishStatus.Staged);
      expect(out.replies).toEqual([{ subject: `r${seq}`, data: new Uint8Array(0) }]);
    }
    expect(leader.openBatchIds("TEST")).toEqual(["uuid"]);
  });

  it("abandons on an invalid commit value with 10200 and no advisory", () => {
    const { leader } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    for (const commit of ["", "0", "unsupported"]) {
      const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { commit, reply: "r" }));
      expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10200, "atomic publish batch commit is invalid"));
      expect(out.advisories).toEqual([]);
    }
    expect(leader.batchesInflight()).toBe(0);
  });

  it("abandons on an unsupported API level with advisory unsupported and 10185", () => {
    const { leader } = setup();
    const headers: [string, string][] = [["Nats-Required-Api-Level", "9223372036854775807"]];
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { headers, reply: "r" }));
    expect(body(out.replies[0])).toBe(errorBody("TEST", 412, 10185, "JetStream minimum api level required"));
    expect(out.advisories.map(body)).toEqual([advisory("unsupported", 1)]);
    expect(out.advisories[0]?.subject).toBe("$JS.EVENT.ADVISORY.STREAM.BATCH_ABANDONED.TEST");
    expect(leader.batchesInflight()).toBe(0);
  });

  it("abandons a gap with advisory incomplete; the next message is unknown (no advisory)", () => {
    const { leader } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    const gap = leader.publish("TEST", batchMsg("foo.1", "uuid", 3, { reply: "r" }));
    expect(body(gap.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
    expect(gap.advisories.map(body)).toEqual([advisory("incomplete", 1)]);
    const next = leader.publish("TEST", batchMsg("foo.1", "uuid", 4, { reply: "r" }));
    expect(next.advisories).toEqual([]);
    expect(body(next.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
  });

  it("aborts a staged batch on a re-sent seq 1; a second seq 1 starts afresh", () => {
    const { leader } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    leader.publish("TEST", batchMsg("foo.1", "uuid", 2));
    const resend = leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r" }));
    expect(resend.advisories.map(body)).toEqual([advisory("incomplete", 1)]);
    expect(leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { reply: "r" })).status).toBe("staged");
  });

  it("abandons eob at seq 1 with advisory incomplete", () => {
    const out = setup().leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { commit: "eob", reply: "r" }));
    expect(out.advisories.map(body)).toEqual([advisory("incomplete", 1)]);
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
  });

  it("abandons the message past batchMsgsMax with advisory large; eob is not counted", () => {
    const { leader } = setup({}, { batchMsgsMax: 3 });
    for (let seq = 1; seq <= 3; seq++) leader.publish("TEST", batchMsg("foo.1", "uuid", seq));
    expect(leader.publish("TEST", batchMsg("foo.1", "uuid", 4, { commit: "eob", reply: "r" })).status).toBe(
      "proposed",
    );
    for (let seq = 1; seq <= 3; seq++) leader.publish("TEST", batchMsg("foo.1", "uuid2", seq));
    const over = leader.publish("TEST", batchMsg("foo.1", "uuid2", 4, { reply: "r" }));
    expect(over.advisories.map(body)).toEqual([advisory("large", 1, "uuid2")]);
    expect(body(over.replies[0])).toBe(errorBody("TEST", 400, 10199, "atomic publish batch is too large: 3"));
  });

  it("abandons a batch over batchBytesMax with advisory large and the byte limit named", () => {
    const { leader } = setup({}, { batchBytesMax: 200 });
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { data: "x".repeat(100) }));
    const over = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { data: "x".repeat(100), reply: "r" }));
    expect(over.advisories.map(body)).toEqual([advisory("large", 1)]);
    expect(body(over.replies[0])).toBe(
      errorBody("TEST", 400, 10199, "atomic publish batch is too large: 200 bytes"),
    );
  });
});

describe("inactivity timer (§5.2)", () => {
  it("abandons after 10 s without a message, with advisory timeout and no reply", () => {
    const { leader, rig } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    rig.clock.advance(9_999);
    expect(leader.batchesInflight()).toBe(1);
    rig.clock.advance(1);
    expect(leader.batchesInflight()).toBe(0);
    expect(rig.timerAdvisories.map(body)).toEqual([
      `{"type":"io.nats.jetstream.advisory.v1.stream_batch_abandoned","id":"adv-1",` +
        `"timestamp":"2023-11-14T22:13:30Z","stream":"TEST","batch":"uuid","reason":"timeout"}`,
    ]);
    const late = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { commit: "1", reply: "r" }));
    expect(body(late.replies[0])).toBe(errorBody("TEST", 400, 10176, "atomic publish batch is incomplete"));
  });

  it("is reset by every accepted message", () => {
    const { leader, rig } = setup();
    for (let seq = 1; seq <= 5; seq++) {
      leader.publish("TEST", batchMsg("foo.1", "uuid", seq));
      rig.clock.advance(9_000);
    }
    expect(leader.batchesInflight()).toBe(1);
    expect(rig.clock.pendingTimers()).toBe(1);
    expect(rig.timerAdvisories).toEqual([]);
  });

  it("abandons exactly one timeout after the last message, with one timer for the whole batch", () => {
    const { leader, rig } = setup();
    for (const seq of [1, 2, 3]) {
      leader.publish("TEST", batchMsg("foo.1", "uuid", seq));
      expect(rig.clock.pendingTimers()).toBe(1);
      rig.clock.advance(3_000);
    }
    // The last message came at 6 s: the batch lives until 16 s, through the timer re-arming.
    rig.clock.advance(6_999);
    expect(leader.batchesInflight()).toBe(1);
    expect(rig.clock.pendingTimers()).toBe(1);
    rig.clock.advance(1);
    expect(leader.batchesInflight()).toBe(0);
    expect(rig.timerAdvisories.map((a) => (JSON.parse(body(a)) as { reason: string }).reason)).toEqual(["timeout"]);
    expect(rig.clock.pendingTimers()).toBe(0);
  });

  it("measures deadlines on a clock that never goes backwards, anchored at the wall clock", () => {
    const readings = Array.from({ length: 1000 }, () => systemClock.nowMs());
    expect(readings.every((ms, i) => i === 0 || ms >= readings[i - 1]!)).toBe(true);
    expect(Math.abs(readings[0]! - Date.now())).toBeLessThan(1_000);
  });

  it("treats a message that arrives after the deadline, before the timer ran, as incomplete", () => {
    const view = new FakeView({ name: "TEST", subjects: ["foo.*"], allow_atomic: true });
    const stuck: Scheduler = { schedule: () => ({ cancel: () => undefined }) };
    const clock = new ManualClock();
    const leader = new BatchingLeader({
      views: () => view,
      propose: () => true,
      clock,
      scheduler: stuck,
      newAdvisoryId: () => "late",
    });
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    clock.advance(10_000);
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { reply: "r" }));
    expect(json(out.advisories[0])).toMatchObject({ reason: "incomplete", batch: "uuid" });
    expect(leader.batchesInflight()).toBe(0);
  });

  it("runs on the real clock and setTimeout by default", async () => {
    const view = new FakeView({ name: "TEST", subjects: ["foo.*"], allow_atomic: true });
    const advisories: string[] = [];
    const leader = new BatchingLeader({
      views: () => view,
      propose: () => true,
      onTimerAdvisory: (a) => advisories.push(body(a)),
      limits: { batchInactivityTimeoutMs: 20 },
    });
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(leader.batchesInflight()).toBe(0);
    expect(advisories.map((a) => (JSON.parse(a) as { reason: string; id: string }).reason)).toEqual(["timeout"]);
    expect((JSON.parse(advisories[0] ?? "{}") as { id: string }).id).toMatch(/^[0-9A-Za-z]{22}$/);
  });

  it("cancels the timer of a released batch so it never fires", () => {
    const { leader, rig } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { commit: "1" }));
    rig.clock.advance(60_000);
    expect(rig.timerAdvisories).toEqual([]);
    expect(rig.clock.pendingTimers()).toBe(0);
  });
});

describe("in-flight batch limits", () => {
  it("refuses a second batch on the stream and on another stream with 10210 (TestJetStreamAtomicBatchPublishLimits)", () => {
    const foo = new FakeView({ name: "FOO", subjects: ["foo"], allow_atomic: true });
    const bar = new FakeView({ name: "BAR", subjects: ["bar"], allow_atomic: true });
    const rig = makeRig((s) => (s === "FOO" ? foo : s === "BAR" ? bar : undefined), {
      batchesInflightPerStreamMax: 1,
      batchesInflightTotalMax: 1,
      batchMsgsMax: 2,
      batchInactivityTimeoutMs: 500,
    });
    const { leader } = rig;
    expect(leader.publish("FOO", batchMsg("foo", "uuid", 1)).status).toBe("staged");
    const second = leader.publish("FOO", batchMsg("foo", "other", 1, { reply: "r" }));
    expect(body(second.replies[0])).toBe(errorBody("FOO", 429, 10210, "atomic publish too many inflight"));
    const onBar = leader.publish("BAR", batchMsg("bar", "other", 1, { reply: "r" }));
    expect(body(onBar.replies[0])).toBe(errorBody("BAR", 429, 10210, "atomic publish too many inflight"));
    rig.clock.advance(500);
    expect(leader.batchesInflight()).toBe(0);
    const late = leader.publish("FOO", batchMsg("foo", "uuid", 2, { commit: "1", reply: "r" }));
    expect(body(late.replies[0])).toBe(errorBody("FOO", 400, 10176, "atomic publish batch is incomplete"));
    leader.publish("FOO", batchMsg("foo", "ok", 1));
    expect(leader.publish("FOO", batchMsg("foo", "ok", 2, { commit: "1", reply: "r" })).status).toBe("proposed");
    leader.publish("FOO", batchMsg("foo", "big", 1));
    leader.publish("FOO", batchMsg("foo", "big", 2));
    const big = leader.publish("FOO", batchMsg("foo", "big", 3, { commit: "1", reply: "r" }));
    expect(body(big.replies[0])).toBe(errorBody("FOO", 400, 10199, "atomic publish batch is too large: 2"));
  });

  it("releases every batch without advisories when leadership is lost or atomic is switched off", () => {
    const { leader, rig, view } = setup();
    leader.publish("TEST", batchMsg("foo.1", "a", 1));
    leader.publish("TEST", batchMsg("foo.1", "b", 1));
    leader.onLeadershipLost();
    expect(leader.batchesInflight()).toBe(0);
    leader.publish("TEST", batchMsg("foo.1", "c", 1));
    (view.config as { allow_atomic?: boolean }).allow_atomic = false;
    leader.onStreamUpdated("TEST");
    expect(leader.batchesInflight("TEST")).toBe(0);
    rig.clock.advance(60_000);
    expect(rig.timerAdvisories).toEqual([]);
  });
});

describe("commit proposal (§5.1 steps 14-18)", () => {
  it("proposes ONE batch op with leader-chosen sequences, timestamp and the commit reply", () => {
    const { leader, rig, view } = setup();
    view.lastSeq = 7;
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { data: "a" }));
    leader.publish("TEST", batchMsg("foo.2", "uuid", 2, { data: "b" }));
    const out = leader.publish("TEST", batchMsg("foo.3", "uuid", 3, { commit: "1", reply: "ack", data: "c" }));
    expect(out.status).toBe(PublishStatus.Proposed);
    expect(out.replies).toEqual([]);
    expect(rig.proposed.map((p) => p.info)).toEqual([
      { stream: "TEST", kind: "batch", firstSeq: 8, lastSeq: 10, count: 3, batchId: "uuid", reply: "ack" },
    ]);
    const op = decodeOp(rig.proposed[0]?.bytes ?? new Uint8Array()) as BatchOp;
    expect(op.firstSeq).toBe(8);
    expect(op.timestampNs).toBe(1_700_000_000_000_000_000n);
    expect(op.msgs.map((m) => [m.subject, decoder.decode(m.data)])).toEqual([
      ["foo.1", "a"],
      ["foo.2", "b"],
      ["foo.3", "c"],
    ]);
    expect(decoder.decode(op.msgs[2]?.headers ?? new Uint8Array())).toBe(
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 3\r\nNats-Batch-Commit: 1\r\n\r\n",
    );
    expect(leader.inflightSnapshot("TEST").pendingProposals).toBe(1);
  });

  it("commits with eob without storing the marker and appends Nats-Batch-Commit: 1", () => {
    const { leader, rig } = setup();
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    leader.publish("TEST", batchMsg("foo.2", "uuid", 2));
    leader.publish("TEST", batchMsg("foo.3", "uuid", 3, { commit: "eob", reply: "ack" }));
    const op = decodeOp(rig.proposed[0]?.bytes ?? new Uint8Array()) as BatchOp;
    expect(op.msgs.length).toBe(2);
    expect(decoder.decode(op.msgs[1]?.headers ?? new Uint8Array())).toBe(
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 2\r\nNats-Batch-Commit: 1\r\n\r\n",
    );
  });

  it("strips a supported Nats-Required-Api-Level before staging", () => {
    const { leader, rig } = setup();
    const headers: [string, string][] = [["Nats-Required-Api-Level", "0"]];
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { commit: "1", headers, reply: "r" }));
    const op = decodeOp(rig.proposed[0]?.bytes ?? new Uint8Array()) as BatchOp;
    expect(decoder.decode(op.msgs[0]?.headers ?? new Uint8Array())).toBe(
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 1\r\nNats-Batch-Commit: 1\r\n\r\n",
    );
  });

  it("sends nothing and keeps nothing in flight when Raft refuses the proposal", () => {
    const { leader, rig } = setup();
    rig.accept = false;
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1));
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { commit: "1", reply: "r" }));
    expect(out.status).toBe(PublishStatus.ProposeRefused);
    expect(out.replies).toEqual([]);
    expect(leader.batchesInflight()).toBe(0);
    expect(leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
    rig.accept = true;
    leader.publish("TEST", plainMsg("foo.1"));
    expect(rig.proposed[1]?.info.firstSeq).toBe(1);
  });

  it("abandons with advisory large when the encoded entry exceeds the Raft entry limit", () => {
    const { leader } = setup({}, { raftEntryBytesMax: 300, batchBytesMax: 300 });
    leader.publish("TEST", batchMsg("foo.1", "uuid", 1, { data: "x".repeat(100) }));
    const out = leader.publish("TEST", batchMsg("foo.1", "uuid", 2, { commit: "1", reply: "r", data: "y".repeat(60) }));
    expect(out.advisories.map(body)).toEqual([advisory("large", 1)]);
    expect(body(out.replies[0])).toBe(errorBody("TEST", 400, 10199, "atomic publish batch is too large: 300 bytes"));
    expect(leader.batchesInflight()).toBe(0);
  });

  it("resolves limits: defaults, <= 0 means default, batch bytes capped at the entry limit", () => {
    const { leader } = setup({}, { batchMsgsMax: 0, raftEntryBytesMax: 1024, batchBytesMax: 4096 });
    expect(leader.limits).toEqual({
      batchInactivityTimeoutMs: 10_000,
      batchesInflightPerStreamMax: 50,
      batchesInflightTotalMax: 1000,
      batchMsgsMax: 1000,
      batchBytesMax: 1024,
      raftEntryBytesMax: 1024,
    });
  });
});
