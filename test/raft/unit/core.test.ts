/** RaftCore contract checks: config validation, the Ready/advance protocol, restore, PRNG. */
import { describe, expect, it } from "vitest";
import {
  AssertionError,
  RaftCore,
  SeededPrng,
  defaultRaftConfig,
  EntryKind,
} from "../harness/raft";
import { drain, entriesFromTerms, entry, makeLeader, newCore, text } from "../harness/helpers";

describe("RaftCore contract", () => {
  it("config validation names the broken relation", () => {
    const base = defaultRaftConfig("n1", ["n1", "n2", "n3"], new SeededPrng(1));
    expect(() => new RaftCore({ ...base, electionTimeoutTicks: 3, heartbeatIntervalTicks: 2 })).toThrow(
      "electionTimeoutTicks must be >= 2 * heartbeatIntervalTicks",
    );
    expect(() => new RaftCore({ ...base, peers: ["n2", "n3"] })).toThrow("config.peers must include the node itself (n1)");
    expect(() => new RaftCore({ ...base, uncommittedBytesMax: 10, entryBytesMax: 11 })).toThrow(
      "uncommittedBytesMax must be >= entryBytesMax so the largest proposal can pass",
    );
  });

  it("ready() twice without advance() is a programmer error; advance() needs the same Ready", () => {
    const core = newCore("n1");
    const rd = core.ready();
    expect(core.hasReady()).toBe(false);
    expect(() => core.ready()).toThrow(AssertionError);
    expect(() => core.advance({ ...rd })).toThrow("advance() must be given the Ready last handed out");
    core.advance(rd);
    expect(core.hasReady()).toBe(false);
  });

  it("a single-node leader commits its own entries only after they are durable (advance)", () => {
    const core = newCore("n1", { peers: ["n1"] });
    core.campaign();
    expect(core.status()).toMatchObject({ role: "leader", term: 1, commit: 0, lastIndex: 1 });
    const first = core.ready();
    expect(first.entries.map((e) => [e.index, e.kind])).toEqual([[1, EntryKind.Noop]]);
    core.propose(text("while persisting"));
    expect(core.status().commit).toBe(0);
    core.advance(first);
    expect(core.status().commit).toBe(1);
    const second = core.ready();
    expect(second.entries.map((e) => e.index)).toEqual([2]);
    expect(second.committed.map((e) => e.index)).toEqual([1]);
    core.advance(second);
    expect(core.status()).toMatchObject({ commit: 2, applied: 1 });
    expect(drain(core)?.committed.map((e) => e.index)).toEqual([2]);
    expect(core.status().applied).toBe(2);
  });

  it("a leader counts itself toward quorum only once its own entry is durable (advanced)", () => {
    const core = newCore("n1");
    makeLeader(core);
    core.step({ type: "appendResponse", from: "n2", to: "n1", term: 1, reject: false, index: 1, rejectHint: null });
    drain(core);
    expect(core.status().commit).toBe(1);

    core.propose(text("x"));
    const persisting = core.ready();
    expect(persisting.entries.map((e) => e.index)).toEqual([2]);
    core.step({ type: "appendResponse", from: "n2", to: "n1", term: 1, reject: false, index: 2, rejectHint: null });
    expect(core.status().commit).toBe(1);
    expect(core.status().progress["n1"]?.match).toBe(1);

    core.advance(persisting);
    expect(core.status().commit).toBe(2);
    expect(core.status().progress["n1"]?.match).toBe(2);
  });

  it("a restored node keeps term, vote, log and hands out committed-but-unapplied entries", () => {
    const config = defaultRaftConfig("n1", ["n1", "n2", "n3"], new SeededPrng(3));
    const core = new RaftCore(config, {
      hardState: { term: 4, vote: "n2", commit: 3 },
      snapshot: { index: 1, term: 1, peers: ["n1", "n2", "n3"] },
      entries: entriesFromTerms([1, 2, 4]).slice(1),
      applied: 2,
    });
    expect(core.status()).toMatchObject({ term: 4, vote: "n2", commit: 3, applied: 2, firstIndex: 2, lastIndex: 3 });
    const rd = drain(core);
    expect(rd?.hardState).toBeNull();
    expect(rd?.entries).toEqual([]);
    expect(rd?.committed.map((e) => e.index)).toEqual([3]);
  });

  it("compact keeps the trailing entries and reports compactedThrough and a compacted event in the next Ready", () => {
    const core = newCore("n1", { peers: ["n1"] });
    core.campaign();
    drain(core);
    for (const payload of ["a", "b", "c"]) core.propose(text(payload));
    drain(core);
    drain(core);
    expect(core.status()).toMatchObject({ commit: 4, applied: 4 });

    core.compact({ index: 4, term: 1, peers: ["n1"] }, 1);
    const rd = drain(core);

    expect(rd?.compactedThrough).toBe(3);
    expect(rd?.events).toEqual([{ kind: "compacted", node: "n1", term: 1, snapshotIndex: 4, compactedThrough: 3 }]);
    expect(core.status()).toMatchObject({ firstIndex: 4, lastIndex: 4 });
    expect(core.hasReady()).toBe(false);
  });

  it("compact refuses a snapshot beyond what was handed out for apply", () => {
    const core = newCore("n1");
    makeLeader(core);
    expect(() => core.compact({ index: 1, term: 1, peers: ["n1", "n2", "n3"] }, 0)).toThrow(
      "snapshot 1 beyond applied 0",
    );
  });

  it("a second leader in the same term is a broken invariant and throws AssertionError", () => {
    const core = newCore("n1");
    makeLeader(core);
    expect(() =>
      core.step({ type: "append", from: "n2", to: "n1", term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 }),
    ).toThrow(new AssertionError("two leaders in term 1: n1 and n2"));
  });

  it("SeededPrng replays the same sequence for the same seed and stays in range", () => {
    const a = new SeededPrng(99);
    const b = new SeededPrng(99);
    const drawsA = Array.from({ length: 50 }, () => a.nextInt(7));
    const drawsB = Array.from({ length: 50 }, () => b.nextInt(7));
    expect(drawsA).toEqual(drawsB);
    expect(drawsA.every((x) => x >= 0 && x < 7)).toBe(true);
    expect(new Set(drawsA).size).toBe(7);
    expect(() => a.nextInt(0)).toThrow("maxExclusive must be positive, got 0");
  });
});

describe("compaction after a leader snapshot", () => {
  it("compact with a snapshot older than one installed from the leader is superseded and changes nothing", () => {
    const core = newCore("n1", { term: 1, logTerms: [1, 1], commit: 2 });
    drain(core);
    core.step({
      type: "snapshot",
      from: "n2",
      to: "n1",
      term: 1,
      meta: { index: 10, term: 1, peers: ["n1", "n2", "n3"] },
    });
    drain(core);
    core.compact({ index: 2, term: 1, peers: ["n1", "n2", "n3"] }, 0);
    expect(core.hasReady()).toBe(false);
    expect(core.status()).toMatchObject({ firstIndex: 11, lastIndex: 10, commit: 10, applied: 10 });
  });
});

describe("restore after a torn write", () => {
  // A crash kept the snapshot installed from the leader (index 5) but not the hard state
  // written with it, whose commit is still 2.
  const restoreTorn = (applied: number): RaftCore =>
    new RaftCore(defaultRaftConfig("n1", ["n1", "n2", "n3"], new SeededPrng(5)), {
      hardState: { term: 3, vote: "n2", commit: 2 },
      snapshot: { index: 5, term: 2, peers: ["n1", "n2", "n3"] },
      entries: [entry(6, 2), entry(7, 3)],
      applied,
    });

  it("a commit below the restored snapshot is raised to the snapshot index and re-persisted in the first Ready", () => {
    const core = restoreTorn(5);
    expect(core.status()).toEqual({
      id: "n1",
      role: "follower",
      term: 3,
      leader: null,
      vote: "n2",
      commit: 5,
      applied: 5,
      firstIndex: 6,
      lastIndex: 7,
      termStartIndex: 0,
      transferTarget: null,
      progress: {},
    });
    const rd = drain(core);
    expect(rd).toEqual({
      hardState: { term: 3, vote: "n2", commit: 5 },
      entries: [],
      snapshot: null,
      messages: [],
      committed: [],
      compactedThrough: null,
      events: [{ kind: "becameFollower", node: "n1", term: 3, leader: null, reason: "start" }],
    });
    expect(core.hasReady()).toBe(false);
  });

  it("an applied index below the snapshot is raised too (the state machine was loaded from the snapshot)", () => {
    const core = restoreTorn(2);
    expect(core.status()).toMatchObject({ commit: 5, applied: 5, firstIndex: 6, lastIndex: 7 });
    const rd = drain(core);
    expect(rd?.committed).toEqual([]);
    expect(rd?.hardState).toEqual({ term: 3, vote: "n2", commit: 5 });
  });

  it("a commit already at or above the snapshot is kept as restored (no hard state to re-persist)", () => {
    const core = new RaftCore(defaultRaftConfig("n1", ["n1", "n2", "n3"], new SeededPrng(5)), {
      hardState: { term: 3, vote: "n2", commit: 6 },
      snapshot: { index: 5, term: 2, peers: ["n1", "n2", "n3"] },
      entries: [entry(6, 2), entry(7, 3)],
      applied: 5,
    });
    expect(core.status()).toMatchObject({ commit: 6, applied: 5 });
    const rd = drain(core);
    expect(rd?.hardState).toBeNull();
    expect(rd?.committed.map((e) => e.index)).toEqual([6]);
  });
});
