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

/** TraceEvent is one typed event; `node` and `term` say where and when. */
export type TraceEvent =
  | (EventBase & { readonly kind: typeof TraceEventKind.BecameFollower; readonly leader: NodeId | null; readonly reason: FollowerReason })
  | (EventBase & { readonly kind: typeof TraceEventKind.BecamePreCandidate })
  | (EventBase & { readonly kind: typeof TraceEventKind.BecameCandidate; readonly transfer: boolean })
  | (EventBase & { readonly kind: typeof TraceEventKind.BecameLeader; readonly termStartIndex: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.VoteCast; readonly candidate: NodeId })
  | (EventBase & { readonly kind: typeof TraceEventKind.CommitAdvanced; readonly from: LogIndex; readonly to: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.LogTruncated; readonly fromIndex: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.SnapshotSent; readonly to: NodeId; readonly index: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.SnapshotInstalled; readonly index: LogIndex; readonly snapshotTerm: Term })
  | (EventBase & { readonly kind: typeof TraceEventKind.SnapshotIgnored; readonly index: LogIndex; readonly commit: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.Compacted; readonly snapshotIndex: LogIndex; readonly compactedThrough: LogIndex })
  | (EventBase & { readonly kind: typeof TraceEventKind.TransferStarted; readonly target: NodeId })
  | (EventBase & { readonly kind: typeof TraceEventKind.TransferAborted; readonly target: NodeId; readonly reason: TransferAbortReason })
  | (EventBase & { readonly kind: typeof TraceEventKind.TransferCompleted; readonly target: NodeId })
  | (EventBase & { readonly kind: typeof TraceEventKind.ProposalRefused; readonly code: string; readonly message: string });
