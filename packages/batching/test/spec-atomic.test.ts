/**
 * nats-server's atomic batch tests (spec §6.1 tests 1-10, 14, 15, 27, 28, 33-35), run in
 * process against the real StreamStore (level, temporary directory) as the applied state and the
 * BatchingLeader as the stream leader. Each describe is named after the nats-server test it
 * mirrors; cluster and R1/R3 variants collapse into one, because in Flotilla every stream goes
 * through the same leader checks and one-entry apply.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiError, validateStreamConfig } from "@flotilla/stream";
import { resolveBatchLimits, type OutboundMessage } from "@flotilla/batching";
import { batchMsg, body, errorBody, plainMsg } from "./support/leader-rig";
import { EMPTY_INFLIGHT, StoreRig, text } from "./support/store-rig";

let rig: StoreRig;
afterEach(async () => rig.close());

const empty = new Uint8Array(0);
const ack = (seq: number) => `{"stream":"TEST","seq":${seq}}`;
const batchAck = (seq: number, count: number, batch = "uuid", stream = "TEST") =>
  `{"stream":"${stream}","seq":${seq},"batch":"${batch}","count":${count}}`;
const incomplete = errorBody("TEST", 400, 10176, "atomic publish batch is incomplete");

describe.each(["file", "memory"])("TestJetStreamAtomicBatchPublish (%s)", (storage) => {
  beforeEach(async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo.*"], storage });
  });

  it("refuses until enabled, then checks sequences and commits batches of 1 and 5", async () => {
    const noSeq = { ...batchMsg("foo.0", "uuid", 1, { reply: "r", data: "foo.0" }) };
    const onlyId = plainMsg("foo.0", { headers: [["Nats-Batch-Id", "uuid"]], reply: "r", data: "foo.0" });
    expect((await rig.publish("TEST", onlyId)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10174, "atomic publish is disabled"),
    ]);
    await rig.updateStream("TEST", { allow_atomic: true });
    expect((await rig.publish("TEST", onlyId)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10175, "atomic publish sequence is missing"),
    ]);
    const seq2 = batchMsg("foo.0", "uuid", 2, { reply: "r", data: "foo.0" });
    expect((await rig.publish("TEST", seq2)).answers.map(body)).toEqual([incomplete]);
    const one = batchMsg("foo.0", "uuid", 1, { commit: "1", reply: "r", data: "foo.0" });
    expect((await rig.publish("TEST", one)).answers.map(body)).toEqual([batchAck(1, 1)]);
    await rig.publish("TEST", { ...noSeq, reply: "" });
    expect((await rig.publish("TEST", batchMsg("foo.0", "uuid", 3, { reply: "r" }))).answers.map(body)).toEqual([
      incomplete,
    ]);
    for (let seq = 1; seq <= 5; seq++) {
      const subject = `foo.${seq}`;
      const msg = batchMsg(subject, "uuid", seq, { data: subject, ...(seq === 5 ? { commit: "1", reply: "r" } : {}) });
      const out = await rig.publish("TEST", msg);
      expect(out.answers.map(body)).toEqual(seq === 5 ? [batchAck(6, 5)] : []);
    }
    const stored = await rig.messages("TEST");
    expect(stored.map((m) => [m.seq, m.subject, text(m.data)])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [i + 1, `foo.${i}`, `foo.${i}`]),
    );
  });
});

describe.each(["file", "memory"])("TestJetStreamAtomicBatchPublishEmptyAck (%s)", (storage) => {
  it("answers messages 1-4 with zero bytes and the commit with seq 5, count 5", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage, allow_atomic: true });
    for (let seq = 1; seq <= 5; seq++) {
      const out = await rig.publish("TEST", batchMsg("foo", "uuid", seq, { reply: "r", ...(seq === 5 ? { commit: "1" } : {}) }));
      if (seq < 5) expect(out.answers).toEqual([{ subject: "r", data: empty }]);
      else expect(out.answers.map(body)).toEqual([batchAck(5, 5)]);
    }
  });
});

describe.each(["file", "memory"])("TestJetStreamAtomicBatchPublishCommitEob (%s)", (storage) => {
  it("refuses eob at seq 1, stores n-1 messages and marks the last with Nats-Batch-Commit: 1", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage, allow_atomic: true });
    const eob1 = await rig.publish("TEST", batchMsg("foo", "uuid", 1, { commit: "eob", reply: "r" }));
    expect(eob1.answers.map(body)).toEqual([incomplete]);
    await rig.publish("TEST", batchMsg("foo", "uuid", 1));
    await rig.publish("TEST", batchMsg("foo", "uuid", 2));
    const commit = await rig.publish("TEST", batchMsg("foo", "uuid", 3, { commit: "eob", reply: "r" }));
    expect(commit.answers.map(body)).toEqual([batchAck(2, 2)]);
    const stored = await rig.messages("TEST");
    expect(stored.map((m) => text(m.headers))).toEqual([
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 1\r\n\r\n",
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 2\r\nNats-Batch-Commit: 1\r\n\r\n",
    ]);
  });
});

describe("TestJetStreamAtomicBatchPublishCommitEobMaxBatchSize", () => {
  it("counts eob out of the size: 3 + eob commits, 4 + eob is too large, unknown eob 4 is incomplete", async () => {
    rig = await StoreRig.open({ batchMsgsMax: 3 });
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "file", allow_atomic: true });
    for (let seq = 1; seq <= 3; seq++) await rig.publish("TEST", batchMsg("foo", "uuid", seq));
    const ok = await rig.publish("TEST", batchMsg("foo", "uuid", 4, { commit: "eob", reply: "r" }));
    expect(ok.answers.map(body)).toEqual([batchAck(3, 3)]);
    for (let seq = 1; seq <= 4; seq++) await rig.publish("TEST", batchMsg("foo", "uuid2", seq));
    const large = await rig.publish("TEST", batchMsg("foo", "uuid2", 5, { commit: "eob", reply: "r" }));
    expect(large.answers.map(body)).toEqual([errorBody("TEST", 400, 10199, "atomic publish batch is too large: 3")]);
    const unknown = await rig.publish("TEST", batchMsg("foo", "uuid3", 4, { commit: "eob", reply: "r" }));
    expect(unknown.answers.map(body)).toEqual([incomplete]);
    expect(rig.store.view("TEST")?.state().messages).toBe(3);
  });
});

describe("TestJetStreamAtomicBatchPublishLimits", () => {
  it("enforces id length, per-stream and total in-flight, the timeout and the batch size", async () => {
    rig = await StoreRig.open({
      batchesInflightPerStreamMax: 1,
      batchesInflightTotalMax: 1,
      batchMsgsMax: 2,
      batchInactivityTimeoutMs: 500,
    });
    await rig.createStream({ name: "FOO", subjects: ["foo"], allow_atomic: true });
    await rig.createStream({ name: "BAR", subjects: ["bar"], allow_atomic: true });
    const id64 = await rig.publish("FOO", batchMsg("foo", "x".repeat(64), 1, { commit: "1", reply: "r" }));
    expect(id64.answers.map(body)).toEqual([batchAck(1, 1, "x".repeat(64), "FOO")]);
    const id65 = await rig.publish("FOO", batchMsg("foo", "x".repeat(65), 1, { commit: "1", reply: "r" }));
    expect(id65.answers.map(body)).toEqual([errorBody("FOO", 400, 10179, "atomic publish batch ID is invalid")]);
    await rig.publish("FOO", batchMsg("foo", "uuid", 1));
    const tooMany = errorBody("FOO", 429, 10210, "atomic publish too many inflight");
    expect((await rig.publish("FOO", batchMsg("foo", "b", 1, { reply: "r" }))).answers.map(body)).toEqual([tooMany]);
    const onBar = await rig.publish("BAR", batchMsg("bar", "b", 1, { reply: "r" }));
    expect(onBar.answers.map(body)).toEqual([errorBody("BAR", 429, 10210, "atomic publish too many inflight")]);
    rig.clock.advance(500);
    expect(rig.leader.openBatchIds("FOO")).toEqual([]);
    const late = await rig.publish("FOO", batchMsg("foo", "uuid", 2, { commit: "1", reply: "r" }));
    expect(late.answers.map(body)).toEqual([errorBody("FOO", 400, 10176, "atomic publish batch is incomplete")]);
    await rig.publish("FOO", batchMsg("foo", "uuid", 1));
    const two = await rig.publish("FOO", batchMsg("foo", "uuid", 2, { commit: "1", reply: "r" }));
    expect(two.answers.map(body)).toEqual([batchAck(3, 2, "uuid", "FOO")]);
    await rig.publish("FOO", batchMsg("foo", "uuid", 1));
    await rig.publish("FOO", batchMsg("foo", "uuid", 2));
    const three = await rig.publish("FOO", batchMsg("foo", "uuid", 3, { commit: "1", reply: "r" }));
    expect(three.answers.map(body)).toEqual([errorBody("FOO", 400, 10199, "atomic publish batch is too large: 2")]);
  });
});

describe.each(["file", "memory"])("TestJetStreamAtomicBatchPublishDedupeNotAllowed (%s)", (storage) => {
  it("refuses a batch reusing a stored Nats-Msg-Id with 10201 and stores one with fresh ids", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage, allow_atomic: true });
    const pre = await rig.publish("TEST", plainMsg("foo", { headers: [["Nats-Msg-Id", "pre-existing"]], reply: "r" }));
    expect(pre.answers.map(body)).toEqual([ack(1)]);
    const reuse = batchMsg("foo", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Msg-Id", "pre-existing"]] });
    expect((await rig.publish("TEST", reuse)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10201, "atomic publish batch contains duplicate message id"),
    ]);
    await rig.publish("TEST", batchMsg("foo", "uuid", 1, { headers: [["Nats-Msg-Id", "msgId1"]] }));
    const commit = batchMsg("foo", "uuid", 2, { commit: "1", reply: "r", headers: [["Nats-Msg-Id", "msgId2"]] });
    expect((await rig.publish("TEST", commit)).answers.map(body)).toEqual([batchAck(3, 2)]);
  });
});

describe("TestJetStreamAtomicBatchPublishSourceAndMirror", () => {
  it("commits 3 messages, deletes one, and refuses a mirror with allow_atomic (10198)", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_atomic: true });
    for (let seq = 1; seq <= 3; seq++) {
      const out = await rig.publish("TEST", batchMsg("foo", "uuid", seq, seq === 3 ? { commit: "1", reply: "r" } : {}));
      if (seq === 3) expect(out.answers.map(body)).toEqual([batchAck(3, 3)]);
    }
    await rig.apply({ op: "msg.delete", stream: "TEST", seq: 2 });
    expect((await rig.messages("TEST")).map((m) => m.seq)).toEqual([1, 3]);
    expect(() => validateStreamConfig({ name: "M", mirror: { name: "TEST" }, allow_atomic: true }, [])).toThrow(
      apiError("MirrorWithAtomicPublishErr").message,
    );
  });
});

describe("TestJetStreamAtomicBatchPublishCleanup", () => {
  async function staged() {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_atomic: true });
    expect(rig.leader.batchesInflight()).toBe(0);
    await rig.publish("TEST", batchMsg("foo", "uuid", 1));
    await rig.publish("TEST", batchMsg("foo", "commit", 1, { commit: "1" }));
    expect(rig.leader.openBatchIds("TEST")).toEqual(["uuid"]);
  }

  it("Disable: switching allow_atomic off drops the batch without an advisory", async () => {
    await staged();
    await rig.updateStream("TEST", { allow_atomic: false });
    expect(rig.leader.batchesInflight()).toBe(0);
  });

  it("StepDown: losing leadership drops every batch", async () => {
    await staged();
    rig.leader.onLeadershipLost();
    expect(rig.leader.batchesInflight()).toBe(0);
  });

  it("Delete: deleting the stream drops its batches and in-flight state", async () => {
    await staged();
    await rig.apply({ op: "stream.delete", stream: "TEST" });
    expect(rig.leader.batchesInflight()).toBe(0);
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
  });

  it("Commit: committing the staged batch leaves nothing behind", async () => {
    await staged();
    const out = await rig.publish("TEST", batchMsg("foo", "uuid", 2, { commit: "1", reply: "r" }));
    expect(out.answers.map(body)).toEqual([batchAck(3, 2)]);
    expect(rig.leader.batchesInflight()).toBe(0);
    expect(rig.timerAdvisories).toEqual([]);
  });
});

describe("TestJetStreamAtomicBatchPublishConfigOpts", () => {
  it("has nats-server's defaults and takes overrides (config-file parsing is the server's)", () => {
    expect(resolveBatchLimits()).toMatchObject({
      batchInactivityTimeoutMs: 10_000,
      batchesInflightPerStreamMax: 50,
      batchesInflightTotalMax: 1000,
      batchMsgsMax: 1000,
    });
    expect(
      resolveBatchLimits({
        batchesInflightPerStreamMax: 10,
        batchesInflightTotalMax: 20,
        batchMsgsMax: 100,
        batchInactivityTimeoutMs: 5_000,
      }),
    ).toMatchObject({ batchInactivityTimeoutMs: 5_000, batchesInflightPerStreamMax: 10, batchesInflightTotalMax: 20, batchMsgsMax: 100 });
  });
});

describe("TestJetStreamAtomicBatchPublishDenyHeaders", () => {
  it("refuses Nats-Expected-Last-Msg-Id at commit with 10177", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_atomic: true });
    await rig.publish("TEST", batchMsg("foo", "uuid", 1, { headers: [["Nats-Expected-Last-Msg-Id", "msgId"]] }));
    const out = await rig.publish("TEST", batchMsg("foo", "uuid", 2, { commit: "eob", reply: "r" }));
    expect(out.answers.map(body)).toEqual([
      errorBody("TEST", 400, 10177, "atomic publish unsupported header used: Nats-Expected-Last-Msg-Id"),
    ]);
    expect(rig.leader.batchesInflight()).toBe(0);
  });
});

describe("TestJetStreamAtomicBatchPublishHighLevelRollback", () => {
  it("leaves dedupe and in-flight tables empty after a failed plain publish", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "file", max_msgs: 1 });
    const headers: [string, string][] = [["Nats-Msg-Id", "dedupe"], ["Nats-Expected-Last-Subject-Sequence", "1"]];
    const out = await rig.publish("TEST", plainMsg("foo", { headers, reply: "r" }));
    expect(out.answers.map(body)).toEqual([errorBody("TEST", 400, 10071, "wrong last sequence: 0")]);
    expect(rig.leader.inflightSnapshot("TEST")).toEqual(EMPTY_INFLIGHT);
    expect(rig.store.view("TEST")?.dedupe("dedupe")).toBeUndefined();
  });
});

describe("TestJetStreamAtomicBatchPublishExpectedPerSubject", () => {
  async function run(kind: "single" | "redundant" | "not-first") {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "file", allow_atomic: true });
    await rig.publish("TEST", plainMsg("foo"));
    const expect1: [string, string][] = [["Nats-Expected-Last-Subject-Sequence", "1"]];
    await rig.publish("TEST", batchMsg("foo", "uuid", 1, { headers: kind !== "not-first" ? expect1 : [] }));
    const second = batchMsg("foo", "uuid", 2, { commit: "1", reply: "r", headers: kind !== "single" ? expect1 : [] });
    return rig.publish("TEST", second);
  }

  it("single: only message 1 expects, commit seq 3 count 2, headers stored as sent", async () => {
    expect((await run("single")).answers.map(body)).toEqual([batchAck(3, 2)]);
    const [, second, third] = await rig.messages("TEST");
    expect(text(second?.headers)).toBe(
      "NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 1\r\nNats-Expected-Last-Subject-Sequence: 1\r\n\r\n",
    );
    expect(text(third?.headers)).toBe("NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 2\r\nNats-Batch-Commit: 1\r\n\r\n");
  });

  it.each(["redundant", "not-first"] as const)("%s: 10164", async (kind) => {
    expect((await run(kind)).answers.map(body)).toEqual([errorBody("TEST", 400, 10164, "wrong last sequence")]);
    expect(rig.store.view("TEST")?.state().messages).toBe(1);
  });
});

describe("TestJetStreamAtomicBatchPublishExpectedSeq", () => {
  it("checks expected last sequence on plain publishes and a 1-message batch; nothing stays in flight", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "file", allow_atomic: true });
    expect((await rig.publish("TEST", plainMsg("foo", { data: "hello", reply: "r" }))).answers.map(body)).toEqual([ack(1)]);
    const els1 = plainMsg("foo", { data: "hello", reply: "r", headers: [["Nats-Expected-Last-Sequence", "1"]] });
    expect((await rig.publish("TEST", els1)).answers.map(body)).toEqual([ack(2)]);
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
    const batch = batchMsg("foo", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Expected-Last-Sequence", "2"]] });
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([batchAck(3, 1)]);
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
  });
});

describe("TestJetStreamAtomicBatchPublishExpectedLastSubjectSequence", () => {
  it("checks each message's own subject at commit: seq 4, count 2", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo.*"], storage: "file", allow_atomic: true });
    await rig.publish("TEST", plainMsg("foo.A"));
    await rig.publish("TEST", plainMsg("foo.B"));
    const first = batchMsg("foo.A", "uuid", 1, {
      reply: "r",
      headers: [
        ["Nats-Expected-Last-Sequence", "2"],
        ["Nats-Expected-Last-Subject-Sequence", "1"],
        ["Nats-Expected-Last-Subject-Sequence-Subject", "foo.A"],
      ],
    });
    expect((await rig.publish("TEST", first)).answers).toEqual([{ subject: "r", data: empty }]);
    const second = batchMsg("foo.B", "uuid", 2, {
      commit: "1",
      reply: "r",
      headers: [
        ["Nats-Expected-Last-Subject-Sequence", "2"],
        ["Nats-Expected-Last-Subject-Sequence-Subject", "foo.B"],
      ],
    });
    expect((await rig.publish("TEST", second)).answers.map(body)).toEqual([batchAck(4, 2)]);
  });
});

describe("TestJetStreamAtomicBatchPublishExpectedLastSubjectSequenceOwnership", () => {
  it("checks wildcard filters per message against the store: seq 23, count 4", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "EVENTS", subjects: ["events.>"], storage: "memory", allow_atomic: true });
    const entry = "diary.entry_BBBBBBBBBBBBBBBBBBBBBBBB";
    const oldDay = "diary-day.day_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
    const targetDay = "diary-day.day_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const mutation = "mutation.mut_DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD";
    const entities = Array.from({ length: 19 }, (_, i) => `seed.entity_${String(i + 1).padStart(2, "0")}`);
    entities[10] = targetDay;
    entities[17] = entry;
    entities[18] = oldDay;
    for (const [i, entity] of entities.entries()) {
      const out = await rig.publish("EVENTS", plainMsg(`events.${entity}.balance`, { reply: "r" }));
      expect(out.answers.map(body)).toEqual([`{"stream":"EVENTS","seq":${i + 1}}`]);
    }
    const batch = [entry, oldDay, targetDay, mutation];
    const expected = [18, 19, 11, 0];
    for (const [i, entity] of batch.entries()) {
      const msg = batchMsg(`events.${entity}.balance`, "uuid", i + 1, {
        reply: "r",
        ...(i === 3 ? { commit: "1" } : {}),
        headers: [
          ["Nats-Expected-Last-Subject-Sequence-Subject", `events.${entity}.*`],
          ["Nats-Expected-Last-Subject-Sequence", String(expected[i])],
        ],
      });
      const out = await rig.publish("EVENTS", msg);
      if (i < 3) expect(out.answers).toEqual([{ subject: "r", data: empty }]);
      else expect(out.answers.map(body)).toEqual([batchAck(23, 4, "uuid", "EVENTS")]);
    }
  });
});

describe("TestJetStreamAtomicBatchPublishCommitUnsupported", () => {
  it("answers 10200 for invalid commit values, 10185 for a high API level, and strips a supported one", async () => {
    rig = await StoreRig.open();
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage: "memory", allow_atomic: true });
    for (const commit of ["", "unsupported", "0"]) {
      await rig.publish("TEST", batchMsg("foo", "uuid", 1, { reply: "r" }));
      const out = await rig.publish("TEST", batchMsg("foo", "uuid", 2, { commit, reply: "r" }));
      expect(out.answers.map(body)).toEqual([errorBody("TEST", 400, 10200, "atomic publish batch commit is invalid")]);
      expect(rig.leader.batchesInflight()).toBe(0);
    }
    const level = (value: string) =>
      batchMsg("foo", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Required-Api-Level", value]] });
    expect((await rig.publish("TEST", level(String(Number.MAX_SAFE_INTEGER)))).answers.map(body)).toEqual([
      errorBody("TEST", 412, 10185, "JetStream minimum api level required"),
    ]);
    expect((await rig.publish("TEST", level("0"))).answers.map(body)).toEqual([batchAck(1, 1)]);
    const [stored] = await rig.messages("TEST");
    expect(text(stored?.headers)).toBe("NATS/1.0\r\nNats-Batch-Id: uuid\r\nNats-Batch-Sequence: 1\r\nNats-Batch-Commit: 1\r\n\r\n");
  });
});

describe.each(["file", "memory"])("TestJetStreamAtomicBatchPublishAdvisories (%s)", (storage) => {
  it("sends incomplete, large, timeout and unsupported advisories", async () => {
    rig = await StoreRig.open({ batchInactivityTimeoutMs: 2_000 });
    await rig.createStream({ name: "TEST", subjects: ["foo"], storage, allow_atomic: true });
    const reasons: string[] = [];
    const collect = (out: { advisories: OutboundMessage[] }) =>
      reasons.push(...out.advisories.map((a) => (JSON.parse(body(a)) as { reason: string }).reason));
    collect(await rig.publish("TEST", batchMsg("foo", "gap", 1)));
    collect(await rig.publish("TEST", batchMsg("foo", "gap", 3)));
    for (let seq = 1; seq <= 1001; seq++) collect(await rig.publish("TEST", batchMsg("foo", "large", seq)));
    const commit = await rig.publish("TEST", batchMsg("foo", "large", 1002, { commit: "1", reply: "r" }));
    expect(commit.answers.map(body)).toEqual([errorBody("TEST", 400, 10199, "atomic publish batch is too large: 1000")]);
    collect(await rig.publish("TEST", batchMsg("foo", "idle", 1)));
    rig.clock.advance(2_000);
    reasons.push(...rig.timerAdvisories.map((a) => (JSON.parse(body(a)) as { reason: string }).reason));
    const level = [["Nats-Required-Api-Level", "9223372036854775807"]] as [string, string][];
    collect(await rig.publish("TEST", batchMsg("foo", "api", 1, { headers: level })));
    expect(reasons).toEqual(["incomplete", "large", "timeout", "unsupported"]);
    expect(rig.store.view("TEST")?.state().messages).toBe(0);
  });
});
