/**
 * The leader's side of apply and its guards: in-flight accounting released by onApplied or by
 * a view that is already ahead, PubAcks and no-op errors built from ApplyResults, and inputs the
 * stream's op codec would refuse never becoming proposals.
 */
import { afterEach, describe, expect, it } from "vitest";
import { decodeOp, limits as streamLimits } from "@flotilla/stream";
import { PublishStatus, resolveBatchLimits } from "@flotilla/batching";
import { batchMsg, body, errorBody, plainMsg } from "./support/leader-rig";
import { StoreRig } from "./support/store-rig";

let rig: StoreRig;
afterEach(async () => rig.close());

async function open(config: Record<string, unknown> = {}) {
  rig = await StoreRig.open();
  await rig.createStream({ name: "TEST", subjects: ["foo", "bar"], allow_atomic: true, ...config });
}

describe("in-flight accounting across propose and apply", () => {
  it("assigns consecutive sequences to proposals in flight and releases them on apply", async () => {
    await open();
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo"));
    await rig.publish("TEST", batchMsg("bar", "b", 1));
    await rig.publish("TEST", batchMsg("bar", "b", 2, { commit: "1", reply: "r" }));
    await rig.publish("TEST", plainMsg("foo", { reply: "r" }));
    expect(rig.held.map((bytes) => decodeOp(bytes)).map((op) => (op.op === "batch" ? op.firstSeq : op.op === "msg" ? op.seq : 0))).toEqual([1, 2, 4]);
    expect(rig.leader.inflightSnapshot("TEST")).toMatchObject({
      subjects: { foo: { bytes: 66, ops: 2 }, bar: { ops: 2 } },
      pendingProposals: 3,
    });
    expect((await rig.applyHeld()).map(body)).toEqual([
      '{"stream":"TEST","seq":3,"batch":"b","count":2}',
      '{"stream":"TEST","seq":4}',
    ]);
    expect(rig.leader.inflightSnapshot("TEST")).toMatchObject({ subjects: {}, pendingProposals: 0 });
  });

  it("releases proposals the view already holds even before onApplied is called", async () => {
    await open({ discard: "new", max_msgs: 2 });
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo", { headers: [["Nats-Msg-Id", "x"]] }));
    const bytes = rig.held.shift() as Uint8Array;
    await rig.store.applyEncoded(50, bytes);
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(1);
    const next = await rig.publish("TEST", plainMsg("foo", { reply: "r" }));
    expect(next.status).toBe(PublishStatus.Proposed);
    expect(rig.leader.inflightSnapshot("TEST")).toMatchObject({ msgIds: [], subjects: { foo: { ops: 1 } }, pendingProposals: 1 });
    expect(decodeOp(rig.held[0] as Uint8Array)).toMatchObject({ op: "msg", seq: 2 });
  });

  it("answers an entry that apply turned into a no-op with its error", async () => {
    await open();
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo", { reply: "r" }));
    await rig.apply({ op: "stream.delete", stream: "TEST" });
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
    expect((await rig.applyHeld()).map(body)).toEqual([errorBody("TEST", 404, 10059, "stream not found")]);
  });

  it("drops in-flight state and batches on leadership loss, and starts from the applied state", async () => {
    await open();
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo"));
    await rig.publish("TEST", batchMsg("foo", "open", 1));
    rig.leader.onLeadershipLost();
    expect(rig.leader.batchesInflight()).toBe(0);
    expect(rig.leader.inflightSnapshot("TEST").pendingProposals).toBe(0);
    rig.held.splice(0);
    await rig.publish("TEST", plainMsg("foo"));
    expect(decodeOp(rig.held[0] as Uint8Array)).toMatchObject({ op: "msg", seq: 1 });
  });
});

describe("guards for what the op codec refuses", () => {
  it("drops a wildcard or malformed subject without an answer or a proposal", async () => {
    await open();
    for (const subject of ["foo.*", "foo.>", "", "a..b", "foo bar"]) {
      const out = await rig.publish("TEST", plainMsg(subject, { reply: "r" }));
      expect(out.status).toBe(PublishStatus.Dropped);
      expect(out.answers).toEqual([]);
    }
    expect(rig.held).toEqual([]);
  });

  it("refuses a message above the store's message bound with 10054", async () => {
    await open();
    const data = "x".repeat(streamLimits.MESSAGE_BYTES_MAX);
    const out = await rig.publish("TEST", plainMsg("foo", { reply: "r", data }));
    expect(out.answers.map(body)).toEqual([errorBody("TEST", 400, 10054, "message size exceeds maximum allowed")]);
  });

  it("refuses a Nats-Msg-Id longer than the store keeps with 10003", async () => {
    await open();
    const headers: [string, string][] = [["Nats-Msg-Id", "i".repeat(streamLimits.MSG_ID_BYTES_MAX + 1)]];
    const out = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers }));
    expect(out.answers.map(body)).toEqual([errorBody("TEST", 400, 10003, "bad request")]);
    const ok = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-Msg-Id", "i".repeat(1024)]] }));
    expect(ok.answers.map(body)).toEqual(['{"stream":"TEST","seq":1}']);
  });

  it("caps batchMsgsMax at the codec's hard bound", () => {
    expect(resolveBatchLimits({ batchMsgsMax: 10 ** 9 }).batchMsgsMax).toBe(streamLimits.BATCH_MSGS_MAX_HARD);
  });

  it("stores a per-message TTL the leader decided, and refuses TTLs on streams without them", async () => {
    await open();
    const ttl = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-TTL", "5s"]] }));
    expect(ttl.answers.map(body)).toEqual([errorBody("TEST", 400, 10166, "per-message TTL is disabled")]);
    await rig.updateStream("TEST", { allow_msg_ttl: true });
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-TTL", "5s"]] }));
    await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-TTL", "never"]] }));
    const bad = await rig.publish("TEST", plainMsg("foo", { reply: "r", headers: [["Nats-TTL", "500ms"]] }));
    expect(bad.answers.map(body)).toEqual([errorBody("TEST", 400, 10165, "invalid per-message TTL")]);
    expect(rig.held.map((b) => decodeOp(b))).toMatchObject([{ ttlNs: 5_000_000_000n }, { ttlNs: -1n }]);
  });
});
