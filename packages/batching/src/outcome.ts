/**
 * What one publish produces, for the server to act on: replies to send now, advisories to
 * publish, and at most one proposal (already handed to Raft through the injected `propose`).
 */
import type { BatchOp, JetStreamApiError, MsgOp } from "@flotilla/stream";
import type { OutboundMessage } from "./replies";

/** InboundMessage is one client publish routed to a stream this node leads. */
export interface InboundMessage {
  readonly subject: string;
  /** reply subject; undefined or "" means the client expects no answer. */
  readonly reply?: string;
  readonly headers: Uint8Array | null;
  readonly data: Uint8Array;
}

/** ProposalInfo describes one proposal to the code that hands it to Raft. */
export interface ProposalInfo {
  readonly stream: string;
  readonly kind: "msg" | "batch";
  /** firstSeq..lastSeq are the stream sequences the entry will store. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
  readonly batchId?: string;
  /** reply is where the PubAck goes once the entry is applied (absent: nobody to answer). */
  readonly reply?: string;
}

/** Proposal is one encoded `msg` or `batch` op plus its description. */
export interface Proposal extends ProposalInfo {
  readonly bytes: Uint8Array;
  readonly op: MsgOp | BatchOp;
}

/**
 * ProposeFn hands an encoded entry to Raft, synchronously: true when the leader's log accepted
 * it under the term the checks ran in, false when it was refused (not leader, term changed,
 * overrun). Commit and apply are reported later through `BatchingLeader.onApplied`.
 */
export type ProposeFn = (bytes: Uint8Array, info: ProposalInfo) => boolean;

/** PublishStatus says what happened to one inbound message. */
export const PublishStatus = {
  /** Dropped: not for this leader (unknown stream); nothing is sent. */
  Dropped: "dropped",
  /** Rejected: answered with an error (if there is a reply subject). */
  Rejected: "rejected",
  /** Staged: a non-commit batch message was accepted (empty ack if there is a reply). */
  Staged: "staged",
  /** Duplicate: a plain publish whose Nats-Msg-Id is already stored; answered with the old seq. */
  Duplicate: "duplicate",
  /** Proposed: Raft accepted the proposal; the PubAck follows on apply. */
  Proposed: "proposed",
  /** ProposeRefused: Raft refused the proposal; nothing is sent and the client times out. */
  ProposeRefused: "propose-refused",
} as const;
export type PublishStatus = (typeof PublishStatus)[keyof typeof PublishStatus];

/** PublishOutcome is everything one `publish` call produced. */
export interface PublishOutcome {
  readonly status: PublishStatus;
  readonly replies: OutboundMessage[];
  readonly advisories: OutboundMessage[];
  readonly proposal?: Proposal;
  readonly error?: JetStreamApiError;
}
