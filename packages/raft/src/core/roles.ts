/**
 * Role transitions: follower, pre-candidate, candidate, leader.
 *
 *   follower --timeout--> pre-candidate --pre-votes won--> candidate --votes won--> leader
 *   any --higher term / leader seen / election lost / quorum lost--> follower
 *   (without pre-vote, or on TimeoutNow, a follower becomes candidate directly)
 */
import { assert, fail } from "../assert";
import { Progress } from "../tracker/progress";
import { FollowerReason, TraceEventKind, TransferAbortReason } from "./events";
import { Role, type RaftState } from "./state";
import { EntryKind, type NodeId, type Term } from "./types";

/** resetRandomizedElectionTimeout draws the next election timeout in [T, 2T). */
export function resetRandomizedElectionTimeout(s: RaftState): void {
  const timeoutTicks = s.config.electionTimeoutTicks;
  s.randomizedElectionTimeoutTicks = timeoutTicks + s.config.prng.nextInt(timeoutTicks);
  assert(s.randomizedElectionTimeoutTicks >= timeoutTicks, "timeout below T");
  assert(s.randomizedElectionTimeoutTicks < 2 * timeoutTicks, "timeout at or above 2T");
}

/** abortTransfer ends a leadership transfer, recording why. */
export function abortTransfer(s: RaftState, reason: TransferAbortReason): void {
  if (s.transferTarget === null) return;
  s.emit({ kind: TraceEventKind.TransferAborted, target: s.transferTarget, reason });
  s.transferTarget = null;
}

/** ElectionTimer says whether a role change restarts the election timer or lets it run on. */
export const ElectionTimer = { Restart: "restart", Keep: "keep" } as const;
export type ElectionTimer = (typeof ElectionTimer)[keyof typeof ElectionTimer];

function resetForTerm(s: RaftState, term: Term, timer: ElectionTimer): void {
  if (term < s.term) fail(`term never decreases (${s.term} -> ${term})`);
  if (term > s.term) {
    s.term = term;
    s.vote = null;
  }
  if (s.role === Role.Leader) abortTransfer(s, TransferAbortReason.LostLeadership);
  assert(timer === ElectionTimer.Restart || s.role !== Role.Leader, "a leader has no election timer to keep");
  s.transferTarget = null;
  s.leader = null;
  if (timer === ElectionTimer.Restart) {
    s.electionElapsedTicks = 0;
    resetRandomizedElectionTimeout(s);
  }
  s.heartbeatElapsedTicks = 0;
  s.votes.clear();
  s.progress.clear();
  s.termStartIndex = 0;
  s.uncommittedBytes = 0;
  s.appendsPending = false;
  s.commitBroadcastPending = false;
}

/**
 * becomeFollower moves to `term` (>= current) following `leader` (null when unknown). The
 * election timer restarts unless `timer` keeps it running (see onHigherTerm).
 */
export function becomeFollower(
  s: RaftState, term: Term, leader: NodeId | null, reason: FollowerReason, timer: ElectionTimer = ElectionTimer.Restart,
): void {
  assert(leader !== s.id, "a follower never follows itself");
  resetForTerm(s, term, timer);
  s.role = Role.Follower;
  s.leader = leader;
  if (leader !== null) s.leaderKnownTerm = Math.max(s.leaderKnownTerm, term);
  s.emit({ kind: TraceEventKind.BecameFollower, leader, reason });
}

/** becomePreCandidate asks for pre-votes without touching term, vote or election timer. */
export function becomePreCandidate(s: RaftState): void {
  assert(s.role !== Role.Leader, "a leader never pre-campaigns");
  s.role = Role.PreCandidate;
  s.leader = null;
  s.votes.clear();
  s.emit({ kind: TraceEventKind.BecamePreCandidate });
}

/** becomeCandidate bumps the term and votes for itself (§5.2). */
export function becomeCandidate(s: RaftState, transfer: boolean): void {
  assert(s.role !== Role.Leader, "a leader never campaigns");
  resetForTerm(s, s.term + 1, ElectionTimer.Restart);
  s.role = Role.Candidate;
  s.vote = s.id;
  s.emit({ kind: TraceEventKind.BecameCandidate, transfer });
}

/** becomeLeader takes over the term: fresh progress for every voter and a no-op entry. */
export function becomeLeader(s: RaftState): void {
  if (s.role !== Role.Candidate) fail(`only a candidate becomes leader (was ${s.role})`);
  if (s.leaderKnownTerm >= s.term) fail(`another leader was already seen in term ${s.term}`);
  s.role = Role.Leader;
  s.leader = s.id;
  s.electionElapsedTicks = 0;
  s.heartbeatElapsedTicks = 0;
  const lastIndex = s.log.lastIndex();
  for (const peer of s.peers) {
    const progress = new Progress(lastIndex + 1, s.config.inflightAppendsMax);
    if (peer === s.id) {
      progress.match = s.handoff.persistedThrough;
      progress.becomeReplicate();
      progress.recentActive = true;
    }
    s.progress.set(peer, progress);
  }
  s.uncommittedBytes = s.log.payloadBytes(s.log.committed + 1, lastIndex + 1);
  const noop = { term: s.term, index: lastIndex + 1, kind: EntryKind.Noop, data: new Uint8Array(0) };
  s.log.append(noop);
  s.progressOf(s.id).next = noop.index + 1;
  s.termStartIndex = noop.index;
  s.appendsPending = true;
  s.emit({ kind: TraceEventKind.BecameLeader, termStartIndex: noop.index });
}
