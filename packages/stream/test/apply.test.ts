import { describe, expect, it } from "vitest";
import { AssertionError } from "../src/assert";
import type { StreamMemory } from "../src/stream-memory";
import { TTL_NEVER_NS, type BatchOp, type StreamView } from "../src/index";
import { Applier, bytes, config, msg, openStore, reopen, SECOND_NS, T0, tempDir } from "./helpers";

async function setup(input: Record<string, unknown>) {
  const store = await openStore();
  const a = new Applier(store);
  await a.apply({ op: "stream.create", config: config({ subjects: ["s.>"], ...input, name: "S" }) });
  return { store, a, view: store.view("S") as StreamView };
}

async function storedSeqs(view: StreamView): Promise<number[]> {
  const seqs: number[] = [];
  for (let seq = 1; seq <= view.lastSeq; seq++) if ((await view.getMessage(seq)) !== undefined) seqs.push(seq);
  return seqs;
}

function batch(firstSeq: number, subjects: string[], extra: Partial<BatchOp> = {}): BatchOp {
  return {
    op: "batch", stream: "S", batchId: "b", firstSeq, timestampNs: T0 + BigInt(firstSeq) * SECOND_NS, reply: "r",
    msgs: subjects.map((subject, k) => ({ subject, headers: null, data: bytes(`b${firstSeq + k}`) })), ...extra,
  };
}

describe("apply: single messages and batches", () => {
  it("stores a batch at consecutive sequences with one shared timestamp", async () => {
    const { a, view } = await setup({});
    await a.apply(msg("S", 1, "s.a"));
    expect(await a.apply(batch(2, ["s.a", "s.b", "s.c"]))).toEqual({
      kind: "stored", stream: "S", seq: 4, firstSeq: 2, count: 3, batchId: "b", reply: "r", removed: 0,
    });
    const m3 = await view.getMessage(3);
    expect(m3).toEqual({ seq: 3, subject: "s.b", headers: null, data: bytes("b3"), timestampNs: T0 + 2n * SECOND_NS, ttlDeadlineNs: 0n });
    expect((await view.getMessage(4))?.timestampNs).toBe(T0 + 2n * SECOND_NS);
    expect(view.state()).toMatchObject({ messages: 4, first_seq: 1, last_seq: 4, num_subjects: 3, last_ts: T0 + 2n * SECOND_NS });
    expect(view.subjectLastSeq("s.a")).toBe(2);
    expect(view.subjectLastSeq("s.*")).toBe(4);
    expect(view.subjectLastSeq("s.>")).toBe(4);
    expect(view.subjectLastSeq("x.*")).toBe(0);
    expect(view.subjectMsgCount("s.a")).toBe(2);
    expect(view.subjectCounts()).toEqual(new Map([["s.a", 2], ["s.b", 1], ["s.c", 1]]));
    expect(view.subjectCounts("s.b")).toEqual(new Map([["s.b", 1]]));
    expect((await view.lastMessage("s.a"))?.seq).toBe(2);
    expect(await view.lastMessage("s.zzz")).toBeUndefined();
  });

  it("a sequence that is not last + 1 is an assertion failure; the store then refuses all work", async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const a = new Applier(store);
    await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.>"] }) });
    await a.apply(msg("S", 1, "s.a"));
    await expect(store.apply(10, msg("S", 3, "s.a"))).rejects.toThrow(AssertionError);
    await expect(store.apply(11, msg("S", 2, "s.a"))).rejects.toThrow(
      "stream store: apply broke an invariant; reopen to rebuild from disk",
    );
    const reopened = await reopen(store, dir);
    await expect(reopened.apply(11, batch(5, ["s.a"]))).rejects.toThrow("batch S: firstSeq 5 is not last 1 + 1");
    const again = await reopen(reopened, dir);
    expect(again.view("S")?.state()).toMatchObject({ messages: 1, last_seq: 1 });
    expect(again.appliedIndex).toBe(2);
  });

  it("answers ops on a missing stream with a deterministic noop carrying 10059", async () => {
    const { a } = await setup({});
    expect(await a.apply(msg("NOPE", 1, "x", { reply: "r" }))).toEqual({
      kind: "noop", op: "msg", stream: "NOPE", reply: "r", error: { code: 404, err_code: 10059, description: "stream not found" },
    });
    expect(await a.apply({ op: "purge", stream: "NOPE" })).toMatchObject({ kind: "noop", op: "purge" });
  });

  it("starts at first_seq when configured", async () => {
    const { a, view } = await setup({ first_seq: 100 });
    expect(view.state()).toMatchObject({ first_seq: 100, last_seq: 99, messages: 0 });
    expect(await a.apply(msg("S", 100, "s.a"))).toMatchObject({ seq: 100 });
  });
});

describe("apply: limits", () => {
  it("discard old drops the oldest messages over max_msgs", async () => {
    const { a, view } = await setup({ max_msgs: 3 });
    for (let seq = 1; seq <= 5; seq++) await a.apply(msg("S", seq, "s.a"));
    expect(await storedSeqs(view)).toEqual([3, 4, 5]);
    expect(view.state()).toMatchObject({ messages: 3, first_seq: 3, last_seq: 5, num_deleted: 0 });
  });

  it("discard old drops the oldest messages over max_bytes", async () => {
    // Each message is 30 + 3 (subject) + 2 (payload) = 35 bytes in file storage.
    const { a, view } = await setup({ max_bytes: 100 });
    for (let seq = 1; seq <= 4; seq++) await a.apply(msg("S", seq, "s.a"));
    expect(await storedSeqs(view)).toEqual([3, 4]);
    expect(view.state().bytes).toBe(70);
  });

  it("discard new stores what the leader proposed (its checks refuse over-limit messages)", async () => {
    const { a, view } = await setup({ max_msgs: 2, discard: "new" });
    for (let seq = 1; seq <= 3; seq++) await a.apply(msg("S", seq, "s.a"));
    expect(await storedSeqs(view)).toEqual([1, 2, 3]);
  });

  it("max_msgs_per_subject drops the oldest message of that subject only", async () => {
    const { a, view } = await setup({ max_msgs_per_subject: 2 });
    const subjects = ["s.a", "s.b", "s.a", "s.a", "s.b", "s.a"];
    for (const [i, subject] of subjects.entries()) await a.apply(msg("S", i + 1, subject));
    expect(await storedSeqs(view)).toEqual([2, 4, 5, 6]);
    expect(view.state()).toMatchObject({ messages: 4, first_seq: 2, num_deleted: 1 });
  });

  it("the per-subject limit holds whatever the discard policy, as in nats-server's stores", async () => {
    const { a, view } = await setup({ max_msgs_per_subject: 1, discard: "new", discard_new_per_subject: true });
    await a.apply(msg("S", 1, "s.a"));
    await a.apply(msg("S", 2, "s.a"));
    expect(await storedSeqs(view)).toEqual([2]);
  });

  it("a config update that lowers limits applies them at once", async () => {
    const { a, view } = await setup({});
    for (let seq = 1; seq <= 6; seq++) await a.apply(msg("S", seq, seq % 2 === 0 ? "s.even" : "s.odd"));
    const result = await a.apply({ op: "stream.update", config: config({ name: "S", subjects: ["s.>"], max_msgs_per_subject: 2, max_msgs: 3 }) });
    expect(result).toMatchObject({ kind: "stream.updated", removed: 3 });
    expect(await storedSeqs(view)).toEqual([4, 5, 6]);
    expect(view.config.max_msgs).toBe(3);
  });
});

describe("apply: rollups", () => {
  it("rollup sub purges the subject's older messages", async () => {
    const { a, view } = await setup({ allow_rollup_hdrs: true });
    for (const [i, subject] of ["s.a", "s.b", "s.a"].entries()) await a.apply(msg("S", i + 1, subject));
    expect(await a.apply(msg("S", 4, "s.a", { rollup: "sub" }))).toMatchObject({ seq: 4, removed: 2 });
    expect(await storedSeqs(view)).toEqual([2, 4]);
  });

  it("rollup all purges the whole stream, keeping the new message", async () => {
    const { a, view } = await setup({ allow_rollup_hdrs: true });
    for (const [i, subject] of ["s.a", "s.b", "s.c"].entries()) await a.apply(msg("S", i + 1, subject));
    await a.apply(batch(4, ["s.x", "s.y"], { msgs: [{ subject: "s.x", headers: null, data: bytes("x"), rollup: "all" }, { subject: "s.y", headers: null, data: bytes("y") }] }));
    expect(await storedSeqs(view)).toEqual([4, 5]);
    expect(view.state()).toMatchObject({ messages: 2, first_seq: 4, last_seq: 5, num_subjects: 2 });
  });
});

describe("apply: purge (nats-server PurgeEx semantics)", () => {
  async function filled() {
    const ctx = await setup({});
    const subjects = ["s.a", "s.b", "s.a", "s.c", "s.a", "s.b"];
    for (const [i, subject] of subjects.entries()) await ctx.a.apply(msg("S", i + 1, subject));
    return ctx;
  }

  it.each([
    [{}, 6, [], { first_seq: 7, last_seq: 6 }],
    [{ seq: 4 }, 3, [4, 5, 6], { first_seq: 4, last_seq: 6 }],
    [{ seq: 1 }, 0, [1, 2, 3, 4, 5, 6], { first_seq: 1, last_seq: 6 }],
    [{ seq: 7 }, 6, [], { first_seq: 7, last_seq: 6 }],
    [{ seq: 10 }, 6, [], { first_seq: 10, last_seq: 9 }],
    [{ keep: 2 }, 4, [5, 6], { first_seq: 5, last_seq: 6 }],
    [{ keep: 6 }, 0, [1, 2, 3, 4, 5, 6], { first_seq: 1 }],
    [{ filter: "s.a" }, 3, [2, 4, 6], { first_seq: 2 }],
    [{ filter: "s.a", keep: 1 }, 2, [2, 4, 5, 6], { first_seq: 2 }],
    [{ filter: "s.a", seq: 5 }, 2, [2, 4, 5, 6], { first_seq: 2 }],
    [{ filter: "s.a", seq: 6, keep: 2 }, 1, [2, 3, 4, 5, 6], { first_seq: 2 }],
    [{ filter: "s.*" }, 6, [], { first_seq: 7, last_seq: 6 }],
    [{ filter: ">", keep: 1 }, 5, [6], { first_seq: 6 }],
    [{ seq: 3, keep: 5 }, 2, [3, 4, 5, 6], { first_seq: 3 }],
    [{ filter: "s.a", seq: 1 }, 3, [2, 4, 6], { first_seq: 2 }],
    [{ filter: "s.zzz" }, 0, [1, 2, 3, 4, 5, 6], { first_seq: 1 }],
  ])("purge %j removes %i", async (params, purged, remaining, state) => {
    const { a, view } = await filled();
    expect(await a.apply({ op: "purge", stream: "S", ...params })).toEqual({ kind: "purged", stream: "S", purged });
    expect(await storedSeqs(view)).toEqual(remaining);
    expect(view.state()).toMatchObject({ messages: remaining.length, ...state });
    expect(view.state().num_subjects).toBe(new Set(remaining.map((seq) => ["s.a", "s.b", "s.a", "s.c", "s.a", "s.b"][seq - 1])).size);
  });

  it("keep without a filter compacts by sequence arithmetic, as nats-server does", async () => {
    const { a, view } = await filled();
    await a.apply({ op: "msg.delete", stream: "S", seq: 5 });
    expect(await a.apply({ op: "purge", stream: "S", keep: 2 })).toEqual({ kind: "purged", stream: "S", purged: 4 });
    expect(await storedSeqs(view)).toEqual([6]);
    expect(await a.apply({ op: "purge", stream: "S", keep: 1 })).toEqual({ kind: "purged", stream: "S", purged: 0 });
  });

  it("the next message after a purge past the end continues from the moved sequence", async () => {
    const { a, view } = await filled();
    await a.apply({ op: "purge", stream: "S", seq: 10 });
    expect(await a.apply(msg("S", 10, "s.a"))).toMatchObject({ seq: 10 });
    expect(view.state()).toMatchObject({ messages: 1, first_seq: 10, last_seq: 10 });
  });
});

describe("apply: delete", () => {
  it("deletes one message, tracks gaps and moves first_seq", async () => {
    const { a, view } = await setup({});
    for (let seq = 1; seq <= 4; seq++) await a.apply(msg("S", seq, "s.a"));
    expect(await a.apply({ op: "msg.delete", stream: "S", seq: 2 })).toEqual({ kind: "msg.deleted", stream: "S", seq: 2, found: true });
    expect(view.state()).toMatchObject({ messages: 3, first_seq: 1, num_deleted: 1 });
    expect(await a.apply({ op: "msg.delete", stream: "S", seq: 2 })).toEqual({ kind: "msg.deleted", stream: "S", seq: 2, found: false });
    await a.apply({ op: "msg.delete", stream: "S", seq: 1 });
    expect(view.state()).toMatchObject({ messages: 2, first_seq: 3, num_deleted: 0, first_ts: T0 + 3n * SECOND_NS });
    expect(view.subjectLastSeq("s.a")).toBe(4);
    await a.apply({ op: "msg.delete", stream: "S", seq: 4 });
    expect(view.subjectLastSeq("s.a")).toBe(3);
  });
});

describe("apply: expiry by the times carried in entries", () => {
  it("max_age expires messages when a later message's timestamp passes their age", async () => {
    const { a, view } = await setup({ max_age: 10 * 1e9 });
    await a.apply(msg("S", 1, "s.a", { timestampNs: T0 }));
    await a.apply(msg("S", 2, "s.a", { timestampNs: T0 + 5n * SECOND_NS }));
    expect(await a.apply(msg("S", 3, "s.a", { timestampNs: T0 + 10n * SECOND_NS }))).toMatchObject({ removed: 1 });
    expect(await storedSeqs(view)).toEqual([2, 3]);
  });

  it("expire op applies max_age at the leader's time; TTL never is exempt", async () => {
    const { a, view } = await setup({ max_age: 10 * 1e9, allow_msg_ttl: true });
    await a.apply(msg("S", 1, "s.a", { timestampNs: T0, ttlNs: TTL_NEVER_NS }));
    await a.apply(msg("S", 2, "s.b", { timestampNs: T0 }));
    await a.apply(msg("S", 3, "s.c", { timestampNs: T0 + 6n * SECOND_NS }));
    expect(await a.apply({ op: "expire", stream: "S", nowNs: T0 + 15n * SECOND_NS })).toEqual({ kind: "expired", stream: "S", removed: 1 });
    expect(await storedSeqs(view)).toEqual([1, 3]);
    expect((await view.getMessage(1))?.ttlDeadlineNs).toBe(-1n);
  });

  it("per-message TTL expires at timestamp + ttl, in deadline order", async () => {
    const { a, view } = await setup({ allow_msg_ttl: true });
    await a.apply(msg("S", 1, "s.a", { timestampNs: T0, ttlNs: 30n * SECOND_NS }));
    await a.apply(msg("S", 2, "s.b", { timestampNs: T0, ttlNs: 5n * SECOND_NS }));
    await a.apply(msg("S", 3, "s.c", { timestampNs: T0 }));
    expect((await view.getMessage(2))?.ttlDeadlineNs).toBe(T0 + 5n * SECOND_NS);
    expect(await a.apply({ op: "expire", stream: "S", nowNs: T0 + 4n * SECOND_NS })).toMatchObject({ removed: 0 });
    expect(await a.apply({ op: "expire", stream: "S", nowNs: T0 + 5n * SECOND_NS })).toMatchObject({ removed: 1 });
    expect(await a.apply(msg("S", 4, "s.d", { timestampNs: T0 + 30n * SECOND_NS }))).toMatchObject({ removed: 1 });
    expect(await storedSeqs(view)).toEqual([3, 4]);
  });

  it("drops heap entries of purged TTL messages once they outnumber the stream", async () => {
    const { a, view } = await setup({ allow_msg_ttl: true });
    const msgs = Array.from({ length: 1100 }, () => ({ subject: "s.a", headers: null, data: bytes("x"), ttlNs: 3600n * SECOND_NS }));
    await a.apply({ op: "batch", stream: "S", batchId: "t", firstSeq: 1, timestampNs: T0, msgs });
    const heap = (view as StreamMemory).ttl;
    expect(heap.size).toBe(1100);
    await a.apply({ op: "purge", stream: "S" });
    expect(heap.size).toBe(1100);
    await a.apply({ op: "expire", stream: "S", nowNs: T0 + SECOND_NS });
    expect(heap.size).toBe(0);
  });

  it("prunes the dedupe window by entry time, on disk too", async () => {
    const { store, a, view } = await setup({ duplicate_window: 10 * 1e9 });
    await a.apply(msg("S", 1, "s.a", { timestampNs: T0, msgId: "one" }));
    await a.apply(msg("S", 2, "s.a", { timestampNs: T0 + 5n * SECOND_NS, msgId: "two" }));
    expect(view.dedupe("one")).toEqual({ seq: 1, timestampNs: T0 });
    expect(view.dedupe("one", T0 + 9n * SECOND_NS)).toEqual({ seq: 1, timestampNs: T0 });
    expect(view.dedupe("one", T0 + 10n * SECOND_NS)).toBeUndefined();
    await a.apply({ op: "expire", stream: "S", nowNs: T0 + 9n * SECOND_NS });
    expect(view.dedupe("one")).toEqual({ seq: 1, timestampNs: T0 });
    await a.apply(msg("S", 3, "s.a", { timestampNs: T0 + 10n * SECOND_NS }));
    expect(view.dedupe("one")).toBeUndefined();
    expect(view.dedupe("two")).toEqual({ seq: 2, timestampNs: T0 + 5n * SECOND_NS });
    await a.apply({ op: "purge", stream: "S" });
    expect(view.dedupe("two")).toEqual({ seq: 2, timestampNs: T0 + 5n * SECOND_NS });
    expect(store.view("S")?.dedupe("two")).toBeDefined();
  });
});

describe("next expiry time for the leader's expire proposals", () => {
  it("is the earliest of TTL deadline, oldest message + max_age and oldest dedupe entry + window", async () => {
    const { store, a } = await setup({ max_age: 60 * 1e9, duplicate_window: 30 * 1e9, allow_msg_ttl: true });
    expect(store.nextExpiryNs("S")).toBeUndefined();
    await a.apply(msg("S", 1, "s.a", { timestampNs: T0, ttlNs: TTL_NEVER_NS }));
    expect(store.nextExpiryNs("S")).toBeUndefined();
    await a.apply(msg("S", 2, "s.a", { timestampNs: T0 + SECOND_NS }));
    expect(store.nextExpiryNs("S")).toBe(T0 + 61n * SECOND_NS);
    await a.apply(msg("S", 3, "s.a", { timestampNs: T0 + 2n * SECOND_NS, msgId: "m" }));
    expect(store.nextExpiryNs("S")).toBe(T0 + 32n * SECOND_NS);
    await a.apply(msg("S", 4, "s.a", { timestampNs: T0 + 3n * SECOND_NS, ttlNs: 5n * SECOND_NS }));
    expect(store.nextExpiryNs("S")).toBe(T0 + 8n * SECOND_NS);
    expect(store.nextExpiryNs("NOPE")).toBeUndefined();
  });
});

describe("reads for expected-last-msg-id, consumers and direct get", () => {
  it("lastMsgId is the id of the last message stored, kept after it is removed and on reopen", async () => {
    const { a, view } = await setup({});
    expect(view.lastMsgId()).toBe("");
    await a.apply(msg("S", 1, "s.a", { msgId: "x" }));
    expect(view.lastMsgId()).toBe("x");
    await a.apply({ op: "msg.delete", stream: "S", seq: 1 });
    expect(view.lastMsgId()).toBe("x");
    await a.apply(msg("S", 2, "s.a"));
    expect(view.lastMsgId()).toBe("");
  });

  it("nextSeq finds the next stored sequence, optionally on a subject or filter", async () => {
    const { a, view } = await setup({});
    const subjects = ["s.a", "s.b", "s.a", "s.c.d", "s.b"];
    for (const [i, subject] of subjects.entries()) await a.apply(msg("S", i + 1, subject));
    await a.apply({ op: "msg.delete", stream: "S", seq: 2 });
    expect([0, 1, 2, 3, 6].map((from) => view.nextSeq(from))).toEqual([1, 1, 3, 3, 0]);
    expect([1, 2, 4].map((from) => view.nextSeq(from, "s.b"))).toEqual([5, 5, 5]);
    expect(view.nextSeq(4, "s.a")).toBe(0);
    expect(view.nextSeq(2, "s.*")).toBe(3);
    expect(view.nextSeq(4, "s.c.*")).toBe(4);
    expect(view.nextSeq(1, "x.>")).toBe(0);
    expect(view.nextSeq(2, ">")).toBe(3);
  });

  it("markApplied advances the applied index without touching streams, and is replay-safe", async () => {
    const { store, a } = await setup({});
    await a.apply(msg("S", 1, "s.a"));
    expect(await store.markApplied(10)).toBe(true);
    expect(store.appliedIndex).toBe(10);
    expect(await store.markApplied(10)).toBe(false);
    expect(await store.apply(9, msg("S", 2, "s.a"))).toEqual({ kind: "replayed", raftIndex: 9 });
    expect(store.view("S")?.state().messages).toBe(1);
  });
});

describe("apply: stream admin ops", () => {
  it("create is idempotent for an identical config and refuses a different one or an overlap", async () => {
    const { a } = await setup({});
    expect(await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.>"] }) })).toMatchObject({ kind: "stream.created", existed: true });
    expect(await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.x"] }) })).toEqual({
      kind: "noop", op: "stream.create", stream: "S", error: { code: 400, err_code: 10058, description: "stream name already in use with a different configuration" },
    });
    expect(await a.apply({ op: "stream.create", config: config({ name: "T", subjects: ["s.x"] }) })).toMatchObject({
      kind: "noop", error: { err_code: 10065 },
    });
  });

  it("delete removes the stream and every key it had", async () => {
    const { store, a } = await setup({});
    await a.apply(msg("S", 1, "s.a", { msgId: "x" }));
    expect(await a.apply({ op: "stream.delete", stream: "S" })).toEqual({ kind: "stream.deleted", stream: "S" });
    expect(store.view("S")).toBeUndefined();
    expect(store.streams()).toEqual([]);
    expect(await a.apply({ op: "stream.delete", stream: "S" })).toMatchObject({ kind: "noop", error: { err_code: 10059 } });
  });
});
