/**
 * Raft paper §5.2 (leader election): start-up, heartbeats, election timeouts, one round of
 * votes, one vote per term, candidates falling back, and randomized timeouts.
 */
import { describe, expect, it } from "vitest";
import { MessageType, Role, type NodeId, type RaftCore } from "../harness/raft";
import { append, drain, makeCandidate, makeLeader, newCore, sent } from "../harness/helpers";

const T = 10;

/** ticksUntilTermChange ticks `core` until its term moves, at most `limit` ticks. */
function ticksUntilTermChange(core: RaftCore, limit: number): number {
  const term = core.status().term;
  for (let ticks = 1; ticks <= limit; ticks++) {
    core.tick();
    if (core.status().term !== term) return ticks;
  }
  return -1;
}

describe("§5.2 start-up and heartbeats", () => {
  it("§5.2 servers start as followers (TestStartAsFollower)", () => {
    const core = newCore("n1");
    expect(core.status()).toMatchObject({ role: Role.Follower, term: 0, leader: null, vote: null });
    expect(drain(core)?.events.map((e) => e.kind)).toEqual(["becameFollower"]);
  });

  it("§5.2 the leader sends heartbeats to all followers every heartbeat interval (TestLeaderBcastBeat)", () => {
    const core = newCore("n1");
    makeLeader(core);
    core.tick();
    expect(sent(core)).toEqual([
      { type: MessageType.Heartbeat, from: "n1", to: "n2", term: 1, commit: 0 },
      { type: MessageType.Heartbeat, from: "n1", to: "n3", term: 1, commit: 0 },
    ]);
  });
});

const electionStarters = [
  { role: Role.Follower, etcd: "TestFollowerStartElection", rule: "follower with no contact for an election timeout" },
  { role: Role.Candidate, etcd: "TestCandidateStartNewElection", rule: "candidate without a majority" },
] as const;

describe.each(electionStarters)("§5.2 $role election timeout", ({ role, etcd, rule }) => {
  it(`§5.2 ${rule} starts a new election: new term, self vote, RequestVote to all (${etcd})`, () => {
    const core = newCore("n1", { term: 1 });
    if (role === Role.Candidate) makeCandidate(core);
    drain(core);
    const term = core.status().term;

    const ticks = ticksUntilTermChange(core, 2 * T);

    expect(ticks).toBeGreaterThanOrEqual(T);
    expect(ticks).toBeLessThan(2 * T);
    expect(core.status()).toMatchObject({ role: Role.Candidate, term: term + 1, vote: "n1" });
    const rd = drain(core);
    expect(rd?.hardState).toEqual({ term: term + 1, vote: "n1", commit: 0 });
    expect(rd?.messages).toEqual(
      ["n2", "n3"].map((to) => ({ type: MessageType.Vote, from: "n1", to, term: term + 1, lastIndex: 0, lastTerm: 0, transfer: false })),
    );
  });
});

describe("§5.2 votes", () => {
  const cases: { size: number; votes: Record<NodeId, boolean>; expected: Role }[] = [
    { size: 1, votes: {}, expected: Role.Leader },
    { size: 3, votes: { n2: true, n3: true }, expected: Role.Leader },
    { size: 3, votes: { n2: true }, expected: Role.Leader },
    { size: 5, votes: { n2: true, n3: true, n4: true, n5: true }, expected: Role.Leader },
    { size: 5, votes: { n2: true, n3: true, n4: true }, expected: Role.Leader },
    { size: 5, votes: { n2: true, n3: true }, expected: Role.Leader },
    { size: 3, votes: { n2: false, n3: false }, expected: Role.Follower },
    { size: 5, votes: { n2: false, n3: false, n4: false, n5: false }, expected: Role.Follower },
    { size: 5, votes: { n2: true, n3: false, n4: false, n5: false }, expected: Role.Follower },
    { size: 3, votes: {}, expected: Role.Candidate },
    { size: 5, votes: { n2: true }, expected: Role.Candidate },
    { size: 5, votes: { n2: false, n3: false }, expected: Role.Candidate },
    { size: 5, votes: {}, expected: Role.Candidate },
  ];

  it("§5.2 one round of votes wins, loses or stays undecided (TestLeaderElectionInOneRoundRPC)", () => {
    for (const { size, votes, expected } of cases) {
      const peers = ["n1", "n2", "n3", "n4", "n5"].slice(0, size);
      const core = newCore("n1", { peers });
      core.campaign();
      drain(core);
      for (const [from, granted] of Object.entries(votes)) {
        core.step({ type: MessageType.VoteResponse, from, to: "n1", term: 1, reject: !granted });
      }
      expect({ size, votes, role: core.status().role, term: core.status().term }).toEqual({ size, votes, role: expected, term: 1 });
    }
  });

  it("§5.2 a follower votes at most once per term, first come first served (TestFollowerVote)", () => {
    const cases: { vote: NodeId | null; candidate: NodeId; reject: boolean }[] = [
      { vote: null, candidate: "n2", reject: false },
      { vote: null, candidate: "n3", reject: false },
      { vote: "n2", candidate: "n2", reject: false },
      { vote: "n3", candidate: "n3", reject: false },
      { vote: "n2", candidate: "n3", reject: true },
      { vote: "n3", candidate: "n2", reject: true },
    ];
    for (const { vote, candidate, reject } of cases) {
      const core = newCore("n1", { term: 1, vote });
      drain(core);
      core.step({ type: MessageType.Vote, from: candidate, to: "n1", term: 1, lastIndex: 0, lastTerm: 0, transfer: false });
      expect(sent(core)).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: candidate, term: 1, reject }]);
      expect(core.status().vote).toBe(reject ? vote : candidate);
    }
  });

  it("§5.2 a granted vote is persisted in the same Ready as the response, so it is durable before it is sent", () => {
    const core = newCore("n1", { term: 1 });
    drain(core);
    core.step({ type: MessageType.Vote, from: "n2", to: "n1", term: 2, lastIndex: 0, lastTerm: 0, transfer: false });
    const rd = drain(core);
    expect(rd?.hardState).toEqual({ term: 2, vote: "n2", commit: 0 });
    expect(rd?.messages).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: "n2", term: 2, reject: false }]);
    expect(rd?.events.map((e) => e.kind)).toEqual(["becameFollower", "voteCast"]);
  });

  it("§5.2 a candidate receiving AppendEntries from a leader of >= term steps back (TestCandidateFallback)", () => {
    for (const leaderTerm of [1, 2]) {
      const core = newCore("n1");
      makeCandidate(core);
      expect(core.status()).toMatchObject({ role: Role.Candidate, term: 1 });
      core.step(append("n2", "n1", leaderTerm, 0, 0, [], 0));
      expect(core.status()).toMatchObject({ role: Role.Follower, term: leaderTerm, leader: "n2" });
      expect(sent(core)).toEqual([
        { type: MessageType.AppendResponse, from: "n1", to: "n2", term: leaderTerm, reject: false, index: 0, rejectHint: null },
      ]);
    }
  });
});

const randomizedRoles = [
  { role: Role.Follower, etcd: "TestFollowerElectionTimeoutRandomized", conflictEtcd: "TestFollowersElectionTimeoutNonconflict" },
  { role: Role.Candidate, etcd: "TestCandidateElectionTimeoutRandomized", conflictEtcd: "TestCandidatesElectionTimeoutNonconflict" },
] as const;

describe.each(randomizedRoles)("§5.2 $role randomized timeouts", ({ role, etcd, conflictEtcd }) => {
  it(`§5.2 ${role} election timeouts are randomized over [T, 2T) (${etcd})`, () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const core = newCore("n1", { term: 1, seed });
      if (role === Role.Candidate) makeCandidate(core);
      const ticks = ticksUntilTermChange(core, 2 * T);
      expect(ticks).toBeGreaterThanOrEqual(T);
      expect(ticks).toBeLessThan(2 * T);
      seen.add(ticks);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it(`§5.2 usually only one ${role} times out first, so split votes are rare (${conflictEtcd})`, () => {
    const rounds = 500;
    let conflicts = 0;
    const peers = ["n1", "n2", "n3", "n4", "n5"];
    for (let round = 0; round < rounds; round++) {
      const cores = peers.map((id, i) => newCore(id, { peers, term: 1, seed: round * 10 + i + 1 }));
      if (role === Role.Candidate) cores.forEach(makeCandidate);
      const terms = cores.map((core) => core.status().term);
      for (let tick = 0; tick < 2 * T; tick++) {
        cores.forEach((core) => core.tick());
        const fired = cores.filter((core, i) => core.status().term !== terms[i]).length;
        if (fired > 0) {
          if (fired > 1) conflicts += 1;
          break;
        }
      }
    }
    expect(conflicts / rounds).toBeLessThanOrEqual(0.3);
  });
});

const timerKeepers = [
  { role: Role.Follower, make: (core: RaftCore) => drain(core) },
  { role: Role.Candidate, make: makeCandidate },
] as const;

/** vote: n2 asks n1 for its vote in `term` with a log ending at (lastIndex, lastTerm). */
const vote = (term: number, lastIndex: number, lastTerm: number) =>
  ({ type: MessageType.Vote, from: "n2", to: "n1", term, lastIndex, lastTerm, transfer: false }) as const;

describe.each(timerKeepers)("§5.2 what restarts a $role's election timer", ({ role, make }) => {
  const TICKS_BEFORE = T / 2;

  /** coreAt: a core of `seed` with a log of two term-1 entries, `ticks` ticks into its timer. */
  function coreAt(seed: number, ticks: number): RaftCore {
    const core = newCore("n1", { term: 1, logTerms: [1, 1], seed });
    make(core);
    for (let tick = 0; tick < ticks; tick++) core.tick();
    return core;
  }

  /** timeoutOf: the ticks after which such a core campaigns again, left alone. */
  const timeoutOf = (seed: number) => ticksUntilTermChange(coreAt(seed, 0), 2 * T);

  it(`§5.2 a newer term alone does not: a ${role} that refuses a behind candidate campaigns on its own schedule`, () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const core = coreAt(seed, TICKS_BEFORE);
      const term = core.status().term;

      core.step(vote(term + 1, 0, 0));

      expect(sent(core)).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: "n2", term: term + 1, reject: true }]);
      expect(core.status()).toMatchObject({ role: Role.Follower, term: term + 1, vote: null });
      expect(TICKS_BEFORE + ticksUntilTermChange(core, 2 * T)).toBe(timeoutOf(seed));
      expect(core.status()).toMatchObject({ role: Role.Candidate, term: term + 2, vote: "n1" });
    }
  });

  it(`§5.2 a granted vote does: a ${role} that votes waits a whole timeout from the vote`, () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const core = coreAt(seed, TICKS_BEFORE);
      const term = core.status().term;

      core.step(vote(term + 1, 2, 1));

      expect(sent(core)).toEqual([{ type: MessageType.VoteResponse, from: "n1", to: "n2", term: term + 1, reject: false }]);
      expect(ticksUntilTermChange(core, 2 * T)).toBe(timeoutOf(seed));
      expect(core.status()).toMatchObject({ role: Role.Candidate, term: term + 2, vote: "n1" });
    }
  });
});

it("§5.2 a leader deposed by a newer term starts a fresh election timer over [T, 2T)", () => {
  const seen = new Set<number>();
  for (let seed = 1; seed <= 100; seed++) {
    const core = newCore("n1", { seed });
    makeLeader(core);
    for (let tick = 0; tick < T / 2; tick++) core.tick();
    drain(core);

    core.step(vote(2, 0, 0));

    expect(core.status()).toMatchObject({ role: Role.Follower, term: 2, leader: null });
    const ticks = ticksUntilTermChange(core, 2 * T);
    expect(ticks).toBeGreaterThanOrEqual(T);
    expect(ticks).toBeLessThan(2 * T);
    seen.add(ticks);
  }
  expect(seen.size).toBeGreaterThan(5);
});
