/**
 * Expected refusals of a proposal. Each is a typed error callers may branch on; none of them
 * leaves any trace in the log. Broken invariants are AssertionErrors instead (see assert.ts).
 */
import type { Bytes, NodeId, Term } from "./types";

/** ProposalErrorCode names each refusal; `retryable` says whether retrying later can succeed. */
export const ProposalErrorCode = {
  NotLeader: "not_leader",
  TermMismatch: "term_mismatch",
  LeaderTransferInProgress: "leader_transfer_in_progress",
  ProposalTooLarge: "proposal_too_large",
  UncommittedLimit: "uncommitted_limit",
} as const;
export type ProposalErrorCode = (typeof ProposalErrorCode)[keyof typeof ProposalErrorCode];

/** ProposalError is the base of every expected proposal refusal. */
export abstract class ProposalError extends Error {
  abstract readonly code: ProposalErrorCode;
  /** retryable: the same proposal may succeed later on this or another node. */
  abstract readonly retryable: boolean;
}

/** NotLeaderError: this node is not the leader; `leaderHint` is the leader it knows, if any. */
export class NotLeaderError extends ProposalError {
  override readonly name = "NotLeaderError";
  readonly code = ProposalErrorCode.NotLeader;
  readonly retryable = true;
  constructor(readonly leaderHint: NodeId | null) {
    super(`not the leader (leader hint: ${leaderHint ?? "none"})`);
  }
}

/** TermMismatchError: the proposal was fenced to a term that is not the current term. */
export class TermMismatchError extends ProposalError {
  override readonly name = "TermMismatchError";
  readonly code = ProposalErrorCode.TermMismatch;
  readonly retryable = false;
  constructor(
    readonly proposalTerm: Term,
    readonly currentTerm: Term,
  ) {
    super(`proposal fenced to term ${proposalTerm} but the current term is ${currentTerm}`);
  }
}

/** LeaderTransferInProgressError: the leader is handing over leadership and accepts nothing. */
export class LeaderTransferInProgressError extends ProposalError {
  override readonly name = "LeaderTransferInProgressError";
  readonly code = ProposalErrorCode.LeaderTransferInProgress;
  readonly retryable = true;
  constructor(readonly transferTarget: NodeId) {
    super(`leadership transfer to ${transferTarget} in progress`);
  }
}

/** ProposalTooLargeError: one proposal is one entry, and this one exceeds entryBytesMax. */
export class ProposalTooLargeError extends ProposalError {
  override readonly name = "ProposalTooLargeError";
  readonly code = ProposalErrorCode.ProposalTooLarge;
  readonly retryable = false;
  constructor(
    readonly proposalBytes: Bytes,
    readonly entryBytesMax: Bytes,
  ) {
    super(`proposal of ${proposalBytes} bytes exceeds entryBytesMax of ${entryBytesMax} bytes`);
  }
}

/** UncommittedLimitError: too much is proposed but not yet committed; retry after commits. */
export class UncommittedLimitError extends ProposalError {
  override readonly name = "UncommittedLimitError";
  readonly code = ProposalErrorCode.UncommittedLimit;
  readonly retryable = true;
  constructor(
    readonly uncommittedEntries: number,
    readonly uncommittedBytes: Bytes,
    readonly limitName: "uncommittedEntriesMax" | "uncommittedBytesMax",
    readonly limit: number,
  ) {
    super(
      `uncommitted limit reached: ${uncommittedEntries} entries / ${uncommittedBytes} bytes ` +
        `uncommitted, ${limitName}=${limit}; retry once entries commit`,
    );
  }
}

/** InvalidTransferTargetError: transferLeadership was asked for a node that is not a voter. */
export class InvalidTransferTargetError extends Error {
  override readonly name = "InvalidTransferTargetError";
  constructor(readonly target: NodeId) {
    super(`leadership transfer target ${JSON.stringify(target)} is not a voter of this group`);
  }
}
