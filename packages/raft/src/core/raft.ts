/**
 * RaftCore: the public facade of the pure, deterministic Raft state machine.
 *
 * No timers, I/O, clocks or ambient randomness: time is `tick()`, input is `step()` and
 * `propose()`, output is `ready()`, confirmed by `advance()`. Invariants are asserted after
 * every call; a failure is a programmer error and crashes.
 */
import { assert, fail } from "../assert";
import { ProgressState } from "../tracker/progress";
import { validateRaftConfig, type RaftConfig } from "./config";
import { hup, tickElection } from "./election";
import { FollowerReason, TransferAbortReason } from "./events";
import type { Message } from "./messages";
import { probeTerms, spendVote } from "./probe";
import { propose, type ProposeOptions, type ProposeResult } from "./propose";
import { advance, hasReady, ready } from "./ready";
import { broadcastHeartbeat } from "./replication";
import { abortTransfer, becomeFollower } from "./roles";
import { compact, reportSnapshot } from "./snapshot";
import { RaftState, Role, type RaftRestore, type Ready } from "./state";
import { step } from "./step";
import { transferLeadership } from "./transfer";
import type { LogIndex, NodeId, SnapshotMeta, Term } from "./types";

/** PeerProgress is the leader's view of one voter, as reported by status(). */
export interface PeerProgress {
  match: LogIndex;
  next: LogIndex;
  state: ProgressState;
  inflight: number;
}

/** RaftStatus is a read-only snapshot of the node's state. */
export interface RaftStatus {
  id: NodeId;
  role: Role;
  term: Term;
  leader: NodeId | null;
  vote: NodeId | null;
  commit: LogIndex;
  applied: LogIndex;
  firstIndex: LogIndex;
  lastIndex: LogIndex;
  /** termStartIndex: leader only, the index of this term's no-op; 0 otherwise. */
  termStartIndex: LogIndex;
  transferTarget: NodeId | null;
  /** progress: leader only (including itself), else {}. */
  progress: Record<NodeId, PeerProgress>;
}

const EMPTY_RESTORE: RaftRestore = {
  hardState: { term: 0, vote: null, commit: 0 },
  snapshot: null,
  entries: [],
  applied: 0,
};

/** RaftCore is one Raft node's algorithm; it starts as a follower. */
export class RaftCore {
  private readonly s: RaftState;
  /** termSeen backs the "term never decreases" assertion across calls. */
  private termSeen: Term;

  constructor(config: RaftConfig, restore: RaftRestore = EMPTY_RESTORE) {
    validateRaftConfig(config);
    this.s = new RaftState(config, restore);
    // Also draws the first randomized election timeout.
    becomeFollower(this.s, this.s.term, null, FollowerReason.Start);
    this.termSeen = this.s.term;
    this.checkInvariants();
  }

  /** tick advances logical time by one tick. */
  tick(): void {
    const s = this.s;
    if (s.role === Role.Leader) this.tickHeartbeat();
    else tickElection(s);
    this.checkInvariants();
  }

  /** step handles one message from a peer. */
  step(message: Message): void {
    step(this.s, message);
    this.checkInvariants();
  }

  /** propose appends `data` as one entry (leader only) or throws a ProposalError. */
  propose(data: Uint8Array, opts?: ProposeOptions): ProposeResult {
    const result = propose(this.s, data, opts);
    this.checkInvariants();
    return result;
  }

  /** campaign starts an election now (pre-vote first when enabled). */
  campaign(): void {
    hup(this.s, false);
    this.checkInvariants();
  }

  /** transferLeadership hands leadership to `target` once it is caught up. */
  transferLeadership(target: NodeId): void {
    transferLeadership(this.s, target);
    this.checkInvariants();
  }

  /** probeTerms asks each of `peers` for its term and commit index (see probe.ts). */
  probeTerms(peers: readonly NodeId[]): void {
    probeTerms(this.s, peers);
    this.checkInvariants();
  }

  /** spendVote counts the vote in the current term as cast, if none was (see probe.ts). */
  spendVote(): void {
    spendVote(this.s);
    this.checkInvariants();
  }

  /** compact records a snapshot at meta.index and forgets entries before the kept tail. */
  compact(snapshot: SnapshotMeta, trailingEntriesKept: number): void {
    compact(this.s, snapshot, trailingEntriesKept);
    this.checkInvariants();
  }

  /** reportSnapshot: the driver finished (ok) or failed streaming a snapshot to `peer`. */
  reportSnapshot(peer: NodeId, ok: boolean): void {
    reportSnapshot(this.s, peer, ok);
    this.checkInvariants();
  }

  /** reportUnreachable: sending to `peer` failed; stop streaming and probe it instead. */
  reportUnreachable(peer: NodeId): void {
    const s = this.s;
    if (s.role !== Role.Leader || peer === s.id) return;
    const progress = s.progressOf(peer);
    if (progress.state === ProgressState.Replicate) progress.becomeProbe();
    this.checkInvariants();
  }

  hasReady(): boolean {
    return hasReady(this.s);
  }

  ready(): Ready {
    return ready(this.s);
  }

  advance(rd: Ready): void {
    advance(this.s, rd);
    this.checkInvariants();
  }

  /** role, term, leader, commitIndex, lastIndex: what the driver reads after every Ready, without building status(). */
  get role(): Role {
    return this.s.role;
  }

  get term(): Term {
    return this.s.term;
  }

  get leader(): NodeId | null {
    return this.s.leader;
  }

  get commitIndex(): LogIndex {
    return this.s.log.committed;
  }

  get lastIndex(): LogIndex {
    return this.s.log.lastIndex();
  }

  status(): RaftStatus {
    const s = this.s;
    const progress: Record<NodeId, PeerProgress> = {};
    if (s.role === Role.Leader) {
      for (const [peer, p] of s.progress) {
        progress[peer] = { match: p.match, next: p.next, state: p.state, inflight: p.inflights.count };
      }
    }
    return {
      id: s.id,
      role: s.role,
      term: s.term,
      leader: s.leader,
      vote: s.vote,
      commit: s.log.committed,
      applied: s.handoff.applied,
      firstIndex: s.log.firstIndex(),
      lastIndex: s.log.lastIndex(),
      termStartIndex: s.termStartIndex,
      transferTarget: s.transferTarget,
      progress,
    };
  }

  private tickHeartbeat(): void {
    const s = this.s;
    s.heartbeatElapsedTicks += 1;
    s.electionElapsedTicks += 1;
    if (s.electionElapsedTicks >= s.config.electionTimeoutTicks) {
      s.electionElapsedTicks = 0;
      if (s.config.checkQuorum && !this.quorumActive()) {
        becomeFollower(s, s.term, null, FollowerReason.QuorumLost);
        return;
      }
      abortTransfer(s, TransferAbortReason.Timeout);
    }
    if (s.heartbeatElapsedTicks >= s.config.heartbeatIntervalTicks) {
      s.heartbeatElapsedTicks = 0;
      broadcastHeartbeat(s);
    }
  }

  /** quorumActive: did a majority (counting us) answer within the last election timeout? */
  private quorumActive(): boolean {
    const s = this.s;
    let active = 0;
    for (const [peer, progress] of s.progress) {
      if (peer === s.id || progress.recentActive) active += 1;
      if (peer !== s.id) progress.recentActive = false;
    }
    return active >= s.quorum;
  }

  private checkInvariants(): void {
    const s = this.s;
    if (s.term < this.termSeen) fail(`term decreased from ${this.termSeen} to ${s.term}`);
    this.termSeen = s.term;
    assert(s.log.committed <= s.log.lastIndex(), "commit <= lastIndex");
    assert(s.handoff.applied <= s.log.committed, "applied <= commit");
    assert(s.handoff.applyHandedThrough <= s.log.committed, "handed out for apply <= commit");
    assert(s.handoff.persistedThrough <= s.log.lastIndex(), "persisted <= lastIndex");
    assert((s.role === Role.Leader) === (s.leader === s.id), "leader field matches role");
    assert(s.role === Role.Leader || s.progress.size === 0, "only a leader tracks progress");
    assert(s.role === Role.Leader || s.transferTarget === null, "only a leader transfers");
    if (s.role === Role.Leader) {
      assert(s.termStartIndex > 0, "a leader has a term start index");
      // Over the voter list, not the Map: this runs after every proposal, and a Map's entry
      // iterator allocates.
      for (const peer of s.peers) {
        const progress = s.progressOf(peer);
        if (progress.match >= progress.next) fail(`match < next for ${peer}`);
        if (progress.match > s.log.lastIndex()) fail(`match <= lastIndex for ${peer}`);
      }
    }
  }
}
