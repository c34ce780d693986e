/**
 * Elections: the election timer, pre-vote and vote campaigns, and vote requests/responses
 * (§5.2, §5.4.1, plus the pre-vote extension of Ongaro's thesis §9.6).
 */
import { assert } from "../assert";
import { voteResult, VoteResult } from "../quorum/majority";
import { FollowerReason, TraceEventKind } from "./events";
import { MessageType, type VoteRequest, type VoteResponse } from "./messages";
import { becomeCandidate, becomeFollower, becomeLeader, becomePreCandidate } from "./roles";
import { Role, type RaftState } from "./state";

/** tickElection advances a non-leader's election timer and campaigns when it expires. */
export function tickElection(s: RaftState): void {
  assert(s.role !== Role.Leader, "leaders tick the heartbeat timer");
  s.electionElapsedTicks += 1;
  if (s.electionElapsedTicks >= s.randomizedElectionTimeoutTicks) {
    s.electionElapsedTicks = 0;
    hup(s, false);
  }
}

/**
 * hup starts an election: a pre-vote round first when enabled, except for a leadership
 * transfer, which must be able to depose the current leader at once.
 */
export function hup(s: RaftState, transfer: boolean): void {
  if (s.role === Role.Leader) return;
  if (s.config.preVote && !transfer) startPreCampaign(s);
  else startCampaign(s, transfer);
}

function startPreCampaign(s: RaftState): void {
  becomePreCandidate(s);
  s.votes.set(s.id, true);
  if (voteResult(s.peers, s.votes) === VoteResult.Won) {
    startCampaign(s, false);
    return;
  }
  sendVoteRequests(s, MessageType.PreVote, s.term + 1, false);
}

function startCampaign(s: RaftState, transfer: boolean): void {
  becomeCandidate(s, transfer);
  s.votes.set(s.id, true);
  s.emit({ kind: TraceEventKind.VoteCast, candidate: s.id });
  if (voteResult(s.peers, s.votes) === VoteResult.Won) {
    becomeLeader(s);
    return;
  }
  sendVoteRequests(s, MessageType.Vote, s.term, transfer);
}

function sendVoteRequests(
  s: RaftState,
  type: typeof MessageType.PreVote | typeof MessageType.Vote,
  term: number,
  transfer: boolean,
): void {
  const lastIndex = s.log.lastIndex();
  const lastTerm = s.log.lastTerm();
  for (const peer of s.otherPeers()) {
    s.send({ type, from: s.id, to: peer, term, lastIndex, lastTerm, transfer });
  }
}

/**
 * onVoteRequest grants at most one vote per term, first come first served, and only to a
 * candidate whose log is at least as up to date as ours (§5.2, §5.4.1). A pre-vote for a
 * future term is granted on the log check alone and changes nothing here.
 */
export function onVoteRequest(s: RaftState, m: VoteRequest): void {
  const isPreVote = m.type === MessageType.PreVote;
  const canVote =
    s.vote === m.from || (s.vote === null && s.leader === null) || (isPreVote && m.term > s.term);
  const responseType = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
  if (canVote && s.log.isUpToDate(m.lastIndex, m.lastTerm)) {
    // The response carries the request's term so the (pre-)candidate counts it.
    s.send({ type: responseType, from: s.id, to: m.from, term: m.term, reject: false });
    if (!isPreVote) {
      assert(m.term === s.term, "a vote is cast only in the current term");
      s.electionElapsedTicks = 0;
      s.vote = m.from;
      s.emit({ kind: TraceEventKind.VoteCast, candidate: m.from });
    }
    return;
  }
  s.send({ type: responseType, from: s.id, to: m.from, term: s.term, reject: true });
}

/** onVoteResponse counts a (pre-)vote and moves on when the outcome is decided. */
export function onVoteResponse(s: RaftState, m: VoteResponse): void {
  const counting =
    (s.role === Role.PreCandidate && m.type === MessageType.PreVoteResponse) ||
    (s.role === Role.Candidate && m.type === MessageType.VoteResponse);
  if (!counting) return;
  if (!s.votes.has(m.from)) s.votes.set(m.from, !m.reject);
  const result = voteResult(s.peers, s.votes);
  switch (result) {
    case VoteResult.Won:
      if (s.role === Role.PreCandidate) startCampaign(s, false);
      else becomeLeader(s);
      return;
    case VoteResult.Lost:
      becomeFollower(s, s.term, null, FollowerReason.ElectionLost);
      return;
    case VoteResult.Pending:
      return;
  }
}
