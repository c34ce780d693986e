/**
 * The deterministic simulation over many seeds: Raft's safety properties hold after every
 * step, the healed cluster converges, and a seed replays exactly.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Property } from "./checkers/violation";
import { Mutation } from "./cluster";
import { FailureClass, runSeed, type RunResult } from "./run";

const SEEDS_PER_CASE = 200;
const CASES = 5;

function failureLine(result: RunResult): string {
  return `seed ${result.seed}: ${result.failure} failure: ${result.detail} (replay: pnpm sim --seed ${result.seed})`;
}

/** resultsFor runs seeds first..last once per file; the safety and liveness cases share it. */
const resultCache = new Map<number, RunResult[]>();
function resultsFor(first: number, last: number): RunResult[] {
  const cached = resultCache.get(first);
  if (cached !== undefined) return cached;
  const results: RunResult[] = [];
  for (let seed = first; seed <= last; seed++) results.push(runSeed(seed));
  resultCache.set(first, results);
  return results;
}

describe("simulation", () => {
  for (let caseIndex = 0; caseIndex < CASES; caseIndex++) {
    const first = 1 + caseIndex * SEEDS_PER_CASE;
    const last = first + SEEDS_PER_CASE - 1;
    it(`seeds ${first}..${last}: no safety violation and no core crash after any step`, () => {
      const results = resultsFor(first, last);
      const failures = results.filter((result) => result.failure === FailureClass.Safety || result.failure === FailureClass.Crash);
      expect(failures.map(failureLine)).toEqual([]);
      // The runs must do real work, or "no violation" means nothing.
      expect(results.reduce((sum, result) => sum + result.commits, 0)).toBeGreaterThan(SEEDS_PER_CASE * 10);
      expect(results.reduce((sum, result) => sum + result.elections, 0)).toBeGreaterThanOrEqual(SEEDS_PER_CASE);
    });

    it(`seeds ${first}..${last}: once healed, a leader commits a final proposal on every node in time`, () => {
      const results = resultsFor(first, last);
      const failures = results.filter((result) => result.failure === FailureClass.Liveness);
      expect(failures.map(failureLine)).toEqual([]);
    });
  }

  it("the 1000 seeds reach every rare path at least once (coverage marks)", () => {
    const totals = new Map<string, number>();
    for (let caseIndex = 0; caseIndex < CASES; caseIndex++) {
      const first = 1 + caseIndex * SEEDS_PER_CASE;
      for (const result of resultsFor(first, first + SEEDS_PER_CASE - 1)) {
        for (const [mark, count] of result.marks) totals.set(mark, (totals.get(mark) ?? 0) + count);
      }
    }
    const required = [
      "packet lost",
      "packet linkDown",
      "partition",
      "partition one way",
      "link cut one way",
      "link cut both ways",
      "heal",
      "pause",
      "crash losing unsynced writes",
      "crash keeping unsynced writes",
      "restart",
      "campaign",
      "snapshot taken",
      "snapshot transfer completed",
      "snapshot transfer failed",
      "leader transfer requested",
      "propose accepted",
      "propose not_leader",
      "propose term_mismatch",
      "propose proposal_too_large",
      "propose uncommitted_limit",
      "propose leader_transfer_in_progress",
      "event becameLeader",
      "event becamePreCandidate",
      "event logTruncated",
      "event snapshotSent",
      "event snapshotInstalled",
      "event snapshotIgnored",
      "event compacted",
      "event transferCompleted",
      "event transferAborted",
      "leader isolated at election",
      "leader isolated at first commit",
    ];
    expect(required.filter((mark) => (totals.get(mark) ?? 0) === 0)).toEqual([]);
  });

  it("replays a seed exactly: same steps, same digest, same outcome", () => {
    for (const seed of [7, 4242]) {
      const first = runSeed(seed);
      const second = runSeed(seed);
      expect(second.digest).toBe(first.digest);
      expect(second.steps).toBe(first.steps);
      expect(second.commits).toBe(first.commits);
      expect(second.failure).toBe(first.failure);
      expect(second.options).toEqual(first.options);
      expect(first.steps).toBeGreaterThan(500);
    }
  });

  it("a candidate whose log is behind cannot keep a healed majority leaderless (two leader-churn seeds that once ran 45 terms without a leader)", () => {
    // 5 nodes, no pre-vote, a core of 3 with one node holding the latest log: the other two kept
    // campaigning and, while each request restarted the timers it reached, that node never won.
    for (const seed of [9114056, 9118099]) {
      const result = runSeed(seed, { leaderChurn: true });
      expect(result.options).toMatchObject({ nodeCount: 5, raft: { preVote: false } });
      expect({ seed, failure: result.failure, detail: result.detail }).toEqual({ seed, failure: null, detail: null });
      expect(result.commits).toBeGreaterThan(0);
    }
  });

  it("a follower far behind after a long faulty phase may catch up for longer than one window while it keeps applying (a seed that once failed at its one fixed deadline)", () => {
    // 2 000 faulty ticks left n2 ~120 entries behind. With one entry per append (19 bytes at
    // most), one append in flight and reordering (each reject sends the leader back to probing)
    // it had reached 324 of 329 when the fixed 600-tick deadline ran out. It applied all along.
    const result = runSeed(270001765, { leaderChurn: true, safetyTicks: { min: 2000, max: 2000 } });
    expect(result.options).toMatchObject({ nodeCount: 3, convergenceTicksMax: 600, raft: { appendBytesMax: 19, inflightAppendsMax: 1 } });
    expect({ failure: result.failure, detail: result.detail }).toEqual({ failure: null, detail: null });
    expect(result.ticks).toBeGreaterThan(2000 + 600);
  });

  it("different seeds produce different runs", () => {
    const digests = new Set([1, 2, 3, 4, 5].map((seed) => runSeed(seed).digest));
    expect(digests.size).toBe(5);
  });

  it("catches a disk whose fsync lies: acknowledged entries vanish and a checker reports it", () => {
    const dataProperties: string[] = [Property.LeaderCompleteness, Property.StateMachineSafety, Property.CommittedNotLost];
    let caught: RunResult | null = null;
    for (let seed = 1; seed <= 1500 && caught === null; seed++) {
      const result = runSeed(seed, { mutation: Mutation.FsyncLies });
      if (result.violation !== null && dataProperties.includes(result.violation.property)) caught = result;
    }
    expect(caught?.failure).toBe(FailureClass.Safety);
    // The same seed on an honest disk is clean: the lie, not the seed, caused the violation.
    expect(runSeed(caught?.seed ?? 0).failure).toBeNull();
  });

  it("catches entries corrupted on the wire: the same (index, term) ends different logs", () => {
    const properties = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const result = runSeed(seed, { mutation: Mutation.CorruptsEntries });
      if (result.violation !== null) properties.add(result.violation.property);
    }
    expect(properties.has(Property.LogMatching)).toBe(true);
  });

  it("catches a driver that sends before its writes are synced", () => {
    for (const seed of [1, 2, 3]) {
      const result = runSeed(seed, { mutation: Mutation.SendsBeforeSync });
      expect(result.failure).toBe(FailureClass.Safety);
      expect(result.violation?.property).toBe(Property.DurableBeforeSent);
      expect(runSeed(seed).failure).toBeNull();
    }
  });

  it("reads no clock and no ambient randomness anywhere under test/sim", () => {
    const root = fileURLToPath(new URL(".", import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    expect(files).toContain("run.ts");
    const offenders = files.filter((file) => /Math\.random\(|Date\.now\(|new Date\(|performance\.now\(/.test(readFileSync(root + file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
