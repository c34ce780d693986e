/**
 * step: term checks common to every message (§5.1), then one handler per message type.
 */
import { assert, assertNever, fail } from "../assert";
import { hup, onVoteRequest, onVoteResponse } from "./election";
import { FollowerReason, TraceEventKind } from "./events";
import { isFromLeader, MessageType, type Message } from "./messages";
import { onTermProbe } from "./probe";
import { onAppend, onAppendResponse, onHeartbeat, onHeartbeatResponse } from "./replication";
import { becomeFollower, ElectionTimer } from "./roles";
import { onSnapshot } from "./snapshot";
import { Role, type RaftState } from "./state";

/** step handles one message from a peer. */
export function step(s: RaftState, m: Message): void {
  if (m.to !== s.id) fail(`message for ${m.to} delivered to ${s.id}`);
  if (!s.peers.includes(m.from) || m.from === s.id) fail(`message from non-peer ${m.from}`);
  if (m.type === MessageType.TermProbe) {
    onTermProbe(s, m);
    return;
  }
  if (m.term > s.term) {
    if (!onHigherTerm(s, m)) return;
  } else if (m.term < s.term) {
    onLowerTerm(s, m);
    return;
  }
  dispatch(s, m);
}

/** onHigherTerm adopts a newer term (§5.1); false when the message must be dropped. */
function onHigherTerm(s: RaftState, m: Message): boolean {
  const isVoteRequest = m.type === MessageType.PreVote || m.type === MessageType.Vote;
  // Leader lease: while we hear from a live leader, a disruptive candidate cannot depose it.
  if (isVoteRequest && !m.transfer && s.inLease()) return false;
  // A pre-vote for a future term, or a granted pre-vote carrying it, changes nothing here.
  if (m.type === MessageType.PreVote) return true;
  if (m.type === MessageType.PreVoteResponse && !m.reject) return true;
  const fromLeader = isFromLeader(m);
  if (s.role === Role.Leader && m.from === s.transferTarget) {
    s.emit({ kind: TraceEventKind.TransferCompleted, target: m.from });
    s.transferTarget = null;
  }
  // Only a leader's word or a granted vote restarts a follower's election timer (§5.2), not a
  // newer term alone: a candidate whose log is behind cannot win, and if every request it sends
  // pushed back the timers of the nodes that could, it would keep a majority without a leader
  // (a 5-node cluster with 3 up and only one with the latest log: `pnpm sim` found 2 seeds of
  // 20 000 with 45 terms and no leader in 600 ticks). A deposed leader starts a fresh timer.
  const timer = fromLeader || s.role === Role.Leader ? ElectionTimer.Restart : ElectionTimer.Keep;
  becomeFollower(s, m.term, fromLeader ? m.from : null, FollowerReason.HigherTerm, timer);
  return true;
}

/** onLowerTerm answers a stale sender where that unsticks it, and otherwise drops the message. */
function onLowerTerm(s: RaftState, m: Message): void {
  if (m.type === MessageType.Append || m.type === MessageType.Heartbeat) {
    // A deposed leader (or one cut off while we moved on) learns our term from the reply and
    // steps down; with pre-vote or check-quorum it might otherwise never hear of it.
    if (s.config.preVote || s.config.checkQuorum) {
      s.sendAppendResponse(m.from, false, 0, null);
    }
    return;
  }
  if (m.type === MessageType.PreVote) {
    s.send({ type: MessageType.PreVoteResponse, from: s.id, to: m.from, term: s.term, reject: true });
  }
}

/** followLeader: a leader of our term spoke, so a (pre-)candidate steps back (§5.2). */
function followLeader(s: RaftState, m: Message): void {
  if (s.role === Role.Leader) fail(`two leaders in term ${s.term}: ${s.id} and ${m.from}`);
  if (s.role !== Role.Follower) becomeFollower(s, s.term, m.from, FollowerReason.LeaderSeen);
  if (s.leader !== null && s.leader !== m.from) fail(`two leaders in term ${s.term}: ${s.leader} and ${m.from}`);
  s.leader = m.from;
  s.leaderKnownTerm = s.term;
  s.electionElapsedTicks = 0;
}

function dispatch(s: RaftState, m: Message): void {
  switch (m.type) {
    case MessageType.PreVote:
    case MessageType.Vote:
      onVoteRequest(s, m);
      return;
    case MessageType.PreVoteResponse:
    case MessageType.VoteResponse:
      onVoteResponse(s, m);
      return;
    case MessageType.Append:
      followLeader(s, m);
      onAppend(s, m);
      return;
    case MessageType.Heartbeat:
      followLeader(s, m);
      onHeartbeat(s, m);
      return;
    case MessageType.Snapshot:
      followLeader(s, m);
      onSnapshot(s, m);
      return;
    case MessageType.AppendResponse:
      if (s.role === Role.Leader) onAppendResponse(s, m);
      return;
    case MessageType.HeartbeatResponse:
      if (s.role === Role.Leader) onHeartbeatResponse(s, m);
      return;
    case MessageType.TimeoutNow:
      if (s.role === Role.Follower) hup(s, true);
      return;
    case MessageType.TermProbe:
      fail("a term probe is answered before the term checks");
    case MessageType.TermReport:
      // A newer term in it was adopted above; the driver counts the report.
      return;
    default:
      assertNever(m);
  }
}
