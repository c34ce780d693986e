/**
 * Message policies of the node driver: small pure decisions about which messages to send early,
 * and which to refuse while repairing or while the log is empty (repair-gate.ts combines them).
 * (Repairing a follower that lost acknowledged entries is the core's job: see onHeartbeat and
 * onAppendRejected.)
 */
import { MessageType, type Message } from "../core/messages";
import type { LogIndex } from "../core/types";

/**
 * isLeaderReplication: appends and heartbeats, which a leader may send before its own fsync
 * (Ongaro's thesis §10.2.1): its term and vote were durable before it could win, followers sync
 * before they acknowledge, and the core counts the leader's own log only after advance().
 */
export function isLeaderReplication(msg: Message): boolean {
  return msg.type === MessageType.Append || msg.type === MessageType.Heartbeat;
}

/** refusedWhileRepairing: messages a node in repair mode drops, so it never helps elect anyone. */
export function refusedWhileRepairing(msg: Message): boolean {
  return msg.type === MessageType.PreVote || msg.type === MessageType.Vote || msg.type === MessageType.TimeoutNow;
}

/**
 * refusedWhileBlank: vote requests a node with an empty log drops when the candidate's log is not
 * empty. An empty log is also what a wiped or lost data directory looks like, and such a node may
 * have acknowledged entries and cast votes it no longer remembers. Every log is at least as up to
 * date as an empty one, so granting on the log check alone could help elect a leader that lacks
 * entries this node helped commit. Candidates with empty logs mean a cluster still bootstrapping,
 * where every node may vote. The cost: a node that missed the bootstrap helps elect no leader
 * until a leader has sent it entries.
 */
export function refusedWhileBlank(msg: Message, lastIndex: LogIndex): boolean {
  return lastIndex === 0 && (msg.type === MessageType.PreVote || msg.type === MessageType.Vote) && msg.lastIndex > 0;
}

/**
 * joinRepairTarget: the repair target an empty log takes from a leader's message, or 0. An empty
 * log may be a wiped one that acknowledged entries up to the leader's commit; until it holds them
 * again it must not vote with a log that lacks them (refusedWhileBlank covers the time before
 * this first message, repair mode the time after it). An Append carries the leader's commit, a
 * heartbeat the commit up to what the leader believes this node holds (above 0 only if it once
 * held entries), a snapshot the index it covers.
 */
export function joinRepairTarget(msg: Message, lastIndex: LogIndex, repairTarget: LogIndex): LogIndex {
  if (lastIndex !== 0 || repairTarget !== 0) return 0;
  if (msg.type === MessageType.Append || msg.type === MessageType.Heartbeat) return msg.commit;
  if (msg.type === MessageType.Snapshot) return msg.meta.index;
  return 0;
}
