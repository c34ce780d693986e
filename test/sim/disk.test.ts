/** SimDisk: writes are durable only after sync; a crash loses unsynced writes. */
import { describe, expect, it } from "vitest";
import { ViolationError } from "./checkers/violation";
import { SimDisk } from "./disk";
import { CHAIN_HASH_EMPTY, chainHash } from "./hash";
import { EntryKind, type Entry } from "./raft";

function entry(index: number, term: number, byte = index): Entry {
  return { index, term, kind: EntryKind.Normal, data: new Uint8Array([byte]) };
}

function entries(from: number, to: number, term: number): Entry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));
}

describe("SimDisk", () => {
  it("loses unsynced entries and hard state on crash", () => {
    const disk = new SimDisk("n1");
    disk.writeEntries(entries(1, 3, 1));
    disk.writeHardState({ term: 1, vote: "n1", commit: 2 });
    disk.sync();
    disk.writeEntries(entries(4, 5, 1));
    disk.writeHardState({ term: 2, vote: "n2", commit: 4 });
    expect(disk.view().lastIndex).toBe(5);
    expect(disk.pendingCount()).toBe(2);
    disk.crash(false);
    expect(disk.view().lastIndex).toBe(3);
    expect(disk.view().hardState).toEqual({ term: 1, vote: "n1", commit: 2 });
    expect(disk.restoreEntries().map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it("keeps the whole unsynced batch when the OS happened to write it", () => {
    const disk = new SimDisk("n1");
    disk.writeEntries(entries(1, 2, 1));
    disk.writeHardState({ term: 1, vote: "n1", commit: 2 });
    disk.crash(true);
    expect(disk.view().lastIndex).toBe(2);
    expect(disk.view().hardState).toEqual({ term: 1, vote: "n1", commit: 2 });
    expect(disk.pendingCount()).toBe(0);
  });

  it("computes chain hashes and truncates a conflicting suffix", () => {
    const disk = new SimDisk("n1");
    disk.writeEntries(entries(1, 4, 1));
    const replaced = disk.writeEntries([entry(3, 2, 99)]);
    const expected3 = chainHash(chainHash(chainHash(CHAIN_HASH_EMPTY, entry(1, 1)), entry(2, 1)), entry(3, 2, 99));
    expect(replaced.map((stored) => stored.chain)).toEqual([expected3]);
    expect(disk.view().lastIndex).toBe(3);
    expect(disk.view().chainAt(3)).toBe(expected3);
    expect(disk.view().chainAt(4)).toBeUndefined();
  });

  it("reports a gap or an unordered batch in the entries handed out as a driver contract violation", () => {
    const disk = new SimDisk("n1");
    disk.writeEntries(entries(1, 2, 1));
    expect(() => disk.writeEntries([entry(4, 1)])).toThrow(ViolationError);
    expect(() => disk.writeEntries([entry(4, 1)])).toThrow("entries start at 4, leaving a gap after stored last index 2");
    expect(() => disk.writeEntries([entry(3, 1), entry(5, 1)])).toThrow("entries not contiguous: 5 after 3");
    expect(() => disk.writeHardState({ term: 1, vote: null, commit: 3 })).toThrow("hard state commit 3 beyond stored last index 2");
  });

  it("installs a received snapshot, resetting the log, durable only after sync", () => {
    const disk = new SimDisk("n2");
    disk.writeEntries(entries(1, 2, 1));
    disk.sync();
    const snapshot = { meta: { index: 10, term: 3, peers: ["n1", "n2"] }, data: { index: 10, term: 3, chain: 1234 } };
    disk.installSnapshot(snapshot);
    disk.writeEntries([entry(11, 3)]);
    expect(disk.view().baseIndex).toBe(10);
    expect(disk.view().chainAt(10)).toBe(1234);
    expect(disk.view().chainAt(11)).toBe(chainHash(1234, entry(11, 3)));
    disk.crash(false);
    expect(disk.view().snapshot).toBeNull();
    expect(disk.view().lastIndex).toBe(2);
    disk.installSnapshot(snapshot);
    disk.sync();
    disk.crash(false);
    expect(disk.durableView().snapshot).toBe(snapshot);
    expect(disk.restoreEntries()).toEqual([]);
  });

  it("restores only the entries after a locally saved snapshot and compacts below it", () => {
    const disk = new SimDisk("n3");
    disk.writeEntries(entries(1, 6, 1));
    disk.sync();
    const chain4 = disk.view().chainAt(4) as number;
    disk.saveSnapshot({ meta: { index: 4, term: 1, peers: ["n3"] }, data: { index: 4, term: 1, chain: chain4 } });
    expect(disk.restoreEntries().map((e) => e.index)).toEqual([5, 6]);
    disk.compactThrough(2);
    disk.sync();
    expect(disk.view().baseIndex).toBe(2);
    expect(disk.view().chainAt(2)).toBe(disk.durableView().chainAt(2));
    expect(disk.restoreEntries().map((e) => e.index)).toEqual([5, 6]);
    expect(() => disk.compactThrough(9)).toThrow("compactedThrough 9 beyond stored last index 6");
  });

  it("refuses to save a local snapshot while writes are pending", () => {
    const disk = new SimDisk("n1");
    disk.writeEntries(entries(1, 1, 1));
    expect(() => disk.saveSnapshot({ meta: { index: 1, term: 1, peers: [] }, data: { index: 1, term: 1, chain: 1 } })).toThrow(
      "n1: saveSnapshot while writes are pending",
    );
  });
});
