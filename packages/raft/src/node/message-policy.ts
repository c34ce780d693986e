/**
 * Message policies of the node driver: small pure decisions about which messages to send early,
 * which to refuse while repairing, and how to recover from a follower's lost entries. They sit
 * beside the core (which is never changed by the driver) and only filter or add messages.
 */
import type { Logger } from "pino";
import { MessageType, type AppendResponse, type HeartbeatMessage, type Message } from "../core/messages";
import type { RaftCore } from "../core/raft";
import { Role } from "../core/state";
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
 * heartbeatBeyondLog: the leader sends commit = min(its commit, our match), so a commit above
 * our last index means the leader's match for us is stale: we lost entries we acknowledged
 * (wiped directory, or corruption truncated the log). The heartbeat is clamped to what we hold
 * (every entry we still hold is a prefix of what the leader matched, so committing it is safe),
 * and a rejection whose hint is our real last index tells the leader (see detectFollowerDataLoss).
 */
export function heartbeatBeyondLog(
  msg: HeartbeatMessage, lastIndex: LogIndex,
): { heartbeat: HeartbeatMessage; notice: AppendResponse | null } {
  if (msg.commit <= lastIndex) return { heartbeat: msg, notice: null };
  const notice: AppendResponse = {
    type: MessageType.AppendResponse, from: msg.to, to: msg.from, term: msg.term,
    reject: true, index: msg.commit, rejectHint: { index: lastIndex, term: 0 },
  };
  return { heartbeat: { ...msg, commit: lastIndex }, notice };
}

/**
 * detectFollowerDataLoss: a follower that rejects with a hint below the match it once
 * acknowledged has lost durable entries (wiped or truncated after corruption). The core never
 * lowers a match, so this leader would keep probing above the follower's log forever. Handing
 * leadership to a caught-up peer resets every progress: the new leader probes from scratch and
 * repairs the follower from its log or a snapshot.
 */
export function detectFollowerDataLoss(core: RaftCore, msg: AppendResponse, logger: Logger): void {
  const st = core.status();
  const match = st.progress[msg.from]?.match ?? 0;
  if (st.role !== Role.Leader || msg.term !== st.term || msg.rejectHint === null || msg.rejectHint.index >= match) return;
  if (st.transferTarget !== null) return;
  const target = Object.entries(st.progress)
    .filter(([peer]) => peer !== st.id && peer !== msg.from)
    .sort((a, b) => b[1].match - a[1].match)[0];
  logger.warn({ peer: msg.from, match, hint: msg.rejectHint.index, transferTo: target?.[0] ?? null },
    "raft node: follower lost acknowledged entries; handing over leadership so it can be repaired");
  if (target !== undefined) core.transferLeadership(target[0]);
}
