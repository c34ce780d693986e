/**
 * Messages exchanged between Raft nodes: a discriminated union over MessageType.
 *
 * Every message is a plain object (Uint8Array payloads only inside entries) so any structured
 * codec can carry it. Snapshot messages carry metadata only; the driver moves the bytes.
 */
import type { Entry, LogIndex, NodeId, SnapshotMeta, Term } from "./types";

/** MessageType names each kind of message. */
export const MessageType = {
  PreVote: "preVote",
  PreVoteResponse: "preVoteResponse",
  Vote: "vote",
  VoteResponse: "voteResponse",
  Append: "append",
  AppendResponse: "appendResponse",
  Heartbeat: "heartbeat",
  HeartbeatResponse: "heartbeatResponse",
  Snapshot: "snapshot",
  TimeoutNow: "timeoutNow",
  TermProbe: "termProbe",
  TermReport: "termReport",
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** term of the sender; for PreVote it is the term the sender would campaign in. */
  readonly term: Term;
}

/** VoteRequest (PreVote or Vote) carries the candidate's last log position. */
export interface VoteRequest extends MessageBase {
  readonly type: typeof MessageType.PreVote | typeof MessageType.Vote;
  readonly lastIndex: LogIndex;
  readonly lastTerm: Term;
  /** transfer: sent on a leader's TimeoutNow; it overrides the leader lease. */
  readonly transfer: boolean;
}

/** VoteResponse (PreVoteResponse or VoteResponse) grants or rejects. */
export interface VoteResponse extends MessageBase {
  readonly type: typeof MessageType.PreVoteResponse | typeof MessageType.VoteResponse;
  readonly reject: boolean;
}

/** AppendMessage asks the follower to store `entries` after (prevIndex, prevTerm). */
export interface AppendMessage extends MessageBase {
  readonly type: typeof MessageType.Append;
  readonly prevIndex: LogIndex;
  readonly prevTerm: Term;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
}

/** RejectHint lets the leader find the divergence point in one round trip. */
export interface RejectHint {
  /** index: the follower's guess, at most its last index, where the logs may match. */
  readonly index: LogIndex;
  /** term: the follower's term at `index` (0 when it has no entry there). */
  readonly term: Term;
}

/** AppendResponse acknowledges (index = highest matching index) or rejects (index = rejected prevIndex). */
export interface AppendResponse extends MessageBase {
  readonly type: typeof MessageType.AppendResponse;
  readonly reject: boolean;
  readonly index: LogIndex;
  readonly rejectHint: RejectHint | null;
  /**
   * logLoss: present (always true, on a rejection) only on the notice of a follower told of a
   * commit beyond its log (index = that commit, rejectHint = its real last position): it lost
   * entries it acknowledged. It is the one rejection that may lower the leader's match; any
   * other rejection at or below the match is stale (overtaken by later acknowledgements).
   */
  readonly logLoss?: true;
}

/** Heartbeat asserts leadership and carries commit = min(leader commit, follower match). */
export interface HeartbeatMessage extends MessageBase {
  readonly type: typeof MessageType.Heartbeat;
  readonly commit: LogIndex;
}

/** HeartbeatResponse proves the follower is alive (check-quorum, probe resumption). */
export interface HeartbeatResponse extends MessageBase {
  readonly type: typeof MessageType.HeartbeatResponse;
}

/** SnapshotMessage offers the snapshot described by `meta`; the driver streams the data. */
export interface SnapshotMessage extends MessageBase {
  readonly type: typeof MessageType.Snapshot;
  readonly meta: SnapshotMeta;
}

/** TimeoutNow tells a caught-up follower to campaign at once (leadership transfer). */
export interface TimeoutNowMessage extends MessageBase {
  readonly type: typeof MessageType.TimeoutNow;
}

/**
 * TermProbe asks a peer for its term and commit index. A node sends it while repairing: a lost
 * data directory also lost the votes it cast and the entries it acknowledged. It changes nothing
 * at the receiver, whatever the terms.
 */
export interface TermProbeMessage extends MessageBase {
  readonly type: typeof MessageType.TermProbe;
}

/** TermReport answers a TermProbe with the sender's term (in `term`) and commit index. */
export interface TermReportMessage extends MessageBase {
  readonly type: typeof MessageType.TermReport;
  readonly commit: LogIndex;
}

/** isFromLeader: the messages only a leader sends, by which a node follows it (and acknowledges its entries). */
export function isFromLeader(m: Message): boolean {
  return m.type === MessageType.Append || m.type === MessageType.Heartbeat || m.type === MessageType.Snapshot;
}

/** Message is any message between Raft nodes. */
export type Message =
  | VoteRequest
  | VoteResponse
  | AppendMessage
  | AppendResponse
  | HeartbeatMessage
  | HeartbeatResponse
  | SnapshotMessage
  | TimeoutNowMessage
  | TermProbeMessage
  | TermReportMessage;
