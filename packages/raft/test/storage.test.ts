/** Storage tests: checksummed LevelDB log, hard state, snapshots, truncation and corruption. */
import { Level } from "level";
import { describe, expect, it } from "vitest";
import { EntryKind, type Entry } from "../src/core/types";
import {
  META_KEY, RaftStorage, StorageCorruptionError, hardKey, printKey, segmentKey, type StoredSnapshot,
} from "../src/internal";
import { bytes, encodeSegment, flipByte, storedLogSegments, tempDirsPerTest } from "./helpers";

const freshDir = tempDirsPerTest("storage");

function entry(index: number, term: number, text = `e${index}`): Entry {
  return { index, term, kind: EntryKind.Normal, data: bytes(text) };
}
function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}
const none = { hardState: null, snapshot: null, compactedThrough: null } as const;

async function reopen(dir: string): Promise<{ storage: RaftStorage; loaded: Awaited<ReturnType<RaftStorage["load"]>> }> {
  const storage = await RaftStorage.open(dir);
  return { storage, loaded: await storage.load() };
}

describe("storage - durable log", () => {
  it("round-trips entries and hard state across reopen", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 5, 1), hardState: { term: 1, vote: "n1", commit: 3 } });
    await s.close();
    const { storage, loaded } = await reopen(dir);
    expect(loaded.hardState).toEqual({ term: 1, vote: "n1", commit: 3 });
    expect(loaded.entries.map((e) => [e.index, e.term, Buffer.from(e.data).toString()])).toEqual(
      [1, 2, 3, 4, 5].map((i) => [i, 1, `e${i}`]),
    );
    expect(loaded.corruptions).toEqual([]);
    expect(storage.storedRange()).toEqual({ first: 1, last: 5 });
    await storage.close();
  });

  it("overwriting a suffix deletes the conflicting entries", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 6, 1) });
    await s.persist({ ...none, entries: [entry(4, 2, "new4")] });
    await s.close();
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 2]]);
    expect(Buffer.from(loaded.entries[3]!.data).toString()).toBe("new4");
    await storage.close();
    // The cut segment was rewritten with its entries below the cut; the new entry has its own.
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/1-3", "L/4-4"]);
  });

  it("an overwrite at a segment boundary deletes the segments above; a cut at a segment's first drops it", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 3, 1) });
    await s.persist({ ...none, entries: entries(4, 6, 1) });
    await s.persist({ ...none, entries: entries(7, 9, 1) });
    await s.persist({ ...none, entries: entries(4, 5, 2) });
    expect(s.storedRange()).toEqual({ first: 1, last: 5 });
    await s.persist({ ...none, entries: entries(6, 6, 2) });
    await s.persist({ ...none, entries: entries(2, 2, 3) });
    await s.close();
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/1-1", "L/2-2"]);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 3]]);
    expect(loaded.corruptions).toEqual([]);
    await storage.close();
  });

  it("cutting a segment whose record is corrupt fails the persist with the segment named", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 6, 1) });
    // Corrupt the record under the open store, as a bad disk block read back would be.
    const db = (s as unknown as { db: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).db;
    await db.put(segmentKey(1, 6), Uint8Array.of(1, 2, 3, 4, 5));
    await expect(s.persist({ ...none, entries: [entry(4, 2)] })).rejects.toThrow(
      /^storage record L\/1-6 is corrupt: crc32c mismatch/,
    );
    await s.close();
  });

  it("load refuses overlapping segments: the log is truncated before the second", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 4, 1) });
    await s.close();
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    await db.open();
    const key = segmentKey(3, 5);
    await db.put(key, encodeSegment(entries(3, 5, 1), 0, 2, key));
    await db.close();
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(loaded.corruptions.map((c) => [c.key, c.reason, c.repairTargetIndex])).toEqual([
      ["L/3-5", "overlaps the segment ending at 4", 5],
    ]);
    await storage.close();
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/1-4"]);
  });

  it("a Ready's entries are one segment up to LOG_SEGMENT_BYTES_MAX; a larger run is split", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    const big = (index: number): Entry => ({ index, term: 1, kind: EntryKind.Normal, data: new Uint8Array(400 * 1024).fill(index) });
    await s.persist({ ...none, entries: [1, 2, 3, 4, 5].map(big) });
    await s.persist({ ...none, entries: entries(6, 105, 1) });
    await s.close();
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/1-2", "L/3-4", "L/5-5", "L/6-105"]);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => e.index)).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
    expect(loaded.entries[4]!.data).toEqual(new Uint8Array(400 * 1024).fill(5));
    await storage.close();
  });

  it("compaction deletes entries and a snapshot's chunks stream back with checksums", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 5, 1) });
    await s.persist({ ...none, entries: entries(6, 10, 1) });
    const gen = s.allocateGeneration();
    await s.writeChunk(gen, 0, bytes("abc"));
    await s.writeChunk(gen, 1, bytes("defg"));
    const snap: StoredSnapshot = { meta: { index: 7, term: 1, peers: ["n1", "n2"] }, gen, chunks: 2, bytes: 7 };
    await s.saveSnapshot(snap);
    await s.persist({ ...none, entries: [], compactedThrough: 5 });
    await s.close();
    const { storage, loaded } = await reopen(dir);
    expect(loaded.snapshot).toEqual(snap);
    expect(loaded.entries.map((e) => e.index)).toEqual([8, 9, 10]);
    expect(storage.storedRange()).toEqual({ first: 6, last: 10 });
    const chunks: string[] = [];
    for await (const chunk of storage.readChunks(snap)) chunks.push(Buffer.from(chunk).toString());
    expect(chunks).toEqual(["abc", "defg"]);
    await storage.close();
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/6-10"]);
  });

  it("compaction keeps a segment reaching above the compaction point; load skips its compacted entries", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 10, 1) });
    const gen = s.allocateGeneration();
    await s.writeChunk(gen, 0, bytes("abc"));
    await s.saveSnapshot({ meta: { index: 7, term: 1, peers: ["n1"] }, gen, chunks: 1, bytes: 3 });
    await s.persist({ ...none, entries: [], compactedThrough: 5 });
    await s.persist({ ...none, entries: entries(11, 12, 1) });
    await s.persist({ ...none, entries: [], compactedThrough: 7 });
    await s.close();
    expect((await storedLogSegments(dir)).map(printKey)).toEqual(["L/1-10", "L/11-12"]);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => e.index)).toEqual([8, 9, 10, 11, 12]);
    expect(storage.storedRange()).toEqual({ first: 1, last: 12 });
    await storage.close();
  });

  it("a failed background compaction fails the next persist and close, and loses no entry", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 5, 1) });
    await s.persist({ ...none, entries: entries(6, 10, 1) });
    // The range delete runs in the background; make LevelDB's clear fail as a dying disk would.
    const db = (s as unknown as { db: { clear: (range: unknown) => Promise<void> } }).db;
    db.clear = () => Promise.reject(new Error("clear failed: disk gone"));
    await s.persist({ ...none, entries: [], compactedThrough: 5 });
    await s.compactionSettled();
    await expect(s.persist({ ...none, entries: [entry(11, 1)] })).rejects.toThrow("clear failed: disk gone");
    await expect(s.close()).rejects.toThrow("clear failed: disk gone");
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await storage.close();
  });

  it("a commit-only change is never written by itself: it rides the next batch or a clean close", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 4, 2), hardState: { term: 2, vote: "n1", commit: 1 } });
    expect(s.syncCount).toBe(1);
    await s.persist({ ...none, entries: [], hardState: { term: 2, vote: "n1", commit: 3 } });
    expect(s.syncCount).toBe(1);
    await s.close(false); // a crash: the commit advance is lost
    const crashed = await reopen(dir);
    expect(crashed.loaded.hardState).toEqual({ term: 2, vote: "n1", commit: 1 });
    await crashed.storage.persist({ ...none, entries: [], hardState: { term: 2, vote: "n1", commit: 2 } });
    await crashed.storage.persist({ ...none, entries: [entry(5, 2)] });
    expect(crashed.storage.syncCount).toBe(1);
    await crashed.storage.close(false);
    const carried = await reopen(dir);
    expect(carried.loaded.hardState).toEqual({ term: 2, vote: "n1", commit: 2 });
    await carried.storage.persist({ ...none, entries: [], hardState: { term: 2, vote: "n1", commit: 5 } });
    await carried.storage.close();
    const stopped = await reopen(dir);
    expect(stopped.loaded.hardState).toEqual({ term: 2, vote: "n1", commit: 5 });
    await stopped.storage.close();
  });

  it("a vote change with no entries is still fsynced at once", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: [], hardState: { term: 3, vote: "n2", commit: 0 } });
    expect(s.syncCount).toBe(1);
    expect(s.durable()).toEqual({ lastIndex: 0, term: 3, vote: "n2" });
    await s.close(false);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.hardState).toEqual({ term: 3, vote: "n2", commit: 0 });
    await storage.close();
  });

  it("installing a received snapshot resets the log and drops stray staged generations", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 4, 1) });
    const stray = s.allocateGeneration();
    await s.writeChunk(stray, 0, bytes("half-transfer"));
    const gen = s.allocateGeneration();
    await s.writeChunk(gen, 0, bytes("state"));
    const snap: StoredSnapshot = { meta: { index: 20, term: 3, peers: ["n1"] }, gen, chunks: 1, bytes: 5 };
    await s.persist({ hardState: { term: 3, vote: null, commit: 20 }, entries: [entry(21, 3)], snapshot: snap, compactedThrough: null });
    await s.close();
    const { storage, loaded } = await reopen(dir);
    expect(loaded.snapshot).toEqual(snap);
    expect(loaded.entries.map((e) => e.index)).toEqual([21]);
    expect(storage.storedRange()).toEqual({ first: 21, last: 21 });
    const strayChunks: Uint8Array[] = [];
    const strayMeta: StoredSnapshot = { ...snap, gen: stray };
    await expect(async () => {
      for await (const c of storage.readChunks(strayMeta)) strayChunks.push(c);
    }).rejects.toThrow("snapshot has 0 of 1 chunks");
    await storage.close();
  });
});

describe("storage - checksums", () => {
  it("a flipped byte in a log record truncates the log before it and reports the repair target", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 5, 2), hardState: { term: 2, vote: "n2", commit: 4 } });
    await s.persist({ ...none, entries: entries(6, 10, 2), hardState: { term: 2, vote: "n2", commit: 9 } });
    await s.close();
    await flipByte(dir, segmentKey(6, 10), 12);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(loaded.hardState).toEqual({ term: 2, vote: "n2", commit: 5 });
    expect(loaded.corruptions).toHaveLength(1);
    expect(loaded.corruptions[0]!.key).toBe("L/6-10");
    expect(loaded.corruptions[0]!.reason).toMatch(/^crc32c mismatch/);
    expect(loaded.corruptions[0]!.repairTargetIndex).toBe(10);
    expect(storage.storedRange()).toEqual({ first: 1, last: 5 });
    expect(storage.repairTarget).toBe(10);
    await storage.close();
    const again = await reopen(dir);
    expect(again.loaded.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(again.loaded.corruptions).toEqual([]);
    await again.storage.close();
  });

  it("the repair target is stored with the dropped records, so a restart mid-repair resumes it until endRepair is written", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    expect(s.repairTarget).toBe(0);
    await s.persist({ ...none, entries: entries(1, 5, 2), hardState: { term: 2, vote: "n2", commit: 4 } });
    await s.persist({ ...none, entries: entries(6, 10, 2), hardState: { term: 2, vote: "n2", commit: 9 } });
    await s.close();
    await flipByte(dir, segmentKey(6, 10), 12);
    const first = await reopen(dir);
    expect(first.storage.repairTarget).toBe(10);
    // Repaired up to 8 from a leader, then a crash: the records no longer show the loss.
    await first.storage.persist({ ...none, entries: entries(6, 8, 3), hardState: { term: 3, vote: null, commit: 8 } });
    await first.storage.close(false);
    const second = await reopen(dir);
    expect(second.loaded.corruptions).toEqual([]);
    expect(second.loaded.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(second.storage.repairTarget).toBe(10);
    // endRepair takes effect with the next hard-state write, not before.
    second.storage.endRepair();
    expect(second.storage.repairTarget).toBe(0);
    await second.storage.close(false);
    const third = await reopen(dir);
    expect(third.storage.repairTarget).toBe(10);
    third.storage.endRepair();
    await third.storage.persist({ ...none, entries: entries(9, 10, 3), hardState: { term: 3, vote: null, commit: 10 } });
    await third.storage.close();
    const fourth = await reopen(dir);
    expect(fourth.storage.repairTarget).toBe(0);
    expect(fourth.loaded.hardState).toEqual({ term: 3, vote: null, commit: 10 });
    await fourth.storage.close();
  });

  it("a raised repair target is written, synced, by the next persist, even one with nothing else to write", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 3, 2), hardState: { term: 2, vote: "n1", commit: 1 } });
    const syncs = s.syncCount;
    s.raiseRepairTarget(40);
    s.raiseRepairTarget(30);
    expect(s.repairTarget).toBe(40);
    await s.persist({ ...none, entries: [] });
    expect(s.syncCount).toBe(syncs + 1);
    await s.persist({ ...none, entries: [] });
    expect(s.syncCount).toBe(syncs + 1);
    await s.close(false);
    const { storage, loaded } = await reopen(dir);
    expect(storage.repairTarget).toBe(40);
    expect(loaded.hardState).toEqual({ term: 2, vote: "n1", commit: 1 });
    await storage.close();
  });

  it("a repair target raised while a persist is under way is written by the next persist", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    const writing = s.persist({ ...none, entries: entries(1, 3, 2), hardState: { term: 2, vote: "n1", commit: 0 } });
    s.raiseRepairTarget(25);
    await writing;
    await s.persist({ ...none, entries: [] });
    await s.close(false);
    const { storage, loaded } = await reopen(dir);
    expect(storage.repairTarget).toBe(25);
    expect(loaded.hardState).toEqual({ term: 2, vote: "n1", commit: 0 });
    await storage.close();
  });

  it("a rejoin is stored with its repair target, kept by later raises, and cleared with the repair", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    s.raiseRepairTarget(12, true);
    s.raiseRepairTarget(20);
    await s.persist({ ...none, entries: [], hardState: { term: 3, vote: null, commit: 0 } });
    await s.close(false);
    const reopened = await reopen(dir);
    expect({ target: reopened.storage.repairTarget, rejoining: reopened.storage.rejoining }).toEqual({ target: 20, rejoining: true });
    reopened.storage.endRepair();
    await reopened.storage.persist({ ...none, entries: [], hardState: { term: 4, vote: "n2", commit: 0 } });
    await reopened.storage.close(false);
    const { storage } = await reopen(dir);
    expect({ target: storage.repairTarget, rejoining: storage.rejoining }).toEqual({ target: 0, rejoining: false });
    await storage.close();
  });

  it("discarding snapshot and log stores the repair target with the discard", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 4, 1), hardState: { term: 1, vote: "n1", commit: 4 } });
    await s.discardSnapshotAndLog({ term: 1, vote: "n1", commit: 4 }, 30);
    expect(s.repairTarget).toBe(30);
    await s.close(false);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.entries).toEqual([]);
    expect(loaded.corruptions).toEqual([]);
    expect(loaded.hardState).toEqual({ term: 1, vote: "n1", commit: 0 });
    expect(storage.repairTarget).toBe(30);
    await storage.close();
  });

  it("one corrupt hard-state copy falls back to the other and is rewritten from it; both corrupt refuses to start", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 2, 4), hardState: { term: 4, vote: "n3", commit: 2 } });
    await s.close();
    await flipByte(dir, hardKey(0), 6);
    const first = await reopen(dir);
    expect(first.loaded.hardState).toEqual({ term: 4, vote: "n3", commit: 2 });
    expect(first.loaded.corruptions.map((c) => c.key)).toEqual(["h/00"]);
    await first.storage.close();
    // Nothing was persisted since, yet copy 0 was repaired by the load: its twin can now fail.
    await flipByte(dir, hardKey(1), 6);
    const second = await reopen(dir);
    expect(second.loaded.hardState).toEqual({ term: 4, vote: "n3", commit: 2 });
    expect(second.loaded.corruptions.map((c) => c.key)).toEqual(["h/01"]);
    await second.storage.close();
    await flipByte(dir, hardKey(0), 6);
    await flipByte(dir, hardKey(1), 6);
    const storage = await RaftStorage.open(dir);
    await expect(storage.load()).rejects.toThrow(StorageCorruptionError);
    await expect(storage.load()).rejects.toThrow("storage record h/* is corrupt: both hard-state copies are corrupt");
    await storage.close();
  });

  it("a corrupt snapshot meta drops the snapshot and the log after it; repair targets the old commit", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    await s.persist({ ...none, entries: entries(1, 10, 1) });
    await s.persist({ ...none, entries: entries(11, 12, 1), hardState: { term: 1, vote: "n1", commit: 12 } });
    const gen = s.allocateGeneration();
    await s.writeChunk(gen, 0, bytes("state"));
    await s.saveSnapshot({ meta: { index: 10, term: 1, peers: ["n1"] }, gen, chunks: 1, bytes: 5 });
    await s.persist({ ...none, entries: [], compactedThrough: 10 });
    await s.close();
    await flipByte(dir, META_KEY, 7);
    const { storage, loaded } = await reopen(dir);
    expect(loaded.snapshot).toBeNull();
    expect(loaded.entries).toEqual([]);
    expect(loaded.hardState).toEqual({ term: 1, vote: "n1", commit: 0 });
    expect(loaded.corruptions.map((c) => [c.key, c.repairTargetIndex])).toEqual([["M/", 12], ["L/11-12", 12]]);
    expect(loaded.corruptions[1]!.reason).toBe("gap: expected index 1");
    expect(storage.storedRange()).toEqual({ first: 0, last: 0 });
    await storage.close();
  });

  it("a flipped byte in a snapshot chunk fails verification", async () => {
    const dir = await freshDir();
    const s = await RaftStorage.open(dir);
    await s.load();
    const gen = s.allocateGeneration();
    await s.writeChunk(gen, 0, bytes("snapshot-bytes"));
    const snap: StoredSnapshot = { meta: { index: 3, term: 1, peers: ["n1"] }, gen, chunks: 1, bytes: 14 };
    await s.saveSnapshot(snap);
    await s.verifySnapshot(snap);
    await s.close();
    const { snapKey } = await import("../src/internal");
    await flipByte(dir, snapKey(gen, 0), 9);
    const { storage } = await reopen(dir);
    await expect(storage.verifySnapshot(snap)).rejects.toThrow(/storage record S\/1\/0 is corrupt: crc32c mismatch/);
    await storage.close();
  });
});
