/** RaftLog unit tests: conflict search, up-to-date check, append/truncate, compaction. */
import { describe, expect, it } from "vitest";
import { RaftLog } from "../../../packages/raft/src/core/log";
import { AssertionError } from "../harness/raft";
import { entriesFromTerms, entry } from "../harness/helpers";

const logOf = (terms: number[], commit = 0) => new RaftLog(null, entriesFromTerms(terms), commit);

describe("RaftLog", () => {
  it("findConflict returns the first new or mismatching index, or 0 (TestFindConflict)", () => {
    const log = logOf([1, 2, 3]);
    expect(log.findConflict([])).toBe(0);
    expect(log.findConflict([entry(1, 1), entry(2, 2), entry(3, 3)])).toBe(0);
    expect(log.findConflict([entry(2, 2), entry(3, 3), entry(4, 4)])).toBe(4);
    expect(log.findConflict([entry(1, 1), entry(2, 4)])).toBe(2);
    expect(log.findConflict([entry(3, 4), entry(4, 4)])).toBe(3);
  });

  it("findConflictByTerm returns the last position whose term is <= the given term (TestFindConflictByTerm)", () => {
    const log = logOf([2, 2, 5, 5, 5]);
    expect(log.findConflictByTerm(5, 6)).toEqual({ index: 5, term: 5 });
    expect(log.findConflictByTerm(5, 5)).toEqual({ index: 5, term: 5 });
    expect(log.findConflictByTerm(5, 4)).toEqual({ index: 2, term: 2 });
    expect(log.findConflictByTerm(5, 2)).toEqual({ index: 2, term: 2 });
    expect(log.findConflictByTerm(5, 1)).toEqual({ index: 0, term: 0 });
    expect(log.findConflictByTerm(1, 2)).toEqual({ index: 1, term: 2 });
  });

  it("isUpToDate compares last term, then last index (TestIsUpToDate)", () => {
    const log = logOf([1, 2, 3]);
    expect(log.isUpToDate(2, 4)).toBe(true);
    expect(log.isUpToDate(3, 3)).toBe(true);
    expect(log.isUpToDate(4, 3)).toBe(true);
    expect(log.isUpToDate(2, 3)).toBe(false);
    expect(log.isUpToDate(9, 2)).toBe(false);
  });

  it("appendAt truncates a conflicting suffix and refuses to touch committed entries (TestLogMaybeAppend)", () => {
    const log = logOf([1, 2, 3], 1);
    expect(log.appendAt([entry(3, 4), entry(4, 4)])).toBe(3);
    expect([1, 2, 3, 4].map((i) => log.term(i))).toEqual([1, 2, 4, 4]);
    expect(log.appendAt([entry(5, 4)])).toBeNull();
    expect(() => log.appendAt([entry(1, 5)])).toThrow(AssertionError);
    expect(() => log.appendAt([entry(9, 5)])).toThrow("leaves a gap");
  });

  it("compact forgets entries up to a committed index and keeps terms for the boundary (TestCompaction)", () => {
    const log = logOf([1, 1, 2, 2, 3], 4);
    log.compact(3);
    expect([log.firstIndex(), log.lastIndex(), log.term(3), log.term(2)]).toEqual([4, 5, 2, null]);
    expect(log.slice(4, 6).map((e) => e.index)).toEqual([4, 5]);
    expect(() => log.compact(5)).toThrow("beyond commit");
    expect(() => log.slice(3, 5)).toThrow("below first index");
  });

  it("slice honours the byte cap but always returns at least one entry", () => {
    const log = new RaftLog(null, [entry(1, 1, "aaaa"), entry(2, 1, "bbbb"), entry(3, 1, "cccccccc")], 0);
    expect(log.slice(1, 4, 8).map((e) => e.index)).toEqual([1, 2]);
    expect(log.slice(3, 4, 1).map((e) => e.index)).toEqual([3]);
    expect(log.payloadBytes(1, 4)).toBe(16);
  });

  it("restore replaces the log by a snapshot ahead of the commit index (TestLogRestore)", () => {
    const log = logOf([1, 1], 1);
    log.restore({ index: 10, term: 3, peers: ["n1"] });
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed]).toEqual([11, 10, 3, 10]);
    expect(() => log.restore({ index: 5, term: 3, peers: ["n1"] })).toThrow("at or below commit");
  });
});
