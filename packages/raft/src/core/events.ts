/**
 * Trace events the core emits in Ready.events: one source of truth for "what happened",
 * consumed by tests, the simulator's checkers and the driver's logs.
 */
import type { LogIndex, NodeId, Term } from "./types";

/** TraceEventKind names each event. */
export const TraceEventKind = {
  BecameFollower: "becameFollower",
  BecamePreCandidate: "becamePreCandidate",
  BecameCandidate: "becameCandidate",
  BecameLeader: "becameLeader",
  VoteCast: "voteCast",
  CommitAdvanced: "commitAdvanced",
  LogTruncated: "logTruncated",
  SnapshotSent: "snapshotSent",
  SnapshotInstalled: "snapshotInstalled",
  SnapshotIgnored: "snapshotIgnored",
  Compacted: "compacted",
  TransferStarted: "transferStarted",
  TransferAborted: "transferAborted",
  TransferCompleted: "transferCompleted",
  ProposalRefused: "proposalRefused",
  LogLossDetected: "logLossDetected",
  MatchReset: "matchReset",
} as const;
export type TraceEventKind = (typeof TraceEventKind)[keyof typeof TraceEventKind];

/** FollowerReason says why a node became (or stayed) a follower. */
export const FollowerReason = {
  Start: "start",
  HigherTerm: "higherTerm",
  LeaderSeen: "leaderSeen",
  ElectionLost: "electionLost",
  QuorumLost: "quorumLost",
} as const;
export type FollowerReason = (typeof FollowerReason)[keyof typeof FollowerReason];

/** TransferAbortReason says why a leadership transfer ended without success. */
export const TransferAbortReason = {
  Timeout: "timeout",
  LostLeadership: "lostLeadership",
  Superseded: "superseded",
} as const;
export type TransferAbortReason = (typeof TransferAbortReason)[keyof typeof TransferAbortReason];

interface EventBase {
  readonly node: NodeId;
  readonly term: Term;
}

type K = typeof TraceEventKind;

/** BecameFollowerEvent: `leader` is the leader followed, when known. */
export interface BecameFollowerEvent extends EventBase {
  readonly kind: K["BecameFollower"];
  readonly leader: NodeId | null;
  readonly reason: FollowerReason;
}
/** BecamePreCandidateEvent: the node started a pre-vote round (term unchanged). */
export interface BecamePreCandidateEvent extends EventBase {
  readonly kind: K["BecamePreCandidate"];
}
/** BecameCandidateEvent: the node started an election; `transfer` when prompted by TimeoutNow. */
export interface BecameCandidateEvent extends EventBase {
  readonly kind: K["BecameCandidate"];
  readonly transfer: boolean;
}
/** BecameLeaderEvent: the node won the election; `termStartIndex` is its no-op. */
export interface BecameLeaderEvent extends EventBase {
  readonly kind: K["BecameLeader"];
  readonly termStartIndex: LogIndex;
}
/** VoteCastEvent: the node voted for `candidate` in `term` (itself included). */
export interface VoteCastEvent extends EventBase {
  readonly kind: K["VoteCast"];
  readonly candidate: NodeId;
}
/** CommitAdvancedEvent: the commit index moved from `from` to `to`. */
export interface CommitAdvancedEvent extends EventBase {
  readonly kind: K["CommitAdvanced"];
  readonly from: LogIndex;
  readonly to: LogIndex;
}
/** LogTruncatedEvent: uncommitted entries from `fromIndex` on were replaced by the leader's. */
export interface LogTruncatedEvent extends EventBase {
  readonly kind: K["LogTruncated"];
  readonly fromIndex: LogIndex;
}
/** SnapshotSentEvent: the leader offered its snapshot at `index` to `to`. */
export interface SnapshotSentEvent extends EventBase {
  readonly kind: K["SnapshotSent"];
  readonly to: NodeId;
  readonly index: LogIndex;
}
/** SnapshotInstalledEvent: the node reset its log to the leader's snapshot at `index`. */
export interface SnapshotInstalledEvent extends EventBase {
  readonly kind: K["SnapshotInstalled"];
  readonly index: LogIndex;
  readonly snapshotTerm: Term;
}
/** SnapshotIgnoredEvent: a snapshot at or below the commit index was ignored. */
export interface SnapshotIgnoredEvent extends EventBase {
  readonly kind: K["SnapshotIgnored"];
  readonly index: LogIndex;
  readonly commit: LogIndex;
}
/** CompactedEvent: the log was compacted after the user's snapshot at `snapshotIndex`. */
export interface CompactedEvent extends EventBase {
  readonly kind: K["Compacted"];
  readonly snapshotIndex: LogIndex;
  readonly compactedThrough: LogIndex;
}
/** TransferStartedEvent: the leader began handing leadership to `target`. */
export interface TransferStartedEvent extends EventBase {
  readonly kind: K["TransferStarted"];
  readonly target: NodeId;
}
/** TransferAbortedEvent: the leadership transfer to `target` ended without success. */
export interface TransferAbortedEvent extends EventBase {
  readonly kind: K["TransferAborted"];
  readonly target: NodeId;
  readonly reason: TransferAbortReason;
}
/** TransferCompletedEvent: the leader stepped down for `target`, which campaigned in a newer term. */
export interface TransferCompletedEvent extends EventBase {
  readonly kind: K["TransferCompleted"];
  readonly target: NodeId;
}
/** ProposalRefusedEvent: `code` is the ProposalErrorCode, `message` the error's text. */
export interface ProposalRefusedEvent extends EventBase {
  readonly kind: K["ProposalRefused"];
  readonly code: string;
  readonly message: string;
}

/** LogLossDetectedEvent: a follower was told of a commit beyond its log: it lost acknowledged entries. */
export interface LogLossDetectedEvent extends EventBase {
  readonly kind: K["LogLossDetected"];
  readonly lastIndex: LogIndex;
  readonly leaderCommit: LogIndex;
}
/** MatchResetEvent: the leader lowered a follower's match after that follower's loss notice (`logLoss`). */
export interface MatchResetEvent extends EventBase {
  readonly kind: K["MatchReset"];
  readonly peer: NodeId;
  readonly from: LogIndex;
  readonly to: LogIndex;
}

/** TraceEvent is one typed event; `node` and `term` say where and when. */
export type TraceEvent =
  | BecameFollowerEvent
  | BecamePreCandidateEvent
  | BecameCandidateEvent
  | BecameLeaderEvent
  | VoteCastEvent
  | CommitAdvancedEvent
  | LogTruncatedEvent
  | SnapshotSentEvent
  | SnapshotInstalledEvent
  | SnapshotIgnoredEvent
  | CompactedEvent
  | TransferStartedEvent
  | TransferAbortedEvent
  | TransferCompletedEvent
  | ProposalRefusedEvent
  | LogLossDetectedEvent
  | MatchResetEvent;
