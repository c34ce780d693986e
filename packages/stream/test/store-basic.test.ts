import { describe, expect, it } from "vitest";
import { Applier, bytes, config, msg, openStore, reopen, T0, tempDir, SECOND_NS } from "./helpers";

describe("store basics", () => {
  it("creates a stream, stores messages, and rebuilds the same state on reopen", async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const a = new Applier(store);
    expect(await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["s.>"] }) })).toEqual({
      kind: "stream.created",
      stream: "S",
      config: config({ name: "S", subjects: ["s.>"] }),
      existed: false,
    });
    expect(await a.apply(msg("S", 1, "s.a", { reply: "r1", msgId: "id1" }))).toEqual({
      kind: "stored", stream: "S", seq: 1, firstSeq: 1, count: 1, reply: "r1", removed: 0,
    });
    await a.apply(msg("S", 2, "s.b", { headers: bytes("NATS/1.0\r\nA: b\r\n\r\n") }));
    const view = store.view("S");
    expect(view?.state()).toEqual({
      messages: 2, bytes: (30 + 3 + 2) + (30 + 3 + 4 + 18 + 2), first_seq: 1, last_seq: 2,
      first_ts: T0 + SECOND_NS, last_ts: T0 + 2n * SECOND_NS, num_subjects: 2, num_deleted: 0,
    });
    expect(view?.dedupe("id1")).toEqual({ seq: 1, timestampNs: T0 + SECOND_NS });
    expect(await view?.getMessage(2)).toEqual({
      seq: 2, subject: "s.b", headers: bytes("NATS/1.0\r\nA: b\r\n\r\n"), data: bytes("m2"),
      timestampNs: T0 + 2n * SECOND_NS, ttlDeadlineNs: 0n,
    });
    const reopened = await reopen(store, dir);
    expect(reopened.appliedIndex).toBe(3);
    expect(reopened.view("S")?.state()).toEqual(view?.state());
    expect(reopened.view("S")?.dedupe("id1")).toEqual({ seq: 1, timestampNs: T0 + SECOND_NS });
  });

  it("keeps a leading U+FEFF in subjects and msg-ids across reopen (a BOM is bytes, not a marker)", async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const a = new Applier(store);
    await a.apply({ op: "stream.create", config: config({ name: "S", subjects: ["\uFEFFs.a", "s.a"] }) });
    await a.apply(msg("S", 1, "\uFEFFs.a", { msgId: "\uFEFFid" }));
    await a.apply(msg("S", 2, "s.a", { msgId: "id" }));
    const reopened = await reopen(store, dir);
    const view = reopened.view("S");
    expect((await view?.getMessage(1))?.subject).toBe("\uFEFFs.a");
    expect(view?.state().num_subjects).toBe(2);
    expect(view?.dedupe("\uFEFFid")).toEqual({ seq: 1, timestampNs: T0 + SECOND_NS });
    expect(view?.dedupe("id")).toEqual({ seq: 2, timestampNs: T0 + 2n * SECOND_NS });
    expect(view?.lastMsgId()).toBe("id");
  });
});
