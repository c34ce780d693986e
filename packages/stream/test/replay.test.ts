import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { Level } from "level";
import { encodeOp, OpDecodeError, StoreUnusableError, StreamStore, type StreamOp } from "../src/index";
import { bytes, config, dumpDb, msg, openStore, SECOND_NS, T0, tempDir } from "./helpers";

function workload(): StreamOp[] {
  return [
    { op: "stream.create", config: config({ name: "S", subjects: ["s.>"], max_msgs_per_subject: 3, allow_rollup_hdrs: true, allow_msg_ttl: true }) },
    { op: "stream.create", config: config({ name: "K", subjects: ["k.*"], storage: "memory" }) },
    msg("S", 1, "s.a", { msgId: "a1" }),
    msg("S", 2, "s.b", { ttlNs: 3n * SECOND_NS }),
    {
      op: "batch", stream: "S", batchId: "b1", firstSeq: 3, timestampNs: T0 + 3n * SECOND_NS, reply: "r",
      msgs: [
        { subject: "s.a", headers: bytes("NATS/1.0\r\nNats-Batch-Id: b1\r\n\r\n"), data: bytes("x"), msgId: "a3" },
        { subject: "s.c", headers: null, data: bytes("y"), rollup: "sub" },
      ],
    },
    msg("K", 1, "k.x"),
    { op: "msg.delete", stream: "S", seq: 1 },
    { op: "expire", stream: "S", nowNs: T0 + 10n * SECOND_NS },
    { op: "purge", stream: "K" },
    msg("S", 5, "s.a", { timestampNs: T0 + 11n * SECOND_NS }),
  ];
}

async function applyAll(store: StreamStore, ops: StreamOp[]) {
  const results = [];
  for (const [i, op] of ops.entries()) results.push(await store.apply(i + 1, op));
  return results;
}

/** WrittenBatch is what one chained Level batch wrote: its operations and its write options. */
interface WrittenBatch {
  ops: { type: "put" | "del"; key: Uint8Array }[];
  options: unknown;
}

/**
 * recordBatches watches every chained batch `db` makes from now on; with `failWrite`, the next
 * batch's write rejects with it (as a failing disk would) after its operations were added.
 */
function recordBatches(db: Level<Uint8Array, Uint8Array>, failWrite?: Error): WrittenBatch[] {
  const written: WrittenBatch[] = [];
  const makeBatch = db.batch.bind(db) as () => ReturnType<typeof db.batch>;
  let failNext = failWrite;
  vi.spyOn(db, "batch").mockImplementation((() => {
    const batch = makeBatch();
    const record: WrittenBatch = { ops: [], options: undefined };
    const put = batch.put.bind(batch);
    const del = batch.del.bind(batch);
    const write = batch.write.bind(batch);
    const failure = failNext;
    failNext = undefined;
    batch.put = ((key: Uint8Array, value: Uint8Array) => (record.ops.push({ type: "put", key }), put(key, value))) as typeof batch.put;
    batch.del = ((key: Uint8Array) => (record.ops.push({ type: "del", key }), del(key))) as typeof batch.del;
    batch.write = (async (options: unknown) => {
      written.push({ ...record, options });
      if (failure !== undefined) {
        await batch.close();
        throw failure;
      }
      return write(options as Parameters<typeof write>[0]);
    }) as typeof batch.write;
    return batch;
  }) as unknown as typeof db.batch);
  return written;
}

function dbOf(store: StreamStore): Level<Uint8Array, Uint8Array> {
  return Reflect.get(store, "db") as Level<Uint8Array, Uint8Array>;
}

describe("replay safety", () => {
  it("re-applying every already applied entry changes nothing, byte for byte", async () => {
    const dir = await tempDir();
    const ops = workload();
    const first = await openStore(dir);
    const results = await applyAll(first, ops);
    expect(results.map((r) => r.kind)).toEqual([
      "stream.created", "stream.created", "stored", "stored", "stored", "stored", "msg.deleted", "expired", "purged", "stored",
    ]);
    const stateBefore = first.streams().map((v) => v.state());
    await first.close();
    const before = await dumpDb(join(dir, "db"));

    const second = await openStore(dir);
    expect(second.appliedIndex).toBe(ops.length);
    const replayed = await applyAll(second, ops);
    expect(replayed).toEqual(ops.map((_op, i) => ({ kind: "replayed", raftIndex: i + 1 })));
    expect(second.streams().map((v) => v.state())).toEqual(stateBefore);
    await second.close();
    expect(await dumpDb(join(dir, "db"))).toEqual(before);
  });

  it("a replay on a live store is refused by index, even for a different op", async () => {
    const store = await openStore();
    await applyAll(store, workload());
    const state = store.view("S")?.state();
    expect(await store.apply(3, { op: "purge", stream: "S" })).toEqual({ kind: "replayed", raftIndex: 3 });
    expect(store.view("S")?.state()).toEqual(state);
  });
});

describe("applying encoded entries", () => {
  it("decodes and applies; malformed bytes reject and change nothing", async () => {
    const store = await openStore();
    expect(await store.applyEncoded(1, encodeOp(workload()[0] as StreamOp))).toMatchObject({ kind: "stream.created", stream: "S" });
    expect(await store.applyEncoded(2, encodeOp(msg("S", 1, "s.a")))).toMatchObject({ kind: "stored", seq: 1 });
    await expect(store.applyEncoded(3, new Uint8Array([1, 0x91, 0x2a]))).rejects.toThrow(OpDecodeError);
    expect(store.appliedIndex).toBe(2);
    expect(await store.applyEncoded(3, encodeOp(msg("S", 2, "s.a")))).toMatchObject({ kind: "stored", seq: 2 });
  });
});

describe("durability", () => {
  it("entry writes are not fsynced by default; sync() fsyncs once; syncWrites fsyncs each entry", async () => {
    const store = await openStore();
    const written = recordBatches(dbOf(store));
    await store.sync();
    expect(written).toEqual([]);
    await store.apply(1, workload()[0] as StreamOp);
    await store.sync();
    expect(written.map((batch) => batch.options)).toEqual([{ sync: false }, { sync: true }]);
    expect(store.appliedIndex).toBe(1);

    const dir = await tempDir();
    const synced = await StreamStore.open(join(dir, "db"), { syncWrites: true });
    const syncedWritten = recordBatches(dbOf(synced));
    await synced.apply(1, workload()[0] as StreamOp);
    expect(syncedWritten.map((batch) => batch.options)).toEqual([{ sync: true }]);
    await synced.close();
  });
});

describe("atomicity of entry writes", () => {
  it("writes one Level batch per entry, holding every message and the applied index", async () => {
    const store = await openStore();
    await store.apply(1, workload()[0] as StreamOp);
    const written = recordBatches(dbOf(store));
    await store.apply(2, {
      op: "batch", stream: "S", batchId: "b", firstSeq: 1, timestampNs: T0,
      msgs: [1, 2, 3].map((k) => ({ subject: `s.${k}`, headers: null, data: bytes(`${k}`) })),
    });
    expect(written).toHaveLength(1);
    const ops = written[0]!.ops;
    expect(ops.filter((w) => w.type === "put" && w.key[0] === 0x03)).toHaveLength(3);
    expect(ops.some((w) => w.key[0] === 0x00)).toBe(true);
  });

  it("a failed batch write stores nothing of the batch and the store refuses further work", async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.apply(1, workload()[0] as StreamOp);
    await store.apply(2, msg("S", 1, "s.a"));
    await store.close();
    const before = await dumpDb(join(dir, "db"));
    const reopened = await openStore(dir);
    const written = recordBatches(dbOf(reopened), new Error("disk on fire"));
    const failing = reopened.apply(3, {
      op: "batch", stream: "S", batchId: "b", firstSeq: 2, timestampNs: T0,
      msgs: [{ subject: "s.a", headers: null, data: bytes("1") }, { subject: "s.b", headers: null, data: bytes("2") }],
    });
    await expect(failing).rejects.toThrow(StoreUnusableError);
    await expect(failing).rejects.toThrow("stream store: a write failed; reopen to rebuild from disk");
    expect(written).toHaveLength(1);
    expect(written[0]!.ops.filter((w) => w.type === "put" && w.key[0] === 0x03)).toHaveLength(2);
    await expect(reopened.apply(4, msg("S", 4, "s.a"))).rejects.toThrow(StoreUnusableError);
    await dbOf(reopened).close();
    expect(await dumpDb(join(dir, "db"))).toEqual(before);
    const recovered = await openStore(dir);
    expect(recovered.appliedIndex).toBe(2);
    expect(recovered.view("S")?.state()).toMatchObject({ messages: 1, last_seq: 1 });
  });
});
