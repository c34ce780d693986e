/**
 * Segment values built in reused scratch memory: the arena's own rules, and the log that many
 * batches built in the same memory leave on disk, byte for byte.
 */
import { describe, expect, it } from "vitest";
import { EntryKind, type Entry } from "../src/core/types";
import { RaftStorage, segmentKey } from "../src/internal";
import { segmentValueBytes, writeSegment } from "../src/storage/codec";
import { LOG_SEGMENT_BYTES_MAX, SCRATCH_BYTES_MAX, SCRATCH_BYTES_MIN } from "../src/storage/limits";
import { ScratchArena } from "../src/storage/scratch";
import { encodeSegment, tempDirsPerTest } from "./helpers";

const freshDir = tempDirsPerTest("scratch");

describe("ScratchArena", () => {
  it("values taken since a reset never share memory; after a reset the same memory is handed out again", () => {
    const arena = new ScratchArena();
    const a = arena.take(100).fill(1);
    const b = arena.take(300).fill(2);
    expect(a.every((byte) => byte === 1)).toBe(true);
    expect(b.every((byte) => byte === 2)).toBe(true);
    arena.reset();
    const again = arena.take(100);
    expect(again.buffer).toBe(a.buffer);
    expect(again.byteOffset).toBe(a.byteOffset);
  });

  it("moves to a larger buffer when full, leaving the values already taken intact", () => {
    const arena = new ScratchArena();
    const first = arena.take(1000).fill(7);
    const second = arena.take(SCRATCH_BYTES_MIN).fill(8);
    expect(second.buffer).not.toBe(first.buffer);
    expect(second.buffer.byteLength).toBe(2 * SCRATCH_BYTES_MIN);
    expect(first.every((byte) => byte === 7)).toBe(true);
    expect(second.every((byte) => byte === 8)).toBe(true);
  });

  it("gives a value above SCRATCH_BYTES_MAX memory of its own and keeps the arena as it was", () => {
    const arena = new ScratchArena();
    const small = arena.take(64);
    const huge = arena.take(SCRATCH_BYTES_MAX + 1);
    expect(huge.length).toBe(SCRATCH_BYTES_MAX + 1);
    expect(huge.buffer).not.toBe(small.buffer);
    const next = arena.take(64);
    expect(next.buffer).toBe(small.buffer);
    expect(next.byteOffset).toBe(small.byteOffset + 64);
  });
});

describe("segments written into scratch memory", () => {
  const entry = (index: number, fill: number, bytes = 10): Entry => ({
    index, term: 3, kind: EntryKind.Normal, data: new Uint8Array(bytes).fill(fill),
  });

  it("writeSegment into dirty memory gives encodeSegment's bytes; a wrongly sized target is refused", () => {
    const entries = [entry(5, 1), entry(6, 2, 0), entry(7, 3, 33)];
    const key = segmentKey(5, 7);
    const dirty = new Uint8Array(segmentValueBytes(entries, 0, 2)).fill(0xee);
    expect(Buffer.from(writeSegment(dirty, entries, 0, 2, key))).toEqual(Buffer.from(encodeSegment(entries, 0, 2, key)));
    expect(() => writeSegment(new Uint8Array(dirty.length + 1), entries, 0, 2, key))
      .toThrow(`segment value of ${dirty.length} bytes written into ${dirty.length + 1}`);
  });

  it("a log persisted batch after batch through the same memory, with splits and a cut, reloads exactly", async () => {
    const dir = await freshDir();
    const storage = await RaftStorage.open(dir);
    await storage.load();
    const none = { hardState: null, snapshot: null, compactedThrough: null } as const;
    const expected = new Map<number, Entry>();
    const persist = async (batch: Entry[]): Promise<void> => {
      await storage.persist({ ...none, entries: batch });
      for (const e of batch) expected.set(e.index, e);
      for (const index of [...expected.keys()]) if (index > batch.at(-1)!.index) expected.delete(index);
    };
    // Ready after Ready of different sizes, one split in two segments, then a cut that rewrites a segment.
    await persist(Array.from({ length: 50 }, (_, i) => entry(i + 1, i + 1, 1000)));
    await persist(Array.from({ length: 3 }, (_, i) => entry(51 + i, 200 + i, LOG_SEGMENT_BYTES_MAX / 2)));
    await persist(Array.from({ length: 20 }, (_, i) => entry(54 + i, 100 + i, 7)));
    await persist([entry(60, 250, 500), entry(61, 251, 3)]);
    await storage.close();
    const reopened = await RaftStorage.open(dir);
    const loaded = await reopened.load();
    await reopened.close();
    expect(loaded.corruptions).toEqual([]);
    expect(loaded.entries.map((e) => [e.index, Buffer.from(e.data).toString("hex")]))
      .toEqual([...expected.values()].map((e) => [e.index, Buffer.from(e.data).toString("hex")]));
    expect(loaded.entries.at(-1)!.index).toBe(61);
  });
});
