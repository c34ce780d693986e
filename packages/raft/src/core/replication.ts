/**
 * Log replication (§5.3): the leader's appends and heartbeats, the follower's handling of
 * them, and the leader's commit rule (§5.4.2: count replicas only for current-term entries).
 */
import { assert, fail } from "../assert";
import { committedIndexOf } from "../quorum/majority";
import { ProgressState, type Progress } from "../tracker/progress";
import { TraceEventKind } from "./events";
import {
  MessageType,
  type AppendMessage,
  type AppendResponse,
  type HeartbeatMessage,
  type HeartbeatResponse,
} from "./messages";
import { sendSnapshot } from "./snapshot";
import { Role, type RaftState } from "./state";
import { maybeSendTimeoutNow } from "./transfer";
import type { Entry, LogIndex, NodeId } from "./types";

/** commitTo raises the commit index and records the event. */
export function commitTo(s: RaftState, index: LogIndex): void {
  const from = s.log.committed;
  if (s.log.commitTo(index)) s.emit({ kind: TraceEventKind.CommitAdvanced, from, to: index });
}

/**
 * maybeCommit advances the leader's commit to the highest index a majority stores — but only
 * when that entry is from the current term (figure 8): older entries commit through it.
 */
export function maybeCommit(s: RaftState): void {
  assert(s.role === Role.Leader, "only the leader counts replicas");
  const matches = s.matchScratch;
  for (let i = 0; i < s.peers.length; i++) matches[i] = s.progressOf(s.peers[i]!).match;
  const index = committedIndexOf(matches, s.quorum);
  if (index <= s.log.committed || s.log.term(index) !== s.term) return;
  const before = s.log.committed;
  s.uncommittedBytes -= s.log.payloadBytes(before + 1, index + 1);
  assert(s.uncommittedBytes >= 0, "uncommitted bytes never go negative");
  commitTo(s, index);
  s.commitBroadcastPending = true;
  s.appendsPending = true;
}

/**
 * sendAppend sends the next batch of entries to `to` if flow control allows; when the entries
 * it needs are compacted it sends the snapshot instead. Returns whether a message went out.
 */
export function sendAppend(s: RaftState, to: NodeId, sendIfEmpty: boolean): boolean {
  const progress = s.progressOf(to);
  if (progress.isPaused()) return false;
  const lastIndex = s.log.lastIndex();
  if (progress.next > lastIndex && !sendIfEmpty) return false;
  const prevIndex = progress.next - 1;
  const prevTerm = s.log.term(prevIndex);
  if (prevTerm === null || progress.next < s.log.firstIndex()) {
    sendSnapshot(s, to, progress);
    return true;
  }
  const entries: Entry[] =
    progress.next <= lastIndex ? s.log.slice(progress.next, lastIndex + 1, s.config.appendBytesMax) : [];
  s.send({
    type: MessageType.Append,
    from: s.id,
    to,
    term: s.term,
    prevIndex,
    prevTerm,
    entries,
    commit: s.log.committed,
  });
  progress.sentAppend(entries.length, prevIndex + entries.length);
  return true;
}

/**
 * flushAppends sends what each follower's flow control admits; called when a Ready is built,
 * so proposals made while the driver was busy leave together (group commit).
 */
export function flushAppends(s: RaftState): void {
  assert(s.role === Role.Leader, "only the leader sends appends");
  for (const peer of s.otherPeers()) {
    let sent = false;
    // Bounded by the inflight window: each send fills one slot or pauses a probe.
    for (let round = 0; round <= s.config.inflightAppendsMax; round++) {
      if (!sendAppend(s, peer, false)) break;
      sent = true;
    }
    if (!sent && s.commitBroadcastPending) sendAppend(s, peer, true);
  }
  s.appendsPending = false;
  s.commitBroadcastPending = false;
}

/** sendHeartbeat tells `to` the leader is alive, with the commit index it can safely use. */
export function sendHeartbeat(s: RaftState, to: NodeId): void {
  const commit = Math.min(s.progressOf(to).match, s.log.committed);
  s.send({ type: MessageType.Heartbeat, from: s.id, to, term: s.term, commit });
}

/** onAppend: the follower's consistency check, conflict truncation and commit (§5.3). */
export function onAppend(s: RaftState, m: AppendMessage): void {
  assert(s.role === Role.Follower, "appends are handled as follower");
  if (m.prevIndex < s.log.committed) {
    // Everything up to our commit is settled; tell the leader where we are.
    s.sendAppendResponse(m.from, false, s.log.committed, null);
    return;
  }
  if (!s.log.matchTerm(m.prevIndex, m.prevTerm)) {
    const hint = s.log.findConflictByTerm(Math.min(m.prevIndex, s.log.lastIndex()), m.prevTerm);
    s.sendAppendResponse(m.from, true, m.prevIndex, hint);
    return;
  }
  const lastNewIndex = m.prevIndex + m.entries.length;
  const conflictIndex = s.log.findConflict(m.entries);
  if (conflictIndex !== 0) {
    if (conflictIndex <= s.log.committed) fail(`entry ${conflictIndex} conflicts with committed entries`);
    const first = m.entries[0];
    assert(first !== undefined, "a conflict implies entries");
    // Usually every entry is new (offset 0): append the message's array without copying it.
    const offset = conflictIndex - first.index;
    const truncatedFrom = s.log.appendAt(offset === 0 ? m.entries : m.entries.slice(offset));
    if (truncatedFrom !== null) {
      s.handoff.onTruncate(truncatedFrom);
      s.emit({ kind: TraceEventKind.LogTruncated, fromIndex: truncatedFrom });
    }
  }
  commitTo(s, Math.min(m.commit, lastNewIndex));
  s.sendAppendResponse(m.from, false, lastNewIndex, null);
}

/** onHeartbeat: the follower learns the commit index and answers to keep the leader's lease. */
export function onHeartbeat(s: RaftState, m: HeartbeatMessage): void {
  assert(s.role === Role.Follower, "heartbeats are handled as follower");
  const lastIndex = s.log.lastIndex();
  if (m.commit > lastIndex) {
    // The leader sends min(commit, our match), so we once acknowledged entries we no longer
    // hold (wiped or truncated storage). What we still hold is a prefix of what matched, so
    // it is committed; the rejection's hint tells the leader where our log really ends.
    s.emit({ kind: TraceEventKind.LogLossDetected, lastIndex, leaderCommit: m.commit });
    commitTo(s, lastIndex);
    const rejectHint = { index: lastIndex, term: s.log.lastTerm() };
    s.send({ type: MessageType.AppendResponse, from: s.id, to: m.from, term: s.term, reject: true, index: m.commit, rejectHint, logLoss: true });
    return;
  }
  commitTo(s, m.commit);
  s.send({ type: MessageType.HeartbeatResponse, from: s.id, to: m.from, term: s.term });
}

/** onAppendResponse: the leader updates flow control, backtracks on rejects, and commits. */
export function onAppendResponse(s: RaftState, m: AppendResponse): void {
  const progress = s.progressOf(m.from);
  progress.recentActive = true;
  if (m.reject) {
    onAppendRejected(s, progress, m);
    return;
  }
  const wasPaused = progress.isPaused();
  if (!progress.maybeUpdate(m.index)) {
    if (wasPaused && !progress.isPaused()) s.appendsPending = true;
    return;
  }
  switch (progress.state) {
    case ProgressState.Probe:
      progress.becomeReplicate();
      break;
    case ProgressState.Snapshot:
      if (progress.match + 1 >= s.log.firstIndex()) {
        progress.becomeProbe();
        progress.becomeReplicate();
      }
      break;
    case ProgressState.Replicate:
      progress.inflights.freeLE(m.index);
      break;
  }
  maybeCommit(s);
  // Only entries not yet sent give this acknowledgement something to flush (a commit it advanced
  // has flagged its own broadcast); otherwise the driver would run a Ready with nothing in it.
  if (progress.next <= s.log.lastIndex()) s.appendsPending = true;
  maybeSendTimeoutNow(s, m.from);
}

/**
 * onAppendRejected backtracks after a rejection. Only an explicit loss notice (`logLoss`) may
 * lower the match: any other rejection of an index at or below the match was overtaken by a
 * later acknowledgement (reordered or replayed), so it is stale and ignored.
 */
function onAppendRejected(s: RaftState, progress: Progress, m: AppendResponse): void {
  if (m.logLoss === true) {
    onLogLossNotice(s, progress, m);
    return;
  }
  if (m.index <= progress.match) return;
  // The hint names the follower's last position whose term is <= the rejected prevTerm; the
  // leader skips every index above its own match for that term in one step (etcd's scheme).
  let probeIndex = m.rejectHint?.index ?? m.index - 1;
  const hintTerm = m.rejectHint?.term ?? 0;
  if (hintTerm > 0 && probeIndex <= s.log.lastIndex() && probeIndex >= s.log.firstIndex() - 1) {
    probeIndex = s.log.findConflictByTerm(probeIndex, hintTerm).index;
  }
  if (!progress.maybeDecrTo(m.index, probeIndex)) return;
  if (progress.state === ProgressState.Replicate) progress.becomeProbe();
  s.appendsPending = true;
}

/**
 * onLogLossNotice: the follower lost acknowledged entries; its hint is where its log really
 * ends. Lowering the match only under-counts replicas, so it never makes anything commit. A
 * notice whose hint is not below the match (the follower was repaired since) changes nothing.
 */
function onLogLossNotice(s: RaftState, progress: Progress, m: AppendResponse): void {
  assert(m.rejectHint !== null, "a loss notice names the follower's last position");
  if (m.rejectHint.index >= progress.match) return;
  s.emit({ kind: TraceEventKind.MatchReset, peer: m.from, from: progress.match, to: m.rejectHint.index });
  progress.resetMatch(m.rejectHint.index);
  s.appendsPending = true;
}

/** onHeartbeatResponse: the follower is alive; resume a paused probe and keep it caught up. */
export function onHeartbeatResponse(s: RaftState, m: HeartbeatResponse): void {
  const progress = s.progressOf(m.from);
  progress.recentActive = true;
  progress.probeSent = false;
  if (progress.state === ProgressState.Replicate && progress.inflights.full()) {
    progress.inflights.freeFirstOne();
  }
  // An append (empty if nothing new is due) makes a follower whose appends were lost reject,
  // which sends it back to probing from its real match.
  if (progress.match < s.log.lastIndex()) sendAppend(s, m.from, true);
}

/** broadcastHeartbeat sends a heartbeat to every follower. */
export function broadcastHeartbeat(s: RaftState): void {
  for (const peer of s.otherPeers()) sendHeartbeat(s, peer);
}
