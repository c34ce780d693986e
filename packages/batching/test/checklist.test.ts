/**
 * Items of spec §9 (conformance checklist), §3.3 and §5.1 that the nats-server-named tests do
 * not pin on their own, through the BatchingLeader and the real StreamStore: a duplicate batch
 * sequence, the commit after a `large` abandonment, errors of staged messages answered only at
 * commit (first failing message wins), generic arrival checks that leave the batch untouched,
 * and the checks counting proposals still in flight (10158, discard new, expected sequences).
 */
import { afterEach, describe, expect, it } from "vitest";
import { batchMsg, body, errorBody, plainMsg } from "./support/leader-rig";
import { EMPTY_INFLIGHT, StoreRig } from "./support/store-rig";

let rig: StoreRig;
afterEach(async () => rig.close());

const empty = new Uint8Array(0);
const incomplete = errorBody("TEST", 400, 10176, "atomic publish batch is incomplete");
const batchAck = (seq: number, count: number, batch = "uuid") =>
  `{"stream":"TEST","seq":${seq},"batch":"${batch}","count":${count}}`;

function advisory(reason: string, id: number, batch = "uuid"): string {
  return (
    `{"type":"io.nats.jetstream.advisory.v1.stream_batch_abandoned","id":"adv-${id}",` +
    `"timestamp":"2023-11-14T22:13:20Z","stream":"TEST","batch":"${batch}","reason":"${reason}"}`
  );
}

async function open(config: Record<string, unknown> = {}, limits = {}): Promise<void> {
  rig = await StoreRig.open(limits);
  await rig.createStream({ name: "TEST", subjects: ["foo.*"], allow_atomic: true, ...config });
}

describe("§9 items 1, 2 and 5: unknown and aborted batches", () => {
  it("an unknown batch at seq 0 is 10176 (seq 0 never matches) and keeps no state", async () => {
    await open();
    const zero = await rig.publish("TEST", batchMsg("foo.a", "uuid", 0, { reply: "r" }));
    expect(zero.answers.map(body)).toEqual([incomplete]);
    expect(zero.advisories).toEqual([]);
    expect(rig.leader.batchesInflight()).toBe(0);
  });

  it("a duplicate sequence (1, 2, 2) aborts with advisory incomplete; message 3 is then 10176 without one", async () => {
    await open();
    await rig.publish("TEST", batchMsg("foo.a", "uuid", 1));
    await rig.publish("TEST", batchMsg("foo.a", "uuid", 2));
    const dup = await rig.publish("TEST", batchMsg("foo.a", "uuid", 2, { reply: "r" }));
    expect(dup.answers.map(body)).toEqual([incomplete]);
    expect(dup.advisories.map(body)).toEqual([advisory("incomplete", 1)]);
    const next = await rig.publish("TEST", batchMsg("foo.a", "uuid", 3, { commit: "1", reply: "r" }));
    expect(next.answers.map(body)).toEqual([incomplete]);
    expect(next.advisories).toEqual([]);
    expect(rig.leader.batchesInflight()).toBe(0);
    expect(rig.store.view("TEST")?.state().messages).toBe(0);
  });

  it("after the message past the maximum aborted the batch (advisory large), its commit is 10199 without one", async () => {
    await open({}, { batchMsgsMax: 3 });
    for (let seq = 1; seq <= 3; seq++) await rig.publish("TEST", batchMsg("foo.a", "uuid", seq));
    const over = await rig.publish("TEST", batchMsg("foo.a", "uuid", 4, { reply: "r" }));
    const tooLarge = errorBody("TEST", 400, 10199, "atomic publish batch is too large: 3");
    expect(over.answers.map(body)).toEqual([tooLarge]);
    expect(over.advisories.map(body)).toEqual([advisory("large", 1)]);
    const commit = await rig.publish("TEST", batchMsg("foo.a", "uuid", 5, { commit: "1", reply: "r" }));
    expect(commit.answers.map(body)).toEqual([tooLarge]);
    expect(commit.advisories).toEqual([]);
  });
});

describe("§9 item 6 and §5.1 step 17: checks run at commit, the first failing message answers", () => {
  it("a bad header on message 2 gets an empty ack; the commit answers its error and stores nothing", async () => {
    await open();
    const first = await rig.publish("TEST", batchMsg("foo.a", "uuid", 1, { reply: "r1" }));
    expect(first.answers).toEqual([{ subject: "r1", data: empty }]);
    const ttl = await rig.publish("TEST", batchMsg("foo.b", "uuid", 2, { reply: "r2", headers: [["Nats-TTL", "5s"]] }));
    expect(ttl.answers).toEqual([{ subject: "r2", data: empty }]);
    const other = [["Nats-Expected-Stream", "OTHER"]] as [string, string][];
    const commit = await rig.publish("TEST", batchMsg("foo.c", "uuid", 3, { commit: "1", reply: "r3", headers: other }));
    expect(commit.answers.map(body)).toEqual([errorBody("TEST", 400, 10166, "per-message TTL is disabled")]);
    expect(commit.advisories).toEqual([]);
    expect(rig.store.view("TEST")?.state().messages).toBe(0);
    expect(rig.leader.inflightSnapshot("TEST")).toEqual(EMPTY_INFLIGHT);
  });

  it("Nats-Expected-Last-Msg-Id on message 2 does not hide message 1's error (10060 before 10177)", async () => {
    await open();
    await rig.publish("TEST", batchMsg("foo.a", "uuid", 1, { headers: [["Nats-Expected-Stream", "OTHER"]] }));
    const elmi = [["Nats-Expected-Last-Msg-Id", "x"]] as [string, string][];
    const commit = await rig.publish("TEST", batchMsg("foo.a", "uuid", 2, { commit: "1", reply: "r", headers: elmi }));
    expect(commit.answers.map(body)).toEqual([errorBody("TEST", 400, 10060, "expected stream does not match")]);
  });
});

describe("§3.3: generic arrival checks run before any batch logic", () => {
  it("a message over max_msg_size is 10054 and leaves the open batch as it was", async () => {
    await open({ max_msg_size: 100 });
    await rig.publish("TEST", batchMsg("foo.a", "uuid", 1));
    const big = await rig.publish("TEST", batchMsg("foo.a", "uuid", 2, { reply: "r", data: "x".repeat(100) }));
    expect(big.answers.map(body)).toEqual([errorBody("TEST", 400, 10054, "message size exceeds maximum allowed")]);
    expect(big.advisories).toEqual([]);
    expect(rig.leader.openBatchIds("TEST")).toEqual(["uuid"]);
    const retry = await rig.publish("TEST", batchMsg("foo.a", "uuid", 2, { commit: "1", reply: "r", data: "x" }));
    expect(retry.answers.map(body)).toEqual([batchAck(2, 2)]);
  });
});

describe("§4.1 and §9 items 8 and 10: the checks count proposals still in flight", () => {
  it("a batch reusing the Msg-Id of a plain proposal in flight is 10158 (409), then 10201 once applied", async () => {
    await open();
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo.a", { headers: [["Nats-Msg-Id", "a"]] }));
    const batch = batchMsg("foo.a", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Msg-Id", "a"]] });
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([
      errorBody("TEST", 409, 10158, "duplicate message id is in process"),
    ]);
    await rig.applyHeld();
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10201, "atomic publish batch contains duplicate message id"),
    ]);
  });

  it("discard new counts stored + in flight + the whole batch against max_msgs", async () => {
    await open({ discard: "new", max_msgs: 3 });
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo.a"));
    await rig.publish("TEST", plainMsg("foo.a"));
    await rig.publish("TEST", batchMsg("foo.b", "two", 1));
    const two = await rig.publish("TEST", batchMsg("foo.b", "two", 2, { commit: "1", reply: "r" }));
    expect(two.answers.map(body)).toEqual([errorBody("TEST", 503, 10077, "maximum messages exceeded")]);
    await rig.publish("TEST", batchMsg("foo.b", "one", 1, { commit: "1", reply: "r" }));
    expect((await rig.applyHeld()).map(body)).toEqual([batchAck(3, 1, "one")]);
    expect(rig.store.view("TEST")?.state().messages).toBe(3);
  });

  it("the first message's expected last sequence counts in-flight proposals (10071 names that sequence)", async () => {
    await open();
    rig.autoApply = false;
    await rig.publish("TEST", plainMsg("foo.a", { reply: "p" }));
    const stale = batchMsg("foo.b", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Expected-Last-Sequence", "0"]] });
    expect((await rig.publish("TEST", stale)).answers.map(body)).toEqual([
      errorBody("TEST", 400, 10071, "wrong last sequence: 1"),
    ]);
    const right = batchMsg("foo.b", "uuid", 1, { commit: "1", reply: "r", headers: [["Nats-Expected-Last-Sequence", "1"]] });
    const out = await rig.publish("TEST", right);
    expect(out.proposal?.firstSeq).toBe(2);
    expect((await rig.applyHeld()).map(body)).toEqual(['{"stream":"TEST","seq":1}', batchAck(2, 1)]);
  });

  it("an expected-subject check in flight on a filter makes the same check in a batch 10164", async () => {
    await open();
    rig.autoApply = false;
    const check: [string, string][] = [
      ["Nats-Expected-Last-Subject-Sequence", "0"],
      ["Nats-Expected-Last-Subject-Sequence-Subject", "foo.*"],
    ];
    await rig.publish("TEST", plainMsg("foo.a", { headers: check }));
    expect(rig.leader.inflightSnapshot("TEST").expectedPerSubjectInProcess).toEqual(["foo.*"]);
    const batch = batchMsg("foo.b", "uuid", 1, { commit: "1", reply: "r", headers: check });
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([errorBody("TEST", 400, 10164, "wrong last sequence")]);
    await rig.applyHeld();
    expect(rig.leader.inflightSnapshot("TEST")).toEqual(EMPTY_INFLIGHT);
    // Applied, the check reads the store: foo.* now ends at sequence 1.
    expect((await rig.publish("TEST", batch)).answers.map(body)).toEqual([errorBody("TEST", 400, 10071, "wrong last sequence: 1")]);
  });
});

describe("§1.3 step 1: a fast-batch reply is classified before Nats-Batch-Id", () => {
  it("answers 10205 to any reply ending in .$FI (allow_batched is always off) and stores nothing", async () => {
    await open();
    const disabled = errorBody("TEST", 400, 10205, "batch publish is disabled");
    const fast = await rig.publish("TEST", plainMsg("foo.a", { reply: "_INBOX.x.uuid.10.fail.1.0.$FI" }));
    expect(fast.answers).toEqual([{ subject: "_INBOX.x.uuid.10.fail.1.0.$FI", data: new TextEncoder().encode(disabled) }]);
    const unparsable = await rig.publish("TEST", batchMsg("foo.a", "uuid", 1, { commit: "1", reply: "x.$FI" }));
    expect(unparsable.answers.map(body)).toEqual([disabled]);
    expect(rig.leader.batchesInflight()).toBe(0);
    // Exactly the suffix is not longer than 4 bytes, so it is an ordinary reply (nats-server's rule).
    expect((await rig.publish("TEST", plainMsg("foo.a", { reply: ".$FI" }))).answers.map(body)).toEqual([
      '{"stream":"TEST","seq":1}',
    ]);
    expect(rig.store.view("TEST")?.state().messages).toBe(1);
  });
});

describe("§1.2: a batch id is scoped to its stream", () => {
  it("the same id on two streams makes two unrelated batches", async () => {
    await open();
    await rig.createStream({ name: "OTHER", subjects: ["bar.*"], allow_atomic: true });
    await rig.publish("TEST", batchMsg("foo.a", "uuid", 1));
    await rig.publish("OTHER", batchMsg("bar.a", "uuid", 1));
    expect(rig.leader.batchesInflight()).toBe(2);
    const test = await rig.publish("TEST", batchMsg("foo.a", "uuid", 2, { commit: "1", reply: "r" }));
    expect(test.answers.map(body)).toEqual([batchAck(2, 2)]);
    const other = await rig.publish("OTHER", batchMsg("bar.a", "uuid", 2, { commit: "1", reply: "r" }));
    expect(other.answers.map(body)).toEqual(['{"stream":"OTHER","seq":2,"batch":"uuid","count":2}']);
    expect(rig.leader.batchesInflight()).toBe(0);
  });
});
