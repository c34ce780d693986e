import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { subjectMatches, type MsgFields, type StreamOp, type StreamStore, type StreamView } from "../src/index";
import { chunksOf, collect, config, dumpDb, openStore, reopen, SECOND_NS, T0, tempDir } from "./helpers";
import { StreamModel, type ModelNewMsg } from "./model";

const SUBJECTS = ["s.a", "s.b", "s.c", "s.d.e"] as const;
const FILTERS = [...SUBJECTS, "s.*", "s.>", ">", "s.d.*"] as const;
const IDS = ["i1", "i2", "i3", "i4", "i5"] as const;

interface MsgInput {
  subject: string;
  dataBytes: number;
  withHeaders: boolean;
  msgId: string | undefined;
  ttl: "none" | "never" | number;
  rollup: "sub" | "all" | undefined;
}

type Cmd =
  | { t: "msg"; dtSeconds: number; msg: MsgInput }
  | { t: "batch"; dtSeconds: number; msgs: MsgInput[] }
  | { t: "purge"; filter: string | undefined; seqOffset: number; useSeq: boolean; keep: number }
  | { t: "delete"; seqOffset: number }
  | { t: "expire"; dtSeconds: number };

interface ConfigInput {
  max_msgs: number;
  max_bytes: number;
  max_msgs_per_subject: number;
  max_age_s: number;
  window_s: number;
  storage: string;
  first_seq: number;
  discard: string;
  discard_new_per_subject: boolean;
}

const arbMsg: fc.Arbitrary<MsgInput> = fc.record({
  subject: fc.constantFrom(...SUBJECTS),
  dataBytes: fc.integer({ min: 0, max: 40 }),
  withHeaders: fc.boolean(),
  msgId: fc.option(fc.constantFrom(...IDS), { nil: undefined }),
  ttl: fc.constantFrom<"none" | "never" | number>("none", "none", "never", 2, 10, 40),
  rollup: fc.constantFrom(undefined, undefined, undefined, "sub" as const, "all" as const),
});

const arbCommand: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("msg" as const), dtSeconds: fc.integer({ min: -2, max: 8 }), msg: arbMsg }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("batch" as const), dtSeconds: fc.integer({ min: 0, max: 8 }), msgs: fc.array(arbMsg, { minLength: 1, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("purge" as const), filter: fc.option(fc.constantFrom(...FILTERS), { nil: undefined }), seqOffset: fc.integer({ min: -8, max: 3 }), useSeq: fc.boolean(), keep: fc.constantFrom(0, 0, 1, 3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("delete" as const), seqOffset: fc.integer({ min: -8, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("expire" as const), dtSeconds: fc.integer({ min: 0, max: 30 }) }) },
);

const arbConfig: fc.Arbitrary<ConfigInput> = fc.record({
  max_msgs: fc.constantFrom(-1, 3, 8),
  max_bytes: fc.constantFrom(-1, 200, 500),
  max_msgs_per_subject: fc.constantFrom(-1, 1, 2),
  max_age_s: fc.constantFrom(0, 15, 60),
  window_s: fc.constantFrom(5, 15),
  storage: fc.constantFrom("file", "memory"),
  first_seq: fc.constantFrom(0, 1, 50),
  discard: fc.constantFrom("old", "old", "new"),
  discard_new_per_subject: fc.boolean(),
});

function toFields(m: MsgInput): MsgFields {
  const fields: MsgFields = {
    subject: m.subject,
    headers: m.withHeaders ? new TextEncoder().encode(`NATS/1.0\r\nK: ${m.dataBytes}\r\n\r\n`) : null,
    data: new Uint8Array(m.dataBytes).fill(m.dataBytes),
  };
  if (m.msgId !== undefined) fields.msgId = m.msgId;
  if (m.ttl === "never") fields.ttlNs = -1n;
  else if (typeof m.ttl === "number") fields.ttlNs = BigInt(m.ttl) * SECOND_NS;
  if (m.rollup !== undefined) fields.rollup = m.rollup;
  return fields;
}

async function compare(view: StreamView, model: StreamModel): Promise<void> {
  expect(view.state()).toEqual(model.state());
  expect(view.lastSeq).toBe(model.last);
  const stored = [];
  for (let seq = Math.max(1, model.first); seq <= model.last; seq++) {
    const m = await view.getMessage(seq);
    if (m !== undefined) stored.push({ seq: m.seq, subject: m.subject, headers: m.headers, data: m.data, ts: m.timestampNs, ttlDeadline: m.ttlDeadlineNs });
  }
  expect(stored).toEqual(model.msgs);
  for (const id of IDS) expect(view.dedupe(id)).toEqual(model.dedupe.get(id));
  for (const filter of FILTERS) expect(view.subjectLastSeq(filter)).toBe(model.lastSeqFor(filter));
  expect(view.lastMsgId()).toBe(model.lastMsgId);
  for (const filter of [undefined, ...FILTERS]) {
    const expected = new Map<string, number>();
    for (const m of model.msgs) {
      if (filter === undefined || subjectMatches(filter, m.subject)) expected.set(m.subject, (expected.get(m.subject) ?? 0) + 1);
    }
    expect(new Map([...view.subjectCounts(filter)].sort())).toEqual(new Map([...expected].sort()));
  }
  for (const from of [0, model.first + 1, model.last - 2]) {
    expect(view.nextSeq(from)).toBe(model.nextSeq(from, undefined));
    for (const filter of FILTERS) expect(view.nextSeq(from, filter)).toBe(model.nextSeq(from, filter));
  }
  for (const subject of SUBJECTS) expect(view.subjectMsgCount(subject)).toBe(model.msgs.filter((m) => m.subject === subject).length);
}

function toOp(cmd: Cmd, model: StreamModel, now: bigint): { op: StreamOp; apply: () => void } {
  switch (cmd.t) {
    case "msg": {
      const fields = toFields(cmd.msg);
      const seq = model.last + 1;
      return { op: { op: "msg", stream: "S", seq, timestampNs: now, ...fields }, apply: () => { model.expire(now); model.store(seq, now, fields as ModelNewMsg); } };
    }
    case "batch": {
      const msgs = cmd.msgs.map(toFields);
      const firstSeq = model.last + 1;
      return {
        op: { op: "batch", stream: "S", batchId: "b", firstSeq, timestampNs: now, msgs },
        apply: () => { model.expire(now); msgs.forEach((m, k) => model.store(firstSeq + k, now, m as ModelNewMsg)); },
      };
    }
    case "purge": {
      const seq = cmd.useSeq ? Math.max(1, model.last + cmd.seqOffset) : 0;
      const op: StreamOp = { op: "purge", stream: "S" };
      if (cmd.filter !== undefined) op.filter = cmd.filter;
      if (seq > 0) op.seq = seq;
      if (cmd.keep > 0) op.keep = cmd.keep;
      return { op, apply: () => void model.purge(cmd.filter, seq, cmd.keep) };
    }
    case "delete": {
      const seq = Math.max(1, model.last + cmd.seqOffset);
      return { op: { op: "msg.delete", stream: "S", seq }, apply: () => void model.delete(seq) };
    }
    case "expire":
      return { op: { op: "expire", stream: "S", nowNs: now }, apply: () => model.expire(now) };
  }
}

function configFor(cfgInput: ConfigInput) {
  return config({
    name: "S", subjects: ["s.>"], allow_rollup_hdrs: true, allow_msg_ttl: true, storage: cfgInput.storage,
    max_msgs: cfgInput.max_msgs, max_bytes: cfgInput.max_bytes, max_msgs_per_subject: cfgInput.max_msgs_per_subject,
    max_age: cfgInput.max_age_s * 1e9, duplicate_window: Math.min(cfgInput.window_s, cfgInput.max_age_s || 60) * 1e9,
    first_seq: cfgInput.first_seq, discard: cfgInput.discard,
    discard_new_per_subject: cfgInput.discard === "new" && cfgInput.max_msgs_per_subject > 0 && cfgInput.discard_new_per_subject,
  });
}

async function run(cfgInput: ConfigInput, cmds: Cmd[]): Promise<void> {
  const cfg = configFor(cfgInput);
  const dir = await tempDir();
  let store: StreamStore = await openStore(dir);
  let index = 1;
  await store.apply(index++, { op: "stream.create", config: cfg });
  const model = new StreamModel(cfg);
  let now = T0;
  for (const cmd of cmds) {
    if (cmd.t !== "purge" && cmd.t !== "delete") now += BigInt(cmd.dtSeconds) * SECOND_NS;
    const { op, apply } = toOp(cmd, model, now);
    await store.apply(index++, op);
    apply();
    await compare(store.view("S") as StreamView, model);
  }
  store = await reopen(store, dir);
  await compare(store.view("S") as StreamView, model);
}

/** opsFor turns commands into the ops a leader would propose, using a model for sequences. */
function opsFor(cfgInput: ConfigInput, cmds: Cmd[]): StreamOp[] {
  const cfg = configFor(cfgInput);
  const model = new StreamModel(cfg);
  const ops: StreamOp[] = [{ op: "stream.create", config: cfg }];
  let now = T0;
  for (const cmd of cmds) {
    if (cmd.t !== "purge" && cmd.t !== "delete") now += BigInt(cmd.dtSeconds) * SECOND_NS;
    const { op, apply } = toOp(cmd, model, now);
    ops.push(op);
    apply();
  }
  return ops;
}

async function applyRange(store: StreamStore, ops: StreamOp[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await store.apply(i + 1, ops[i] as StreamOp);
}

/**
 * runDisturbed applies the same ops three ways: straight; with a reopen midway after which
 * every op is re-applied from index 1 (a replay); and with a snapshot midway restored into a
 * fresh store that applies the rest. All three must end with identical stored bytes.
 */
async function runDisturbed(cfgInput: ConfigInput, cmds: Cmd[], cutRatio: number): Promise<void> {
  const ops = opsFor(cfgInput, cmds);
  const cut = Math.floor(ops.length * cutRatio);
  const straightDir = await tempDir();
  const straight = await openStore(straightDir);
  await applyRange(straight, ops, 0, ops.length);

  const replayDir = await tempDir();
  let replayed = await openStore(replayDir);
  await applyRange(replayed, ops, 0, cut);
  replayed = await reopen(replayed, replayDir);
  await applyRange(replayed, ops, 0, ops.length);

  const source = await openStore();
  await applyRange(source, ops, 0, cut);
  const chunks = await collect(source.snapshot());
  const restoredDir = await tempDir();
  const restored = await openStore(restoredDir);
  await restored.restore(chunksOf(chunks));
  await applyRange(restored, ops, cut, ops.length);

  const states = [straight, replayed, restored].map((s) => s.view("S")?.state());
  expect(states[1]).toEqual(states[0]);
  expect(states[2]).toEqual(states[0]);
  await Promise.all([straight.close(), replayed.close(), restored.close()]);
  const straightBytes = await dumpDb(join(straightDir, "db"));
  expect(await dumpDb(join(replayDir, "db"))).toEqual(straightBytes);
  expect(await dumpDb(join(restoredDir, "db"))).toEqual(straightBytes);
}

describe("replay and restore midway end in the same bytes as a straight run", () => {
  it("random ops, random cut point", async () => {
    await fc.assert(
      fc.asyncProperty(arbConfig, fc.array(arbCommand, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), runDisturbed),
      { numRuns: 25 },
    );
  });
});

describe("store against a naive reference model", () => {
  it("random ops give the same messages and state, before and after reopening", async () => {
    await fc.assert(fc.asyncProperty(arbConfig, fc.array(arbCommand, { minLength: 1, maxLength: 40 }), run), { numRuns: 60 });
  });
});
