/**
 * Plain (non-batch) publishes go through the same §4.2 checks as batch messages (spec §4.1):
 * duplicates answer with the original sequence, in-flight ids are 10158, expected-* headers and
 * discard-new limits count in-flight proposals, rollups and disabled features answer as
 * nats-server does.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PublishStatus } from "@flotilla/batching";
import { batchMsg, body, errorBody, plainMsg } from "./support/leader-rig";
import { StoreRig } from "./support/store-rig";

let rig: StoreRig;
afterEach(async () => rig.close());

const ack = (seq: number) => `{"stream":"TEST","seq":${seq}}`;

describe("plain publishes through the same checks", () => {
  beforeEach(async () => {
    rig = await StoreRig.open();
  });

  it("answers a duplicate Nats-Msg-Id with the original sequence, byte-exact", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    const msg = plainMsg("foo", { headers: [["Nats-Msg-Id", "a"]], reply: "r" });
    expect((await rig.publish("TEST", msg)).answers.map(body)).toEqual([ack(1)]);
    await rig.publish("TEST", plainMsg("foo"));
    const dup = await rig.publish("TEST", msg);
    expect(dup.status).toBe(PublishStatus.Duplicate);
    expect(dup.answers.map(body)).toEqual(['{"stream":"TEST","seq":1,"duplicate": true}']);
  });

  it("reads a Nats-Msg-Id byte for byte: a leading U+FEFF makes another id, not a duplicate", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    const plain = plainMsg("foo", { headers: [["Nats-Msg-Id", "a"]], reply: "r" });
    const withBom = plainMsg("foo", { headers: [["Nats-Msg-Id", "\uFEFFa"]], reply: "r" });
    expect((await rig.publish("TEST", plain)).answers.map(body)).toEqual([ack(1)]);
    expect((await rig.publish("TEST", withBom)).answers.map(body)).toEqual([ack(2)]);
    expect((await rig.publish("TEST", withBom)).answers.map(body)).toEqual(['{"stream":"TEST","seq":2,"duplicate": true}']);
  });

  it("judges the dedupe window at the leader's time: an id older than duplicate_window is new again", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    const msg = plainMsg("foo", { headers: [["Nats-Msg-Id", "a"]], reply: "r" });
    expect((await rig.publish("TEST", msg)).answers.map(body)).toEqual([ack(1)]);
    // duplicate_window defaults to 2 minutes; one millisecond short of it the id is a duplicate.
    rig.clock.advance(120_000 - 1);
    expect((await rig.publish("TEST", msg)).answers.map(body)).toEqual(['{"stream":"TEST","seq":1,"duplicate": true}']);
    rig.clock.advance(1);
    // No applied entry has pruned the id yet: the window still holds it without a time.
    expect(rig.store.view("TEST")?.dedupe("a")).toEqual({ seq: 1, timestampNs: 1_700_000_000_000_000_000n });
    expect((await rig.publish("TEST", msg)).answers.map(body)).toEqual([ack(2)]);
    expect(rig.store.view("TEST")?.dedupe("a")?.seq).toBe(2);
  });

  it("judges a batch's Msg-Ids at the leader's time too (10201 inside the window, stored after it)", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_atomic: true });
    await rig.publish("TEST", plainMsg("foo", { headers: [["Nats-Msg-Id", "a"]] }));
    const batch = batchMsg("foo", "b", 1, { commit: "1", reply: "r", headers: [["Nats-Msg-Id", "a"]] });
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10201, "atomic publish batch contains duplicate message id"),
    ]);
    rig.clock.advance(120_000);
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual(['{"stream":"TEST","seq":2,"batch":"b","count":1}']);
  });

  it("answers a Msg-Id still in flight with 10158", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    rig.autoApply = false;
    const msg = plainMsg("foo", { headers: [["Nats-Msg-Id", "a"]], reply: "r" });
    await rig.publish("TEST", msg);
    expect((await rig.publish("TEST", msg)).answers.map(body)).toEqual([
      errorBody("TEST", 409, 10158, "duplicate message id is in process"),
    ]);
    expect((await rig.applyHeld()).map(body)).toEqual([ack(1)]);
    expect(rig.leader.inflightSnapshot("TEST").msgIds).toEqual([]);
  });

  it("counts in-flight proposals for expected last sequence and discard new", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"], discard: "new", max_msgs: 2 });
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo"));
    const els = plainMsg("foo", { reply: "r", headers: [["Nats-Expected-Last-Sequence", "1"]] });
    expect((await rig.publish("TEST", els)).status).toBe(PublishStatus.Proposed);
    const third = await rig.publish("TEST", plainMsg("foo", { reply: "r" }));
    expect(third.answers.map(body)).toEqual([errorBody("TEST", 503, 10077, "maximum messages exceeded")]);
    expect((await rig.applyHeld()).map(body)).toEqual([ack(2)]);
    expect(rig.leader.inflightSnapshot("TEST").subjects).toEqual({});
  });

  it("checks Nats-Expected-Last-Msg-Id against the last stored or in-flight message (10070)", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    await rig.publish("TEST", plainMsg("foo", { headers: [["Nats-Msg-Id", "one"]] }));
    const wrong = plainMsg("foo", { reply: "r", headers: [["Nats-Expected-Last-Msg-Id", "zero"]] });
    expect((await rig.publish("TEST", wrong)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10070, "wrong last msg ID: one"),
    ]);
    const right = plainMsg("foo", { reply: "r", headers: [["Nats-Expected-Last-Msg-Id", "one"]] });
    expect((await rig.publish("TEST", right)).answers.map(body)).toEqual([ack(2)]);
  });

  it("a new leader reads the last Nats-Msg-Id from the store's view", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    await rig.publish("TEST", plainMsg("foo", { headers: [["Nats-Msg-Id", "one"]] }));
    rig.leader.onLeadershipLost();
    const expectOne = plainMsg("foo", { reply: "r", headers: [["Nats-Expected-Last-Msg-Id", "one"]] });
    expect((await rig.publish("TEST", expectOne)).answers.map(body)).toEqual([ack(2)]);
    expect((await rig.publish("TEST", expectOne)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10070, "wrong last msg ID: "),
    ]);
  });

  it("applies rollups as nats-server does: refused unless allowed, stored with the rollup", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"] });
    const rollup = plainMsg("foo", { reply: "r", headers: [["Nats-Rollup", "sub"]] });
    expect((await rig.publish("TEST", rollup)).answers.map(body)).toEqual([
      errorBody("TEST", 500, 10111, "rollup not permitted"),
    ]);
    await rig.updateStream("TEST", { allow_rollup_hdrs: true });
    await rig.publish("TEST", plainMsg("foo"));
    await rig.publish("TEST", plainMsg("foo"));
    expect((await rig.publish("TEST", rollup)).answers.map(body)).toEqual([ack(3)]);
    expect((await rig.messages("TEST")).map((m) => m.seq)).toEqual([3]);
  });

  it("refuses counters and schedules with the errors of a stream where they are off", async () => {
    await rig.createStream({ name: "TEST", subjects: ["foo"], allow_atomic: true });
    const incr = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-Incr", "1"]] }));
    expect(incr.answers.map(body)).toEqual([errorBody("TEST", 400, 10168, "message counters is disabled")]);
    const bad = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-Incr", "x"]] }));
    expect(bad.answers.map(body)).toEqual([errorBody("TEST", 400, 10171, "message counter increment is invalid")]);
    const sched = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-Schedule", "@every 1s"]] }));
    expect(sched.answers.map(body)).toEqual([errorBody("TEST", 400, 10188, "message schedules is disabled")]);
    await rig.publish("TEST", batchMsg("foo", "b", 1, { headers: [["Nats-Incr", "1"]] }));
    const commit = await rig.publish("TEST", batchMsg("foo", "b", 2, { commit: "1", reply: "r" }));
    expect(commit.answers.map(body)).toEqual([errorBody("TEST", 400, 10168, "message counters is disabled")]);
  });
});
