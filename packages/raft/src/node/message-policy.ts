/**
 * Message policies of the node driver: small pure decisions about which messages to send early,
 * and which to refuse while repairing. (Repairing a follower that lost acknowledged entries is the
 * core's job: see onHeartbeat and onAppendRejected.)
 */
import { MessageType, type Message } from "../core/messages";

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
