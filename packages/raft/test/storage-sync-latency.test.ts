/** The sync-latency histogram: buckets, cumulative reads, and the window between two reads. */
import { describe, expect, it } from "vitest";
import { AssertionError } from "../src/assert";
import { RaftStorage } from "../src/internal";
import { EntryKind } from "../src/core/types";
import { SYNC_LATENCY_BUCKETS_MS, SyncLatency, syncLatencyBetween } from "../src/storage/sync-latency";
import { bytes, tempDirsPerTest } from "./helpers";

const freshDir = tempDirsPerTest("sync-latency");

describe("sync latency histogram", () => {
  it("counts each sync in the first bucket whose bound it does not exceed, cumulatively", () => {
    const h = new SyncLatency();
    for (const ms of [0.1, 0.125, 0.3, 1, 1.5, 5000]) h.record(ms);
    const read = h.read();
    expect(read.count).toBe(6);
    expect(read.sumMs).toBeCloseTo(5003.025, 9);
    // bounds: 0.125 0.25 0.5 1 2 4 ... 1024; 5000 ms is beyond the last and only in count.
    expect(read.atMost).toEqual([2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(read.atMost).toHaveLength(SYNC_LATENCY_BUCKETS_MS.length);
  });

  it("a reading is a copy: later syncs do not change it", () => {
    const h = new SyncLatency();
    h.record(0.2);
    const first = h.read();
    h.record(0.2);
    expect(first.count).toBe(1);
    expect(first.atMost[1]).toBe(1);
    expect(h.read().atMost[1]).toBe(2);
  });

  it("refuses a negative or non-finite duration", () => {
    const h = new SyncLatency();
    expect(() => h.record(-0.001)).toThrow(AssertionError);
    expect(() => h.record(Number.NaN)).toThrow("a sync duration is a finite non-negative number of ms");
    expect(h.read().count).toBe(0);
  });

  it("the difference of two reads is exactly the syncs between them", () => {
    const h = new SyncLatency();
    for (const ms of [3, 3, 3]) h.record(ms); // before the window: slow
    const before = h.read();
    for (const ms of [0.2, 0.4, 0.6, 2.5]) h.record(ms);
    const delta = syncLatencyBetween(before, h.read(), 0.5);
    expect(delta.count).toBe(4);
    expect(delta.meanMs).toBeCloseTo(0.925, 9);
    expect(delta.shareOver).toBe(0.5);
    expect(syncLatencyBetween(before, h.read(), 2).shareOver).toBe(0.25);
    expect(syncLatencyBetween(before, before, 1)).toEqual({ count: 0, meanMs: 0, shareOver: 0 });
  });

  it("refuses a threshold that is not a bucket bound, and readings in the wrong order", () => {
    const h = new SyncLatency();
    const empty = h.read();
    h.record(1);
    expect(() => syncLatencyBetween(empty, h.read(), 0.75)).toThrow(
      "0.75 ms is not a bucket bound (0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)",
    );
    expect(() => syncLatencyBetween(h.read(), empty, 1)).toThrow("the later reading has fewer syncs than the earlier one");
  });

  it("storage records one duration per synced batch and none for a Ready that writes nothing", async () => {
    const dir = await freshDir();
    const storage = await RaftStorage.open(dir);
    await storage.load();
    const data = (i: number) => ({ index: i, term: 1, kind: EntryKind.Normal, data: bytes(`e${i}`) });
    await storage.persist({ hardState: { term: 1, vote: "n1", commit: 0 }, entries: [data(1), data(2)], snapshot: null, compactedThrough: null });
    await storage.persist({ hardState: null, entries: [data(3)], snapshot: null, compactedThrough: null });
    // A commit-only hard state is carried by the next batch, not written (and synced) alone.
    await storage.persist({ hardState: { term: 1, vote: "n1", commit: 3 }, entries: [], snapshot: null, compactedThrough: null });
    const read = storage.syncLatency.read();
    expect(storage.syncCount).toBe(2);
    expect(read.count).toBe(2);
    expect(read.sumMs).toBeGreaterThan(0);
    await storage.close();
  });
});
